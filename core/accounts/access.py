"""Who may do what to an organisation and its users, and the checks that several account use cases
share: credit code and username formats, a refusal naming its field.
"""

from __future__ import annotations

import re

from core.accounts.auth import Actor
from core.accounts.models import Organisation
from core.accounts.passwords import MIN_LENGTH
from core.accounts.roles import OrgKind, Role
from core.errors import Forbidden, ValidationFailed

CREDIT_CODE = re.compile(r"^[0-9A-HJ-NPQRTUWXY]{2}\d{6}[0-9A-HJ-NPQRTUWXY]{10}$")

USERNAME = re.compile(r"^[a-z0-9][a-z0-9_.-]{2,63}$")


def invalid(
    field: str, message: str, zh: str | None = None, *, params: dict[str, object] | None = None
) -> ValidationFailed:
    """A refusal of one field, its English message also under ``details``."""
    error = ValidationFailed(message, zh, params=params)
    error.details = {field: [error.message]}
    return error


def require_operator(actor: Actor) -> None:
    if not actor.has(Role.OPERATOR) and actor.user_id is not None:
        raise Forbidden("Only operators may do this.", code="operator_only")


def can_view_org(actor: Actor, org: Organisation) -> bool:
    if actor.organisation_id == org.id or actor.has(Role.OPERATOR):
        return True
    return actor.has(Role.SUPERVISOR, Role.PRICE_MONITOR) and actor.sees_region(org.region.path)


# Who manages whose users (separation of duties): each organisation's admin manages its own
# organisation's users; operators manage the operator organisation's, and may only create the
# first admin of an organisation that has none, who then sets a password through a one-time link.
# Nobody sets or resets another user's password: a reset issues a one-time link to pass on.


def require_admin_of(actor: Actor, org: Organisation) -> None:
    """Seeing an organisation's users (and rotating its key): its admin or an operator."""
    if actor.has(Role.OPERATOR) or actor.user_id is None:
        return
    if actor.organisation_id == org.id and actor.has(Role.ORG_ADMIN):
        return
    raise Forbidden(
        "Only this organisation's admin or an operator may see its users.",
    )


def manages(actor: Actor, org: Organisation) -> bool:
    if actor.user_id is None:  # the system itself: demo data, commands
        return True
    if actor.organisation_id == org.id and actor.has(Role.ORG_ADMIN):
        return True
    return actor.has(Role.OPERATOR) and org.kind == OrgKind.OPERATOR


def require_manager_of(actor: Actor, org: Organisation) -> None:
    """Changing an organisation's users: its own admin only (operators: the operator organisation)."""
    if not manages(actor, org):
        raise Forbidden(
            "Only this organisation's own admin may manage its users.",
            code="not_your_organisation",
        )


def check_password(password: str) -> None:
    if len(password) < MIN_LENGTH:
        raise invalid(
            "password",
            "The password needs at least %(n)s characters.",
            params={"n": MIN_LENGTH},
        )
