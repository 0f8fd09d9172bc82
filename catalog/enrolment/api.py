"""Supplier enrolment (MALL-6): suppliers apply; operators decide and suspend; status is public."""

from __future__ import annotations

from typing import Any

from flask import g, jsonify, request
from flask.views import MethodView
from flask_smorest import Blueprint

from catalog.enrolment import registration, service
from catalog.enrolment.schemas import (
    ApplicationQuerySchema,
    ApplicationSchema,
    DecisionSchema,
    RegistrationFormSchema,
    RegistrationResultSchema,
    SupplierStatusSchema,
    SuspensionSchema,
)
from core.accounts.api import set_session_cookie
from core.accounts.auth import require_actor
from core.accounts.models import Organisation
from core.accounts.roles import OrgKind
from core.api import page_of, paginate
from core.db import db
from core.downloads import send_upload
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
        raise NotFound("No such supplier.")
    return service.status(db.session, org_id)


@blp.route("/suppliers/<int:org_id>/suspensions", methods=["POST"])
@blp.arguments(SuspensionSchema)
@blp.response(201, SuspensionSchema)
def suspend(args: dict[str, Any], org_id: int):  # type: ignore[no-untyped-def]
    """Suspend a supplier with a reason until a date; it is reinstated by itself after (operators)."""
    return service.suspend(db.session, require_actor(), org_id, args["reason"], args["ends_at"])


# ---------------------------------------------------------------- self-registration

registration_blp = Blueprint(
    "supplier_registration",
    __name__,
    url_prefix="/api/suppliers",
    description="供应商注册 Supplier self-registration (MALL-6)",
)


def licence_upload() -> registration.Licence | None:
    """The ``licence`` file of the request; a file field left empty is none."""
    upload = request.files.get("licence")
    if upload is None or not upload.filename:
        return None
    return registration.Licence(upload.filename, upload.read(registration.MAX_LICENCE_BYTES + 1))


def registered_body(done: registration.Registered) -> dict[str, Any]:
    user = done.user
    return RegistrationResultSchema().dump(
        {
            "organisation": done.organisation,
            "user": {
                "id": user.id,
                "username": user.username,
                "display_name": user.display_name,
                "roles": user.roles,
            },
            "application": done.application,
            "licence_sha256": done.registration.licence_sha256,
            "csrf_token": done.session.csrf_token,
        }
    )


@registration_blp.route("/registrations", methods=["POST"])
@registration_blp.arguments(
    RegistrationFormSchema, location="form", content_type="multipart/form-data"
)
@registration_blp.response(201, RegistrationResultSchema)
def register(args: dict[str, Any]):  # type: ignore[no-untyped-def]
    """注册: an anonymous visitor registers a supplier with its business licence (multipart; the
    double-submit CSRF cookie and token as for any anonymous form). The answer signs its admin in
    (session cookie); the enrolment application waits for an operator's approval."""
    done = registration.register(db.session, args, licence_upload(), request.remote_addr or "?")
    g.csrf_token = done.session.csrf_token
    response = jsonify(registered_body(done))
    response.status_code = 201
    set_session_cookie(response, done.token)
    return response


@registration_blp.route("/<int:org_id>/licence")
@registration_blp.response(200, content_type="application/octet-stream")
def licence(org_id: int):  # type: ignore[no-untyped-def]
    """The business licence a supplier registered with (operators and the supplier's own admin)."""
    row = registration.licence_document(db.session, require_actor(), org_id)
    return send_upload(
        registration.licence_dir(),
        row.licence_filename,
        row.licence_content_type,
        row.licence_original_name,
    )
