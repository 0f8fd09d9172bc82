"""Joining the demo's open framework agreement in a real browser, on a phone (MALL-8; X-2, X-3).

A supplier enrolled in copy paper (made for the test) opens the demo's open agreement, follows
申请加入, finds the joining prices filled in, has a price above the joining price refused beside its
field, lowers it, confirms and is back on the agreement page as its last entrant. The agreement
page and the form pass axe-core and fit a 390 px screen.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.frontend.conftest import assert_accessible, assert_fits
from tests.frontend.test_agreements_browser import new_enrolled_supplier
from tests.frontend.test_auction_browser import Api
from tests.frontend.texts import zh

pytestmark = pytest.mark.browser

PAPER = "A09010101"
PHONE = 390


def test_a_supplier_joins_the_open_agreement_on_a_phone(
    open_as, live_server: str, shots: Path
) -> None:
    operator = Api(live_server, "operator")
    paper = next(c for c in operator.call("GET", "/api/catalog/categories") if c["code"] == PAPER)
    new_enrolled_supplier(operator, live_server, "join.paper", paper["id"])
    agreement = next(
        a for a in operator.call("GET", "/api/agreements")["items"] if a["kind"] == "open"
    )
    first_price = agreement["joining_prices"][0]["unit_price"]

    page = open_as("join.paper", width=PHONE)
    page.goto(f"/agreements/{agreement['id']}")
    expect(page.locator("[data-testid=joining-table]")).to_be_visible()
    assert_accessible(page, "open agreement, a supplier that may join")
    assert_fits(page, PHONE)
    page.click("[data-testid=join-link]")
    expect(page.locator("[data-testid=join-price-0]")).to_have_value(first_price)
    page.fill("[data-testid=join-capacity]", "常备库存 1000 包，3 日内送达")
    page.fill("[data-testid=join-price-0]", "999.00")
    page.check("[data-testid=join-confirm]")
    with page.expect_navigation():
        page.click("[data-testid=join-submit]")
    error = page.locator("[data-testid^='error-prices.']")
    expect(error).to_have_text("单价高于加入价格。")
    assert_accessible(page, "join form with a refusal")
    assert_fits(page, PHONE)
    page.screenshot(path=str(shots / "join-refused-phone.png"), full_page=True)

    page.fill("[data-testid=join-price-0]", first_price)
    page.check("[data-testid=join-confirm]")
    with page.expect_navigation():
        page.click("[data-testid=join-submit]")
    expect(page.locator("[data-testid=agr-done]")).to_be_visible()
    own = page.locator("[data-testid=entrant-row].agr-own")
    expect(own.locator("[data-testid=joined]")).to_have_text(zh("Joined", "agreement entrant"))
    assert_accessible(page, "open agreement, joined")
    page.screenshot(path=str(shots / "joined-phone.png"), full_page=True)
