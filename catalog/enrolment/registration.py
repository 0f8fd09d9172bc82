"""供应商自助注册 (MALL-6, 一地登记、全区通用): a supplier registers itself.

An anonymous visitor gives the organisation (names, unified social credit code, enterprise size,
region), a contact, an admin account and the business licence (PDF, PNG or JPEG by content, at most
5 MB). In one transaction the organisation is created as a supplier with its signing key, its admin
user is created and signed in, and an enrolment application for the chosen categories waits in
the operators' review queue: the supplier lists and bids only once an operator approves it, as for
any enrolment. The ledger gets ``org.registered`` (with the licence's SHA-256, never the file),
``user.created``, ``enrolment.applied`` and ``auth.signin``; the file is stored content-addressed
under the instance path after the commit.

The credit code is checked here with the GB 32100-2015 check character. Organisations created by
operators (and the demo data, whose codes do not carry a valid check character) keep the format
check of ``core.accounts.service.CREDIT_CODE`` only.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from flask import current_app, has_request_context
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from catalog.enrolment import service as enrolment
from catalog.enrolment.credit_code import (  # noqa: F401
    CHARSET,
    CODE_LENGTH,
    WEIGHTS,
    check_character,
    credit_code_problem,
    normalise_credit_code,
)
from catalog.enrolment.models import EnrolmentApplication, SupplierRegistration
from catalog.enrolment.registration_form import (  # noqa: F401
    MAX_LICENCE_BYTES,
    MAX_PASSWORD,
    Licence,
    form_problems,
    sniff,
)
from core import signatures
from core.accounts import service as accounts
from core.accounts.auth import Actor, actor_for, current_device
from core.accounts.models import Organisation, User, UserSession
from core.accounts.roles import OrgKind, Role
from core.errors import Conflict, Forbidden, NotFound, ValidationFailed
from core.messages import translate
from core.uploads import content_address, store_after_commit
from supervision.ledger import record


@dataclass(frozen=True)
class Registered:
    organisation: Organisation
    user: User
    application: EnrolmentApplication
    registration: SupplierRegistration
    session: UserSession
    #: the session cookie's value
    token: str


def licence_dir() -> Path:
    return Path(current_app.config["INSTANCE_PATH"]) / "uploads" / "licences"


def _taken(field: str) -> Conflict:
    if field == "credit_code":
        return Conflict(
            "An organisation with this credit code is already registered.",
            code="duplicate_credit_code",
            details={"credit_code": ["该统一社会信用代码已登记 / This credit code is registered"]},
        )
    return Conflict(
        "This username is taken.",
        code="duplicate_username",
        details={"username": ["用户名已被使用 / This username is taken"]},
    )


def register(
    session: Session, data: dict[str, Any], licence: Licence | None, ip: str
) -> Registered:
    """Register a supplier (see the module). Refused with every field's problem at once
    (``ValidationFailed``), or ``Conflict`` for a credit code or username already registered;
    nothing is written then."""
    errors, clean = form_problems(session, data, licence)
    if errors:
        first = next(iter(errors.values()))[0]
        zh, _, en = first.partition(" / ")
        raise ValidationFailed(
            translate("The registration is incomplete: %(problem)s", "en", {"problem": en}),
            translate("The registration is incomplete: %(problem)s", "zh", {"problem": zh}),
            details=errors,
        )
    assert licence is not None
    code = clean["credit_code"]
    if session.scalar(select(Organisation.id).where(Organisation.credit_code == code)):
        raise _taken("credit_code")
    if session.scalar(select(User.id).where(User.username == clean["username"])):
        raise _taken("username")
    content_type, ext = sniff(licence.data) or ("", "")
    digest, filename = content_address(licence.data, ext)
    applicant = Actor(
        user_id=None,
        username=clean["username"],
        via="registration",
        ip=ip,
        device_id=current_device() if has_request_context() else None,
    )

    org = Organisation(
        kind=OrgKind.SUPPLIER.value,
        name_zh=clean["name_zh"],
        name_en=clean["name_en"],
        credit_code=code,
        region_id=clean["region_id"],
        active=True,
    )
    try:
        # A registration of the same code committed meanwhile fails the unique index.
        with session.begin_nested():
            session.add(org)
    except IntegrityError:
        raise _taken("credit_code") from None
    key = signatures.create_key(session, org.id)
    licence_facts = {"sha256": digest, "size": len(licence.data), "content_type": content_type}
    record(
        session,
        applicant,
        "org.registered",
        ("organisation", org.id),
        {
            "kind": org.kind,
            "name_zh": org.name_zh,
            "name_en": org.name_en,
            "credit_code": code,
            "region_id": org.region_id,
            "enterprise_size": clean["enterprise_size"],
            "admin_username": clean["username"],
            "licence": licence_facts,
            "public_key": key.public_key.hex(),
        },
        org.region_id,
    )
    try:
        with session.begin_nested():
            user = accounts.create_user(
                session,
                applicant,
                org.id,
                {
                    "username": clean["username"],
                    "display_name": clean["contact_name"],
                    "password": clean["password"],
                    "roles": [Role.ORG_ADMIN.value, Role.SUPPLIER.value],
                },
            )
    except IntegrityError:
        raise _taken("username") from None
    application = enrolment.apply(
        session,
        actor_for(user, "registration"),
        {
            "licence_no": code,
            "enterprise_size": clean["enterprise_size"],
            "region_id": clean["region_id"],
            "category_ids": clean["category_ids"],
        },
    )
    registration = SupplierRegistration(
        organisation_id=org.id,
        application_id=application.id,
        contact_name=clean["contact_name"],
        contact_phone=clean["contact_phone"],
        contact_email=clean["contact_email"],
        licence_filename=filename,
        licence_original_name=(licence.name or "licence")[:200],
        licence_content_type=content_type,
        licence_size=len(licence.data),
        licence_sha256=digest,
    )
    session.add(registration)
    row, token = accounts.sign_in(session, clean["username"], clean["password"], ip)
    store_after_commit(session, licence_dir() / registration.licence_filename, licence.data)
    return Registered(org, user, application, registration, row, token)


def registration_of(session: Session, org_id: int) -> SupplierRegistration | None:
    return session.scalars(
        select(SupplierRegistration).where(SupplierRegistration.organisation_id == org_id)
    ).first()


def may_see_licence(actor: Actor | None, org_id: int) -> bool:
    """Operators, and the supplier's own admin."""
    if actor is None:
        return False
    if actor.has(Role.OPERATOR):
        return True
    return actor.organisation_id == org_id and actor.has(Role.ORG_ADMIN)


def licence_document(session: Session, actor: Actor, org_id: int) -> SupplierRegistration:
    """The registration whose licence an operator or the supplier's own admin may download."""
    if not may_see_licence(actor, org_id):
        raise Forbidden(
            "Only operators and the supplier's own admin may see its licence.",
        )
    registration = registration_of(session, org_id)
    if registration is None:
        raise NotFound("This supplier registered no licence here.")
    return registration
