"""Theme and industry halls and price monitoring in a real browser (CAT-5, SUP-3, X-1…X-3).

A purchaser browses the halls and sees only green products in the green hall; the operator picks a
listing of a large enterprise into the SME hall, where it comes first, and creates a hall from a few
rule fields; the monitor finds the demo's standard products, then the spread of one the operator
defines through the API: the page's numbers match the JSON API, the listings come by price and the
CSV downloads. Other roles are refused the price pages. One live server (demo data,
MALL_DEMO_LISTINGS=150) and one browser serve the module; the tests run in file order.
"""

from __future__ import annotations

import csv
import io
from collections import Counter
from decimal import Decimal
from itertools import pairwise
from pathlib import Path
from typing import Any

import pytest
from playwright import sync_api
from playwright.sync_api import expect

from tests.frontend.conftest import assert_accessible, assert_fits, path_of
from tests.frontend.texts import en, zh

pytestmark = pytest.mark.browser

CHAIR_CODE = "A05010201"  # 办公椅: one required parameter, material (网布 / 皮质 / 布艺)
PRODUCT_CODE = "SP-A05010201-TEST"
HALL_SLUGS = ["green", "sme", "nmg-agri", "it", "furniture"]
PRICES_HEADER = [
    "listing_id",
    "title",
    "brand",
    "model",
    "supplier",
    "price_cny",
    "updated_at_shanghai",
]
HISTORY_HEADER = ["changed_at_shanghai", "old_price_cny", "new_price_cny"]


def yuan(amount: str) -> str:
    """The page's money format, for an amount the API gave as a string."""
    return f"¥{Decimal(amount):,.2f}"


def call(page: sync_api.Page, method: str, url: str, body: Any = None) -> tuple[int, Any]:
    """The JSON API from the page's session, with its CSRF token."""
    answer = page.evaluate(
        """async ([method, url, body]) => {
            const token = document.querySelector('meta[name="csrf-token"]').content;
            const response = await fetch(url, {
                method,
                headers: {'Accept': 'application/json', 'Content-Type': 'application/json',
                          'X-CSRF-Token': token},
                body: body === null ? undefined : JSON.stringify(body),
                credentials: 'same-origin',
            });
            return {status: response.status, body: await response.json().catch(() => null)};
        }""",
        [method, url, body],
    )
    return answer["status"], answer["body"]


def get(page: sync_api.Page, url: str) -> Any:
    status, body = call(page, "GET", url)
    assert status == 200, f"GET {url}: {status} {body}"
    return body


def card_ids(page: sync_api.Page) -> list[int]:
    return [
        int(i)
        for i in page.locator("[data-testid=result]").evaluate_all(
            "cards => cards.map(c => c.dataset.id)"
        )
    ]


def download_lines(page: sync_api.Page, link: sync_api.Locator) -> list[list[str]]:
    """Click a CSV link and read the file it downloads (UTF-8 with a byte-order mark)."""
    with page.expect_download() as info:
        link.click()
    data = Path(info.value.path()).read_bytes()
    assert data.startswith("\ufeff".encode()), "the CSV starts with a byte-order mark"
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))


def chair_category(page: sync_api.Page) -> dict[str, Any]:
    return next(c for c in get(page, "/api/catalog/categories") if c["code"] == CHAIR_CODE)


# ---------------------------------------------------------------- halls


def test_purchaser_browses_halls(open_as, artifacts: Path, js_errors: list[str]) -> None:
    buyer = open_as("purchaser")
    buyer.locator("nav.mainnav a", has_text=zh("Halls")).click()
    buyer.wait_for_url("**/halls*")
    theme = buyer.locator("[data-testid=hall-group-theme]")
    industry = buyer.locator("[data-testid=hall-group-industry]")
    expect(theme.locator("h2")).to_contain_text(zh("Theme and industry halls").split(" / ")[0])
    expect(theme.locator("[data-testid=hall]")).to_have_count(3)
    expect(industry.locator("[data-testid=hall]")).to_have_count(2)
    slugs = buyer.locator("[data-testid=hall]").evaluate_all("hs => hs.map(h => h.dataset.slug)")
    assert sorted(slugs) == sorted(HALL_SLUGS)
    green = buyer.locator("[data-testid=hall][data-slug=green]")
    expect(green.locator("[data-testid=hall-name]")).to_have_text("绿色节能产品馆")
    expect(green.locator("[data-testid=hall-description]")).to_contain_text("节能产品")
    expect(green).to_contain_text(zh("Green products only"))
    expect(industry.locator("[data-testid=hall][data-slug=it]")).to_contain_text("信息化设备")
    expect(buyer.locator("[data-testid=new-hall]")).to_have_count(0)  # operators only
    assert_accessible(buyer, "halls-list")
    buyer.screenshot(path=str(artifacts / "halls-list.png"), full_page=True)

    # --- the green hall: only listings with a valid green certificate (CAT-7)
    with buyer.expect_navigation():
        green.locator("[data-testid=hall-link]").click()
    assert path_of(buyer) == "/halls/green"
    expect(buyer.locator("[data-testid=hall-title]")).to_contain_text("绿色节能产品馆")
    cards = buyer.locator("[data-testid=result]")
    expect(cards.first).to_be_visible()
    total = int(buyer.locator("[data-testid=total] strong").inner_text())
    assert total >= cards.count() > 0
    without = cards.evaluate_all(
        "cards => cards.filter(c => !c.querySelector('[data-testid=badge-green]')).length"
    )
    assert without == 0, f"{without} cards in the green hall have no green badge"
    expect(cards.first.locator("[data-testid=result-price]")).to_have_text(
        yuan(cards.first.get_attribute("data-price"))
    )
    # The hall's listings are those of the API, in its order.
    hall_id = buyer.locator("[data-testid=hall-head]").get_attribute("data-hall-id")
    api_page = get(buyer, f"/api/catalog/halls/{hall_id}/listings?per_page=20")
    assert card_ids(buyer) == [item["id"] for item in api_page["items"]]
    assert total == api_page["total"]
    expect(buyer.locator("[data-testid=pick-tools]")).to_have_count(0)
    assert_accessible(buyer, "halls-green")
    buyer.screenshot(path=str(artifacts / "halls-green.png"), full_page=True)
    if total > 20:
        with buyer.expect_navigation():
            buyer.locator("[data-testid=pager] a[rel=next]").click()
        expect(cards.first).to_be_visible()
        assert not set(card_ids(buyer)) & {item["id"] for item in api_page["items"]}
    # A page past the end leads to the last one.
    buyer.goto("/halls/green?page=50")
    last = (total + 19) // 20
    assert path_of(buyer) == f"/halls/green?page={last}"
    expect(cards.first).to_be_visible()

    # --- the catalog page leads to the halls
    buyer.goto("/catalog")
    with buyer.expect_navigation():
        buyer.locator("[data-testid=halls-link]").click()
    assert path_of(buyer) == "/halls"
    assert not js_errors, js_errors


def test_operator_picks_a_listing_into_the_sme_hall(
    open_as, artifacts: Path, js_errors: list[str]
) -> None:
    operator = open_as("operator")
    # A large enterprise's listing: the SME hall's rule leaves it out.
    found = get(operator, "/api/catalog/search?per_page=100&sort=price_asc")
    chosen = next(item for item in found["items"] if not item["sme"])
    operator.goto("/halls/sme")
    before = card_ids(operator)
    total = int(operator.locator("[data-testid=total] strong").inner_text())
    assert chosen["id"] not in before

    tools = operator.locator("[data-testid=pick-tools]")
    expect(tools.locator("[data-testid=pick-count]")).to_have_text("0")
    tools.locator("summary").click()
    # A listing that does not exist is refused with the API's reason.
    tools.locator("[data-testid=pick-listing-id]").fill("99999999")
    tools.locator("[data-testid=pick-add]").click()
    expect(tools.locator(".form-error")).to_contain_text("只能选入在架商品")
    tools.locator("[data-testid=pick-listing-id]").fill("abc")
    tools.locator("[data-testid=pick-add]").click()
    expect(tools.locator(".form-error")).to_contain_text(zh("Enter a listing id (digits)."))

    tools.locator("[data-testid=pick-listing-id]").fill(str(chosen["id"]))
    tools.locator("[data-testid=pick-add]").click()
    expect(operator.locator("[data-testid=flash]")).to_contain_text(zh("Picked into the hall"))
    first = operator.locator("[data-testid=result]").first
    expect(first).to_have_attribute("data-id", str(chosen["id"]))
    expect(first.locator("[data-testid=badge-picked]")).to_have_text(zh("Picked"))
    expect(first.locator("[data-testid=badge-sme]")).to_have_count(0)
    expect(first.locator("[data-testid=listing-id]")).to_have_text(f"#{chosen['id']}")
    expect(operator.locator("[data-testid=total] strong")).to_have_text(str(total + 1))
    expect(tools.locator("[data-testid=pick-row]")).to_have_count(1)
    expect(tools.locator("[data-testid=pick-count]")).to_have_text("1")
    hall_id = operator.locator("[data-testid=hall-head]").get_attribute("data-hall-id")
    assert get(operator, f"/api/catalog/halls/{hall_id}")["picks"] == [chosen["id"]]
    assert_accessible(operator, "halls-sme-operator")
    operator.screenshot(path=str(artifacts / "halls-sme-operator.png"), full_page=True)

    # A purchaser sees it first too, marked as picked, without the operator's tools.
    buyer = open_as("purchaser")
    buyer.goto("/halls/sme")
    expect(buyer.locator("[data-testid=result]").first).to_have_attribute(
        "data-id", str(chosen["id"])
    )
    expect(buyer.locator("[data-testid=badge-picked]")).to_have_count(1)
    expect(buyer.locator("[data-testid=pick-tools]")).to_have_count(0)
    expect(buyer.locator("[data-testid=listing-id]")).to_have_count(0)
    buyer.set_viewport_size({"width": 390, "height": 844})
    assert_fits(buyer, 390)

    # Picking it again changes nothing; removing it restores the hall.
    status, body = call(
        operator, "POST", f"/api/catalog/halls/{hall_id}/picks", {"listing_id": chosen["id"]}
    )
    assert status == 200 and body["picks"] == [chosen["id"]]
    operator.reload()
    row = operator.locator("[data-testid=pick-row]")
    expect(row).to_have_count(1)
    row.locator("[data-testid=pick-remove]").click()
    expect(operator.locator("[data-testid=flash]")).to_contain_text(zh("Removed from the hall"))
    expect(operator.locator("[data-testid=pick-row]")).to_have_count(0)
    expect(operator.locator("[data-testid=total] strong")).to_have_text(str(total))
    assert card_ids(operator) == before

    # Leave it picked for the phone screenshots below.
    status, _ = call(
        operator, "POST", f"/api/catalog/halls/{hall_id}/picks", {"listing_id": chosen["id"]}
    )
    assert status == 200
    assert not js_errors, js_errors


def test_operator_creates_a_hall(open_as, artifacts: Path, js_errors: list[str]) -> None:
    operator = open_as("operator")
    operator.locator("nav.mainnav a", has_text=zh("Halls")).click()
    operator.wait_for_url("**/halls*")
    box = operator.locator("[data-testid=new-hall]")
    box.locator("summary").click()
    form = box.locator("[data-testid=hall-form]")
    form.locator("[data-testid=hall-create]").click()
    expect(form.locator(".form-error")).to_contain_text(zh("Fill in the required fields."))
    expect(form.locator("[data-testid=hall-name-zh]")).to_have_class("invalid")

    # A taken address is refused by the API, and said so on the form.
    form.locator("[data-testid=hall-slug]").fill("green")
    form.locator("[data-testid=hall-name-zh]").fill("中小企业办公椅")
    form.locator("[data-testid=hall-create]").click()
    expect(form.locator(".form-error")).to_contain_text("专馆地址已被使用")

    chair = chair_category(operator)
    form.locator("[data-testid=hall-slug]").fill("sme-chairs")
    form.locator("[data-testid=hall-kind]").select_option("industry")
    form.locator("[data-testid=hall-name-en]").fill("Office chairs from SMEs")
    form.locator("[data-testid=hall-description-zh]").fill("中小微企业供应的办公椅。")
    form.locator("[data-testid=hall-category]").select_option(str(chair["id"]))
    form.locator("[data-testid=hall-sme]").check()
    assert_accessible(operator, "halls-new-form")
    box.screenshot(path=str(artifacts / "halls-new-form.png"))
    with operator.expect_navigation():
        form.locator("[data-testid=hall-create]").click()
    assert path_of(operator) == "/halls/sme-chairs"
    expect(operator.locator("[data-testid=flash]")).to_contain_text(zh("Hall created"))
    expect(operator.locator("[data-testid=hall-title]")).to_contain_text("中小企业办公椅")
    rule = operator.locator("[data-testid=hall-rule-part]")
    expect(rule).to_have_text([f"{zh('Category')}: 办公椅", zh("SMEs only")])
    cards = operator.locator("[data-testid=result]")
    for meta in cards.locator(".meta").all_inner_texts():
        assert meta.endswith("办公椅"), meta
    assert cards.evaluate_all("cs => cs.every(c => c.querySelector('[data-testid=badge-sme]'))")

    operator.goto("/halls")
    industry = operator.locator("[data-testid=hall-group-industry]")
    expect(industry.locator("[data-testid=hall]")).to_have_count(3)
    expect(industry.locator("[data-testid=hall][data-slug=sme-chairs]")).to_contain_text(
        "中小微企业供应的办公椅"
    )
    assert not js_errors, js_errors


# ---------------------------------------------------------------- price monitoring


def test_monitor_sees_the_spread_of_a_standard_product(
    open_as, artifacts: Path, js_errors: list[str]
) -> None:
    monitor = open_as("monitor")
    monitor.locator("nav.mainnav a", has_text=zh("Price monitoring")).click()
    monitor.wait_for_url("**/prices*")
    # The demo's standard products are listed, by code.
    demo_products = get(monitor, "/api/catalog/standard-products")
    assert demo_products
    expect(monitor.locator("[data-testid=standard-product]")).to_have_count(len(demo_products))
    expect(monitor.locator("[data-testid=standard-products-empty]")).to_have_count(0)
    expect(monitor.locator("[data-testid=price-search-hint]")).to_be_visible()

    # --- the operator defines one that some demo chairs match: their most common material
    operator = open_as("operator")
    chair = chair_category(operator)
    chairs = get(operator, f"/api/catalog/search?category_id={chair['id']}&per_page=100")["items"]
    material, matching = Counter(c["params"]["material"] for c in chairs).most_common(1)[0]
    assert matching >= 2, f"the demo has {matching} chairs of one material"
    status, product = call(
        operator,
        "POST",
        "/api/catalog/standard-products",
        {
            "code": PRODUCT_CODE,
            "category_id": chair["id"],
            "name_zh": f"{material}办公椅",
            "name_en": "Office chair",
            "params": {"material": material},
        },
    )
    assert status == 201, product

    # --- the monitor picks it from the list and reads its spread
    monitor.reload()
    link = monitor.locator(f"[data-testid=standard-product][data-id='{product['id']}']")
    expect(link).to_have_text(f"{material}办公椅")
    with monitor.expect_navigation():
        link.click()
    panel = monitor.locator("[data-testid=spread-product]")
    expect(panel.locator("[data-testid=spread-title]")).to_have_text(f"{material}办公椅")
    expect(panel.locator("[data-testid=product-params]")).to_contain_text(material)
    report = get(monitor, f"/api/catalog/prices/standard-products/{product['id']}")
    spread = report["spread"]
    assert spread["count"] == matching
    expect(panel.locator("[data-testid=stat-count]")).to_have_text(str(matching))
    for key in ("min", "q1", "median", "q3", "max"):
        stat = panel.locator(f"[data-stat={key}]")
        expect(stat).to_have_attribute("data-value", spread[key])
        expect(stat.locator("dd")).to_have_text(yuan(spread[key]))
    rows = panel.locator("[data-testid=spread-row]")
    expect(rows).to_have_count(matching)
    shown = rows.evaluate_all("rs => rs.map(r => [Number(r.dataset.id), r.dataset.price])")
    assert shown == [[r["listing_id"], r["price"]] for r in report["listings"]]
    prices = [Decimal(price) for _, price in shown]
    assert prices == sorted(prices)
    assert (prices[0], prices[-1]) == (Decimal(spread["min"]), Decimal(spread["max"]))
    expect(rows.first.locator("[data-testid=spread-price]")).to_have_text(yuan(spread["min"]))
    expect(panel.locator("[data-testid=boxplot] .dot")).to_have_count(matching)
    assert_accessible(monitor, "prices-spread")
    panel.screenshot(path=str(artifacts / "prices-spread.png"))

    # --- the CSV: a header, a row per listing, then the spread
    lines = download_lines(monitor, panel.locator("[data-testid=spread-csv]"))
    assert lines[0] == PRICES_HEADER
    assert [int(line[0]) for line in lines[1 : matching + 1]] == [i for i, _ in shown]
    assert lines[-1] == [str(matching), *(spread[k] for k in ("min", "q1", "median", "q3", "max"))]

    # --- a listing's price history: its CSV, and its chart on the product page
    first_id = shown[0][0]
    history = download_lines(monitor, rows.first.locator("[data-testid=history-csv]"))
    assert history[0] == HISTORY_HEADER
    assert history[1][1] == ""  # the first price had none before it
    assert history[-1][2] == shown[0][1]  # and the last is the price now
    assert all(a[2] == b[1] for a, b in pairwise(history[1:]))
    with monitor.expect_navigation():
        rows.first.locator("[data-testid=chart-link]").click()
    assert path_of(monitor) == f"/catalog/listings/{first_id}#price-chart"
    expect(monitor.locator("[data-testid=price-chart]")).to_be_in_viewport()
    monitor.go_back()

    # --- the price search reuses the catalog search, with price columns and the same links
    search = monitor.locator("[data-testid=price-search-form]")
    search.locator("[data-testid=price-q]").fill("办公椅")
    search.locator("[data-testid=price-sort]").select_option("price_asc")
    with monitor.expect_navigation():
        search.locator("[data-testid=price-search-submit]").click()
    found = monitor.locator("[data-testid=price-row]")
    expect(found.first).to_be_visible()
    listed = [Decimal(p) for p in found.evaluate_all("rs => rs.map(r => r.dataset.price)")]
    assert listed == sorted(listed)
    expect(found.first.locator("[data-testid=price-current]")).to_have_text(yuan(str(listed[0])))
    expect(found.first.locator("[data-testid=history-csv]")).to_have_attribute(
        "href", f"/api/catalog/prices/listings/{found.first.get_attribute('data-id')}.csv"
    )
    # The chosen product stays open below.
    expect(monitor.locator("[data-testid=spread-product]")).to_be_visible()

    # --- a category's spread: choosing it shows the same numbers as the API
    with monitor.expect_navigation():
        monitor.locator("[data-testid=spread-category-select]").select_option(str(chair["id"]))
    category_panel = monitor.locator("[data-testid=spread-category]")
    category_report = get(monitor, f"/api/catalog/prices/categories/{chair['id']}")
    expect(category_panel.locator("[data-testid=stat-count]")).to_have_text(
        str(category_report["spread"]["count"])
    )
    assert category_report["spread"]["count"] == len(chairs)
    expect(category_panel.locator("[data-stat=median] dd")).to_have_text(
        yuan(category_report["spread"]["median"])
    )
    expect(category_panel.locator("[data-testid=spread-row]")).to_have_count(len(chairs))
    assert_accessible(monitor, "prices-monitor")
    monitor.screenshot(path=str(artifacts / "prices-monitor.png"), full_page=True)
    assert not js_errors, js_errors


def test_monitor_sees_a_price_change(open_as, js_errors: list[str]) -> None:
    """A supplier lowers a price; the price search shows the price before and the change, and the
    listing's history CSV has both prices (SUP-3)."""
    supplier = open_as("supplier.office")
    own = get(supplier, "/api/catalog/listings?status=approved&per_page=1")["items"][0]
    old = Decimal(own["price"])
    new = (old * Decimal("0.9")).quantize(Decimal("0.01"))
    status, body = call(
        supplier, "PATCH", f"/api/catalog/listings/{own['id']}", {"price": str(new)}
    )
    assert status == 200, body
    percent = ((new - old) / old * 100).quantize(Decimal("0.1"))

    monitor = open_as("monitor")
    monitor.goto("/prices")
    form = monitor.locator("[data-testid=price-search-form]")
    form.locator("[data-testid=price-q]").fill(own["model"])
    with monitor.expect_navigation():
        form.locator("[data-testid=price-q]").press("Enter")
    row = monitor.locator(f"[data-testid=price-row][data-id='{own['id']}']")
    expect(row.locator("[data-testid=price-current]")).to_have_text(yuan(str(new)))
    expect(row.locator("[data-testid=price-before]")).to_have_text(yuan(own["price"]))
    expect(row.locator("[data-testid=price-change]")).to_contain_text(f"▼ {percent:+}%")
    history = download_lines(monitor, row.locator("[data-testid=history-csv]"))
    assert [line[1:] for line in history[1:]] == [["", own["price"]], [own["price"], str(new)]]
    assert not js_errors, js_errors


@pytest.mark.parametrize("username", ["supervisor", "operator"])
def test_supervisors_and_operators_monitor_prices(open_as, username: str) -> None:
    page = open_as(username)
    page.locator("nav.mainnav a", has_text=zh("Price monitoring")).click()
    page.wait_for_url("**/prices*")
    # The demo's products and the one the operator defined above.
    count = len(get(page, "/api/catalog/standard-products"))
    assert any(p["code"] == PRODUCT_CODE for p in get(page, "/api/catalog/standard-products"))
    expect(page.locator("[data-testid=standard-product]")).to_have_count(count)


@pytest.mark.parametrize("username", ["purchaser", "supplier"])
def test_other_roles_are_refused_prices(open_as, artifacts: Path, username: str) -> None:
    page = open_as(username)
    expect(page.locator("nav.mainnav")).not_to_contain_text(zh("Price monitoring"))
    response = page.goto("/prices")
    assert response is not None and response.status == 403
    expect(page.locator("h1")).to_contain_text(f"{zh('Something went wrong')} (403)")
    expect(page.locator("[data-testid=price-search]")).to_have_count(0)
    status, _ = call(page, "GET", "/api/catalog/prices/categories/1")
    assert status == 403
    if username == "purchaser":
        assert_accessible(page, "prices-403")
        page.screenshot(path=str(artifacts / "prices-403.png"))


def test_halls_and_prices_on_a_phone(open_as, artifacts: Path, js_errors: list[str]) -> None:
    """At 390px the hall list, a hall and the price page fit the screen; wide tables scroll inside
    their card (X-2)."""
    buyer = open_as("purchaser", width=390)
    buyer.goto("/halls")
    expect(buyer.locator("[data-testid=hall]")).to_have_count(len(HALL_SLUGS) + 1)
    assert_fits(buyer, 390)
    assert_accessible(buyer, "halls-phone")
    buyer.screenshot(path=str(artifacts / "halls-phone.png"), full_page=True)
    buyer.goto("/halls/sme")
    expect(buyer.locator("[data-testid=badge-picked]")).to_be_visible()
    assert_fits(buyer, 390)
    assert_accessible(buyer, "halls-phone-sme")
    buyer.screenshot(path=str(artifacts / "halls-phone-sme.png"), full_page=True)

    monitor = open_as("monitor", width=390)
    products = get(monitor, "/api/catalog/standard-products")
    product_id = next(p["id"] for p in products if p["code"] == PRODUCT_CODE)
    monitor.goto(f"/prices?q=办公椅&product={product_id}#standard-products")
    expect(monitor.locator("[data-testid=spread-product] [data-testid=boxplot]")).to_be_visible()
    assert_fits(monitor, 390)
    assert_accessible(monitor, "prices-phone")
    monitor.screenshot(path=str(artifacts / "prices-phone.png"), full_page=True)
    monitor.locator("[data-testid=spread-product]").screenshot(
        path=str(artifacts / "prices-phone-spread.png")
    )
    assert not js_errors, js_errors


def test_halls_and_prices_in_english(open_as) -> None:
    """The language switch turns both pages into English (X-3)."""
    buyer = open_as("purchaser")
    buyer.goto("/halls")
    with buyer.expect_navigation():
        buyer.click("[data-testid=lang]")
    expect(buyer.locator("h1")).to_have_text(en("Theme and industry halls"))
    expect(buyer.locator("[data-testid=hall-group-theme] h2")).to_contain_text("Theme halls")
    expect(
        buyer.locator("[data-testid=hall][data-slug=green] [data-testid=hall-name]")
    ).to_have_text("Green products")
    monitor = open_as("monitor")
    monitor.goto("/prices")
    with monitor.expect_navigation():
        monitor.click("[data-testid=lang]")
    expect(monitor.locator("h1")).to_have_text(en("Price monitoring"))
    expect(monitor.locator("[data-testid=price-search] h2")).to_have_text(en("Price search"))


def test_signed_out_visitors_are_sent_to_sign_in(page) -> None:
    for path in ("/halls", "/halls/green", "/prices"):
        page.goto(path)
        page.wait_for_url("**/signin")
        assert page.url.endswith("/signin"), path
