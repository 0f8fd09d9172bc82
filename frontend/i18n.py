"""Chinese first, English available (X-3), through Flask-Babel's gettext catalogs.

The messages are English msgids in ``frontend/translations/<locale>/LC_MESSAGES/messages.po``
(``zh_Hans_CN`` and ``en``); ``scripts/translations.sh`` extracts, updates and compiles them. The
language is the ``lang`` cookie's, else the browser's ``Accept-Language``, else Chinese. The pages'
scripts read the same catalogs: the messages found in ``frontend/static/js`` are served per locale
as one small script whose address carries a hash of its content.
"""

from __future__ import annotations

import hashlib
import json
from datetime import datetime
from decimal import Decimal
from functools import cache
from pathlib import Path

from babel.messages.pofile import read_po
from flask import Blueprint, Flask, Response, abort, g, has_request_context, url_for
from flask_babel import Babel, force_locale, format_datetime, format_decimal, gettext
from markupsafe import Markup, escape

from catalog import units
from core.messages import requested_lang
from frontend.labels import ACTIONS, SUBJECTS, label

__all__ = ["action_name", "both", "label", "lang", "pick", "subject_name", "when", "yuan_text"]

LANGS = ("zh", "en")
LOCALES = {"zh": "zh_Hans_CN", "en": "en"}
TRANSLATIONS = Path(__file__).resolve().parent / "translations"
ZONE = "Asia/Shanghai"

bp = Blueprint("i18n", __name__)


def lang() -> str:
    """``zh`` or ``en``: the ``lang`` cookie, else the best of ``Accept-Language``, else ``zh``."""
    if not has_request_context():
        return "zh"
    found = g.get("_lang")
    if found is None:
        found = requested_lang() or "zh"
        g._lang = found
    return found


def select_locale() -> str:
    return LOCALES[lang()]


def pick(zh: str, en: str | None) -> str:
    """A business text entered in two languages: English when asked for and given; a text entered
    only in Chinese is shown as entered."""
    return (en or zh) if lang() == "en" else zh


def user_text(zh: str, en: str | None) -> Markup:
    """A title a user typed, in the page's language; when only the other language was entered, it
    is shown as entered, marked with its language (read aloud correctly) and a note saying so."""
    if lang() == "en" and not en:
        return Markup(
            '<span lang="zh-CN" class="other-lang">{}</span> <small class="muted">{}</small>'
        ).format(zh, gettext("(in Chinese)"))
    return escape(en if lang() == "en" else zh)


def unit_text(unit: str | None, quantity: int | None = None) -> Markup:
    """A unit of measure as typed (台), or its English name (units) on an English page; a unit the
    catalogue's table does not know is shown as typed, marked as Chinese."""
    unit = unit or ""
    if lang() != "en":
        return escape(unit)
    name = units.english(unit, quantity)
    if name is None:
        return Markup('<span lang="zh-CN">{}</span>').format(unit)
    return escape(name)


def both(message: str, **variables: object) -> tuple[str, str]:
    """A message in English and in Chinese, for the errors that carry both (the API's shape)."""
    with force_locale("en"):
        en = gettext(message, **variables)
    with force_locale(LOCALES["zh"]):
        zh = gettext(message, **variables)
    return en, zh


def action_name(code: str) -> str:
    found = ACTIONS.get(code)
    return str(found) if found is not None else code


def subject_name(code: str) -> str:
    found = SUBJECTS.get(code)
    return str(found) if found is not None else code


def yuan_text(value: Decimal) -> str:
    """¥1,234.50 in either language (the mall deals in CNY only), by Babel's number formatting."""
    return format_decimal(value, format="¥#,##0.00")


def when(at: datetime, pattern: str = "yyyy-MM-dd HH:mm:ss") -> str:
    """A stored UTC time as read in Asia/Shanghai."""
    return format_datetime(at, pattern)


@cache
def _js_catalog(locale: str) -> tuple[str, str]:
    """The script that hands the pages' scripts their messages, and the hash naming it."""
    with (TRANSLATIONS / locale / "LC_MESSAGES" / "messages.po").open("rb") as handle:
        catalog = read_po(handle, locale=locale)
    messages: dict[str, str] = {}
    for message in catalog:
        if not message.id or not any(path.endswith(".js") for path, _ in message.locations):
            continue
        key = f"{message.context}\u0004{message.id}" if message.context else str(message.id)
        messages[key] = str(message.string or message.id)
    body = (
        "window.MALL_MESSAGES = " + json.dumps(messages, ensure_ascii=False, sort_keys=True) + ";\n"
    )
    return body, hashlib.sha256(body.encode()).hexdigest()[:12]


def js_catalog_url() -> str:
    locale = select_locale()
    return url_for("i18n.js_catalog", locale=locale, digest=_js_catalog(locale)[1])


@bp.route("/i18n/<locale>.<digest>.js")
def js_catalog(locale: str, digest: str) -> Response:
    if locale not in LOCALES.values():
        abort(404)
    body, current = _js_catalog(locale)
    response = Response(body, mimetype="text/javascript")
    if digest == current:
        response.cache_control.public = True
        response.cache_control.max_age = 31536000
        response.cache_control.immutable = True
    else:
        response.cache_control.no_cache = True
    return response


def init_app(app: Flask) -> None:
    app.config.setdefault("BABEL_DEFAULT_LOCALE", "zh_Hans_CN")
    app.config.setdefault("BABEL_DEFAULT_TIMEZONE", ZONE)
    app.config["BABEL_TRANSLATION_DIRECTORIES"] = str(TRANSLATIONS)
    Babel(app, locale_selector=select_locale, timezone_selector=lambda: ZONE)
    app.register_blueprint(bp)
    app.jinja_env.globals.update(
        label=label,
        js_catalog_url=js_catalog_url,
        user_text=user_text,
        unit_text=unit_text,
        when=when,
    )
