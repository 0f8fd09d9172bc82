"""The public credit record (SUP-4, 信用记录): open to everyone signed in."""

from __future__ import annotations

from flask_smorest import Blueprint

from core.accounts.auth import require_actor
from core.db import db
from supervision.credit import service
from supervision.credit.schemas import CreditRecordSchema

blp = Blueprint(
    "credit", __name__, url_prefix="/api/credit", description="信用记录 Credit records (SUP-4)"
)


@blp.route("/organisations/<int:org_id>")
@blp.response(200, CreditRecordSchema)
def credit_record(org_id: int):  # type: ignore[no-untyped-def]
    """An organisation's ratings from closed orders: averages per criterion and overall, the
    count, and the latest ratings with comments (raters named by kind only)."""
    require_actor()
    return service.credit_record(db.session, org_id)
