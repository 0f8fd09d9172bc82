"""The pages' messages as the catalogs translate them, for tests that look for a page's words."""

from __future__ import annotations

from babel.support import Translations

from frontend.i18n import LOCALES, TRANSLATIONS

_CATALOGS = {
    lang: Translations.load(str(TRANSLATIONS), [locale]) for lang, locale in LOCALES.items()
}


def zh(msgid: str, context: str | None = None) -> str:
    """The Chinese a page shows for ``msgid`` (``%%`` as the page prints it)."""
    catalog = _CATALOGS["zh"]
    text = catalog.pgettext(context, msgid) if context else catalog.gettext(msgid)
    return text.replace("%%", "%")


def en(msgid: str, context: str | None = None) -> str:
    catalog = _CATALOGS["en"]
    text = catalog.pgettext(context, msgid) if context else catalog.gettext(msgid)
    return text.replace("%%", "%")


def zh_plural(singular: str, plural: str, n: int) -> str:
    """The Chinese for a count (one form in Chinese), placeholders left in."""
    return _CATALOGS["zh"].ngettext(singular, plural, n)
