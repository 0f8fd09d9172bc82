"""What a first day with reverse auctions and volume purchases looks like, in a real browser
(AUC-1, AUC-2, AUC-3, MALL-10, X-2, X-3), each in Chinese and in English.

- Who may bid: the 发起竞价 form and the draft count the eligible suppliers (never naming them)
  and warn when they are fewer than the minimum; a supplier's list shows the auctions it may bid
  in, says how many others it may not, and the room of one it may not bid in says why and links
  to enrolment instead of offering a bid box.
- A draft whose start has passed is published in one dialog: start now (same duration) or a new
  start.
- The bid box compares the bid with the best price and the bidder's own last bid; a drop of more
  than 10 % (auction.rules.BID_GUARD_SHARE) asks for confirmation in a dialog, on a phone too.
- Withdrawing an auction or a volume purchase shows what it releases before it is confirmed.
- A failed auction's reason and the bidders' labels speak the page's language only.
- An auction without bids shows a sentence, not an empty ¥0–¥1 chart.
"""

from __future__ import annotations

import re
import time
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from playwright import sync_api
from playwright.sync_api import expect

from core import clock
from tests.frontend.conftest import assert_accessible, assert_fits
from tests.frontend.test_auction_browser import DESKTOPS, Api, auction_terms, budget_line
from tests.frontend.texts import en, zh

pytestmark = pytest.mark.browser

PURCHASER = "purchaser"
SUPPLIER_IT = "supplier"  # a small enterprise: its prices rank 10 % lower (MALL-7)
SUPPLIER_OFFICE = "supplier.office"
PHONE = 390
CJK = re.compile(r"[\u4e00-\u9fff]")
LATIN = re.compile(r"[A-Za-z]")


def english(page: sync_api.Page, path: str) -> None:
    """Switch the browser profile to English and open ``path``."""
    page.goto("/lang/en")
    page.goto(path)


@pytest.fixture(scope="module")
def purchaser(live_server: str) -> Api:
    return Api(live_server, PURCHASER)


@pytest.fixture(scope="module")
def line(purchaser: Api) -> dict[str, Any]:
    return budget_line(purchaser, "JJ-FIRST")


@pytest.fixture(scope="module")
def failing(purchaser: Api, line: dict[str, Any]) -> dict[str, Any]:
    """Published when the module starts, open since 50 s, a minute long, three bidders needed
    and none coming: the server's clock fails it while the other tests run."""
    starts = datetime.now(UTC) - timedelta(seconds=50)
    made = purchaser.call(
        "POST",
        "/api/auctions",
        auction_terms(
            purchaser,
            line["id"],
            starts,
            title="台式计算机 8 台网上竞价（无人报价）",
            quantity=8,
            ends_at=(starts + timedelta(minutes=1)).isoformat(),
            min_bidders=3,
        ),
        201,
    )
    return purchaser.call("POST", f"/api/auctions/{made['id']}/publish")


def draft_started_a_minute_ago(purchaser: Api, line: dict[str, Any], title: str) -> dict:
    """A draft set to start 58 s ago (the API's earliest), five minutes long, left unpublished
    until its start has passed by more than the minute of grace."""
    starts = datetime.now(UTC) - timedelta(seconds=58)
    made = purchaser.call(
        "POST",
        "/api/auctions",
        auction_terms(purchaser, line["id"], starts, title=title, quantity=10),
        201,
    )
    time.sleep(max(0.0, (starts + timedelta(seconds=62) - datetime.now(UTC)).total_seconds()))
    return made


def open_auction(purchaser: Api, line: dict[str, Any], title: str) -> dict:
    starts = datetime.now(UTC) + timedelta(seconds=2)
    made = purchaser.call(
        "POST",
        "/api/auctions",
        auction_terms(
            purchaser,
            line["id"],
            starts,
            title=title,
            quantity=20,
            visibility="ladder",
            ends_at=(starts + timedelta(minutes=30)).isoformat(),
        ),
        201,
    )
    published = purchaser.call("POST", f"/api/auctions/{made['id']}/publish")
    time.sleep(2.5)
    return published


# ---------------------------------------------------------------- who may bid (item 2)


def test_the_purchaser_counts_eligible_suppliers_before_publishing(
    open_as, failing, shots, js_errors
):
    # (``failing`` is published now, so that the server's clock has failed it by the last test)
    page = open_as(PURCHASER)
    page.goto("/auctions/new")
    counter = page.locator("[data-testid=f-eligible]")
    expect(counter).to_have_text(zh("Choose a category to see how many suppliers may bid."))
    option = page.locator(f"[data-testid=f-category] option[data-code='{DESKTOPS}']")
    page.select_option("[data-testid=f-category]", option.get_attribute("value"))
    page.fill("[data-testid=f-quantity]", "500")
    page.fill("[data-testid=f-ceiling]", "5000.00")
    expect(counter).to_contain_text("符合条件的供应商：")
    expect(counter).to_have_attribute("data-enough", "1")
    count = int(counter.get_attribute("data-count") or "0")
    assert count >= 2  # both demo supplier users sell desktops
    page.fill("[data-testid=f-min-bidders]", str(count + 1))
    expect(counter).to_have_attribute("data-enough", "0")
    expect(counter).to_contain_text(f"只有 {count} 家，少于最少有效报价供应商 {count + 1} 家")
    expect(counter).to_have_class(re.compile(r"\balert\b"))
    assert_accessible(page, "form-eligible-short")
    page.screenshot(path=str(shots / "form-eligible-short.png"), full_page=True)

    english(page, "/auctions/new")
    expect(counter).to_have_text(en("Choose a category to see how many suppliers may bid."))
    page.select_option("[data-testid=f-category]", option.get_attribute("value"))
    expect(counter).to_contain_text("Eligible suppliers: ")
    assert not CJK.search(counter.inner_text())
    assert not js_errors, js_errors


def _not_enrolled_leaf(office: Api, purchaser: Api) -> dict[str, Any]:
    """A goods category the office supplier is not enrolled in (nor in one above it)."""
    me = office.call("GET", "/api/auth/me")
    enrolled = set(
        office.call("GET", f"/api/catalog/suppliers/{me['organisation']['id']}")["category_ids"]
    )
    categories = purchaser.call("GET", "/api/catalog/categories")
    parents = {c["parent_id"] for c in categories}
    for c in categories:
        path = {int(p) for p in c["path"].strip("/").split("/") if p}
        if (
            c["id"] not in parents
            and c["kind"] == "goods"
            and not c["designated_service"]
            and not path & enrolled
        ):
            return c
    raise AssertionError("the office supplier is enrolled everywhere")


def test_a_supplier_sees_what_it_may_bid_in_and_why_not(
    open_as, live_server, purchaser, line, shots, js_errors
):
    office = Api(live_server, SUPPLIER_OFFICE)
    category = _not_enrolled_leaf(office, purchaser)
    starts = datetime.now(UTC) + timedelta(minutes=30)
    made = purchaser.call(
        "POST",
        "/api/auctions",
        auction_terms(
            purchaser,
            line["id"],
            starts,
            title="未入驻品目的网上竞价",
            category_id=category["id"],
            quantity=10,
            ceiling="1000.00",
        ),
        201,
    )
    purchaser.call("POST", f"/api/auctions/{made['id']}/publish")

    page = open_as(SUPPLIER_OFFICE)
    page.goto("/auctions")
    row = page.locator(f"[data-testid=auction-row][data-id='{made['id']}']")
    expect(row).to_have_count(0)
    expect(page.locator("[data-testid=auctions-hidden]")).to_contain_text("贵公司不能参与")
    page.click("[data-testid=show-all]")
    expect(row).to_have_count(1)
    expect(row.locator("[data-testid=auction-why-not]")).to_have_attribute(
        "data-reason", "not_enrolled"
    )
    assert_accessible(page, "supplier-list-all")
    row.locator("[data-testid=auction-link]").click()
    why = page.locator("[data-testid=why-not]")
    expect(why).to_contain_text(
        zh(
            "Your company is not enrolled in this category. Once enrolled in it (or a category above it) and approved, it may bid in its auctions."
        )
    )
    expect(page.locator("[data-testid=bid-box]")).to_have_count(0)
    expect(page.locator("[data-testid=why-enrol]")).to_have_attribute("href", "/enrolment")
    assert_accessible(page, "room-not-enrolled")
    page.screenshot(path=str(shots / "room-not-enrolled.png"), full_page=True)

    english(page, page.url)
    expect(why).to_contain_text(
        en(
            "Your company is not enrolled in this category. Once enrolled in it (or a category above it) and approved, it may bid in its auctions."
        )
    )
    expect(page.locator("[data-testid=why-enrol]")).to_have_text(en("Apply to enrol in categories"))
    page.goto("/auctions")
    expect(page.locator("[data-testid=auctions-hidden]")).to_contain_text("may not bid")
    assert not js_errors, js_errors


# ---------------------------------------------------------------- a passed start (item 3)


def test_a_draft_whose_start_passed_is_published_in_one_dialog(
    open_as, purchaser, line, shots, js_errors
):
    draft = draft_started_a_minute_ago(purchaser, line, "台式计算机 10 台（立即开始）")
    page = open_as(PURCHASER)
    page.goto(f"/auctions/{draft['id']}")
    expect(page.locator("[data-testid=start-passed]")).to_have_text(
        zh(
            "The start has passed. When publishing, start now (the duration stays) or choose a new start."
        )
    )
    expect(page.locator("[data-testid=eligible-count]")).to_contain_text(zh("Eligible suppliers"))
    page.click("[data-testid=publish]")
    dialog = page.locator("[data-testid=publish-dialog]")
    expect(dialog).to_be_visible()
    expect(dialog.locator("[data-testid=start-choice]")).to_be_visible()
    expect(dialog.locator("[data-testid=start-now]")).to_be_checked()
    expect(dialog).to_contain_text("立即开始，竞价 5 分钟")
    expect(dialog.locator("[data-testid=publish-eligible]")).to_contain_text("符合条件的供应商")
    assert_accessible(page, "publish-dialog-start-passed")
    page.screenshot(path=str(shots / "publish-dialog-start-passed.png"), full_page=True)
    before = datetime.now(UTC)
    page.click("[data-testid=publish-confirm]")
    expect(page.locator("[data-testid=flash]")).to_have_text(zh("Auction published"))
    expect(page.locator("[data-testid=auction-phase]")).to_have_attribute("data-phase", "open")
    terms = purchaser.call("GET", f"/api/auctions/{draft['id']}")
    starts = datetime.fromisoformat(terms["starts_at"])
    assert before - timedelta(seconds=5) <= starts <= datetime.now(UTC)
    assert datetime.fromisoformat(terms["ends_at"]) - starts == timedelta(minutes=5)

    # in English, a new start instead
    draft = draft_started_a_minute_ago(purchaser, line, "Desktops, 10 (new start)")
    english(page, f"/auctions/{draft['id']}")
    page.click("[data-testid=publish]")
    expect(dialog.locator("legend")).to_have_text(en("The start has passed: choose"))
    dialog.locator("[data-testid=start-new]").check()
    page.click("[data-testid=publish-confirm]")
    expect(dialog.locator("[data-testid=publish-error]")).to_have_text(
        en("The start has passed: start now, or choose a new start.")
    )
    later = (clock.local(datetime.now(UTC)) + timedelta(hours=2)).replace(second=0, microsecond=0)
    dialog.locator("[data-testid=new-start]").fill(later.strftime("%Y-%m-%dT%H:%M"))
    assert_accessible(page, "publish-dialog-new-start-en")
    page.click("[data-testid=publish-confirm]")
    expect(page.locator("[data-testid=flash]")).to_have_text(en("Auction published"))
    expect(page.locator("[data-testid=auction-phase]")).to_have_attribute("data-phase", "upcoming")
    terms = purchaser.call("GET", f"/api/auctions/{draft['id']}")
    assert datetime.fromisoformat(terms["starts_at"]) == later
    assert datetime.fromisoformat(terms["ends_at"]) == later + timedelta(minutes=5)
    assert not js_errors, js_errors


# ---------------------------------------------------------------- the bid guard (item 5), labels


def test_a_large_drop_asks_first_on_desktop_and_phone(open_as, purchaser, line, shots, js_errors):
    auction = open_auction(purchaser, line, "台式计算机 20 台（大幅降价确认）")
    room = f"/auctions/{auction['id']}"
    page = open_as(SUPPLIER_IT)
    page.goto(room)
    expect(page.locator("[data-testid=live-dot]")).to_be_visible()
    # no bids: a sentence instead of an empty chart (item 10)
    expect(page.locator("[data-testid=chart-empty]")).to_have_text(
        zh("No bids yet, so there is no price trend; it appears here with the first bid.")
    )
    expect(page.locator("[data-testid=chart-box]")).to_be_hidden()
    expect(page.locator("[data-testid=bid-price]")).to_have_value("5000.00")
    expect(page.locator("[data-testid=bid-best]")).to_have_text(zh("No bids yet"))
    page.fill("[data-testid=bid-price]", "4000.00")
    expect(page.locator("[data-testid=bid-drop]")).to_have_text("¥1,000.00 (20.0%)")
    page.click("[data-testid=bid-submit]")
    guard = page.locator("[data-testid=bid-guard]")
    expect(guard).to_be_visible()
    expect(guard.locator("[data-testid=bid-guard-text]")).to_have_text(
        "您的报价 ¥4,000.00 比最高限价 ¥5,000.00 低 ¥1,000.00（20.0%），降幅超过 10%。"
        "报价一经受理不可撤回，请核对金额。"
    )
    assert_accessible(page, "bid-guard")
    page.screenshot(path=str(shots / "bid-guard.png"), full_page=True)
    page.click("[data-testid=bid-guard-back]")
    expect(guard).to_be_hidden()
    expect(page.locator("[data-testid=bid-result]")).to_be_hidden()  # nothing was sent
    page.click("[data-testid=bid-submit]")
    page.click("[data-testid=bid-guard-send]")
    expect(page.locator("[data-testid=bid-result]")).to_contain_text("报价已受理")
    expect(page.locator("[data-testid=bid-own-last]")).to_have_text("¥4,000.00")
    expect(page.locator("[data-testid=my-label]")).to_have_text("供应商 1")
    expect(page.locator("[data-testid=chart-box]")).to_be_visible()
    expect(page.locator("[data-testid=chart-empty]")).to_be_hidden()

    # the other supplier on a phone, in English: labels and the guard in English
    phone = open_as(SUPPLIER_OFFICE, PHONE)
    english(phone, room)
    expect(phone.locator("[data-testid=live-dot]")).to_be_visible()
    rows = phone.locator("[data-testid=ladder-row]")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("Supplier 1")
    assert not CJK.search(rows.first.inner_text())
    # a lot this small is reserved for SMEs: no deduction, the best price is the bid (MALL-10)
    expect(phone.locator("[data-testid=bid-best]")).to_have_text("¥4,000.00")
    phone.fill("[data-testid=bid-price]", "3000.00")
    expect(phone.locator("[data-testid=bid-drop]")).to_have_text("¥1,000.00 (25.0%)")
    phone.click("[data-testid=bid-submit]")
    phone_guard = phone.locator("[data-testid=bid-guard]")
    expect(phone_guard).to_be_visible()
    expect(phone_guard.locator("[data-testid=bid-guard-text]")).to_contain_text(
        "Your bid of ¥3,000.00 is below the best price ¥4,000.00 by ¥1,000.00 (25.0%)"
    )
    assert_fits(phone, PHONE)
    assert_accessible(phone, "bid-guard-phone-en")
    phone.screenshot(path=str(shots / "bid-guard-phone-en.png"), full_page=True)
    phone.click("[data-testid=bid-guard-send]")
    expect(phone.locator("[data-testid=bid-result]")).to_contain_text("Bid accepted")
    expect(phone.locator("[data-testid=my-label]")).to_have_text("Supplier 2")
    expect(phone.locator("[data-testid=bid-own-last]")).to_have_text("¥3,000.00")
    # a small drop goes at once, one tap
    phone.fill("[data-testid=bid-price]", "2990.00")
    phone.click("[data-testid=bid-submit]")
    expect(phone.locator("[data-testid=bid-result]")).to_contain_text("Bid accepted: ¥2,990.00")
    expect(phone_guard).to_be_hidden()
    assert_fits(phone, PHONE)
    # the Chinese page keeps Chinese labels
    expect(page.locator("[data-testid=ladder-row]").first).to_contain_text("供应商 2")
    assert not js_errors, js_errors


# ---------------------------------------------------------------- confirmations (item 6)


def test_withdrawing_previews_what_it_releases(
    open_as, live_server, purchaser, line, shots, js_errors
):
    starts = datetime.now(UTC) + timedelta(minutes=40)
    made = purchaser.call(
        "POST",
        "/api/auctions",
        auction_terms(purchaser, line["id"], starts, title="台式计算机 10 台（撤销）", quantity=10),
        201,
    )
    purchaser.call("POST", f"/api/auctions/{made['id']}/publish")
    page = open_as(PURCHASER)
    page.goto(f"/auctions/{made['id']}")
    page.click("[data-testid=withdraw] summary")
    page.fill("[data-testid=withdraw-reason]", "预算调整")
    page.click("[data-testid=withdraw-submit]")
    dialog = page.locator("[data-testid=withdraw-dialog]")
    expect(dialog).to_be_visible()
    expect(dialog.locator("[data-testid=withdraw-effect]")).to_contain_text("¥50,000.00 立即释放")
    expect(dialog.locator("[data-testid=withdraw-effect]")).to_contain_text(line["code"])
    expect(dialog.locator("[data-testid=withdraw-dialog-reason]")).to_have_text("预算调整")
    assert_accessible(page, "withdraw-dialog")
    page.screenshot(path=str(shots / "withdraw-dialog.png"), full_page=True)
    page.click("[data-testid=withdraw-back]")
    expect(dialog).to_be_hidden()
    expect(page.locator("[data-testid=auction-phase]")).to_have_attribute("data-phase", "upcoming")
    page.click("[data-testid=withdraw-submit]")
    page.click("[data-testid=withdraw-confirm]")
    expect(page.locator("[data-testid=flash]")).to_have_text(zh("Auction withdrawn"))
    expect(page.locator("[data-testid=auction-phase]")).to_have_attribute("data-phase", "cancelled")

    # a volume purchase, in English: what the units' demands hold goes back
    operator = Api(live_server, "operator")
    now = datetime.now(UTC)
    pool = operator.call(
        "POST",
        "/api/pools",
        {
            "title": "台式计算机带量采购（撤销）",
            "category_id": next(
                c["id"]
                for c in operator.call("GET", "/api/catalog/categories")
                if c["code"] == DESKTOPS
            ),
            "unit": "台",
            "ceiling": "5000.00",
            "closes_at": (now + timedelta(hours=1)).isoformat(),
            "delivery_date": (now + timedelta(days=20)).date().isoformat(),
            "contact_name": "周运营",
            "contact_phone": "0471-6900001",
            "auction_starts_at": (now + timedelta(hours=2)).isoformat(),
            "auction_ends_at": (now + timedelta(hours=3)).isoformat(),
            "decrement_mode": "absolute",
            "decrement_value": "10.00",
        },
        201,
    )
    region = purchaser.call("GET", "/api/regions")[0]
    purchaser.call(
        "POST",
        f"/api/pools/{pool['id']}/demands",
        {
            "quantity": 6,
            "budget_line_id": line["id"],
            "delivery_region_id": region["id"],
            "delivery_address": "呼和浩特市新城区第一中学",
            "contact_name": "张老师",
            "contact_phone": "0471-6900000",
        },
        201,
    )
    organiser = open_as("operator")
    english(organiser, f"/pools/{pool['id']}")
    organiser.click("[data-testid=cancel-pool] summary")
    effect = organiser.locator("[data-testid=cancel-pool-effect]")
    expect(effect).to_contain_text("releases the demand of 1 purchaser unit(s): the ¥30,000.00")
    assert_accessible(organiser, "pool-cancel-preview-en")
    organiser.screenshot(path=str(shots / "pool-cancel-preview-en.png"), full_page=True)
    organiser.fill("[data-testid=cancel-pool-reason]", "Demand moved to a framework agreement")
    organiser.check("[data-testid=cancel-pool-confirm]")
    with organiser.expect_navigation():
        organiser.click("[data-testid=cancel-pool-submit]")
    expect(organiser.locator("[data-testid=pool-done]")).to_have_text(
        en("The volume purchase was withdrawn.")
    )
    assert not js_errors, js_errors


# ---------------------------------------------------------------- one language (item 7), chart


def test_a_failed_auction_speaks_the_pages_language(open_as, failing, shots, js_errors):
    page = open_as(PURCHASER)
    room = f"/auctions/{failing['id']}"
    deadline = time.monotonic() + 90
    while True:
        page.goto(room)
        if page.locator("[data-testid=auction-phase]").get_attribute("data-phase") == "failed":
            break
        assert time.monotonic() < deadline, "the server's clock did not close the auction"
        time.sleep(2)
    verdict = page.locator("[data-testid=auction-verdict]")
    expect(verdict).to_have_text("本次竞价流标：有效报价供应商 0 家，少于最低要求的 3 家。")
    assert not LATIN.search(verdict.inner_text())
    expect(page.locator("[data-testid=chart-empty]")).to_be_visible()
    expect(page.locator("[data-testid=chart-box]")).to_be_hidden()
    assert_accessible(page, "failed-zh")
    page.screenshot(path=str(shots / "failed-zh.png"), full_page=True)

    english(page, room)
    expect(verdict).to_have_text("The auction failed: 0 bidder(s), fewer than the minimum of 3.")
    assert not CJK.search(verdict.inner_text())
    expect(page.locator("[data-testid=chart-empty]")).to_have_text(
        en("No bids yet, so there is no price trend; it appears here with the first bid.")
    )
    assert_accessible(page, "failed-en")
    page.screenshot(path=str(shots / "failed-en.png"), full_page=True)
    assert not js_errors, js_errors
