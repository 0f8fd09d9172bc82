"""An organisation's users: listing, creating, changing and deactivating them, with separation of duties
(each organisation's admin manages its own users). Functions flush, never commit.
"""

from __future__ import annotations

import secrets
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.accounts.access import (
    USERNAME,
    check_password,
    invalid,
    manages,
    require_admin_of,
    require_manager_of,
)
from core.accounts.auth import Actor
from core.accounts.models import Organisation, PasswordReset, User, UserRole
from core.accounts.passwords import hash_password
from core.accounts.resets import issue_reset
from core.accounts.roles import ALLOWED_ROLES, OrgKind, Role
from core.audit import audit
from core.errors import Conflict, Forbidden, NotFound, ValidationFailed


def _has_active_admin(session: Session, org: Organisation) -> bool:
    return (
        session.scalar(
            select(User.id)
            .join(UserRole, UserRole.user_id == User.id)
            .where(
                User.organisation_id == org.id,
                User.active.is_(True),
                UserRole.role == Role.ORG_ADMIN.value,
            )
            .limit(1)
        )
        is not None
    )


def _check_roles(org: Organisation, roles: list[str]) -> list[str]:
    allowed = ALLOWED_ROLES[OrgKind(org.kind)]
    bad = [r for r in roles if r not in allowed]
    if bad or not roles:
        raise ValidationFailed(
            "These roles do not fit this kind of organisation.",
            details={"roles": [f"not allowed for {org.kind}: {', '.join(bad) or '(none given)'}"]},
        )
    return sorted(set(roles))


def list_users(session: Session, actor: Actor, org_id: int) -> list[User]:
    org = session.get(Organisation, org_id)
    if org is None:
        raise NotFound("No such organisation.")
    require_admin_of(actor, org)
    return list(
        session.scalars(select(User).where(User.organisation_id == org.id).order_by(User.id))
    )


def create_user(session: Session, actor: Actor, org_id: int, data: dict[str, Any]) -> User:
    """Add a user with the password given (see ``add_user``)."""
    return add_user(session, actor, org_id, data)[0]


def add_user(
    session: Session, actor: Actor, org_id: int, data: dict[str, Any]
) -> tuple[User, tuple[PasswordReset, str] | None]:
    """Add a user. Without a password in ``data`` the user gets none that anyone knows, and a
    one-time link to set it (returned with the user, to pass on). An operator may add only the first
    admin of an organisation without one (role ``org_admin``, no password)."""
    org = session.get(Organisation, org_id)
    if org is None:
        raise NotFound("No such organisation.")
    password = data.get("password")
    if not manages(actor, org):
        first_admin = (
            actor.has(Role.OPERATOR)
            and not password
            and data.get("roles") == [Role.ORG_ADMIN.value]
            and not _has_active_admin(session, org)
        )
        if not first_admin:
            require_manager_of(actor, org)
    username = data["username"].strip().lower()
    if not USERNAME.match(username):
        raise invalid(
            "username",
            "3–64 lower-case letters, digits, '.', '_' or '-'.",
        )
    if password:
        check_password(password)
    roles = _check_roles(org, data["roles"])
    if session.scalar(select(User.id).where(User.username == username)):
        raise Conflict("This username is taken.", code="duplicate_username")
    user = User(
        organisation_id=org.id,
        username=username,
        display_name=data["display_name"],
        password_hash=hash_password(password or secrets.token_urlsafe(32)),
        active=True,
        role_rows=[UserRole(role=r) for r in roles],
    )
    session.add(user)
    session.flush()
    audit(
        session,
        actor,
        "user.created",
        ("user", user.id),
        {"username": username, "organisation_id": org.id, "roles": roles},
        org.region_id,
    )
    return user, None if password else issue_reset(session, actor, user)


def get_user(session: Session, actor: Actor, user_id: int) -> User:
    user = session.get(User, user_id)
    if user is None:
        raise NotFound("No such user.")
    if user.id != actor.user_id:
        require_admin_of(actor, user.organisation)
    return user


def update_user(session: Session, actor: Actor, user_id: int, data: dict[str, Any]) -> User:
    user = session.get(User, user_id)
    if user is None:
        raise NotFound("No such user.")
    own = user.id == actor.user_id
    if data.get("password") and not own and actor.user_id is not None:
        raise Forbidden(
            "Nobody sets another user's password; issue a one-time reset link instead.",
            code="password_not_yours",
        )
    if not own or set(data) - {"display_name", "password"}:
        require_manager_of(actor, user.organisation)
    changes: dict[str, Any] = {}
    if "display_name" in data and data["display_name"] != user.display_name:
        user.display_name = changes["display_name"] = data["display_name"]
    if "roles" in data:
        roles = _check_roles(user.organisation, data["roles"])
        if roles != user.roles:
            user.role_rows = [UserRole(role=r) for r in roles]
            changes["roles"] = roles
    if "active" in data and data["active"] != user.active:
        if own:
            raise Conflict("You cannot deactivate yourself.", code="self_deactivate")
        user.active = changes["active"] = data["active"]
    if data.get("password"):
        check_password(data["password"])
        user.password_hash = hash_password(data["password"])
        changes["password"] = "changed"  # noqa: S105 (a note, not a secret)
    if changes:
        session.flush()
        audit(
            session, actor, "user.updated", ("user", user.id), changes, user.organisation.region_id
        )
    return user
