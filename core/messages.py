"""The services' messages to users (refusals, notifications) in either language, through gettext.

The messages are English msgids in ``core/translations/<locale>/LC_MESSAGES/services.po`` (``zh_Hans_CN``
and ``en``), a domain of their own beside the pages' ``messages``; ``scripts/translations.sh``
extracts, updates and compiles both. A message with values names them (``"Order %(number)s was
confirmed."``, a literal % written %%) and gets them as ``params``. No request is needed: services run
in requests, background jobs and the command line alike. Within a request, ``requested_lang`` tells
the language the request asks for, if any.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import cache
from pathlib import Path

from babel.support import NullTranslations, Translations
from flask import has_request_context, request

__all__ = ["LANGS", "LOCALES", "N_", "en_zh", "requested_lang", "translate"]

DOMAIN = "services"
LANGS = ("zh", "en")
LOCALES = {"zh": "zh_Hans_CN", "en": "en"}
TRANSLATIONS = Path(__file__).resolve().parent / "translations"


def N_(msgid: str) -> str:
    """Marks a message for extraction where it is written (a table, a class default); it is
    translated where it is shown."""
    return msgid


@cache
def _catalog(locale: str) -> NullTranslations:
    return Translations.load(str(TRANSLATIONS), [locale], domain=DOMAIN)


def translate(msgid: str, lang: str, params: Mapping[str, object] | None = None) -> str:
    """``msgid`` in ``lang`` (``zh`` or ``en``) with ``params`` put in its ``%(name)s`` places."""
    text = _catalog(LOCALES[lang]).gettext(msgid)
    return text % dict(params) if params is not None else text


def en_zh(msgid: str, **params: object) -> tuple[str, str]:
    """A message in English and in Chinese, for what carries both (an error, a notification)."""
    return translate(msgid, "en", params or None), translate(msgid, "zh", params or None)


def requested_lang() -> str | None:
    """``zh`` or ``en`` as the current request asks: its ``lang`` cookie, else the best of its
    ``Accept-Language``; ``None`` outside a request or when it names neither language."""
    if not has_request_context():
        return None
    cookie = request.cookies.get("lang")
    if cookie in LANGS:
        return cookie
    best = request.accept_languages.best_match(["zh-CN", "zh", "en"])
    if best is None:
        return None
    return "en" if best == "en" else "zh"
