"""Who is asking: the actor of a request, from a session cookie or a bearer token, and CSRF checks.

Browser writes authenticated by cookie must carry the session's CSRF token (header ``X-CSRF-Token`` or
form field ``csrf_token``). Anonymous writes (sign-in) use a double-submit cookie. Bearer-token requests
carry no ambient credentials and need no CSRF token.

The device an actor acts from is a random id the server issues in a signed, HttpOnly cookie
(``mall_device``); a request without a valid one gets a new one with its response. Nothing the client
says about its device otherwise (headers, message fields) is believed.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import Iterable
from dataclasses import dataclass, field, replace

from flask import Flask, current_app, g, has_request_context, request
from itsdangerous import BadSignature, Signer
from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload

from core import clock
from core.accounts.models import ApiToken, Organisation, User, UserSession
from core.accounts.roles import Role
from core.errors import Forbidden, Unauthenticated

SESSION_COOKIE = "mall_session"
CSRF_COOKIE = "mall_csrf"
CSRF_HEADER = "X-CSRF-Token"
DEVICE_COOKIE = "mall_device"
DEVICE_COOKIE_DAYS = 400
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


@dataclass(frozen=True)
class Actor:
    """The user (and organisation) behind a request, job or command."""

    user_id: int | None
    username: str
    organisation_id: int | None = None
    org_kind: str | None = None
    region_id: int | None = None
    region_path: str | None = None
    roles: frozenset[str] = field(default_factory=frozenset)
    via: str = "system"  # session | token | system
    ip: str | None = None
    device_id: str | None = None
    session_id: int | None = None

    def has(self, *roles: str) -> bool:
        return any(role in self.roles for role in roles)

    def sees_region(self, region_path: str) -> bool:
        """A supervisor sees its own region and everything below it (SUP-6)."""
        return self.region_path is not None and region_path.startswith(self.region_path)


SYSTEM = Actor(user_id=None, username="system")


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def actor_for(user: User, via: str, **extra: object) -> Actor:
    org = user.organisation
    return Actor(
        user_id=user.id,
        username=user.username,
        organisation_id=org.id,
        org_kind=org.kind,
        region_id=org.region_id,
        region_path=org.region.path,
        roles=frozenset(user.roles),
        via=via,
        ip=request.remote_addr if has_request_context() else None,
        device_id=current_device() if has_request_context() else None,
        **extra,  # type: ignore[arg-type]
    )


def _device_signer() -> Signer:
    return Signer(current_app.config["SECRET_KEY"], salt="mall-device")


def verified_device() -> str | None:
    """The device id of the request's ``mall_device`` cookie, if its signature holds."""
    if "device_cookie" not in g:
        value, device = request.cookies.get(DEVICE_COOKIE), None
        if value:
            try:
                device = _device_signer().unsign(value).decode()
            except (BadSignature, UnicodeDecodeError):
                device = None
        g.device_cookie = device
    return g.device_cookie


def current_device() -> str | None:
    """The device of this request: the signed cookie's id; for a browser without a valid one, the
    id this response issues. A bearer-token client without the cookie has no device."""
    device = verified_device()
    if device is None and not request.headers.get("Authorization"):
        if "new_device" not in g:
            g.new_device = secrets.token_urlsafe(16)
        device = g.new_device
    return device


def _set_device_cookie(response):  # type: ignore[no-untyped-def]
    if verified_device() is not None:
        return response
    if "new_device" not in g:
        g.new_device = secrets.token_urlsafe(16)
    response.set_cookie(
        DEVICE_COOKIE,
        _device_signer().sign(g.new_device).decode(),
        max_age=DEVICE_COOKIE_DAYS * 86400,
        httponly=True,
        samesite="Lax",
        secure=current_app.config["SESSION_COOKIE_SECURE"],
    )
    return response


def _usable(user: User) -> bool:
    return user.active and user.organisation.active


def _with_user(holder: type[UserSession] | type[ApiToken]) -> tuple:
    """Load the user, organisation, region and roles behind a session or token with the row (two
    queries instead of five on every signed-in request)."""
    user = joinedload(holder.user)
    return (
        user.joinedload(User.organisation).joinedload(Organisation.region),
        joinedload(holder.user).selectinload(User.role_rows),
    )


def load_actor(session: Session) -> Actor | None:
    """Authenticate the current request; ``None`` when it carries no credentials at all."""
    header = request.headers.get("Authorization", "")
    if header:
        scheme, _, token = header.partition(" ")
        if scheme.lower() != "bearer" or not token:
            raise Unauthenticated(
                "Use 'Authorization: Bearer <token>'.",
                "请使用 Bearer 令牌。",
                code="invalid_token",
            )
        return actor_from_token(session, token.strip())
    cookie = request.cookies.get(SESSION_COOKIE)
    if not cookie:
        return None
    row = session.scalars(
        select(UserSession)
        .where(UserSession.token_hash == token_hash(cookie))
        .options(*_with_user(UserSession))
    ).first()
    if (
        row is None
        or row.revoked_at is not None
        or row.expires_at <= clock.now()
        or not _usable(row.user)
    ):
        return None
    g.csrf_token = row.csrf_token
    return actor_for(row.user, "session", session_id=row.id)


def actor_from_token(session: Session, token: str) -> Actor:
    """The actor behind a bearer token, or ``Unauthenticated`` if it is unknown, expired or revoked."""
    row = session.scalars(
        select(ApiToken)
        .where(ApiToken.token_hash == token_hash(token))
        .options(*_with_user(ApiToken))
    ).first()
    if (
        row is None
        or row.revoked_at is not None
        or (row.expires_at is not None and row.expires_at <= clock.now())
        or not _usable(row.user)
    ):
        raise Unauthenticated(
            "The token is invalid, expired or revoked.",
            "令牌无效、已过期或已撤销。",
            code="invalid_token",
        )
    return actor_for(row.user, "token")


def socket_actor(auth: object) -> Actor:
    """Authenticate a Socket.IO connection: ``auth={"token": ...}`` from a machine client, else the
    session cookie of the handshake. Raises ``Unauthenticated``."""
    session = current_app.extensions["db"].session
    if isinstance(auth, dict) and auth.get("token"):
        actor = actor_from_token(session, str(auth["token"]))
    else:
        actor = load_actor(session)
    if actor is None:
        raise Unauthenticated()
    # A handshake gets no response to carry a new cookie: only a device it already holds counts.
    actor = replace(actor, device_id=verified_device())
    g.actor = actor
    return actor


def current_actor() -> Actor | None:
    if "actor" not in g:
        g.actor = load_actor(current_app.extensions["db"].session)
    return g.actor


def require_actor() -> Actor:
    actor = current_actor()
    if actor is None:
        raise Unauthenticated()
    return actor


def require_role(*roles: Role | str) -> Actor:
    actor = require_actor()
    if not actor.has(*roles):
        raise Forbidden(
            f"This needs one of the roles: {', '.join(roles)}.",
            "您的角色无权执行此操作。",
            code="role_required",
            details={"roles": [str(r) for r in roles]},
        )
    return actor


def csrf_token_for_form() -> str:
    """The token a page embeds in its forms: the session's, or a double-submit one when anonymous."""
    if current_actor() is not None and g.get("csrf_token"):
        return g.csrf_token
    if "anon_csrf" not in g:
        g.anon_csrf = request.cookies.get(CSRF_COOKIE) or secrets.token_urlsafe(32)
    return g.anon_csrf


def _submitted_token() -> str:
    token = request.headers.get(CSRF_HEADER)
    if token is None and request.mimetype in (
        "application/x-www-form-urlencoded",
        "multipart/form-data",
    ):
        token = request.form.get("csrf_token")
    return token or ""


def check_csrf() -> None:
    if request.method in SAFE_METHODS or request.headers.get("Authorization"):
        return
    actor = current_actor()
    if actor is not None:
        expected = g.get("csrf_token") or ""
    elif request.mimetype == "application/json":
        # An anonymous JSON request (an API sign-in) cannot be sent cross-site without a CORS
        # preflight, which is never granted, and carries no credentials to abuse.
        return
    else:
        expected = request.cookies.get(CSRF_COOKIE) or ""
    if not expected or not hmac.compare_digest(expected, _submitted_token()):
        raise Forbidden(
            "Missing or wrong CSRF token.", "缺少或错误的防伪令牌（CSRF）。", code="csrf_failed"
        )


def _set_anon_csrf_cookie(response):  # type: ignore[no-untyped-def]
    token = g.get("anon_csrf")
    if token and request.cookies.get(CSRF_COOKIE) != token:
        response.set_cookie(
            CSRF_COOKIE,
            token,
            httponly=True,
            samesite="Lax",
            secure=current_app.config["SESSION_COOKIE_SECURE"],
        )
    return response


def init_app(app: Flask, exempt_endpoints: Iterable[str] = ()) -> None:
    exempt = set(exempt_endpoints)

    @app.before_request
    def _csrf() -> None:
        # An unrouted request (404, 405) reaches no view, so there is nothing to protect.
        if request.endpoint in exempt or request.routing_exception is not None:
            return
        check_csrf()

    app.after_request(_set_anon_csrf_cookie)
    app.after_request(_set_device_cookie)
