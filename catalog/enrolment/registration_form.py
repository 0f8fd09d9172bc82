"""The supplier self-registration form (MALL-6): every field's problems at once, as bilingual
"中文 / English" strings, and the cleaned values; the licence is a PDF, PNG or JPEG by content, at most
5 MB.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from catalog.categories.models import Category
from catalog.enrolment.credit_code import credit_code_problem, normalise_credit_code
from catalog.enrolment.models import SIZES
from core.accounts import service as accounts
from core.accounts.models import Region
from core.accounts.passwords import MIN_LENGTH
from core.uploads import DOCUMENTS
from core.uploads import sniff as sniff_upload

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


def sniff(data: bytes) -> tuple[str, str] | None:
    """(content type, extension) of a PDF, PNG or JPEG by its content; None otherwise."""
    return sniff_upload(data, DOCUMENTS)


def _text(data: dict[str, Any], name: str) -> str:
    value = data.get(name)
    return value.strip() if isinstance(value, str) else ""


def form_problems(
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
