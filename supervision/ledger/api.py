"""Ledger API for supervisors: list and filter entries of their region and below, verify the chain."""

from __future__ import annotations

from typing import Any

from flask import current_app
from flask_smorest import Blueprint

from core.accounts.auth import require_role
from core.accounts.roles import Role
from core.api import page_of, paginate
from core.db import db
from core.errors import NotFound
from supervision.ledger import service, verification
from supervision.ledger.schemas import LedgerEntrySchema, LedgerQuerySchema, VerifySchema

blp = Blueprint(
    "ledger", __name__, url_prefix="/api/ledger", description="Supervision ledger 监管账本"
)

LedgerPage = page_of(LedgerEntrySchema, "LedgerPage")


@blp.route("/entries")
@blp.arguments(LedgerQuerySchema, location="query")
@blp.response(200, LedgerPage)
def entries(args: dict[str, Any]):  # type: ignore[no-untyped-def]
    """Ledger entries, newest first, filtered by subject, actor, action and time."""
    actor = require_role(Role.SUPERVISOR)
    return paginate(db.session, service.entries_query(db.session, actor, args), args)


@blp.route("/entries/<int:seq>")
@blp.response(200, LedgerEntrySchema)
def entry(seq: int):  # type: ignore[no-untyped-def]
    actor = require_role(Role.SUPERVISOR)
    query = service.entries_query(db.session, actor, {})
    found = db.session.scalars(query.where(service.LedgerEntry.seq == seq)).first()
    if found is None:
        raise NotFound("No such entry in your region.")
    return found


@blp.route("/verify")
@blp.response(200, VerifySchema)
def verify():  # type: ignore[no-untyped-def]
    """Verify the hash chain, the Merkle tree and the signed checkpoints from where the last
    verification stopped to the head, and report the first entry that does not verify."""
    require_role(Role.SUPERVISOR)
    report = verification.verify_log(db.session, current_app.config)
    if report.ok:
        with db.unit_of_work() as session:
            verification.save(session, report)
    return report
