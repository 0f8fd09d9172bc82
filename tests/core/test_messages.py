"""The services' messages (X-3): refusals and notifications written as English msgids, their Chinese
in the services' catalog, the API's ``message`` in the language the request asks for."""

from __future__ import annotations

import ast
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.pofile import read_po

from core.errors import Conflict, DomainError, NotFound, RateLimited
from core.message_extract import ERRORS, calls
from core.messages import LOCALES, TRANSLATIONS, en_zh, translate

ROOT = Path(__file__).resolve().parents[2]
HAN = re.compile(r"[\u3400-\u9fff]")
PLACEHOLDER = re.compile(r"%\((\w+)\)[sdr]|%[sdr]")

#: The packages whose refusals and notifications are written through the catalog...
SCANNED = ("core", "supervision", "catalog", "mall", "auction")
#: ... but for these, still written with Chinese literals beside the English ones; remove an entry
#: once ``scripts/move_messages.py`` has moved its texts into the catalog.
NOT_YET_CONVERTED: tuple[str, ...] = ()


def _calls() -> set[str]:
    """The calls that carry a message (the errors, the helpers ``core/babel.cfg`` names) and the
    notifications' ``Message``."""
    with (ROOT / "core" / "babel.cfg").open() as handle:
        _, options = parse_mapping_cfg(handle)
    names = set(ERRORS) | {"Message"}
    for option in options.values():
        names |= set(calls(option.get("calls", "")))
    return names - {"N_", "translate", "en_zh"}


def _catalog(locale: str):  # type: ignore[no-untyped-def]
    with (TRANSLATIONS / locale / "LC_MESSAGES" / "services.po").open("rb") as handle:
        return read_po(handle, locale=locale)


@pytest.mark.parametrize("locale", sorted(LOCALES.values()))
def test_every_message_is_translated_and_none_is_fuzzy(locale: str) -> None:
    messages = [m for m in _catalog(locale) if m.id]
    assert len(messages) > 10
    assert [m.id for m in messages if not m.string] == []
    assert [m.id for m in messages if m.fuzzy] == []


@pytest.mark.parametrize("locale", sorted(LOCALES.values()))
def test_a_translation_keeps_the_placeholders_of_its_message(locale: str) -> None:
    wrong = [
        m.id
        for m in _catalog(locale)
        if m.id and sorted(PLACEHOLDER.findall(m.id)) != sorted(PLACEHOLDER.findall(m.string))
    ]
    assert wrong == []


def test_the_chinese_catalog_is_chinese_and_the_english_one_english() -> None:
    zh = {m.id: m.string for m in _catalog(LOCALES["zh"]) if m.id}
    en = {m.id: m.string for m in _catalog(LOCALES["en"]) if m.id}
    assert zh.keys() == en.keys()
    assert [
        k for k, text in zh.items() if re.search(r"[A-Za-z]{3}", k) and not HAN.search(text)
    ] == []
    # the English catalog repeats the English msgids (a few name a Chinese legal term in brackets)
    assert [k for k, text in en.items() if text != k] == []


def test_the_catalogs_hold_every_message_the_sources_use(tmp_path: Path) -> None:
    """What ``scripts/translations.sh update`` would add: nothing, or the catalogs are behind."""
    pot = tmp_path / "services.pot"
    subprocess.run(
        [
            str(Path(sys.executable).with_name("pybabel")),
            "-q",
            "extract",
            "-F",
            "core/babel.cfg",
            "-o",
            str(pot),
            ".",
        ],
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        check=True,
    )
    with pot.open("rb") as handle:
        used = {m.id for m in read_po(handle) if m.id}
    for locale in LOCALES.values():
        held = {m.id for m in _catalog(locale) if m.id}
        assert used - held == set(), locale
        assert held - used == set(), f"{locale}: messages no source uses any more"


def _name(func: ast.expr) -> str | None:
    return func.id if isinstance(func, ast.Name) else getattr(func, "attr", None)


def test_no_refusal_or_notification_is_written_with_a_chinese_literal() -> None:
    """The move's proof: in the converted packages, no DomainError-family call (nor a
    notification's ``Message``) passes Chinese text; it comes from the catalog. (A form's
    field problems under ``details`` are bilingual texts of their own.)"""
    found = []
    names = _calls()
    for package in SCANNED:
        for path in sorted((ROOT / package).rglob("*.py")):
            where = path.relative_to(ROOT).as_posix()
            if where.startswith(NOT_YET_CONVERTED):
                continue
            for node in ast.walk(ast.parse(path.read_text())):
                if isinstance(node, ast.Call) and _name(node.func) in names:
                    given = [*node.args, *(k.value for k in node.keywords if k.arg != "details")]
                    texts = [
                        x.value
                        for arg in given
                        for x in ast.walk(arg)
                        if isinstance(x, ast.Constant) and isinstance(x.value, str)
                    ]
                    if any(HAN.search(text) for text in texts):
                        found.append(f"{where}:{node.lineno}")
    assert found == []


def test_a_message_is_translated_without_a_request_with_its_values() -> None:
    assert translate("Some fields are invalid.", "zh") == "部分字段不符合要求。"
    assert en_zh("nested deeper than %(depth)s levels", depth=3) == (
        "nested deeper than 3 levels",
        "嵌套超过 3 层",
    )
    # a message the catalog does not hold reads as written
    assert translate("No such message %(n)s.", "zh", {"n": 1}) == "No such message 1."


def test_an_error_takes_its_chinese_from_the_catalog() -> None:
    error = NotFound("Not found.", code="gone")
    assert (error.message, error.message_zh, error.code) == ("Not found.", "未找到。", "gone")
    assert Conflict().message_zh == "请求与当前状态冲突。"
    assert RateLimited(5).to_dict()["message_zh"] == "尝试次数过多，请稍后再试。"
    # the two-literal form still holds while modules move over
    old = Conflict("Written here.", "写在这里。", code="old")
    assert (old.message, old.message_zh) == ("Written here.", "写在这里。")
    assert DomainError().text("zh") == "请求无法处理。"


def test_the_api_answers_in_the_language_the_request_asks_for(client) -> None:  # type: ignore[no-untyped-def]
    def refusal(**headers: str) -> dict:
        response = client.get("/api/notifications", headers=headers)
        assert response.status_code == 401
        return response.get_json()

    english = {"code": "unauthenticated", "message": "Please sign in.", "message_zh": "请先登录。"}
    chinese = english | {"message": "请先登录。"}
    pick = ("code", "message", "message_zh")
    assert {k: refusal()[k] for k in pick} == english  # no language asked: English, as ever
    assert {k: refusal(**{"Accept-Language": "zh-CN,zh;q=0.9"})[k] for k in pick} == chinese
    assert {k: refusal(**{"Accept-Language": "en-GB,en;q=0.8"})[k] for k in pick} == english
    # a language the mall does not speak falls back to English
    assert {k: refusal(**{"Accept-Language": "fr-FR,fr;q=0.9"})[k] for k in pick} == english
    client.set_cookie("lang", "zh")
    assert {k: refusal(**{"Accept-Language": "en"})[k] for k in pick} == chinese


def test_the_error_schema_says_which_language_message_is_in(client) -> None:  # type: ignore[no-untyped-def]
    schema = client.get("/api/openapi.json").get_json()["components"]["schemas"]["Error"]
    assert "Accept-Language" in schema["description"]
    assert "Accept-Language" in schema["properties"]["message"]["description"]
