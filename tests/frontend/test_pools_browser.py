"""The volume-purchase pages in a real browser (AUC-2, X-2, X-3).

The operator opens a pool through the 发起带量采购 form on a phone — a malformed phone number is
shown next to its field and nothing is saved — with a window that closes minutes later and two
winners allowed. The school adds demand on a desktop and the hospital on a phone, each on its own
budget line; the pool page shows each unit its own demand with the funds held, and the pooled
total. The window's end then moves to a second ago in the server's database (the one step that
stands in for waiting); when the server's clock closes the window, the pool page links to the
auction it became, whose room shows the pooled quantity, and a supplier's bid box asks for its
capacity.
"""

from __future__ import annotations

import re
import time
from datetime import UTC, datetime, timedelta

import pytest
from playwright import sync_api
from playwright.sync_api import expect

from auction.pools.models import Pool
from core import clock
from tests.frontend.conftest import assert_accessible, assert_fits, server_db
from tests.frontend.test_auction_browser import Api, budget_line
from tests.frontend.texts import zh

pytestmark = pytest.mark.browser

DESKTOPS = "A02010104"
PHONE = 390


def add_demand(page: sync_api.Page, pool_url: str, line: int, quantity: int, address: str) -> None:
    page.goto(pool_url)
    form = page.locator("[data-testid=demand-form]")
    expect(form).to_be_visible()
    page.select_option("[data-testid=d-budget-line]", str(line))
    page.fill("[data-testid=d-quantity]", str(quantity))
    page.fill("[data-testid=d-address]", address)
    page.fill("[data-testid=d-contact-phone]", "0471-6661234")
    with page.expect_navigation():
        page.click("[data-testid=submit-demand]")
    expect(page.locator("[data-testid=pool-done]")).to_have_text(
        zh("Demand added; the funds are held.")
    )
    expect(page.locator("[data-testid=my-quantity]")).to_contain_text(str(quantity))


def test_a_pool_collects_demand_from_two_units_and_becomes_an_auction(open_as, live_server, shots):
    school_line = budget_line(Api(live_server, "purchaser"), "DL-POOL")
    hospital_line = budget_line(Api(live_server, "purchaser.hospital"), "DL-POOL")
    assert school_line["id"] != hospital_line["id"]

    # The operator opens the pool on a phone.
    operator = open_as("operator", PHONE)
    operator.goto("/pools")
    expect(operator.locator("h1")).to_have_text(zh("Volume purchases"))
    assert_accessible(operator, "pools-phone")
    operator.click("[data-testid=new-pool]")
    operator.wait_for_url("**/pools/new")
    category = operator.locator(f"[data-testid=f-category] option[data-code='{DESKTOPS}']")
    operator.select_option("[data-testid=f-category]", category.get_attribute("value"))
    operator.fill("[data-testid=f-title]", "台式计算机带量采购（浏览器）")
    operator.fill("[data-testid=f-ceiling]", "5000.00")
    # Two to three minutes ahead (the form takes whole minutes; the shortest window is one minute,
    # and a slow machine may take a while between here and the submit).
    closes = (clock.local(datetime.now(clock.SHANGHAI)) + timedelta(minutes=3)).replace(
        second=0, microsecond=0
    )
    operator.fill("[data-testid=f-closes-at]", closes.strftime("%Y-%m-%dT%H:%M"))
    operator.fill("[data-testid=f-gap]", "0")
    operator.fill("[data-testid=f-duration]", "1")
    operator.fill("[data-testid=f-min-bidders]", "1")
    operator.fill("[data-testid=f-max-winners]", "2")
    operator.fill("[data-testid=f-contact-phone]", "call me")
    with operator.expect_navigation():
        operator.click("[data-testid=save-pool]")
    expect(operator.locator("[data-testid=error-contact_phone]")).to_be_visible()
    assert_fits(operator, PHONE)
    assert_accessible(operator, "form-refused-phone")
    operator.screenshot(path=str(shots / "form-refused-phone.png"), full_page=True)
    operator.fill("[data-testid=f-contact-phone]", "0471-6900001")
    with operator.expect_navigation():
        operator.click("[data-testid=save-pool]")
    assert re.search(r"/pools/\d+", operator.url), operator.url
    expect(operator.locator("[data-testid=pool-done]")).to_have_text(
        zh("The volume purchase is open for demand.")
    )
    expect(operator.locator("[data-testid=pool-status]")).to_have_attribute("data-status", "open")
    pool_url = operator.url.split("?")[0]

    # Two purchaser units add demand, one on a desktop, one on a phone.
    school = open_as("purchaser")
    add_demand(school, pool_url, school_line["id"], 30, "呼和浩特市新城区第一中学信息中心")
    expect(school.locator("[data-testid=my-held]")).to_contain_text("150,000.00")
    hospital = open_as("purchaser.hospital", PHONE)
    add_demand(hospital, pool_url, hospital_line["id"], 20, "包头市昆都仑区中心医院设备科")
    expect(hospital.locator("[data-testid=pooled-quantity]")).to_contain_text("50")
    expect(hospital.locator("[data-testid=demand-count]")).to_have_text("2")
    assert_fits(hospital, PHONE)
    assert_accessible(hospital, "pool-hospital-phone")
    hospital.screenshot(path=str(shots / "pool-hospital-phone.png"), full_page=True)
    # Each unit sees its own demand; the organiser sees both.
    expect(hospital.locator("[data-testid=demand-row]")).to_have_count(0)
    operator.goto(pool_url)
    expect(operator.locator("[data-testid=demand-row]")).to_have_count(2)
    school.goto(pool_url)
    assert_accessible(school, "pool-school")
    school.screenshot(path=str(shots / "pool-school.png"), full_page=True)

    # The window's end moves to a second ago in the server's database (rather than waiting minutes
    # for it); the server's clock then closes it and publishes the auction.
    pool_id = int(pool_url.rstrip("/").rsplit("/", 1)[1])
    with server_db(live_server) as db:
        pool = db.get(Pool, pool_id)
        assert pool is not None and pool.status == "open"
        pool.closes_at = datetime.now(UTC) - timedelta(seconds=1)
    deadline = time.monotonic() + 45
    link = school.locator("[data-testid=pool-auction-link]")
    while not link.is_visible():
        assert time.monotonic() < deadline, "the window did not close into an auction"
        time.sleep(1)
        school.reload()
    expect(school.locator("[data-testid=pool-status]")).to_have_attribute(
        "data-status", "auctioned"
    )
    assert_accessible(school, "pool-auctioned")
    school.screenshot(path=str(shots / "pool-auctioned.png"), full_page=True)
    with school.expect_navigation():
        link.click()
    assert re.search(r"/auctions/\d+", school.url), school.url
    expect(school.locator("[data-testid=terms-quantity]")).to_contain_text("50")
    expect(school.locator("[data-testid=auction-pool-link]")).to_be_visible()
    assert_accessible(school, "auction-school")
    school.screenshot(path=str(shots / "auction-school.png"), full_page=True)
    room = "/" + school.url.split("/", 3)[3]

    # A supplier's bid box asks for its capacity (two winners may share the award).
    supplier = open_as("supplier", PHONE)
    supplier.goto(room)
    expect(supplier.locator("[data-testid=capacity-form]")).to_be_visible()
    supplier.fill("[data-testid=capacity-quantity]", "30")
    with supplier.expect_navigation():
        supplier.click("[data-testid=capacity-submit]")
    expect(supplier.locator("[data-testid=capacity-saved]")).to_be_visible()
    expect(supplier.locator("[data-testid=capacity-now]")).to_contain_text("30")
    assert_fits(supplier, PHONE)
    assert_accessible(supplier, "auction-supplier-phone")
    supplier.screenshot(path=str(shots / "auction-supplier-phone.png"), full_page=True)
