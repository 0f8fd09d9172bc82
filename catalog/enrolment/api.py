"""Supplier enrolment (MALL-6): suppliers apply; operators decide and suspend; status is public."""

from __future__ import annotations

from typing import Any

from flask.views import MethodView
from flask_smorest import Blueprint

from catalog.enrolment import service
from catalog.enrolment.schemas import (
    ApplicationQuerySchema,
    ApplicationSchema,
    DecisionSchema,
    SupplierStatusSchema,
    SuspensionSchema,
)
from core.accounts.auth import require_actor
from core.accounts.models import Organisation
from core.accounts.roles import OrgKind
from core.api import page_of, paginate
from core.db import db
from core.errors import NotFound

blp = Blueprint(
    "enrolment", __name__, url_prefix="/api/catalog", description="供应商入驻 Enrolment (MALL-6)"
)

ApplicationPage = page_of(ApplicationSchema, "ApplicationPage")


@blp.route("/enrolments")
class Applications(MethodView):
    @blp.arguments(ApplicationQuerySchema, location="query")
    @blp.response(200, ApplicationPage)
    def get(self, args: dict[str, Any]):  # type: ignore[no-untyped-def]
        """Applications: a supplier's own; all of them (the review queue) for operators."""
        actor = require_actor()
        return paginate(db.session, service.applications_query(actor, args.get("status")), args)

    @blp.arguments(ApplicationSchema)
    @blp.response(201, ApplicationSchema)
    def post(self, args: dict[str, Any]):  # type: ignore[no-untyped-def]
        """Apply to enrol, or to add categories (suppliers, at any time)."""
        return service.apply(db.session, require_actor(), args)


@blp.route("/enrolments/<int:application_id>")
@blp.response(200, ApplicationSchema)
def application(application_id: int):  # type: ignore[no-untyped-def]
    return service.get_application(db.session, require_actor(), application_id)


@blp.route("/enrolments/<int:application_id>/decision", methods=["POST"])
@blp.arguments(DecisionSchema)
@blp.response(200, ApplicationSchema)
def decide(args: dict[str, Any], application_id: int):  # type: ignore[no-untyped-def]
    """Approve, or reject with a reason (operators)."""
    return service.decide(
        db.session, require_actor(), application_id, args["approve"], args["reason"]
    )


@blp.route("/suppliers/<int:org_id>")
@blp.response(200, SupplierStatusSchema)
def supplier_status(org_id: int):  # type: ignore[no-untyped-def]
    """Enrolment status of a supplier: size (SME), categories, suspension."""
    require_actor()
    org = db.session.get(Organisation, org_id)
    if org is None or org.kind != OrgKind.SUPPLIER:
        raise NotFound("No such supplier.", "没有该供应商。")
    return service.status(db.session, org_id)


@blp.route("/suppliers/<int:org_id>/suspensions", methods=["POST"])
@blp.arguments(SuspensionSchema)
@blp.response(201, SuspensionSchema)
def suspend(args: dict[str, Any], org_id: int):  # type: ignore[no-untyped-def]
    """Suspend a supplier with a reason until a date; it is reinstated by itself after (operators)."""
    return service.suspend(db.session, require_actor(), org_id, args["reason"], args["ends_at"])
