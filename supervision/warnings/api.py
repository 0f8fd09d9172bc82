"""Warnings API (SUP-2, SUP-6): the supervisor's desk, the list and its CSV export, one warning
with its evidence, the steps of its case, the rules; and the party's side — the explanations asked
of it and its answers."""

from __future__ import annotations

from typing import Any

from flask import Response
from flask_smorest import Blueprint

from core.accounts.auth import require_actor
from core.api import ErrorSchema, page_of, paginate
from core.db import db
from core.messages import requested_lang
from supervision.warnings import access, cases, engine, queries
from supervision.warnings.rules import RULES
from supervision.warnings.schemas import (
    CloseBody,
    ExplanationRequestBody,
    PartyRequestsSchema,
    RulesSchema,
    SummarySchema,
    TextBody,
    WarningFilterArgs,
    WarningListArgs,
    WarningRowSchema,
    WarningSchema,
)

blp = Blueprint(
    "warnings",
    __name__,
    url_prefix="/api/warnings",
    description="预警 Warnings: the supervisor's desk and the case of each warning (SUP-2, SUP-6)",
)

WarningPage = page_of(WarningRowSchema, "WarningPage")


def _lang() -> str:
    return requested_lang() or "zh"


def _refusals(*extra: tuple[int, str]) -> Any:
    def wrap(view: Any) -> Any:
        for status, text in (
            (401, "Not signed in (`unauthenticated`)."),
            (403, "Not a supervisor (`supervisor_only`)."),
            *extra,
        ):
            view = blp.alt_response(status, schema=ErrorSchema, description=text)(view)
        return view

    return wrap


_NOT_FOUND = (404, "No such warning in your region (`no_such_warning`).")
_CONFLICT = (409, "Not in a state for this step (`warning_closed`, `explanation_awaited` …).")
_INVALID = (422, "Invalid body (`validation_failed`).")


@blp.route("")
@blp.arguments(WarningListArgs, location="query")
@blp.response(200, WarningPage)
@_refusals()
def list_warnings(args: dict[str, Any]):  # type: ignore[no-untyped-def]
    """Warnings of your region and below, filtered, newest first."""
    actor = require_actor()
    page = paginate(db.session, queries.filtered(db.session, actor, args), args)
    page["items"] = [queries.listed(w, _lang(), db.session) for w in page["items"]]
    return page


@blp.route("/summary")
@blp.arguments(WarningFilterArgs, location="query")
@blp.response(200, SummarySchema)
@_refusals()
def summary(args: dict[str, Any]):  # type: ignore[no-untyped-def]
    """The desk: counts by level, rule, status and region, a weekly trend, overdue cases."""
    return queries.summary(db.session, require_actor(), args)


@blp.route("/export.csv")
@blp.arguments(WarningFilterArgs, location="query")
@blp.response(200, content_type="text/csv", description="CSV, UTF-8 with BOM")
@_refusals()
def export(args: dict[str, Any]):  # type: ignore[no-untyped-def]
    """The filtered warnings as CSV."""
    body = queries.export_csv(db.session, require_actor(), args, _lang())
    return Response(
        body.encode("utf-8"),
        mimetype="text/csv",
        headers={"Content-Disposition": 'attachment; filename="warnings.csv"'},
    )


@blp.route("/rules")
@blp.response(200, RulesSchema)
@_refusals()
def rules():  # type: ignore[no-untyped-def]
    """Every rule's name, basis, level and parameters (with the values in force)."""
    access.require_supervisor(require_actor())
    items = [engine.rule_text(rule, _lang()) for rule in RULES]
    for item in items:
        for param in item["params"]:
            param["default"], param["value"] = str(param["default"]), str(param["value"])
    return {"items": items}


@blp.route("/<int:warning_id>")
@blp.response(200, WarningSchema)
@_refusals(_NOT_FOUND)
def get_warning(warning_id: int):  # type: ignore[no-untyped-def]
    """One warning: facts, rule basis, the evidence's ledger entries and the case's steps."""
    warning = access.get_for_supervisor(db.session, require_actor(), warning_id)
    return queries.detail(db.session, warning, _lang())


def _step(view: Any) -> Any:
    return _refusals(_NOT_FOUND, _CONFLICT, _INVALID)(view)


@blp.route("/<int:warning_id>/notes", methods=["POST"])
@blp.arguments(TextBody)
@blp.response(200, WarningSchema)
@_step
def add_note(body: dict[str, Any], warning_id: int):  # type: ignore[no-untyped-def]
    """A supervisor's note (研判记录); an open case is then under investigation."""
    warning = cases.add_note(db.session, require_actor(), warning_id, body["text"])
    return queries.detail(db.session, warning, _lang())


@blp.route("/<int:warning_id>/explanation-request", methods=["POST"])
@blp.arguments(ExplanationRequestBody)
@blp.response(200, WarningSchema)
@_step
def request_explanation(body: dict[str, Any], warning_id: int):  # type: ignore[no-untyped-def]
    """Ask the party for an explanation (情况说明), due in working days (`no_party`,
    `explanation_awaited`)."""
    warning = cases.request_explanation(
        db.session, require_actor(), warning_id, body["text"], body.get("days")
    )
    return queries.detail(db.session, warning, _lang())


@blp.route("/<int:warning_id>/close", methods=["POST"])
@blp.arguments(CloseBody)
@blp.response(200, WarningSchema)
@_step
def close(body: dict[str, Any], warning_id: int):  # type: ignore[no-untyped-def]
    """销号: close with a finding; `penalised` carries a penalty executed at once (credit points,
    suspension days, restriction days)."""
    warning = cases.close(
        db.session, require_actor(), warning_id, body["finding"], body["text"], body.get("penalty")
    )
    return queries.detail(db.session, warning, _lang())


@blp.route("/<int:warning_id>/reopen", methods=["POST"])
@blp.arguments(TextBody)
@blp.response(200, WarningSchema)
@_step
def reopen(body: dict[str, Any], warning_id: int):  # type: ignore[no-untyped-def]
    """Reopen a closed warning (`warning_not_closed`)."""
    warning = cases.reopen(db.session, require_actor(), warning_id, body["text"])
    return queries.detail(db.session, warning, _lang())


# ---------------------------------------------------------------- the party's side


@blp.route("/requests")
@blp.response(200, PartyRequestsSchema)
@blp.alt_response(401, schema=ErrorSchema, description="Not signed in (`unauthenticated`).")
def party_requests():  # type: ignore[no-untyped-def]
    """The warnings about your organisation on which an explanation was asked of it."""
    actor = require_actor()
    lang = _lang()
    return {
        "items": [
            queries.detail(db.session, w, lang, for_party=True)
            for w in queries.party_requests(db.session, actor)
        ]
    }


@blp.route("/requests/<int:warning_id>")
@blp.response(200, WarningSchema)
@blp.alt_response(401, schema=ErrorSchema, description="Not signed in (`unauthenticated`).")
@blp.alt_response(404, schema=ErrorSchema, description=_NOT_FOUND[1])
def party_request(warning_id: int):  # type: ignore[no-untyped-def]
    """One explanation asked of your organisation (without the supervisors' notes)."""
    warning = access.get_for_party(db.session, require_actor(), warning_id)
    return queries.detail(db.session, warning, _lang(), for_party=True)


@blp.route("/requests/<int:warning_id>/answer", methods=["POST"])
@blp.arguments(TextBody)
@blp.response(200, WarningSchema)
@blp.alt_response(401, schema=ErrorSchema, description="Not signed in (`unauthenticated`).")
@blp.alt_response(404, schema=ErrorSchema, description=_NOT_FOUND[1])
@blp.alt_response(
    409, schema=ErrorSchema, description="No explanation awaited (`no_explanation_awaited`)."
)
@blp.alt_response(422, schema=ErrorSchema, description=_INVALID[1])
def answer(body: dict[str, Any], warning_id: int):  # type: ignore[no-untyped-def]
    """Your organisation's explanation."""
    warning = cases.answer(db.session, require_actor(), warning_id, body["text"])
    return queries.detail(db.session, warning, _lang(), for_party=True)
