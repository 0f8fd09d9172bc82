"""Catalog search with everyday words and numeric range facets, in a real browser (CAT-6, X-2, X-3).

A purchaser searches with the words people use — 笔记本电脑, 电脑, 手提电脑, laptop — in the Chinese and
the English interface and gets laptops and computers, although the catalogue calls them 便携式计算机 and
计算机. Print speed, a numeric parameter, is offered as a few ranges and from–to inputs instead of one
checkbox per speed, on a desktop and on a phone, where the opened filter panel stays short. One live
server (demo data) and one browser serve the module.
"""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime, timedelta
from pathlib import Path
from urllib.parse import quote

import pytest
from playwright import sync_api
from playwright.sync_api import expect

from tests.frontend.conftest import assert_accessible, assert_fits
from tests.frontend.texts import en

pytestmark = pytest.mark.browser

COMPUTERS_ZH = {"台式计算机", "便携式计算机", "平板式计算机", "服务器"}
COMPUTERS_EN = {"Desktop computer", "Laptop", "Tablet", "Server"}
DESKTOP = "A02010104"
#: Memory sizes of the desktops the phone test adds: 36 different values.
MEMORY_SIZES = [8 + 4 * i for i in range(36)]
#: The opened filter panel of the desktop category on a 390 × 844 phone once those desktops are on
#: the shelf (measured): 1,728 px with a scrolling list of a checkbox per value for memory, SSD and
#: screen size (the memory list 244 px), 1,493 px with ranges (the memory ranges 120 px).
PHONE_FILTERS_MAX_PX = 1_600


def categories_shown(page: sync_api.Page) -> list[str]:
    """The category named on each result card ("brand · model · category")."""
    metas = page.locator("[data-testid=result] .meta").all_inner_texts()
    return [meta.rsplit("·", 1)[-1].strip() for meta in metas]


def search(page: sync_api.Page, words: str) -> None:
    page.fill("[data-testid=q]", words)
    with page.expect_navigation():
        page.click("[data-testid=search-submit]")


def api_total(page: sync_api.Page, query: str) -> int:
    answer = page.request.get(f"/api/catalog/search?{query}")
    assert answer.ok, answer.text()
    return answer.json()["total"]


def test_everyday_words_find_laptops_and_computers(
    open_as, shots: Path, js_errors: list[str]
) -> None:
    """CAT-6: 笔记本电脑, 手提电脑 and laptop find laptops (便携式计算机), 电脑 finds computers, in the
    Chinese interface and, after the language switch, in the English one."""
    page = open_as("purchaser")
    page.goto("/catalog")
    for words, expected in (
        ("笔记本电脑", {"便携式计算机"}),
        ("手提电脑", {"便携式计算机"}),
        ("laptop", {"便携式计算机"}),
        ("电脑", COMPUTERS_ZH),
    ):
        search(page, words)
        shown = categories_shown(page)
        assert shown, f"{words}: no results"
        assert set(shown) <= expected, (words, shown)
        total = int(page.locator("[data-testid=total] strong").inner_text())
        assert total == api_total(page, f"q={quote(words)}")
    assert_accessible(page, "search-words-zh")
    page.screenshot(path=str(shots / "search-words-zh.png"), full_page=True)

    with page.expect_navigation():
        page.click("[data-testid=lang]")
    expect(page.locator("[data-testid=search-submit]")).to_have_text(en("Search"))
    for words, expected in (
        ("laptop", {"Laptop"}),
        ("笔记本电脑", {"Laptop"}),
        ("ｌａｐｔｏｐ", {"Laptop"}),
        ("computer", COMPUTERS_EN),
    ):
        search(page, words)
        shown = categories_shown(page)
        assert shown, f"{words}: no results"
        assert set(shown) <= expected, (words, shown)
    assert_accessible(page, "search-words-en")
    page.screenshot(path=str(shots / "search-words-en.png"), full_page=True)
    assert not js_errors, js_errors


def test_print_speed_facets_as_ranges_on_a_desktop(
    open_as, shots: Path, js_errors: list[str]
) -> None:
    """CAT-6: print speed is a few range links and from–to inputs, not a checkbox per speed; a
    range link and the inputs both filter, and the chip removes the range again."""
    page = open_as("purchaser")
    page.goto(f"/catalog?q={quote('打印机')}")
    speed = page.locator("[data-testid=facet-range-ppm]")
    expect(speed).to_be_visible()
    expect(page.locator("[data-testid=facet-param-ppm]")).to_have_count(0)
    links = speed.locator("a")
    assert 1 <= links.count() <= 6
    assert speed.locator("input[type=checkbox]").count() == 0
    counts = [int(c) for c in speed.locator(".count").all_inner_texts()]
    total = int(page.locator("[data-testid=total] strong").inner_text())
    assert 0 < sum(counts) <= total  # the printers among the matches, by speed
    assert_accessible(page, "search-range-zh")
    page.screenshot(path=str(shots / "search-range-zh.png"), full_page=True)

    with page.expect_navigation():
        links.first.click()
    assert "min.ppm=" in page.url and "max.ppm=" in page.url
    assert int(page.locator("[data-testid=total] strong").inner_text()) == counts[0]
    expect(speed.locator("a.selected")).to_have_count(1)

    page.fill("[data-testid=range-min-ppm]", "20")
    page.fill("[data-testid=range-max-ppm]", "40")
    with page.expect_navigation():
        page.press("[data-testid=range-max-ppm]", "Enter")
    expected = api_total(page, f"q={quote('打印机')}&param=ppm:20..40")
    assert int(page.locator("[data-testid=total] strong").inner_text()) == expected
    chip = page.locator("[data-testid=chips] a.chip", has_text="20 – 40")
    expect(chip).to_have_count(1)
    expect(page.locator("[data-testid=range-min-ppm]")).to_have_value("20")

    with page.expect_navigation():
        page.click("[data-testid=lang]")
    speed_en = page.locator("[data-testid=facet-range-ppm]")
    expect(speed_en.locator("legend")).to_contain_text("Speed")
    expect(page.locator("[data-testid=range-min-ppm]")).to_have_attribute("placeholder", en("From"))
    with page.expect_navigation():
        page.locator("[data-testid=chips] a.chip", has_text="20 – 40").click()
    assert "min.ppm" not in page.url
    assert int(page.locator("[data-testid=total] strong").inner_text()) == total
    assert_accessible(page, "search-range-en")
    page.screenshot(path=str(shots / "search-range-en.png"), full_page=True)

    page.goto(f"/catalog?q={quote('打印机')}&min.ppm=abc")
    expect(page.locator(".results .alert")).to_contain_text("min.ppm")
    assert not js_errors, js_errors


def call(page: sync_api.Page, method: str, url: str, body: dict | None = None) -> dict:
    """An API call with the page's session and CSRF token."""
    token = page.locator("meta[name=csrf-token]").get_attribute("content")
    answer = page.request.fetch(
        url,
        method=method,
        data=json.dumps(body) if body is not None else None,
        headers={"X-CSRF-Token": token or "", "Content-Type": "application/json"},
    )
    assert answer.ok, f"{method} {url}: {answer.status} {answer.text()}"
    return answer.json()


def add_desktops(supplier: sync_api.Page, operator: sync_api.Page, sizes: list[int]) -> int:
    """Shelve one certified desktop per memory size for ``supplier``; the desktop category's id.
    (Three API writes a listing: writes are limited to 60 a minute per user.)"""
    supplier.goto("/supplier")
    desktop = next(
        c["id"] for c in call(supplier, "GET", "/api/catalog/categories") if c["code"] == DESKTOP
    )
    region = call(supplier, "GET", "/api/regions")[0]["id"]
    today = datetime.now(UTC).date()
    certificate = call(
        supplier,
        "POST",
        "/api/catalog/certificates",
        {
            "kind": "energy_saving",  # desktops are a mandatory energy-saving category
            "number": f"CQC-RANGES-{sizes[0]}",
            "issuer": "中国质量认证中心",
            "valid_from": (today - timedelta(days=30)).isoformat(),
            "valid_until": (today + timedelta(days=300)).isoformat(),
        },
    )
    for memory in sizes:
        made = call(
            supplier,
            "POST",
            "/api/catalog/listings",
            {
                "category_id": desktop,
                "title_zh": f"草原 台式计算机 内存{memory}GB",
                "title_en": f"Caoyuan desktop {memory} GB",
                "brand": "草原",
                "model": f"CY-{memory}",
                "params": {"cpu": "i5", "memory_gb": memory, "ssd_gb": 512, "os": "麒麟"},
                "price": f"{4000 + memory}.00",
                "stock": 5,
                "region_ids": [region],
            },
        )
        call(
            supplier,
            "POST",
            f"/api/catalog/listings/{made['id']}/certificates",
            {"certificate_id": certificate["id"]},
        )
        call(supplier, "POST", f"/api/catalog/listings/{made['id']}/submit")
        call(operator, "POST", f"/api/catalog/listings/{made['id']}/review", {"approve": True})
    return desktop


def test_memory_ranges_on_a_phone(open_as, shots: Path, js_errors: list[str]) -> None:
    """X-2: with desktops of 36 different memory sizes on the shelf, the opened filter panel of the
    desktop category on a 390 × 844 phone stays short, fits the screen, and its from–to inputs
    filter."""
    operator = open_as("operator")
    operator.goto("/")
    half = len(MEMORY_SIZES) // 2
    desktop = add_desktops(open_as("supplier"), operator, MEMORY_SIZES[:half])
    add_desktops(open_as("supplier.office"), operator, MEMORY_SIZES[half:])

    page = open_as("purchaser", width=390)
    page.goto(f"/catalog?category_id={desktop}")
    filters = page.locator("[data-testid=filters]")
    filters.locator("summary").tap()
    memory_facet = page.locator("[data-testid=facet-range-memory_gb]")
    expect(memory_facet).to_be_visible()
    assert memory_facet.locator("a").count() <= 6
    facet_height = memory_facet.evaluate("f => f.getBoundingClientRect().height")
    height = filters.evaluate("f => f.getBoundingClientRect().height")
    print(f"opened filter panel on a phone: {height:.0f} px (memory facet {facet_height:.0f} px)")
    filters.screenshot(path=str(shots / "search-range-phone-filters.png"))
    assert facet_height < 160, facet_height
    assert height < PHONE_FILTERS_MAX_PX, height
    assert_fits(page, 390)
    assert_accessible(page, "search-range-phone")

    page.locator("[data-testid=range-min-memory_gb]").fill("100")
    with page.expect_navigation():
        filters.locator("button.apply").tap()
    expected = api_total(page, f"category_id={desktop}&param=memory_gb:100..")
    assert expected >= sum(1 for m in MEMORY_SIZES if m >= 100)
    assert int(page.locator("[data-testid=total] strong").inner_text()) == expected
    assert_fits(page, 390)
    page.screenshot(path=str(shots / "search-range-phone-applied.png"), full_page=True)
    assert not js_errors, js_errors


CJK = re.compile(r"[\u3400-\u9fff]")


def test_english_pages_take_units_and_texts_from_the_catalogs(
    open_as, shots: Path, js_errors: list[str]
) -> None:
    """X-3: in English, units of measure are English (页/分钟 → ppm), hall descriptions are the
    English ones, and a supplier without an English name is shown by its Chinese name, never a
    half-translated one; in Chinese the units stay as entered."""
    page = open_as("purchaser")
    page.goto(f"/catalog?q={quote('激光打印机')}")
    page.locator("[data-testid=result] a").first.click()
    page.wait_for_url("**/catalog/listings/*")
    listing = page.url
    speed = page.locator("[data-testid=params] tr[data-code=ppm] td")
    expect(speed).to_contain_text("页/分钟")

    with page.expect_navigation():
        page.click("[data-testid=lang]")
    expect(speed).to_have_text(re.compile(r"^\d+(\.\d+)? ppm$"))
    assert_accessible(page, "listing-en")
    page.screenshot(path=str(shots / "listing-en.png"), full_page=True)

    page.goto(f"/catalog?q={quote('printer')}")
    labels = page.locator("[data-testid=facet-range-ppm] a").all_inner_texts()
    assert labels and all("页" not in label for label in labels), labels

    page.goto("/halls")
    descriptions = page.locator("[data-testid=hall-description]").all_inner_texts()
    assert descriptions and not [d for d in descriptions if CJK.search(d)], descriptions
    page.screenshot(path=str(shots / "halls-en.png"), full_page=True)

    page.goto("/catalog?q=computer")
    suppliers = page.locator("[data-testid=result] .supplier").all_inner_texts()
    assert suppliers, "no supplier names on the cards"
    for name in suppliers:
        # Either an English name or the Chinese one as entered, never a mix of the two.
        assert not ("Co." in name and CJK.search(name)), name
    page.goto(listing)
    assert not js_errors, js_errors
