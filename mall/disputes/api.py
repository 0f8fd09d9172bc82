"""纠纷化解 (MALL-9): the dispute desk's API. Opening, responding and evidence are multipart forms
(text fields and PDF/PNG/JPEG files); the rest is JSON."""

from __future__ import annotations

from typing import Any

from flask import request
from flask_smorest import Blueprint

from core.accounts.auth import Actor, require_actor
from core.api import PageArgs, page_of, paginate
from core.db import db
from core.downloads import send_upload
from mall.disputes import casefile, service
from mall.disputes.models import Dispute
from mall.disputes.schemas import (
    AnswerSchema,
    DisputeDetailSchema,
    DisputeSchema,
    EvidenceFormSchema,
    EvidenceRequestSchema,
    ListArgs,
    OpenSchema,
    ProposalSchema,
    ReassignSchema,
    RulingPreviewSchema,
    RulingSchema,
    StatementSchema,
    WithdrawSchema,
)

blp = Blueprint(
    "disputes", __name__, url_prefix="/api/disputes", description="纠纷化解 Disputes (MALL-9)"
)


class ListQuery(ListArgs, PageArgs):
    pass


MULTIPART = "multipart/form-data"


def _uploads() -> list[service.Upload]:
    """The evidence files sent; a file field left empty (a browser sends it with no name) is
    none."""
    return [
        service.Upload(f.filename, f.read()) for f in request.files.getlist("files") if f.filename
    ]


def _detail(dispute: Dispute, role: str, actor: Actor) -> dict[str, Any]:
    session = db.session
    return {
        **casefile.detail(session, dispute),
        "role": role,
        "actions": service.allowed_actions(session, actor, dispute, role),
        "handlers": service.handlers_of(session, dispute) if role in ("handler", "office") else [],
        "case_file": casefile.case_file(session, dispute),
    }


def _after(dispute_id: int) -> dict[str, Any]:
    actor = require_actor()
    dispute, role = service.get_dispute(db.session, actor, dispute_id)
    return _detail(dispute, role, actor)


@blp.route("", methods=["GET"])
@blp.arguments(ListQuery, location="query")
@blp.response(200, page_of(DisputeSchema, "DisputePage"))
def list_disputes(args: dict[str, Any]):  # type: ignore[no-untyped-def]
    """A party's disputes; a handler's or supervisor's region's (``queue``: the handler's own open
    cases, escalated first, then by the next deadline)."""
    page = paginate(db.session, service.disputes_query(require_actor(), args), args)
    page["items"] = [casefile.summary(db.session, d) for d in page["items"]]
    return page


@blp.route("", methods=["POST"])
@blp.arguments(OpenSchema, location="form", content_type=MULTIPART)
@blp.response(201, DisputeDetailSchema)
def open_dispute(args: dict[str, Any]):  # type: ignore[no-untyped-def]
    """申请: a party of an order (from its confirmation on) opens a dispute with a reason, a
    statement and evidence files; the order's payment is held until the dispute is resolved."""
    actor = require_actor()
    dispute = service.open_dispute(db.session, actor, args)
    files = _uploads()
    if files:
        service.add_evidence(db.session, actor, dispute.id, None, files)
    return _after(dispute.id)


@blp.route("/<int:dispute_id>")
@blp.response(200, DisputeDetailSchema)
def get_dispute(dispute_id: int):  # type: ignore[no-untyped-def]
    """The dispute with its record, the case file and what the viewer may do now."""
    return _after(dispute_id)


@blp.route("/<int:dispute_id>/response", methods=["POST"])
@blp.arguments(StatementSchema, location="form", content_type=MULTIPART)
@blp.response(200, DisputeDetailSchema)
def respond(args: dict[str, Any], dispute_id: int):  # type: ignore[no-untyped-def]
    """答辩: the other party's statement and evidence, within the response deadline."""
    service.respond(db.session, require_actor(), dispute_id, args["statement"], _uploads())
    return _after(dispute_id)


@blp.route("/<int:dispute_id>/evidence", methods=["POST"])
@blp.arguments(EvidenceFormSchema, location="form", content_type=MULTIPART)
@blp.response(200, DisputeDetailSchema)
def add_evidence(args: dict[str, Any], dispute_id: int):  # type: ignore[no-untyped-def]
    """补充证据: a party adds files and a note while the dispute is handled."""
    service.add_evidence(db.session, require_actor(), dispute_id, args["note"], _uploads())
    return _after(dispute_id)


@blp.route("/<int:dispute_id>/evidence/<int:file_id>")
@blp.response(200, content_type="application/octet-stream")
def evidence_file(dispute_id: int, file_id: int):  # type: ignore[no-untyped-def]
    """Download an evidence file (the parties, the office, supervisors of the region)."""
    row, path = service.evidence_file(db.session, require_actor(), dispute_id, file_id)
    return send_upload(path.parent, path.name, row.content_type, row.original_name)


@blp.route("/<int:dispute_id>/evidence-requests", methods=["POST"])
@blp.arguments(EvidenceRequestSchema)
@blp.response(200, DisputeDetailSchema)
def request_evidence(args: dict[str, Any], dispute_id: int):  # type: ignore[no-untyped-def]
    """要求补充证据: the handler asks a party for evidence by a deadline in working days."""
    service.request_evidence(
        db.session, require_actor(), dispute_id, args["party"], args["note"], args["days"]
    )
    return _after(dispute_id)


@blp.route("/<int:dispute_id>/proposals", methods=["POST"])
@blp.arguments(ProposalSchema)
@blp.response(200, DisputeDetailSchema)
def propose(args: dict[str, Any], dispute_id: int):  # type: ignore[no-untyped-def]
    """调解方案: the handler proposes terms; both parties accepting settles the dispute."""
    service.propose(db.session, require_actor(), dispute_id, args)
    return _after(dispute_id)


@blp.route("/<int:dispute_id>/proposal-answer", methods=["POST"])
@blp.arguments(AnswerSchema)
@blp.response(200, DisputeDetailSchema)
def answer(args: dict[str, Any], dispute_id: int):  # type: ignore[no-untyped-def]
    """A party accepts or declines (with a reason) the pending proposal."""
    service.answer_proposal(db.session, require_actor(), dispute_id, args["accept"], args["reason"])
    db.finish_unit()
    service.carry_out_refunds(dispute_id)
    return _after(dispute_id)


@blp.route("/<int:dispute_id>/ruling/preview", methods=["POST"])
@blp.arguments(RulingSchema)
@blp.response(200, RulingPreviewSchema)
def preview_ruling(args: dict[str, Any], dispute_id: int):  # type: ignore[no-untyped-def]
    """裁决预览: what the draft ruling would do (losing party, refund, re-opening, credit penalty,
    suspension, archiving) without doing it. The assigned handler only; a draft the ruling
    would refuse is refused here the same way."""
    return service.preview_ruling(db.session, require_actor(), dispute_id, args)


@blp.route("/<int:dispute_id>/ruling", methods=["POST"])
@blp.arguments(RulingSchema)
@blp.response(200, DisputeDetailSchema)
def rule(args: dict[str, Any], dispute_id: int):  # type: ignore[no-untyped-def]
    """裁决: the assigned handler rules with written reasons and the effects on the losing party
    (refund through the payment gateway, re-opening for replacement, credit penalty,
    suspension); the system carries them out and archives the dispute."""
    service.rule(db.session, require_actor(), dispute_id, args)
    db.finish_unit()
    service.carry_out_refunds(dispute_id)
    return _after(dispute_id)


@blp.route("/<int:dispute_id>/withdraw", methods=["POST"])
@blp.arguments(WithdrawSchema)
@blp.response(200, DisputeDetailSchema)
def withdraw(args: dict[str, Any], dispute_id: int):  # type: ignore[no-untyped-def]
    """撤回: the applicant withdraws the dispute before a decision."""
    service.withdraw(db.session, require_actor(), dispute_id, args["reason"])
    return _after(dispute_id)


@blp.route("/<int:dispute_id>/reassign", methods=["POST"])
@blp.arguments(ReassignSchema)
@blp.response(200, DisputeDetailSchema)
def reassign(args: dict[str, Any], dispute_id: int):  # type: ignore[no-untyped-def]
    """改派: the office's admin gives the case to another handler."""
    service.reassign(db.session, require_actor(), dispute_id, args["handler_id"])
    return _after(dispute_id)
