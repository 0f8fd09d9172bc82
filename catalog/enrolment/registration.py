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

import re
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from flask import current_app, has_request_context
from sqlalchemy import ForeignKey, Integer, String, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Mapped, Session, mapped_column

from catalog.categories.models import Category
from catalog.enrolment import service as enrolment
from catalog.enrolment.models import SIZES, EnrolmentApplication
from core import clock, signatures
from core.accounts import service as accounts
from core.accounts.auth import Actor, actor_for, current_device
from core.accounts.models import Organisation, Region, User, UserSession
from core.accounts.passwords import MIN_LENGTH
from core.accounts.roles import OrgKind, Role
from core.db import Base, UTCDateTime
from core.errors import Conflict, Forbidden, NotFound, ValidationFailed
from core.uploads import DOCUMENTS, content_address, store_after_commit
from core.uploads import sniff as sniff_upload
from supervision.ledger import record

# ---------------------------------------------------------------- the credit code (GB 32100-2015)

#: The 31 characters of a unified social credit code (no I, O, Z, S, V), each worth its index.
CHARSET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
#: The weights of positions 1–17 as GB 32100-2015 gives them: 3 ** (i - 1) mod 31.
WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
CODE_LENGTH = 18
_VALUE = {ch: i for i, ch in enumerate(CHARSET)}


def check_character(first17: str) -> str:
    """The check character (position 18) of the code whose first 17 characters are given."""
    total = sum(_VALUE[ch] * weight for ch, weight in zip(first17, WEIGHTS, strict=True))
    value = 31 - total % 31
    return CHARSET[0 if value == 31 else value]


def credit_code_problem(code: str) -> tuple[str, str] | None:
    """What is wrong with an (upper-case) credit code, as (Chinese, English); None when valid:
    18 characters of the set, positions 3–8 an administrative division code (digits), position 18
    the check character of the other 17."""
    if len(code) != CODE_LENGTH:
        return (
            f"统一社会信用代码应为 18 位，填写的是 {len(code)} 位",
            f"A unified social credit code has 18 characters, not {len(code)}",
        )
    for position, ch in enumerate(code, start=1):
        if ch not in _VALUE:
            return (
                f"第 {position} 位的“{ch}”不是代码字符（不使用 I、O、Z、S、V）",
                f"Position {position}: '{ch}' is not a code character (I, O, Z, S and V are never used)",
            )
    if not code[2:8].isdigit():
        return (
            "第 3–8 位应为行政区划代码（6 位数字）",
            "Positions 3–8 must be an administrative division code (6 digits)",
        )
    expected = check_character(code[:17])
    if code[17] != expected:
        return (
            f"校验位应为 {expected}，填写的是 {code[17]}",
            f"The check character should be {expected}, not {code[17]}",
        )
    return None


def normalise_credit_code(raw: str) -> str:
    return raw.strip().upper()


# ---------------------------------------------------------------- the registration and its licence


class SupplierRegistration(Base):
    """营业执照 and contact of a supplier that registered itself; the licence file is stored
    content-addressed under ``instance/uploads/licences/`` and only its hash goes on the ledger."""

    __tablename__ = "supplier_registrations"

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), unique=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("enrolment_applications.id"))
    contact_name: Mapped[str] = mapped_column(String(100))
    contact_phone: Mapped[str] = mapped_column(String(30))
    contact_email: Mapped[str | None] = mapped_column(String(200))
    licence_filename: Mapped[str] = mapped_column(String(100))
    licence_original_name: Mapped[str] = mapped_column(String(200))
    licence_content_type: Mapped[str] = mapped_column(String(40))
    licence_size: Mapped[int] = mapped_column(Integer)
    licence_sha256: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)


MAX_LICENCE_BYTES = 5 * 1024 * 1024
MAX_PASSWORD = 200
_CJK = re.compile(r"[\u3400-\u9fff]")
_PHONE = re.compile(r"^\+?[0-9][0-9 ()-]{5,28}[0-9]$")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


@dataclass(frozen=True)
class Licence:
    """An uploaded licence file: the name its sender gave it and its bytes."""

    name: str
    data: bytes


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


def sniff(data: bytes) -> tuple[str, str] | None:
    """(content type, extension) of a PDF, PNG or JPEG by its content; None otherwise."""
    return sniff_upload(data, DOCUMENTS)


def _text(data: dict[str, Any], name: str) -> str:
    value = data.get(name)
    return value.strip() if isinstance(value, str) else ""


def _problems(
    session: Session, data: dict[str, Any], licence: Licence | None
) -> tuple[dict[str, list[str]], dict[str, Any]]:
    """Every field's problems (bilingual "中文 / English" strings), and the cleaned values."""
    errors: dict[str, list[str]] = {}
    clean: dict[str, Any] = {}

    def bad(field: str, zh: str, en: str) -> None:
        errors.setdefault(field, []).append(f"{zh} / {en}")

    name_zh = _text(data, "name_zh")
    if not 2 <= len(name_zh) <= 200 or not _CJK.search(name_zh):
        bad("name_zh", "请填写单位中文名称（2–200 字）", "The Chinese name (2–200 characters)")
    name_en = _text(data, "name_en")
    if len(name_en) > 200:
        bad("name_en", "英文名称最多 200 个字符", "At most 200 characters")
    clean |= {"name_zh": name_zh, "name_en": name_en or name_zh}

    code = normalise_credit_code(data.get("credit_code") or "")
    problem = credit_code_problem(code)
    if problem:
        bad("credit_code", *problem)
    clean["credit_code"] = code

    if data.get("enterprise_size") not in SIZES:
        bad("enterprise_size", "请选择企业规模", f"One of {', '.join(SIZES)}")
    clean["enterprise_size"] = data.get("enterprise_size")

    region_id = data.get("region_id")
    if not isinstance(region_id, int) or session.get(Region, region_id) is None:
        bad("region_id", "请选择所在地区", "Choose a region")
    clean["region_id"] = region_id

    ids = sorted({i for i in data.get("category_ids") or [] if isinstance(i, int)})
    leaves = set()
    if ids:
        found = set(
            session.scalars(
                select(Category.id).where(Category.id.in_(ids), Category.retired_at.is_(None))
            )
        )
        parents = set(
            session.scalars(
                select(Category.parent_id).where(
                    Category.parent_id.in_(ids), Category.retired_at.is_(None)
                )
            )
        )
        leaves = found - parents
    if not ids or leaves != set(ids):
        unknown = sorted(set(ids) - leaves)
        bad(
            "category_ids",
            "请至少选择一个末级品目" + (f"（无效：{unknown}）" if unknown else ""),
            "Choose at least one leaf category" + (f" (not valid: {unknown})" if unknown else ""),
        )
    clean["category_ids"] = ids

    contact_name = _text(data, "contact_name")
    if not 1 <= len(contact_name) <= 100:
        bad(
            "contact_name",
            "请填写联系人（最多 100 字）",
            "The contact's name (at most 100 characters)",
        )
    contact_phone = _text(data, "contact_phone")
    if not _PHONE.match(contact_phone):
        bad("contact_phone", "请填写有效的联系电话", "A valid phone number")
    contact_email = _text(data, "contact_email")
    if contact_email and (len(contact_email) > 200 or not _EMAIL.match(contact_email)):
        bad("contact_email", "电子邮箱格式不正确", "Not an e-mail address")
    clean |= {
        "contact_name": contact_name,
        "contact_phone": contact_phone,
        "contact_email": contact_email or None,
    }

    username = _text(data, "username").lower()
    if not accounts.USERNAME.match(username):
        bad(
            "username",
            "用户名为 3–64 位小写字母、数字或 . _ -",
            "3–64 lower-case letters, digits, '.', '_' or '-'",
        )
    password = data.get("password") or ""
    if len(password) > MAX_PASSWORD:
        bad("password", f"密码最多 {MAX_PASSWORD} 个字符", f"At most {MAX_PASSWORD} characters")
    elif len(password) < MIN_LENGTH:
        bad(
            "password",
            f"密码至少需要 {MIN_LENGTH} 个字符",
            f"The password needs at least {MIN_LENGTH} characters",
        )
    clean |= {"username": username, "password": password}

    if licence is None or not licence.data:
        bad("licence", "请上传营业执照", "Upload the business licence")
    elif len(licence.data) > MAX_LICENCE_BYTES:
        bad(
            "licence",
            f"营业执照文件不能超过 {MAX_LICENCE_BYTES // 1024 // 1024} MB",
            f"The licence file may have at most {MAX_LICENCE_BYTES // 1024 // 1024} MB",
        )
    elif sniff(licence.data) is None:
        bad(
            "licence",
            "营业执照须为 PDF、PNG 或 JPEG 文件",
            "The licence must be a PDF, PNG or JPEG",
        )
    return errors, clean


def _taken(field: str) -> Conflict:
    if field == "credit_code":
        return Conflict(
            "An organisation with this credit code is already registered.",
            "该统一社会信用代码已登记。",
            code="duplicate_credit_code",
            details={"credit_code": ["该统一社会信用代码已登记 / This credit code is registered"]},
        )
    return Conflict(
        "This username is taken.",
        "用户名已被使用。",
        code="duplicate_username",
        details={"username": ["用户名已被使用 / This username is taken"]},
    )


def register(
    session: Session, data: dict[str, Any], licence: Licence | None, ip: str
) -> Registered:
    """Register a supplier (see the module). Refused with every field's problem at once
    (``ValidationFailed``), or ``Conflict`` for a credit code or username already registered;
    nothing is written then."""
    errors, clean = _problems(session, data, licence)
    if errors:
        first = next(iter(errors.values()))[0]
        zh, _, en = first.partition(" / ")
        raise ValidationFailed(
            f"The registration is incomplete: {en}", f"注册信息有误：{zh}", details=errors
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
            "仅运营机构和本单位管理员可查看营业执照。",
        )
    registration = registration_of(session, org_id)
    if registration is None:
        raise NotFound("This supplier registered no licence here.", "该供应商未在此上传营业执照。")
    return registration
