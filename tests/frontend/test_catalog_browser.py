"""The catalog pages in a real browser (CAT-1…CAT-7, MALL-6, SUP-3, X-1…X-3).

The acceptance path: a supplier applies for one more category, the operator approves it in the review
queue, the supplier lists a product there through the console form (parameter inputs from the
category's schema), the operator approves the listing, the supplier changes its price and adds an
image; a purchaser finds it with a two-character Chinese query, narrows the results with facets, opens
the product page (parameters, price history) and compares it with another product. One live server
(demo data, MALL_DEMO_LISTINGS=150) and one browser serve the module; the tests run in file order.
"""

from __future__ import annotations

import struct
import zlib
from decimal import Decimal
from pathlib import Path

import pytest
from playwright import sync_api
from playwright.sync_api import expect

from tests.frontend.conftest import assert_accessible, assert_fits, path_of
from tests.frontend.texts import en, zh

pytestmark = pytest.mark.browser

SUPPLIER = "supplier.office"
SUPPLIER_ORG = "包头市办公用品有限公司"  # enrolled by the demo, but not in office chairs
CHAIR = "办公椅"
BRAND = "草原工坊"
TITLE = "草原工坊 人体工学办公椅 网布 护腰"
QUERY = "办公"  # two characters: found as a word inside 办公椅
FIRST_PRICE, NEW_PRICE = "1288.00", "1199.00"
REJECTION = "请补充扶手调节范围"


def png(width: int = 96, height: int = 72) -> bytes:
    """A small striped PNG, written by hand."""
    rows = []
    for y in range(height):
        row = bytearray([0])
        for x in range(width):
            row += bytes((183, 28, 28) if (x // 12 + y // 12) % 2 else (246, 247, 249))
        rows.append(bytes(row))

    def chunk(tag: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + tag + data + struct.pack(">I", zlib.crc32(tag + data))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"".join(rows)))
        + chunk(b"IEND", b"")
    )


def flash(page: sync_api.Page, msgid: str, context: str | None = None) -> None:
    """The message a page shows after its script reloaded it."""
    expect(page.locator("[data-testid=flash]")).to_contain_text(zh(msgid, context))


def chosen_listing_id(page: sync_api.Page) -> int:
    row = page.locator("[data-testid=listing-row]", has_text=TITLE)
    expect(row).to_have_count(1)
    return int(row.get_attribute("data-id"))


def test_acceptance_path(open_as, artifacts: Path, js_errors: list[str]) -> None:
    # --- the supplier applies for one more category (MALL-6)
    supplier = open_as(SUPPLIER)
    supplier.locator("nav.mainnav a", has_text=zh("Enrolment")).click()
    supplier.wait_for_url("**/supplier#enrolment")
    expect(supplier.locator("[data-testid=enrolment-status]")).to_contain_text(zh("Enrolled"))
    expect(supplier.locator("[data-testid=enrolled-categories]")).not_to_contain_text(CHAIR)
    form = supplier.locator("[data-testid=application-form]")
    form.locator("label.pick", has_text=CHAIR).locator("input").check()
    form.locator("select[name=enterprise_size]").select_option("small")
    form.locator("[data-testid=apply]").click()
    flash(supplier, "Application sent; the operator will review it.")
    expect(supplier.locator("[data-testid=application-pending]")).to_be_visible()
    expect(supplier.locator("[data-testid=applications] tbody tr").first).to_have_attribute(
        "data-status", "pending"
    )

    # --- the operator approves it in the queue
    operator = open_as("operator")
    operator.locator("nav.mainnav a", has_text=zh("Enrolment")).click()
    operator.wait_for_url("**/operator/review#enrolment")
    application = operator.locator("[data-testid=application]", has_text=SUPPLIER_ORG)
    expect(application).to_contain_text(CHAIR)
    expect(application).to_contain_text("小型企业")
    application.locator("[data-testid=approve]").click()
    expect(application.locator("[data-testid=decision-result]")).to_contain_text(zh("Approved"))
    expect(operator.locator("[data-testid=enrolment-count]")).to_have_text("0")

    # --- the supplier lists a product in the new category; the form follows its schema (CAT-2)
    supplier.reload()
    expect(supplier.locator("[data-testid=enrolled-categories]")).to_contain_text(CHAIR)
    listing_form = supplier.locator("[data-testid=listing-form]")
    category = listing_form.locator("[data-testid=listing-category]")
    chair_id = category.locator("option", has_text=CHAIR).get_attribute("value")
    category.select_option(chair_id)
    material = listing_form.locator("select[name='param:material']")
    expect(material).to_be_visible()
    expect(material.locator("option")).to_have_text(["—", "网布", "皮质", "布艺"])
    listing_form.locator("input[name=title_zh]").fill(TITLE)
    listing_form.locator("input[name=brand]").fill(BRAND)
    listing_form.locator("input[name=model]").fill("RT-390")
    listing_form.locator("input[name=price]").fill(FIRST_PRICE)
    listing_form.locator("input[name=stock]").fill("50")
    listing_form.locator("label.pick", has_text="内蒙古自治区").locator("input").check()
    # Without the required material the API refuses, and the page says which parameter.
    listing_form.locator("[data-testid=create-listing]").click()
    error = listing_form.locator(".form-error")
    expect(error).to_be_visible()
    expect(error).to_contain_text("材质:")  # the parameter named as the form shows it
    expect(material).to_have_class("invalid")
    material.select_option("网布")
    expect(material).not_to_have_class("invalid")
    listing_form.locator("select[name='param:armrest']").select_option("true")
    assert_accessible(listing_form.page, "catalog-supplier-form")
    listing_form.screenshot(path=str(artifacts / "catalog-supplier-form.png"))
    listing_form.locator("[data-testid=create-listing]").click()
    flash(supplier, "Listing submitted for review")
    submitted = supplier.locator("[data-testid=listings-submitted]")
    expect(submitted).to_contain_text(TITLE)
    listing_id = chosen_listing_id(supplier)

    # --- the operator rejects it, with the reason it needs; the supplier reads it and resubmits (CAT-3)
    operator.goto("/operator/review")
    queued = operator.locator(f"[data-testid=queued-listing][data-id='{listing_id}']")
    expect(queued).to_contain_text(TITLE)
    expect(queued).to_contain_text("¥1,288.00")
    expect(queued).to_contain_text("网布")
    queued.locator("[data-testid=reject]").click()
    expect(queued.locator("[data-testid=decision-result]")).to_contain_text(
        zh("A rejection needs a reason.")
    )
    expect(queued).not_to_have_attribute("data-decided", "rejected")
    queued.locator("[data-testid=reason]").fill(REJECTION)
    queued.locator("[data-testid=reject]").click()
    expect(queued.locator("[data-testid=decision-result]")).to_contain_text(REJECTION)
    expect(queued).to_have_attribute("data-decided", "rejected")

    supplier.reload()
    row = supplier.locator(f"[data-testid=listing-row][data-id='{listing_id}']")
    expect(row).to_have_attribute("data-status", "rejected")
    expect(row.locator("[data-testid=review-note]")).to_contain_text(REJECTION)
    row.locator("[data-testid=action-submit]").click()
    flash(supplier, "Submitted for review")
    row = supplier.locator(f"[data-testid=listing-row][data-id='{listing_id}']")
    expect(row).to_have_attribute("data-status", "submitted")

    # --- and approves it the second time
    operator.reload()
    queued = operator.locator(f"[data-testid=queued-listing][data-id='{listing_id}']")
    expect(queued).to_be_visible()
    assert_accessible(operator, "catalog-review")
    operator.screenshot(path=str(artifacts / "catalog-review.png"), full_page=True)
    queued.locator("[data-testid=approve]").click()
    expect(queued.locator("[data-testid=decision-result]")).to_contain_text(zh("Approved"))
    expect(queued).to_have_attribute("data-decided", "approved")

    # --- the supplier changes the price inline and adds an image
    supplier.reload()
    row = supplier.locator(f"[data-testid=listing-row][data-id='{listing_id}']")
    expect(row).to_have_attribute("data-status", "approved")
    row.locator("[data-testid=edit-price]").fill(NEW_PRICE)
    row.locator("[data-testid=save-inline]").click()
    expect(row.locator(".row-message")).to_contain_text("¥1,199.00")
    row.locator("[data-testid=upload-image]").set_input_files(
        {"name": "chair.png", "mimeType": "image/png", "buffer": png()}
    )
    flash(supplier, "Image added")
    row = supplier.locator(f"[data-testid=listing-row][data-id='{listing_id}']")
    expect(row.locator("[data-testid=image-count]")).to_contain_text("1")
    expect(row.locator("[data-testid=edit-price]")).to_have_value(NEW_PRICE)
    assert_accessible(supplier, "catalog-supplier")
    supplier.screenshot(path=str(artifacts / "catalog-supplier.png"), full_page=True)

    # --- a purchaser finds it with a two-character query and narrows with facets (CAT-6)
    buyer = open_as("purchaser")
    buyer.locator("nav.mainnav a", has_text=zh("Catalog")).click()
    buyer.wait_for_url("**/catalog*")
    buyer.locator("[data-testid=q]").fill(QUERY)
    with buyer.expect_navigation():
        buyer.locator("[data-testid=q]").press("Enter")
    total = int(buyer.locator("[data-testid=total] strong").inner_text())
    assert total > 1, f"{QUERY!r} should match more than our listing, found {total}"

    with buyer.expect_navigation():
        buyer.locator("[data-testid=sort]").select_option("price_asc")
    prices = [
        Decimal(p)
        for p in buyer.locator("[data-testid=result]").evaluate_all(
            "cards => cards.map(c => c.dataset.price)"
        )
    ]
    assert prices == sorted(prices) and len(prices) > 1

    brand = buyer.locator("[data-testid=facet-brand] label", has_text=BRAND)
    expect(brand.locator(".count")).to_have_text("1")
    with buyer.expect_navigation():
        brand.locator("input").check()
    results = buyer.locator("[data-testid=result]")
    expect(results).to_have_count(1)
    expect(buyer.locator("[data-testid=total] strong")).to_have_text("1")
    card = results.first
    expect(card.locator("[data-testid=result-title]")).to_have_text(TITLE)
    expect(card.locator("[data-testid=result-price]")).to_have_text("¥1,199.00")
    expect(card).to_contain_text(SUPPLIER_ORG)
    expect(card.locator("[data-testid=badge-sme]")).to_be_visible()
    expect(card.locator("img")).to_have_count(1)

    # All matches are office chairs now, so their parameters are offered as facets.
    material_facet = buyer.locator("[data-testid=facet-param-material]")
    expect(material_facet).to_contain_text("材质")
    with buyer.expect_navigation():
        material_facet.locator("label", has_text="网布").locator("input").check()
    expect(results).to_have_count(1)
    chips = buyer.locator("[data-testid=chips]")
    expect(chips).to_contain_text(BRAND)
    expect(chips).to_contain_text("材质: 网布")
    assert_accessible(buyer, "catalog-search")
    buyer.screenshot(path=str(artifacts / "catalog-search.png"), full_page=True)

    # --- the product page: path, parameters with units, price history (SUP-3), certificates
    with buyer.expect_navigation():
        card.locator("[data-testid=result-title]").click()
    assert path_of(buyer) == f"/catalog/listings/{listing_id}"
    expect(buyer.locator("[data-testid=product-title]")).to_have_text(TITLE)
    expect(buyer.locator("[data-testid=category-path]")).to_contain_text("家具用具")
    expect(buyer.locator("[data-testid=category-path]")).to_contain_text(CHAIR)
    expect(buyer.locator("[data-testid=product-price]")).to_have_text("¥1,199.00")
    expect(buyer.locator("[data-testid=product-brand]")).to_have_text(BRAND)
    expect(buyer.locator("[data-testid=product-regions]")).to_contain_text("内蒙古自治区")
    params = buyer.locator("[data-testid=params]")
    expect(params.locator("tr[data-code=material]")).to_contain_text("网布")
    expect(params.locator("tr[data-code=armrest] td")).to_have_text("是")
    expect(buyer.locator("[data-testid=supplier-size]")).to_have_text("小型企业")
    expect(buyer.locator("[data-testid=certificates]")).to_contain_text(
        zh("No energy-saving or eco-label certificate.")
    )
    history = buyer.locator("[data-testid=price-table] tbody tr")
    expect(history).to_have_count(2)
    expect(history.nth(0)).to_contain_text("¥1,199.00")
    expect(history.nth(0)).to_contain_text("¥1,288.00")
    expect(history.nth(1)).to_contain_text(zh("First price"))
    buyer.wait_for_function(
        "() => window.Chart && Chart.getChart(document.getElementById('price-chart'))"
    )
    assert (
        buyer.evaluate(
            "Chart.getChart(document.getElementById('price-chart')).data.datasets[0].data.length"
        )
        == 3
    )  # two prices and the current one carried on to now
    image = buyer.locator("[data-testid=product-image]")
    expect(image).to_have_count(1)
    buyer.wait_for_function(
        "img => img.complete && img.naturalWidth === 96", arg=image.element_handle()
    )
    assert_accessible(buyer, "catalog-product")
    buyer.screenshot(path=str(artifacts / "catalog-product.png"), full_page=True)

    # --- compare it with another office chair
    buyer.locator(f"[data-testid=compare-{listing_id}]").click()
    expect(buyer.locator(f"[data-testid=compare-{listing_id}]")).to_have_text(zh("In comparison"))
    expect(buyer.locator("[data-testid=compare-tray]")).to_be_visible()
    with buyer.expect_navigation():
        buyer.locator("[data-testid=category-path] a", has_text=CHAIR).click()
    other = buyer.locator(f"[data-testid=result]:not([data-id='{listing_id}'])").first
    other_id = int(other.get_attribute("data-id"))
    other.locator(".compare-toggle").click()
    expect(buyer.locator("[data-testid=compare-tray] .compare-count")).to_have_text("2")
    with buyer.expect_navigation():
        buyer.locator("[data-testid=compare-open]").click()
    columns = buyer.locator("[data-testid=compare-column]")
    expect(columns).to_have_count(2)
    assert sorted(
        int(i) for i in columns.evaluate_all("cs => cs.map(c => c.dataset.id)")
    ) == sorted([listing_id, other_id])
    material_row = buyer.locator("[data-testid=compare-param]", has_text="材质")
    expect(material_row.locator("td")).to_have_count(2)
    expect(material_row.locator("td").first).not_to_have_text("—")
    expect(buyer.locator("[data-testid=compare-table]")).to_contain_text(TITLE)
    assert_accessible(buyer, "catalog-compare")
    buyer.screenshot(path=str(artifacts / "catalog-compare.png"), full_page=True)

    assert not js_errors, js_errors


def test_catalog_on_a_phone(open_as, artifacts: Path, js_errors: list[str]) -> None:
    """At 390px the search page fits the screen, the filters fold away behind their heading, and the
    product and comparison pages and the supplier console fit too (X-2)."""
    page = open_as("purchaser", width=390)
    page.goto(f"/catalog?q={QUERY}")
    assert_fits(page, 390)
    filters = page.locator("[data-testid=filters]")
    expect(filters).not_to_have_attribute("open", "")
    expect(filters.locator("[data-testid=facet-brand]")).to_be_hidden()
    expect(page.locator("[data-testid=result]").first).to_be_visible()
    assert_accessible(page, "catalog-phone")
    page.screenshot(path=str(artifacts / "catalog-phone.png"), full_page=True)
    filters.locator("summary").tap()
    expect(filters.locator("[data-testid=facet-brand]")).to_be_visible()
    assert_fits(page, 390)
    assert_accessible(page, "catalog-phone-filters")
    page.screenshot(path=str(artifacts / "catalog-phone-filters.png"))

    first = page.locator("[data-testid=result]").first
    first_id = first.get_attribute("data-id")
    second_id = page.locator("[data-testid=result]").nth(1).get_attribute("data-id")
    with page.expect_navigation():
        first.locator("[data-testid=result-title]").tap()
    assert_fits(page, 390)
    expect(page.locator("[data-testid=params] tr").first).to_be_visible()
    assert_accessible(page, "catalog-phone-product")
    page.screenshot(path=str(artifacts / "catalog-phone-product.png"), full_page=True)
    page.goto(f"/catalog/compare?ids={first_id},{second_id}")
    expect(page.locator("[data-testid=compare-column]")).to_have_count(2)
    assert_fits(page, 390)

    supplier = open_as(SUPPLIER, width=390)
    supplier.goto("/supplier")
    expect(supplier.locator("[data-testid=listing-row]").first).to_be_visible()
    assert_fits(supplier, 390)
    assert_accessible(supplier, "catalog-phone-supplier")
    supplier.screenshot(path=str(artifacts / "catalog-phone-supplier.png"))
    assert not js_errors, js_errors


def test_catalog_in_english(open_as) -> None:
    """The language switch turns the catalog pages into English (X-3)."""
    page = open_as("purchaser")
    page.goto(f"/catalog?q={QUERY}")
    expect(page.locator("[data-testid=search-submit]")).to_have_text(zh("Search"))
    with page.expect_navigation():
        page.click("[data-testid=lang]")
    expect(page.locator("[data-testid=search-submit]")).to_have_text(en("Search"))
    expect(page.locator("[data-testid=filters] summary")).to_contain_text(en("Filters"))
    expect(page.locator("[data-testid=sort] option[value=price_asc]")).to_have_text(
        en("Price: low to high")
    )
    expect(page.locator("[data-testid=facet-category] a.selected")).to_have_text(
        en("All categories")
    )


@pytest.mark.parametrize(
    ("username", "path"),
    [
        ("purchaser", "/supplier"),
        ("purchaser", "/operator/review"),
        ("purchaser", "/enrolment"),
        ("monitor", "/supplier"),
        (SUPPLIER, "/operator/review"),
    ],
)
def test_consoles_refuse_other_roles(open_as, username: str, path: str) -> None:
    """The supplier console and the operator's queues answer other roles with the error page (X-1)."""
    page = open_as(username)
    response = page.goto(path)
    assert response is not None and response.status == 403
    expect(page.locator("h1")).to_contain_text(f"{zh('Something went wrong')} (403)")
    expect(page.locator("[data-testid=supplier-console]")).to_have_count(0)
    expect(page.locator("[data-testid=listing-queue]")).to_have_count(0)


def test_signed_out_visitors_are_sent_to_sign_in(open_as) -> None:
    page = open_as(None)
    for path in ("/catalog", "/catalog/listings/1", "/supplier", "/operator/review"):
        page.goto(path)
        page.wait_for_url("**/signin")
        assert page.url.endswith("/signin"), path


def test_bad_filters_are_explained(open_as) -> None:
    """A price range upside down is explained on the page, not answered with an error page; a value
    that is not an amount is named and ignored."""
    page = open_as("purchaser")
    response = page.goto("/catalog?price_min=500&price_max=100")
    assert response is not None and response.status == 200
    expect(page.locator("[data-testid=search-error]")).to_contain_text("最低价高于最高价")
    expect(page.locator("[data-testid=result]")).to_have_count(0)
    page.goto(f"/catalog?q={QUERY}&price_min=abc")
    expect(page.locator(".results .alert")).to_contain_text("price_min")
    expect(page.locator("[data-testid=result]").first).to_be_visible()
