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
from datetime import datetime

from flask import Flask, current_app, g, has_request_context, request
from itsdangerous import BadSignature, Signer
from sqlalchemy import literal, select
from sqlalchemy.orm import Session

from core import clock
from core.accounts.models import ApiToken, Organisation, Region, User, UserRole, UserSession
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


@dataclass(frozen=True)
class _Credential:
    """A session or token row and the actor behind it, as read by ``_credential``."""

    id: int
    expires_at: datetime | None
    revoked_at: datetime | None
    csrf_token: str | None
    usable: bool  # the user and the organisation are active
    actor: Actor


def _credential(
    session: Session, holder: type[UserSession] | type[ApiToken], token: str, via: str
) -> _Credential | None:
    """The row holding ``token`` with its user, organisation, region and roles, in one query (one
    result row per role); ``None`` if no row holds it."""
    csrf = holder.csrf_token if holder is UserSession else literal(None)
    rows = session.execute(
        select(
            holder.id,
            holder.expires_at,
            holder.revoked_at,
            csrf.label("csrf_token"),
            User.id.label("user_id"),
            User.username,
            User.active.label("user_active"),
            Organisation.id.label("organisation_id"),
            Organisation.kind,
            Organisation.region_id,
            Organisation.active.label("organisation_active"),
            Region.path,
            UserRole.role,
        )
        .join(User, User.id == holder.user_id)
        .join(Organisation, Organisation.id == User.organisation_id)
        .outerjoin(Region, Region.id == Organisation.region_id)
        .outerjoin(UserRole, UserRole.user_id == User.id)
        .where(holder.token_hash == token_hash(token))
    ).all()
    if not rows:
        return None
    row = rows[0]
    actor = Actor(
        user_id=row.user_id,
        username=row.username,
        organisation_id=row.organisation_id,
        org_kind=row.kind,
        region_id=row.region_id,
        region_path=row.path,
        roles=frozenset(r.role for r in rows if r.role is not None),
        via=via,
        ip=request.remote_addr if has_request_context() else None,
        device_id=current_device() if has_request_context() else None,
        **({"session_id": row.id} if via == "session" else {}),
    )
    return _Credential(
        id=row.id,
        expires_at=row.expires_at,
        revoked_at=row.revoked_at,
        csrf_token=row.csrf_token,
        usable=bool(row.user_active and row.organisation_active),
        actor=actor,
    )


def load_actor(session: Session) -> Actor | None:
    """Authenticate the current request; ``None`` when it carries no credentials at all."""
    header = request.headers.get("Authorization", "")
    if header:
        scheme, _, token = header.partition(" ")
        if scheme.lower() != "bearer" or not token:
            raise Unauthenticated(
                "Use 'Authorization: Bearer <token>'.",
                code="invalid_token",
            )
        return actor_from_token(session, token.strip())
    cookie = request.cookies.get(SESSION_COOKIE)
    if not cookie:
        return None
    found = _credential(session, UserSession, cookie, "session")
    if (
        found is None
        or found.revoked_at is not None
        or found.expires_at is None
        or found.expires_at <= clock.now()
        or not found.usable
    ):
        return None
    g.csrf_token = found.csrf_token
    return found.actor


def actor_from_token(session: Session, token: str) -> Actor:
    """The actor behind a bearer token, or ``Unauthenticated`` if it is unknown, expired or revoked."""
    found = _credential(session, ApiToken, token, "token")
    if (
        found is None
        or found.revoked_at is not None
        or (found.expires_at is not None and found.expires_at <= clock.now())
        or not found.usable
    ):
        raise Unauthenticated(
            "The token is invalid, expired or revoked.",
            code="invalid_token",
        )
    return found.actor


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
            "This needs one of the roles: %(roles)s.",
            code="role_required",
            params={"roles": ", ".join(roles)},
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
        raise Forbidden("Missing or wrong CSRF token.", code="csrf_failed")


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
