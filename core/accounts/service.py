"""Account use cases: sign-in and sessions, API tokens, regions, organisations and users.

Every change is audited to the supervision ledger in the same transaction. Functions flush, never commit.
"""

from __future__ import annotations

import math
import re
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from flask import current_app, has_request_context
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from core import clock, signatures
from core.accounts.auth import Actor, actor_for, current_device, token_hash
from core.accounts.models import (
    ApiToken,
    Organisation,
    PasswordReset,
    Region,
    SigninAttempt,
    User,
    UserRole,
    UserSession,
)
from core.accounts.passwords import MIN_LENGTH, hash_password, verify_password
from core.accounts.roles import ALLOWED_ROLES, LEVEL_CHILD, OrgKind, RegionLevel, Role
from core.audit import audit
from core.db import keep_on_error
from core.errors import (
    Conflict,
    Forbidden,
    NotFound,
    RateLimited,
    Unauthenticated,
    ValidationFailed,
)

CREDIT_CODE = re.compile(r"^[0-9A-HJ-NPQRTUWXY]{2}\d{6}[0-9A-HJ-NPQRTUWXY]{10}$")
USERNAME = re.compile(r"^[a-z0-9][a-z0-9_.-]{2,63}$")


def _invalid(field: str, en: str, zh: str) -> ValidationFailed:
    return ValidationFailed(en, zh, details={field: [en]})


# ---------------------------------------------------------------- sign-in and sessions


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
            message=f"Too many failed sign-ins; try again in {math.ceil(wait)} seconds.",
            message_zh=f"登录失败次数过多，请 {math.ceil(wait)} 秒后再试。",
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
        raise Unauthenticated(
            "Wrong username or password.", "用户名或密码错误。", code="bad_credentials"
        )
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
        raise Conflict("Not signed in with a session.", "当前不是会话登录。", code="no_session")
    row = session.get(UserSession, actor.session_id)
    if row is not None and row.revoked_at is None:
        row.revoked_at = clock.now()
        audit(session, actor, "auth.signout", ("user", actor.user_id), {})


# ---------------------------------------------------------------- API tokens


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
        raise NotFound("No such token.", "没有该令牌。")
    if row.revoked_at is None:
        row.revoked_at = clock.now()
        audit(session, actor, "auth.token_revoked", ("api_token", row.id), {"name": row.name})
    return row


# ---------------------------------------------------------------- regions


def create_region(session: Session, actor: Actor, data: dict[str, Any]) -> Region:
    _require_operator(actor)
    parent = None
    if data.get("parent_id") is not None:
        parent = session.get(Region, data["parent_id"])
        if parent is None:
            raise _invalid("parent_id", "No such parent region.", "上级地区不存在。")
        level = LEVEL_CHILD.get(RegionLevel(parent.level))
        if level is None:
            raise _invalid("parent_id", "A county has no sub-regions.", "旗县区不能再有下级地区。")
    else:
        if session.scalar(select(Region.id).where(Region.parent_id.is_(None))) is not None:
            raise _invalid(
                "parent_id", "There is already a top region.", "已存在自治区级地区，请指定上级。"
            )
        level = RegionLevel.REGION
    if session.scalar(select(Region.id).where(Region.code == data["code"])) is not None:
        raise Conflict("This region code is taken.", "地区编码已存在。", code="duplicate_code")
    region = Region(
        code=data["code"],
        name_zh=data["name_zh"],
        name_en=data["name_en"],
        level=level.value,
        parent_id=parent.id if parent else None,
        path="",
    )
    session.add(region)
    session.flush()
    region.path = f"{parent.path if parent else '/'}{region.id}/"
    audit(
        session, actor, "region.created", ("region", region.id), _region_payload(region), region.id
    )
    return region


def _region_payload(region: Region) -> dict[str, Any]:
    return {
        "code": region.code,
        "name_zh": region.name_zh,
        "level": region.level,
        "parent_id": region.parent_id,
    }


def list_regions(session: Session) -> list[Region]:
    return list(session.scalars(select(Region).order_by(Region.path)))


# ---------------------------------------------------------------- organisations


def _require_operator(actor: Actor) -> None:
    if not actor.has(Role.OPERATOR) and actor.user_id is not None:
        raise Forbidden(
            "Only operators may do this.", "仅运营机构可执行此操作。", code="operator_only"
        )


def can_view_org(actor: Actor, org: Organisation) -> bool:
    if actor.organisation_id == org.id or actor.has(Role.OPERATOR):
        return True
    return actor.has(Role.SUPERVISOR, Role.PRICE_MONITOR) and actor.sees_region(org.region.path)


def get_organisation(session: Session, actor: Actor, org_id: int) -> Organisation:
    org = session.get(Organisation, org_id)
    if org is None:
        raise NotFound("No such organisation.", "没有该单位。")
    if not can_view_org(actor, org):
        raise Forbidden("This is another organisation's data.", "无权查看其他单位的数据。")
    return org


def organisation_query(actor: Actor, filters: dict[str, Any]):  # type: ignore[no-untyped-def]
    """Organisations the actor may see, filtered; a select() to paginate."""
    query = select(Organisation).join(Region).order_by(Organisation.id)
    if actor.has(Role.OPERATOR):
        pass
    elif actor.has(Role.SUPERVISOR, Role.PRICE_MONITOR) and actor.region_path:
        query = query.where(Region.path.startswith(actor.region_path))
    else:
        query = query.where(Organisation.id == actor.organisation_id)
    if filters.get("kind"):
        query = query.where(Organisation.kind == filters["kind"])
    if filters.get("region_id"):
        region_path = select(Region.path).where(Region.id == filters["region_id"]).scalar_subquery()
        query = query.where(Region.path.startswith(region_path))
    if filters.get("q"):
        like = f"%{filters['q']}%"
        query = query.where(Organisation.name_zh.like(like) | Organisation.name_en.like(like))
    return query


def _org_payload(org: Organisation) -> dict[str, Any]:
    return {
        "kind": org.kind,
        "name_zh": org.name_zh,
        "name_en": org.name_en,
        "credit_code": org.credit_code,
        "region_id": org.region_id,
        "active": org.active,
    }


def create_organisation(session: Session, actor: Actor, data: dict[str, Any]) -> Organisation:
    _require_operator(actor)
    code = data["credit_code"].strip().upper()
    if not CREDIT_CODE.match(code):
        raise _invalid(
            "credit_code",
            "Not a unified social credit code (18 characters).",
            "统一社会信用代码格式不正确（18 位）。",
        )
    if session.get(Region, data["region_id"]) is None:
        raise _invalid("region_id", "No such region.", "地区不存在。")
    if session.scalar(select(Organisation.id).where(Organisation.credit_code == code)):
        raise Conflict(
            "An organisation with this credit code exists.",
            "该统一社会信用代码已登记。",
            code="duplicate_credit_code",
        )
    org = Organisation(
        kind=OrgKind(data["kind"]).value,
        name_zh=data["name_zh"],
        name_en=data.get("name_en") or data["name_zh"],
        credit_code=code,
        region_id=data["region_id"],
        active=True,
    )
    session.add(org)
    session.flush()
    key = signatures.create_key(session, org.id)
    payload = _org_payload(org) | {"public_key": key.public_key.hex()}
    audit(session, actor, "organisation.created", ("organisation", org.id), payload, org.region_id)
    return org


def update_organisation(
    session: Session, actor: Actor, org_id: int, data: dict[str, Any]
) -> Organisation:
    _require_operator(actor)
    org = get_organisation(session, actor, org_id)
    if data.get("active") is False and org.id == actor.organisation_id:
        raise Conflict(
            "You cannot deactivate your own organisation.",
            "不能停用本单位。",
            code="self_deactivate",
        )
    changes = {}
    for name in ("name_zh", "name_en", "active"):
        if name in data and getattr(org, name) != data[name]:
            changes[name] = data[name]
            setattr(org, name, data[name])
    if "region_id" in data and data["region_id"] != org.region_id:
        if session.get(Region, data["region_id"]) is None:
            raise _invalid("region_id", "No such region.", "地区不存在。")
        org.region_id = changes["region_id"] = data["region_id"]
    if changes:
        session.flush()
        audit(
            session, actor, "organisation.updated", ("organisation", org.id), changes, org.region_id
        )
    return org


def rotate_key(session: Session, actor: Actor, org_id: int) -> Organisation:
    org = session.get(Organisation, org_id)
    if org is None:
        raise NotFound("No such organisation.", "没有该单位。")
    _require_admin_of(actor, org)
    key = signatures.create_key(session, org.id)
    audit(
        session,
        actor,
        "organisation.key_rotated",
        ("organisation", org.id),
        {"key_id": key.id, "public_key": key.public_key.hex()},
    )
    return org


# ---------------------------------------------------------------- users

# Who manages whose users (separation of duties): each organisation's admin manages its own
# organisation's users; operators manage the operator organisation's, and may only create the
# first admin of an organisation that has none, who then sets a password through a one-time link.
# Nobody sets or resets another user's password: a reset issues a one-time link to pass on.


def _require_admin_of(actor: Actor, org: Organisation) -> None:
    """Seeing an organisation's users (and rotating its key): its admin or an operator."""
    if actor.has(Role.OPERATOR) or actor.user_id is None:
        return
    if actor.organisation_id == org.id and actor.has(Role.ORG_ADMIN):
        return
    raise Forbidden(
        "Only this organisation's admin or an operator may see its users.",
        "仅本单位管理员或运营机构可查看其用户。",
    )


def _manages(actor: Actor, org: Organisation) -> bool:
    if actor.user_id is None:  # the system itself: demo data, commands
        return True
    if actor.organisation_id == org.id and actor.has(Role.ORG_ADMIN):
        return True
    return actor.has(Role.OPERATOR) and org.kind == OrgKind.OPERATOR


def _require_manager_of(actor: Actor, org: Organisation) -> None:
    """Changing an organisation's users: its own admin only (operators: the operator organisation)."""
    if not _manages(actor, org):
        raise Forbidden(
            "Only this organisation's own admin may manage its users.",
            "仅本单位管理员可管理本单位用户。",
            code="not_your_organisation",
        )


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
            "所选角色与单位类型不符。",
            details={"roles": [f"not allowed for {org.kind}: {', '.join(bad) or '(none given)'}"]},
        )
    return sorted(set(roles))


def _check_password(password: str) -> None:
    if len(password) < MIN_LENGTH:
        raise _invalid(
            "password",
            f"The password needs at least {MIN_LENGTH} characters.",
            f"密码至少需要 {MIN_LENGTH} 个字符。",
        )


def list_users(session: Session, actor: Actor, org_id: int) -> list[User]:
    org = session.get(Organisation, org_id)
    if org is None:
        raise NotFound("No such organisation.", "没有该单位。")
    _require_admin_of(actor, org)
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
        raise NotFound("No such organisation.", "没有该单位。")
    password = data.get("password")
    if not _manages(actor, org):
        first_admin = (
            actor.has(Role.OPERATOR)
            and not password
            and data.get("roles") == [Role.ORG_ADMIN.value]
            and not _has_active_admin(session, org)
        )
        if not first_admin:
            _require_manager_of(actor, org)
    username = data["username"].strip().lower()
    if not USERNAME.match(username):
        raise _invalid(
            "username",
            "3–64 lower-case letters, digits, '.', '_' or '-'.",
            "用户名为 3–64 位小写字母、数字或 . _ -。",
        )
    if password:
        _check_password(password)
    roles = _check_roles(org, data["roles"])
    if session.scalar(select(User.id).where(User.username == username)):
        raise Conflict("This username is taken.", "用户名已被使用。", code="duplicate_username")
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
    return user, None if password else _issue_reset(session, actor, user)


def get_user(session: Session, actor: Actor, user_id: int) -> User:
    user = session.get(User, user_id)
    if user is None:
        raise NotFound("No such user.", "没有该用户。")
    if user.id != actor.user_id:
        _require_admin_of(actor, user.organisation)
    return user


def update_user(session: Session, actor: Actor, user_id: int, data: dict[str, Any]) -> User:
    user = session.get(User, user_id)
    if user is None:
        raise NotFound("No such user.", "没有该用户。")
    own = user.id == actor.user_id
    if data.get("password") and not own and actor.user_id is not None:
        raise Forbidden(
            "Nobody sets another user's password; issue a one-time reset link instead.",
            "不能为他人设置密码，请为其签发一次性重置链接。",
            code="password_not_yours",
        )
    if not own or set(data) - {"display_name", "password"}:
        _require_manager_of(actor, user.organisation)
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
            raise Conflict(
                "You cannot deactivate yourself.", "不能停用自己的账户。", code="self_deactivate"
            )
        user.active = changes["active"] = data["active"]
    if data.get("password"):
        _check_password(data["password"])
        user.password_hash = hash_password(data["password"])
        changes["password"] = "changed"  # noqa: S105 (a note, not a secret)
    if changes:
        session.flush()
        audit(
            session, actor, "user.updated", ("user", user.id), changes, user.organisation.region_id
        )
    return user


# ---------------------------------------------------------------- one-time password-reset links


def _issue_reset(session: Session, actor: Actor, user: User) -> tuple[PasswordReset, str]:
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
        raise NotFound("No such user.", "没有该用户。")
    _require_manager_of(actor, user.organisation)
    return _issue_reset(session, actor, user)


def issue_recovery_reset(session: Session, username: str) -> tuple[PasswordReset, str]:
    """A one-time link issued from the server's command line (``flask users reset-link``), for the
    case no admin of the user's organisation can sign in to issue one (its only admin is locked
    out). The ledger records it as issued by the command line, naming the user."""
    user = session.scalars(select(User).where(User.username == username)).first()
    if user is None:
        raise NotFound(f"No user {username!r}.", f"没有用户 {username!r}。")
    if not user.active:
        raise Conflict(
            f"User {username!r} is deactivated; an admin reactivates accounts.",
            f"用户 {username!r} 已停用，须由管理员重新启用。",
            code="user_inactive",
        )
    return _issue_reset(session, Actor(user_id=None, username="cli", via="cli"), user)


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
            "该重置链接无效、已使用或已过期，请向本单位管理员申请新的链接。",
            code="reset_link_invalid",
        )
    _check_password(password)
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
