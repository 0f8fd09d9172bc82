"""One-time password-reset links: issued by an organisation's admin (or from the command line when no
admin can sign in), used once before they expire. Functions flush, never commit.
"""

from __future__ import annotations

import secrets
from datetime import timedelta

from flask import current_app
from sqlalchemy import select
from sqlalchemy.orm import Session

from core import clock
from core.accounts.access import check_password, require_manager_of
from core.accounts.auth import Actor, actor_for, token_hash
from core.accounts.models import PasswordReset, User, UserSession
from core.accounts.passwords import hash_password
from core.audit import audit
from core.errors import Conflict, NotFound


def issue_reset(session: Session, actor: Actor, user: User) -> tuple[PasswordReset, str]:
    now = clock.now()
    # A new link voids the user's earlier unused ones.
    for old in session.scalars(
        select(PasswordReset).where(
            PasswordReset.user_id == user.id,
            PasswordReset.used_at.is_(None),
            PasswordReset.expires_at > now,
        )
    ):
        old.used_at = now
    plain = secrets.token_urlsafe(32)
    row = PasswordReset(
        user_id=user.id,
        token_hash=token_hash(plain),
        issued_by_id=actor.user_id,
        created_at=now,
        expires_at=now + timedelta(hours=current_app.config["PASSWORD_RESET_HOURS"]),
    )
    session.add(row)
    session.flush()
    audit(
        session,
        actor,
        "auth.password_reset_issued",
        ("user", user.id),
        {"reset_id": row.id, "username": user.username, "expires_at": row.expires_at},
        user.organisation.region_id,
    )
    return row, plain


def issue_password_reset(session: Session, actor: Actor, user_id: int) -> tuple[PasswordReset, str]:
    """A one-time link for the user to set a new password, issued by the organisation's admin.
    Returns the row and the token (shown once, for the issuer to pass on to the user)."""
    user = session.get(User, user_id)
    if user is None:
        raise NotFound("No such user.")
    require_manager_of(actor, user.organisation)
    return issue_reset(session, actor, user)


def issue_recovery_reset(session: Session, username: str) -> tuple[PasswordReset, str]:
    """A one-time link issued from the server's command line (``flask users reset-link``), for the
    case no admin of the user's organisation can sign in to issue one (its only admin is locked
    out). The ledger records it as issued by the command line, naming the user."""
    user = session.scalars(select(User).where(User.username == username)).first()
    if user is None:
        raise NotFound("No user %(username)r.", params={"username": username})
    if not user.active:
        raise Conflict(
            "User %(username)r is deactivated; an admin reactivates accounts.",
            code="user_inactive",
            params={"username": username},
        )
    return issue_reset(session, Actor(user_id=None, username="cli", via="cli"), user)


def use_password_reset(session: Session, token: str, password: str) -> User:
    """Set the password with a one-time link: once, before it expires. Every open session of the
    user is ended."""
    now = clock.now()
    row = session.scalars(
        select(PasswordReset).where(PasswordReset.token_hash == token_hash(token))
    ).first()
    if row is None or row.used_at is not None or row.expires_at <= now or not row.user.active:
        raise NotFound(
            "This reset link is unknown, used or expired; ask your organisation's admin for a new one.",
            code="reset_link_invalid",
        )
    check_password(password)
    user = row.user
    row.used_at = now
    user.password_hash = hash_password(password)
    for open_session in session.scalars(
        select(UserSession).where(UserSession.user_id == user.id, UserSession.revoked_at.is_(None))
    ):
        open_session.revoked_at = now
    session.flush()
    audit(
        session,
        actor_for(user, "reset"),
        "auth.password_reset_used",
        ("user", user.id),
        {"reset_id": row.id, "username": user.username},
        user.organisation.region_id,
    )
    return user
