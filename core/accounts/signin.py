"""Sign-in and sessions (throttled against guessing), and API tokens. Every change is audited to the
supervision ledger in the same transaction. Functions flush, never commit.
"""

from __future__ import annotations

import math
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from flask import current_app, has_request_context
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from core import clock
from core.accounts.auth import Actor, actor_for, current_device, token_hash
from core.accounts.models import ApiToken, SigninAttempt, User, UserSession
from core.accounts.passwords import verify_password
from core.audit import audit
from core.db import keep_on_error
from core.errors import Conflict, NotFound, RateLimited, Unauthenticated


@dataclass(frozen=True)
class _Failures:
    """Recent failed sign-ins of one kind: how many, and when the last was."""

    count: int
    last: datetime | None

    def wait(self, free: int, cap: int, now: datetime) -> float:
        """Seconds still to wait: none for the first ``free`` failures, then 1, 2, 4 … seconds
        after the last one, at most ``cap``."""
        if self.count < free or self.last is None:
            return 0.0
        delay = min(2 ** min(self.count - free, 30), cap)
        return max(0.0, (self.last + timedelta(seconds=delay) - now).total_seconds())


def _failures(session: Session, *where: Any) -> _Failures:
    count, last = session.execute(
        select(func.count(), func.max(SigninAttempt.at)).where(*where)
    ).one()
    return _Failures(count or 0, last)


def _check_throttle(session: Session, username: str, user: User | None, ip: str) -> None:
    """Throttle guessing without letting anyone lock others out (ASVS V6.3): failures slow down
    further tries of the same account from the same address, and (more gently) every try from an
    address that failed for many accounts. The right password from another address always works."""
    config = current_app.config
    if session.get_bind().dialect.name == "postgresql":
        # Tries of one account from one address take turns (until commit), so that tries sent
        # in parallel cannot all pass the count before any failure is written. SQLite's writes
        # take turns anyway. The key includes the schema: advisory locks are database-wide, and two
        # installations may share one database in separate schemas.
        name = func.concat(func.current_schema(), f":signin:{username}:{ip}")
        session.execute(select(func.pg_advisory_xact_lock(func.hashtextextended(name, 0))))
    now = clock.now()
    since = now - timedelta(minutes=config["SIGNIN_WINDOW_MINUTES"])
    if user is not None:
        # A success from this address wipes the slate for this account and address.
        signed_in = session.scalar(
            select(func.max(UserSession.created_at)).where(
                UserSession.user_id == user.id, UserSession.ip == ip
            )
        )
        if signed_in is not None and signed_in > since:
            since = signed_in
    pair = _failures(
        session,
        SigninAttempt.username == username,
        SigninAttempt.ip == ip,
        SigninAttempt.at > since,
    )
    address = _failures(
        session,
        SigninAttempt.ip == ip,
        SigninAttempt.at > now - timedelta(minutes=config["SIGNIN_WINDOW_MINUTES"]),
    )
    wait = max(
        pair.wait(config["SIGNIN_MAX_FAILURES"], config["SIGNIN_MAX_DELAY_SECONDS"], now),
        address.wait(
            config["SIGNIN_ADDRESS_MAX_FAILURES"], config["SIGNIN_ADDRESS_MAX_DELAY_SECONDS"], now
        ),
    )
    if wait > 0:
        raise RateLimited(
            retry_after=math.ceil(wait),
            code="signin_throttled",
            message="Too many failed sign-ins; try again in %(seconds)s seconds.",
            params={"seconds": math.ceil(wait)},
        )


def sign_in(session: Session, username: str, password: str, ip: str) -> tuple[UserSession, str]:
    """Check the password and open a session. Returns the row and the cookie token.

    A failure is kept (a ``signin_attempts`` row and its ``auth.signin_failed`` ledger entry, in one
    transaction) even though the request fails; a throttled try checks no password and counts as
    nothing."""
    username = username.strip().lower()
    user = session.scalars(select(User).where(User.username == username)).first()
    _check_throttle(session, username, user, ip)
    ok = verify_password(user.password_hash if user else None, password)
    if not ok or user is None or not user.active or not user.organisation.active:
        session.add(SigninAttempt(username=username, ip=ip, at=clock.now()))
        audit(
            session,
            Actor(user_id=None, username=username, ip=ip, device_id=_device()),
            "auth.signin_failed",
            ("user", user.id if user else None),
            {"username": username},
        )
        keep_on_error(session)
        raise Unauthenticated("Wrong username or password.", code="bad_credentials")
    token = secrets.token_urlsafe(32)
    row = UserSession(
        user_id=user.id,
        token_hash=token_hash(token),
        csrf_token=secrets.token_urlsafe(32),
        created_at=clock.now(),
        expires_at=clock.now() + timedelta(hours=current_app.config["SESSION_HOURS"]),
        ip=ip,
    )
    session.add(row)
    session.flush()
    audit(session, actor_for(user, "session"), "auth.signin", ("user", user.id), {"ip": ip})
    return row, token


def _device() -> str | None:
    return current_device() if has_request_context() else None


def sign_out(session: Session, actor: Actor) -> None:
    if actor.session_id is None:
        raise Conflict("Not signed in with a session.", code="no_session")
    row = session.get(UserSession, actor.session_id)
    if row is not None and row.revoked_at is None:
        row.revoked_at = clock.now()
        audit(session, actor, "auth.signout", ("user", actor.user_id), {})


def issue_token(
    session: Session, actor: Actor, name: str, expires_in_days: int | None
) -> tuple[ApiToken, str]:
    plain = "mall_" + secrets.token_urlsafe(32)
    row = ApiToken(
        user_id=actor.user_id,
        name=name,
        prefix=plain[:12],
        token_hash=token_hash(plain),
        expires_at=clock.now() + timedelta(days=expires_in_days) if expires_in_days else None,
    )
    session.add(row)
    session.flush()
    audit(session, actor, "auth.token_issued", ("api_token", row.id), {"name": name})
    return row, plain


def list_tokens(session: Session, actor: Actor) -> list[ApiToken]:
    return list(
        session.scalars(
            select(ApiToken).where(ApiToken.user_id == actor.user_id).order_by(ApiToken.id)
        )
    )


def revoke_token(session: Session, actor: Actor, token_id: int) -> ApiToken:
    row = session.get(ApiToken, token_id)
    if row is None or row.user_id != actor.user_id:
        raise NotFound("No such token.")
    if row.revoked_at is None:
        row.revoked_at = clock.now()
        audit(session, actor, "auth.token_revoked", ("api_token", row.id), {"name": row.name})
    return row
