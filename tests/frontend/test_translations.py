"""The pages' translations (X-3): complete catalogs in both languages, current with the sources, no
Chinese written outside them, the language from the cookie or the browser, the scripts' catalog
served under a hash of its content, money and times formatted by Babel."""

from __future__ import annotations

import io
import re
import subprocess
import sys
import tokenize
from decimal import Decimal
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from frontend.i18n import LOCALES, TRANSLATIONS

ROOT = Path(__file__).resolve().parents[2]
HAN = re.compile(r"[\u3400-\u9fff]")
PLACEHOLDER = re.compile(r"%\((\w+)\)[sd]|%[sd]")


def _forms(text: str | tuple[str, ...]) -> tuple[str, ...]:
    """A message's text, or each of its plural forms."""
    return text if isinstance(text, tuple) else (text,)


def _catalog(locale: str):  # type: ignore[no-untyped-def]
    with (TRANSLATIONS / locale / "LC_MESSAGES" / "messages.po").open("rb") as handle:
        return read_po(handle, locale=locale)


@pytest.mark.parametrize("locale", sorted(LOCALES.values()))
def test_every_message_is_translated_and_none_is_fuzzy(locale: str) -> None:
    catalog = _catalog(locale)
    messages = [m for m in catalog if m.id]
    assert len(messages) > 1000
    untranslated = [m.id for m in messages if not all(_forms(m.string))]
    fuzzy = [m.id for m in messages if m.fuzzy]
    assert untranslated == [] and fuzzy == []


@pytest.mark.parametrize("locale", sorted(LOCALES.values()))
def test_a_translation_keeps_the_placeholders_of_its_message(locale: str) -> None:
    wrong = [
        m.id
        for m in _catalog(locale)
        if m.id
        for form in _forms(m.string)
        if sorted(PLACEHOLDER.findall(_forms(m.id)[-1])) != sorted(PLACEHOLDER.findall(form))
    ]
    assert wrong == []


def test_counts_use_plural_forms() -> None:
    """English has a singular and a plural; Chinese one form (``nplurals=1``)."""
    zh, en = _catalog(LOCALES["zh"]), _catalog(LOCALES["en"])
    assert zh.num_plurals == 1 and en.num_plurals == 2
    plurals = [m for m in en if isinstance(m.id, tuple)]
    assert len(plurals) >= 5
    assert all(len(m.string) == 2 for m in plurals)


def test_the_chinese_catalog_is_chinese_and_the_english_one_english() -> None:
    zh = {
        (m.context, _forms(m.id)[0]): _forms(m.string)[0] for m in _catalog(LOCALES["zh"]) if m.id
    }
    en = {
        (m.context, _forms(m.id)[0]): _forms(m.string)[-1] for m in _catalog(LOCALES["en"]) if m.id
    }
    assert zh.keys() == en.keys()
    # a message of letters only (not a number, a symbol or a code) reads in Chinese
    worded = [k for k in zh if re.search(r"[A-Za-z]{3}", str(k[1])) and "API" not in str(k[1])]
    assert sum(1 for k in worded if HAN.search(zh[k])) / len(worded) > 0.97
    assert not [
        k
        for k, text in en.items()
        if HAN.search(text) and k[0] != "the other language, named in itself"
    ]


def test_the_catalogs_hold_every_message_the_sources_use(tmp_path: Path) -> None:
    """What ``scripts/translations.sh update`` would add: nothing, or the catalogs are behind."""
    pot = tmp_path / "messages.pot"
    subprocess.run(
        [
            str(Path(sys.executable).with_name("pybabel")),
            "-q",
            "extract",
            "-F",
            "frontend/babel.cfg",
            "-k",
            "_l",
            "-k",
            "lazy_pgettext:1c,2",
            "-k",
            "both",
            "-o",
            str(pot),
            ".",
        ],
        cwd=ROOT,
        check=True,
    )
    with pot.open("rb") as handle:
        used = {(m.context, _forms(m.id)) for m in read_po(handle) if m.id}
    for locale in LOCALES.values():
        held = {(m.context, _forms(m.id)) for m in _catalog(locale) if m.id}
        assert used - held == set(), locale
        assert held - used == set(), f"{locale}: messages no source uses any more"


def _string_literals(path: Path) -> list[tuple[int, str]]:
    """Every string literal of a module that is not a docstring."""
    tokens = list(tokenize.generate_tokens(io.StringIO(path.read_text()).readline))
    found = []
    for i, token in enumerate(tokens):
        if token.type != tokenize.STRING:
            continue
        j = i - 1
        while j >= 0 and tokens[j].type in (tokenize.NL, tokenize.COMMENT):
            j -= 1
        if j < 0 or tokens[j].type in (tokenize.NEWLINE, tokenize.INDENT, tokenize.DEDENT):
            continue  # a docstring
        found.append((token.start[0], token.string))
    return found


def test_no_chinese_is_written_in_templates_views_or_scripts_outside_the_catalogs() -> None:
    found = []
    for path in sorted((ROOT / "frontend").glob("*.py")):
        found += [f"{path.name}:{n}" for n, text in _string_literals(path) if HAN.search(text)]
    for path in sorted((ROOT / "frontend/templates").rglob("*.html")):
        text = re.sub(r"\{#.*?#\}", "", path.read_text(), flags=re.S)
        found += [
            f"{path.name}: {line.strip()[:60]}" for line in text.splitlines() if HAN.search(line)
        ]
    for path in sorted((ROOT / "frontend/static/js").glob("*.js")):
        text = re.sub(r"/\*.*?\*/|//[^\n]*", "", path.read_text(), flags=re.S)
        found += [
            f"{path.name}: {line.strip()[:60]}" for line in text.splitlines() if HAN.search(line)
        ]
    assert found == []


def _page(client, path: str, **headers: str) -> str:  # type: ignore[no-untyped-def]
    response = client.get(path, headers=headers)
    assert response.status_code == 200
    return response.get_data(as_text=True)


def test_the_language_comes_from_the_cookie_then_the_browser(client) -> None:  # type: ignore[no-untyped-def]
    assert '<html lang="zh-CN"' in _page(client, "/signin")
    english = _page(client, "/signin", **{"Accept-Language": "en-GB,en;q=0.9"})
    assert '<html lang="en"' in english and "Sign in" in english
    assert '<html lang="zh-CN"' in _page(
        client, "/signin", **{"Accept-Language": "zh-CN,zh;q=0.9,en;q=0.5"}
    )
    client.set_cookie("lang", "zh")
    assert '<html lang="zh-CN"' in _page(client, "/signin", **{"Accept-Language": "en"})
    client.set_cookie("lang", "en")
    assert '<html lang="en"' in _page(client, "/signin")


def test_the_scripts_catalog_is_served_under_a_hash_of_its_content(client) -> None:  # type: ignore[no-untyped-def]
    pages = {}
    for lang in ("zh", "en"):
        client.set_cookie("lang", lang)
        page = _page(client, "/signin")
        url = re.search(r'<script src="(/i18n/[^"]+\.js)"', page).group(1)  # type: ignore[union-attr]
        response = client.get(url)
        assert response.status_code == 200
        assert response.mimetype == "text/javascript"
        assert "immutable" in response.headers["Cache-Control"]
        pages[lang] = (url, response.get_data(as_text=True))
    assert pages["zh"][0] != pages["en"][0]
    # a message the bid room's script shows, in each language
    assert '"Bid accepted: %s (bid no. %s)": "报价已受理' in pages["zh"][1]
    assert '"Bid accepted: %s (bid no. %s)": "Bid accepted' in pages["en"][1]
    stale = client.get(re.sub(r"\.[0-9a-f]{12}\.js$", ".000000000000.js", pages["zh"][0]))
    assert stale.status_code == 200 and "immutable" not in stale.headers["Cache-Control"]
    assert client.get("/i18n/fr.000000000000.js").status_code == 404


def test_money_and_times_are_formatted_by_babel_in_shanghai_time(app) -> None:  # type: ignore[no-untyped-def]
    from datetime import UTC, datetime

    from frontend.i18n import when, yuan_text

    for lang in ("zh", "en"):
        with app.test_request_context(headers={"Cookie": f"lang={lang}"}):
            assert yuan_text(Decimal("1234.5")) == "¥1,234.50"
            assert yuan_text(Decimal("0")) == "¥0.00"
            assert when(datetime(2026, 12, 31, 17, 30, tzinfo=UTC)) == "2027-01-01 01:30:00"


def test_no_template_hides_the_translation_functions_behind_a_variable() -> None:
    """``{% set _ = ... %}`` or a loop or macro argument named ``label`` would make every later
    call of that name on the page fail."""
    names = r"(?:_|label|gettext|pgettext|ngettext)"
    binding = re.compile(
        rf"\{{%-?\s*(?:set\s+{names}\s*=|for\s+(?:[\w\s,]*,\s*)?{names}\s*(?:,|in\b))"
        rf"|\{{%-?\s*macro\s+\w+\([^)]*\b{names}\b\s*[,)=]"
    )
    found = [
        f"{path.name}: {m.group(0)}"
        for path in sorted((ROOT / "frontend/templates").rglob("*.html"))
        for m in binding.finditer(path.read_text())
    ]
    assert found == []
