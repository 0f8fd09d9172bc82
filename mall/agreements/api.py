"""Framework agreements over HTTP (框架协议采购, MALL-8), stage one: a solicitor drafts and
publishes a solicitation, suppliers respond (sealed until the deadline), the solicitor opens,
evaluates, selects and publishes the result: the agreement and its entrants."""

from __future__ import annotations

from typing import Any

from flask import Response

from core.accounts.auth import require_actor
from core.api import paginate
from core.db import db
from mall.agreements import evaluation, queries, responses, result, signing, solicitation
from mall.agreements.access import get_solicitation
from mall.agreements.blueprint import blp
from mall.agreements.schemas import (
    AgreementPage,
    AgreementQuerySchema,
    AgreementSchema,
    EvaluateArgs,
    ResponseArgs,
    ResponseSchema,
    SigningSchema,
    SolicitationCreateSchema,
    SolicitationPage,
    SolicitationQuerySchema,
    SolicitationSchema,
)


@blp.route("/solicitations", methods=["POST"])
@blp.arguments(SolicitationCreateSchema)
@blp.response(201, SolicitationSchema)
def create(args: dict[str, Any]):  # type: ignore[no-untyped-def]
    """起草征集公告: an operator or a lead purchaser drafts a solicitation."""
    return solicitation.create_solicitation(db.session, require_actor(), args)


@blp.route("/solicitations", methods=["GET"])
@blp.arguments(SolicitationQuerySchema, location="query")
@blp.response(200, SolicitationPage)
def list_solicitations(args: dict[str, Any]):  # type: ignore[no-untyped-def]
    return paginate(db.session, queries.solicitations_query(require_actor(), args), args)


@blp.route("/solicitations/<int:solicitation_id>", methods=["GET"])
@blp.response(200, SolicitationSchema)
def get(solicitation_id: int):  # type: ignore[no-untyped-def]
    return get_solicitation(db.session, require_actor(), solicitation_id)


@blp.route("/solicitations/<int:solicitation_id>/publish", methods=["POST"])
@blp.response(200, SolicitationSchema)
def publish(solicitation_id: int):  # type: ignore[no-untyped-def]
    """发布征集公告: suppliers enrolled in its categories are told."""
    return solicitation.publish(db.session, require_actor(), solicitation_id)


@blp.route("/solicitations/<int:solicitation_id>/response", methods=["PUT"])
@blp.arguments(ResponseArgs)
@blp.response(200, ResponseSchema)
def respond(args: dict[str, Any], solicitation_id: int):  # type: ignore[no-untyped-def]
    """提交响应: before the deadline; replaces the supplier's earlier response. Sealed: only its
    hash goes on the ledger until the opening."""
    return responses.respond(db.session, require_actor(), solicitation_id, args)


@blp.route("/solicitations/<int:solicitation_id>/response", methods=["GET"])
@blp.response(200, ResponseSchema)
def own_response(solicitation_id: int):  # type: ignore[no-untyped-def]
    """The supplier's own response."""
    actor = require_actor()
    get_solicitation(db.session, actor, solicitation_id)
    return responses.own_response(db.session, actor, solicitation_id)


@blp.route("/solicitations/<int:solicitation_id>/responses", methods=["GET"])
@blp.response(200, ResponseSchema(many=True))
def list_responses(solicitation_id: int):  # type: ignore[no-untyped-def]
    """Every response, once opened (solicitor, operators, supervisors); sealed before."""
    actor = require_actor()
    found = get_solicitation(db.session, actor, solicitation_id)
    return queries.responses(db.session, actor, found)


@blp.route("/responses/<int:response_id>", methods=["GET"])
@blp.response(200, ResponseSchema)
def get_response(response_id: int):  # type: ignore[no-untyped-def]
    return queries.get_response(db.session, require_actor(), response_id)


@blp.route("/solicitations/<int:solicitation_id>/open", methods=["POST"])
@blp.response(200, SolicitationSchema)
def open_responses(solicitation_id: int):  # type: ignore[no-untyped-def]
    """开启响应: after the deadline; the contents go on the ledger."""
    return evaluation.open_responses(db.session, require_actor(), solicitation_id)


@blp.route("/solicitations/<int:solicitation_id>/evaluate", methods=["POST"])
@blp.arguments(EvaluateArgs)
@blp.response(200, ResponseSchema(many=True))
def evaluate(args: dict[str, Any], solicitation_id: int):  # type: ignore[no-untyped-def]
    """评审: price priority ranks by total; quality priority by the scores given."""
    return evaluation.evaluate(db.session, require_actor(), solicitation_id, args)


@blp.route("/solicitations/<int:solicitation_id>/select", methods=["POST"])
@blp.response(200, SolicitationSchema)
def select_entrants(solicitation_id: int):  # type: ignore[no-untyped-def]
    """确定入围: eliminate the lowest-ranked share (at least one)."""
    return evaluation.select_entrants(db.session, require_actor(), solicitation_id)


@blp.route("/solicitations/<int:solicitation_id>/result", methods=["POST"])
@blp.response(201, AgreementSchema)
def publish_result(solicitation_id: int):  # type: ignore[no-untyped-def]
    """公布入围结果: the agreement and its entrants."""
    return result.publish_result(db.session, require_actor(), solicitation_id)


@blp.route("", methods=["GET"])
@blp.arguments(AgreementQuerySchema, location="query")
@blp.response(200, AgreementPage)
def list_agreements(args: dict[str, Any]):  # type: ignore[no-untyped-def]
    return paginate(db.session, queries.agreements_query(require_actor(), args), args)


@blp.route("/<int:agreement_id>", methods=["GET"])
@blp.response(200, AgreementSchema)
def get_agreement(agreement_id: int):  # type: ignore[no-untyped-def]
    return queries.get_agreement(db.session, require_actor(), agreement_id)


@blp.route("/<int:agreement_id>/signatures", methods=["GET"])
@blp.response(200, SigningSchema)
def signatures(agreement_id: int):  # type: ignore[no-untyped-def]
    """The agreement's content and hash (here and on the ledger), and each party's signature and
    whether it verifies."""
    return signing.view(
        db.session, queries.get_agreement(db.session, require_actor(), agreement_id)
    )


@blp.route("/<int:agreement_id>/document", methods=["GET"])
@blp.response(200, content_type="application/json")
def document(agreement_id: int):  # type: ignore[no-untyped-def]
    """The exact signed bytes, for verifying the hash and signatures independently."""
    found = queries.get_agreement(db.session, require_actor(), agreement_id)
    return Response((found.content or "").encode("utf-8"), mimetype="application/json")


@blp.route("/<int:agreement_id>/sign", methods=["POST"])
@blp.response(200, SigningSchema)
def sign(agreement_id: int):  # type: ignore[no-untyped-def]
    """签署: sign for my organisation, the solicitor or an entrant. An entrant takes call-offs
    once both it and the solicitor signed."""
    actor = require_actor()
    found = queries.get_agreement(db.session, actor, agreement_id)
    return signing.view(db.session, signing.sign(db.session, actor, found))
