"""The demo data lets every role do its job, in a real browser (SUP-3, AUC-1, X-1, X-3).

The price monitor opens a demo standard product and sees the spread of several suppliers' prices,
one of them far above the rest, and its price curve over the last half year; in English the same
page shows the English names, and supplier names are either a real English name or the Chinese
one. The purchaser drafts an auction for a demo standard product. One live server (demo data,
MALL_DEMO_LISTINGS=150) and one browser serve the module.
"""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from playwright import sync_api
from playwright.sync_api import expect

from core.clock import SHANGHAI
from tests.frontend.conftest import assert_accessible
from tests.frontend.texts import en, zh

pytestmark = pytest.mark.browser

DESKTOPS = "A02010104"
#: The demo's desktop standard product whose spread has a supplier far above the others.
OUTLIER_PRODUCT = "SP-A02010104-02"
CJK = re.compile(r"[\u3400-\u9fff]")
LATIN = re.compile(r"[A-Za-z]")


def yuan(amount: str) -> str:
    return f"¥{Decimal(amount):,.2f}"


def get(page: sync_api.Page, url: str) -> Any:
    answer = page.evaluate(
        """async (url) => {
            const response = await fetch(url, {headers: {'Accept': 'application/json'},
                                               credentials: 'same-origin'});
            return {status: response.status, body: await response.json().catch(() => null)};
        }""",
        url,
    )
    assert answer["status"] == 200, f"GET {url}: {answer}"
    return answer["body"]


def desktop_products(page: sync_api.Page) -> list[dict[str, Any]]:
    desktops = next(c for c in get(page, "/api/catalog/categories") if c["code"] == DESKTOPS)
    return get(page, f"/api/catalog/standard-products?category_id={desktops['id']}")


def assert_names_shown_as_entered(names: list[str]) -> None:
    """Each name is a real English one or the Chinese one, never the two mixed."""
    assert names
    for name in names:
        assert "Co. No." not in name, name
        assert not (CJK.search(name) and LATIN.search(name)), name


def test_monitor_sees_a_demo_spread_and_its_curve(
    open_as, shots: Path, js_errors: list[str]
) -> None:
    monitor = open_as("monitor")
    monitor.goto("/prices")
    every = get(monitor, "/api/catalog/standard-products")
    assert len(every) >= 50
    links = monitor.locator("[data-testid=standard-product]")
    expect(links).to_have_count(len(every))
    expect(monitor.locator("[data-testid=standard-products-empty]")).to_have_count(0)

    product = next(p for p in desktop_products(monitor) if p["code"] == OUTLIER_PRODUCT)
    link = monitor.locator(f"[data-testid=standard-product][data-id='{product['id']}']")
    expect(link).to_have_text(product["name_zh"])
    with monitor.expect_navigation():
        link.click()
    panel = monitor.locator("[data-testid=spread-product]")
    report = get(monitor, f"/api/catalog/prices/standard-products/{product['id']}")
    spread = report["spread"]
    assert spread["count"] >= 4
    expect(panel.locator("[data-testid=stat-count]")).to_have_text(str(spread["count"]))
    for key in ("min", "median", "max"):
        expect(panel.locator(f"[data-stat={key}] dd")).to_have_text(yuan(spread[key]))
    assert Decimal(spread["min"]) < Decimal(spread["median"]) < Decimal(spread["max"])
    rows = panel.locator("[data-testid=spread-row]")
    expect(rows).to_have_count(spread["count"])
    expect(rows.last.locator(".position")).to_have_text(zh("Far above"))
    suppliers = rows.evaluate_all("rs => rs.map(r => r.children[5].textContent.trim())")
    assert len(set(suppliers)) >= 3
    assert all(CJK.search(s) for s in suppliers)  # the Chinese page shows Chinese names

    # The curve: a point a week for half a year, ending at today's median.
    curve = get(monitor, f"/api/catalog/prices/standard-products/{product['id']}/curve")
    priced = [p for p in curve["points"] if p["count"]]
    figure = panel.locator("[data-testid=price-curve]")
    expect(figure).to_be_visible()
    expect(figure).to_have_attribute("data-points", str(len(priced)))
    today = datetime.now(SHANGHAI).date()
    first = date.fromisoformat(figure.get_attribute("data-first") or "")
    assert today - first > timedelta(days=150)
    expect(figure).to_have_attribute("data-last", today.isoformat())
    drawn = monitor.evaluate(
        "() => { const c = window.Chart && Chart.getChart('curve-chart');"
        " return c ? c.data.datasets.map(d => d.data.length) : null; }"
    )
    assert drawn == [len(priced)] * 3
    medians = {p["median"] for p in priced}
    assert len(medians) > 1, "the median moved over the months"
    figure.locator("[data-testid=curve-details] summary").click()
    table_rows = figure.locator("[data-testid=curve-row]")
    expect(table_rows).to_have_count(len(priced))
    expect(table_rows.last).to_have_attribute("data-median", spread["median"])
    expect(figure.locator("[data-testid=curve-summary]")).to_contain_text(yuan(spread["median"]))
    # What was paid for it: a row for each accepted order or award over the curve's months.
    paid = curve["paid"]
    details = figure.locator("[data-testid=paid-details]")
    expect(details).to_have_attribute("data-paid", str(len(paid)))
    details.locator("summary").click()
    paid_rows = details.locator("[data-testid=paid-row]")
    expect(paid_rows).to_have_count(len(paid))
    if paid:
        expect(paid_rows.first).to_have_attribute("data-price", paid[0]["unit_price"])
    assert_accessible(monitor, "demo-prices-curve")
    panel.screenshot(path=str(shots / "demo-prices-curve.png"))

    # In English: the product's English name, supplier names as registered.
    with monitor.expect_navigation():
        monitor.click("[data-testid=lang]")
    panel = monitor.locator("[data-testid=spread-product]")
    expect(panel.locator("[data-testid=spread-title]")).to_have_text(product["name_en"])
    expect(panel.locator("[data-testid=price-curve] figcaption strong")).to_have_text(
        en("Price over the last six months (weekly)")
    )
    expect(panel.locator("[data-testid=curve-summary]")).to_contain_text("median")
    names = panel.locator("[data-testid=spread-row]").evaluate_all(
        "rs => rs.map(r => r.children[5].textContent.trim())"
    )
    assert_names_shown_as_entered(names)
    # The price search across many suppliers: the same rule for every supplier and title.
    form = monitor.locator("[data-testid=price-search-form]")
    form.locator("[data-testid=price-q]").fill("计算机")
    with monitor.expect_navigation():
        form.locator("[data-testid=price-q]").press("Enter")
    found = monitor.locator("[data-testid=price-row]")
    expect(found.first).to_be_visible()
    cells = found.evaluate_all("rs => rs.map(r => r.children[5].textContent.trim())")
    assert_names_shown_as_entered(cells)
    assert any(not CJK.search(name) for name in cells), "some suppliers have an English name"
    titles = found.evaluate_all("rs => rs.map(r => r.querySelector('td a').textContent.trim())")
    assert_names_shown_as_entered(titles)
    assert_accessible(monitor, "demo-prices-curve-en")
    monitor.screenshot(path=str(shots / "demo-prices-en.png"), full_page=True)
    assert not js_errors, js_errors


def test_purchaser_drafts_an_auction_for_a_demo_standard_product(
    open_as, shots: Path, js_errors: list[str]
) -> None:
    page = open_as("purchaser")
    page.goto("/auctions/new")
    products = desktop_products(page)
    assert len(products) >= 2
    category = page.locator(f"[data-testid=f-category] option[data-code='{DESKTOPS}']")
    page.select_option("[data-testid=f-category]", category.get_attribute("value"))
    choice = page.locator("[data-testid=f-product]")
    expect(choice).to_be_enabled()
    expect(choice.locator("option")).to_have_count(len(products) + 1)
    product = products[0]
    choice.select_option(str(product["id"]))
    page.fill("[data-testid=f-title]", f"{product['name_zh']} 10 台网上竞价")
    page.fill("[data-testid=f-quantity]", "10")
    page.fill("[data-testid=f-ceiling]", "6000.00")
    page.check("[data-testid=f-start-now]")
    page.fill("[data-testid=f-address]", "呼和浩特市新城区中山东路 1 号 第一中学总务处")
    page.fill("[data-testid=f-contact-phone]", "0471-6661234")
    lines = page.locator("[data-testid=f-budget-line] option:not([value=''])")
    page.select_option("[data-testid=f-budget-line]", lines.first.get_attribute("value"))
    assert_accessible(page, "demo-auction-form")
    page.click("[data-testid=save-auction]")
    page.wait_for_url(re.compile(r"/auctions/\d+$"))
    expect(page.locator("[data-testid=auction-phase]")).to_have_attribute("data-phase", "draft")
    expect(page.locator("main")).to_contain_text(product["name_zh"])
    page.screenshot(path=str(shots / "demo-auction-draft.png"), full_page=True)

    # In English the form offers the products by their English names.
    with page.expect_navigation():
        page.click("[data-testid=lang]")
    expect(page.locator("main")).to_contain_text(product["name_en"])
    page.goto("/auctions/new")
    page.select_option("[data-testid=f-category]", category.get_attribute("value"))
    names = page.locator("[data-testid=f-product] option:not([value=''])").all_inner_texts()
    assert names == [p["name_en"] for p in products]
    assert_accessible(page, "demo-auction-form-en")
    assert not js_errors, js_errors
