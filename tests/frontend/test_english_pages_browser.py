"""The mall in English (X-3): every page a user of each role opens from the navigation, and the
first record behind each list, shows no Chinese of its own. What users entered in Chinese only
(names, titles, brands) stays as entered; the interface's words all come from the English catalog."""

from __future__ import annotations

import re

import pytest
from babel.support import Translations
from playwright.sync_api import Page

from frontend.i18n import LOCALES, TRANSLATIONS
from tests.frontend.conftest import assert_accessible

pytestmark = pytest.mark.browser

#: (user, pages opened directly, links followed from them: (page, selector of the first link))
WALKS: list[tuple[str | None, list[str], list[tuple[str, str]]]] = [
    (
        "purchaser",
        [
            "/",
            "/catalog",
            "/halls",
            "/cart",
            "/orders",
            "/auctions",
            "/auctions/new",
            "/pools",
            "/agreements",
            "/agreements/solicitations",
            "/agreements/solicitations/new",
            "/agreements/calloffs",
            "/budgets",
            "/disputes",
            "/notifications",
            "/api-docs",
        ],
        [
            ("/catalog", "[data-testid=result-title]"),
            ("/orders", "a[href^='/orders/']"),
            ("/budgets", "a[href^='/budgets/']"),
            ("/halls", "a[href^='/halls/']"),
            ("/pools", "a[href^='/pools/']"),
            ("/agreements", "[data-testid=agreement-link]"),
        ],
    ),
    (
        "supplier",
        [
            "/",
            "/supplier",
            "/auctions",
            "/pools",
            "/agreements",
            "/agreements/solicitations",
            "/agreements/offers",
            "/supplier/orders",
            "/disputes",
        ],
        [
            ("/supplier/orders", "a[href^='/supplier/orders/']"),
            ("/auctions", "a[href^='/auctions/']"),
        ],
    ),
    (
        "operator",
        [
            "/",
            "/operator/review",
            "/halls",
            "/pools",
            "/agreements",
            "/agreements/solicitations",
            "/agreements/solicitations/new",
            "/prices",
        ],
        [("/agreements/solicitations", "[data-testid=solicitation-link]")],
    ),
    (
        "supervisor",
        [
            "/",
            "/auctions",
            "/pools",
            "/agreements",
            "/agreements/solicitations",
            "/prices",
            "/disputes",
        ],
        [("/agreements", "[data-testid=agreement-link]")],
    ),
    ("monitor", ["/", "/prices", "/catalog"], []),
    ("handler", ["/", "/disputes"], [("/disputes", "a[href^='/disputes/']")]),
    (
        None,
        [
            "/signin",
            "/nowhere-at-all",
            "/public/agreements",
            "/public/agreements/deals",
            "/public/ledger",
            "/public/ledger?entry=1",
        ],
        [("/public/agreements", "[data-testid=public-agreement] a")],
    ),
]

#: Every text node with Chinese in it that is not inside an element marked as Chinese, nor part of
#: the OpenAPI document that /api-docs shows as it is written (one document for every reader).
HAN_TEXTS = """() => {
  const out = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  let node;
  while ((node = walker.nextNode())) {
    const text = node.textContent.trim();
    if (!/[\\u3400-\\u9fff]/.test(text)) continue;
    const el = node.parentElement;
    if (el.closest('[lang^="zh"], [data-source="openapi"], script, style')) continue;
    out.push({tag: el.tagName, text: text});
  }
  for (const el of document.querySelectorAll('[aria-label], [title], [placeholder], [alt]')) {
    for (const name of ['aria-label', 'title', 'placeholder', 'alt']) {
      const text = el.getAttribute(name);
      if (text && /[\\u3400-\\u9fff]/.test(text) && !el.closest('[lang^="zh"]')) {
        out.push({tag: el.tagName + '@' + name, text: text});
      }
    }
  }
  return out;
}"""


def _chinese_messages() -> set[str]:
    """Every Chinese text of the catalog: the words the interface would show in Chinese."""
    catalog = Translations.load(str(TRANSLATIONS), [LOCALES["zh"]])
    texts = set()
    for value in catalog._catalog.values():  # type: ignore[attr-defined]
        text = re.sub(r"%\(\w+\)[sd]|%[sd]|%%", "", str(value)).strip()
        if re.search(r"[\u3400-\u9fff]", text):
            texts.add(text)
    return texts


def _untranslated(found: list[dict[str, str]], messages: set[str]) -> list[str]:
    """Texts on an English page that are words of the interface in Chinese (whole, or one part
    of a text joined by · / : separators)."""
    wrong = []
    for item in found:
        parts = [item["text"], *re.split(r"\s*[·:：|/（）()]\s*", item["text"])]
        if any(part.strip() in messages for part in parts if part.strip()):
            wrong.append(f"{item['tag']}: {item['text'][:80]}")
    return wrong


def test_english_pages_show_no_chinese_of_their_own(open_as, live_server: str) -> None:
    messages = _chinese_messages()
    assert len(messages) > 1000
    problems: list[str] = []
    visited = 0
    for user, paths, follow in WALKS:
        page: Page = open_as(user)
        page.context.add_cookies([{"name": "lang", "value": "en", "url": live_server}])
        targets = list(paths)
        for path, selector in follow:
            page.goto(path)
            link = page.locator(selector).first
            if link.count():
                href = link.get_attribute("href")
                assert href, f"{path}: {selector} has no address"
                targets.append(href)
        for path in targets:
            page.goto(path)
            assert page.locator("html").get_attribute("lang") == "en", path
            visited += 1
            problems += [
                f"{user} {path} {p}" for p in _untranslated(page.evaluate(HAN_TEXTS), messages)
            ]
        if user == "purchaser":
            assert_accessible(page, "english-purchaser-last")
    assert visited >= 40
    assert problems == [], "\n".join(problems)


def test_the_check_finds_chinese_interface_words() -> None:
    """The walk above can fail: a Chinese word of the interface is caught, a user's name is not."""
    messages = _chinese_messages()
    found = [{"tag": "TH", "text": "品牌"}, {"tag": "P", "text": "供应商 · 陈供应"}]
    found += [
        {"tag": "TD", "text": "锡林浩特市博远办公设备有限公司"},
        {"tag": "SPAN", "text": "联想"},
    ]
    assert _untranslated(found, messages) == ["TH: 品牌", "P: 供应商 · 陈供应"]
