"""The reverse-auction pages in a real browser (AUC-1, AUC-3, X-2, X-3).

A purchaser sets up an auction through the 发起竞价 form: a malformed phone number is shown next to
its field (422), a lot over the e-mall's limit is refused with the API's message (409), then the
draft is saved to start at once and published. Two suppliers in two browser profiles (one on a
390 px phone) open the 竞价室 and bid through the socket: each sees the other's bid — rank, best
price, anonymised ladder — without reloading, a bid that does not beat the best price by the
decrement is refused with the rule's message, and the purchaser's live view counts two bidders
and shows the ladder. A supplier whose connection drops sees the banner, and after reconnecting
the bids made meanwhile; in English the refusal is in English. A draft is withdrawn with a reason. An auction that opened a little
before the module started closes on the server's clock: the page left open turns to the outcome by
itself, the winner and the purchaser get the link to the order, the other bidder sees it lost.

One live server (demo data) and one browser serve the module.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import requests
from playwright import sync_api
from playwright.sync_api import expect

from core.accounts.demo import DEMO_PASSWORD
from tests.frontend.conftest import assert_accessible, assert_fits, path_of
from tests.frontend.texts import zh

pytestmark = pytest.mark.browser

PURCHASER = "purchaser"  # 呼和浩特市第一中学, an org admin: it may create budget lines
SUPPLIER_A = "supplier"  # 内蒙古草原信息技术有限公司
SUPPLIER_B = "supplier.office"  # 包头市办公用品有限公司
DESKTOPS = "A02010104"  # 台式计算机: both demo suppliers are enrolled
CEILING = "5000.00"
QUANTITY = 500  # 2,500,000.00 at the ceiling: above the SME reservation, below the mall's limit
DECREMENT_RULE = "报价须比应低于的价格至少低一个最小降价幅度。"


# ---------------------------------------------------------------- set-up through the JSON API


class Api:
    """A signed-in HTTP client of the JSON API."""

    def __init__(self, base: str, username: str) -> None:
        self.base = base
        self.http = requests.Session()
        signed = self.http.post(
            f"{base}/api/auth/signin", json={"username": username, "password": DEMO_PASSWORD}
        )
        assert signed.status_code == 200, signed.text
        self.headers = {"X-CSRF-Token": signed.json()["csrf_token"]}

    def call(self, method: str, path: str, body: Any = None, expect_status: int = 200) -> Any:
        response = self.http.request(
            method, f"{self.base}{path}", json=body, headers=self.headers, timeout=10
        )
        assert response.status_code == expect_status, f"{method} {path}: {response.text}"
        return response.json()


def budget_line(api: Api, code: str) -> dict[str, Any]:
    year = datetime.now(UTC).year
    return api.call(
        "POST",
        "/api/mall/budget-lines",
        {
            "fiscal_year": year,
            "fund_source": "general",
            "code": f"{year}-{code}",
            "name": f"竞价专项 {code}",
            "amount": "3000000.00",
        },
        201,
    )


def desktop_category(api: Api) -> dict[str, Any]:
    return next(c for c in api.call("GET", "/api/catalog/categories") if c["code"] == DESKTOPS)


def auction_terms(api: Api, line_id: int, starts: datetime, **changes: Any) -> dict[str, Any]:
    region = api.call("GET", "/api/regions")[0]
    return {
        "title": "台式计算机 500 台网上竞价（接口）",
        "category_id": desktop_category(api)["id"],
        "quantity": QUANTITY,
        "delivery_region_id": region["id"],
        "delivery_address": "呼和浩特市新城区第一中学",
        "delivery_date": (starts + timedelta(days=20)).date().isoformat(),
        "contact_name": "张老师",
        "contact_phone": "0471-6900000",
        "budget_line_id": line_id,
        "ceiling": CEILING,
        "starts_at": starts.isoformat(),
        "ends_at": (starts + timedelta(minutes=5)).isoformat(),
        "decrement_mode": "absolute",
        "decrement_value": "10.00",
        **changes,
    }


@pytest.fixture(scope="module")
def closing_auction(live_server: str) -> dict[str, Any]:
    """An auction that opened just now (the API takes a start up to a minute back) and runs the
    shortest time the live server allows (a minute), so that its clock closes it while the test
    watches. Both
    suppliers bid on it over HTTP at once; supplier.office bids lower."""
    purchaser = Api(live_server, PURCHASER)
    line = budget_line(purchaser, "JJ-CLOSE")
    starts = datetime.now(UTC) - timedelta(seconds=30)
    made = purchaser.call(
        "POST",
        "/api/auctions",
        auction_terms(
            purchaser,
            line["id"],
            starts,
            ends_at=(starts + timedelta(minutes=1)).isoformat(),
            title="台式计算机 500 台网上竞价（即将结束）",
            snipe_window_seconds=0,
            min_bidders=2,
            visibility="ladder",
        ),
        201,
    )
    purchaser.call("POST", f"/api/auctions/{made['id']}/publish")
    Api(live_server, SUPPLIER_A).call(
        "POST", f"/api/auctions/{made['id']}/bids", {"price": "4900.00"}, 201
    )
    Api(live_server, SUPPLIER_B).call(
        # below the small supplier's 4,900.00 evaluated at 4,410.00 (MALL-7)
        "POST",
        f"/api/auctions/{made['id']}/bids",
        {"price": "4380.00"},
        201,
    )
    return made


# ---------------------------------------------------------------- helpers in the page


def fill_form(page: sync_api.Page, line_id: int, **values: str) -> None:
    code_option = page.locator(f"[data-testid=f-category] option[data-code='{DESKTOPS}']")
    page.select_option("[data-testid=f-category]", code_option.get_attribute("value"))
    page.fill("[data-testid=f-title]", values.get("title", "台式计算机 500 台网上竞价"))
    page.fill("[data-testid=f-quantity]", values.get("quantity", str(QUANTITY)))
    page.fill("[data-testid=f-ceiling]", CEILING)
    page.check("[data-testid=f-start-now]")
    page.select_option("[data-testid=f-visibility]", "ladder")
    page.fill("[data-testid=f-address]", "呼和浩特市新城区中山东路 1 号 第一中学总务处")
    page.fill("[data-testid=f-contact-phone]", values.get("phone", "0471-6661234"))
    page.select_option("[data-testid=f-budget-line]", str(line_id))


def bid(page: sync_api.Page, price: str) -> sync_api.Locator:
    page.fill("[data-testid=bid-price]", price)
    page.click("[data-testid=bid-submit]")
    answer = page.locator("[data-testid=bid-result]")
    expect(answer).not_to_have_text(zh("Sending your bid…"))
    return answer


def ladder_labels(page: sync_api.Page) -> list[str]:
    return page.locator("[data-testid=ladder-row]").evaluate_all(
        "rows => rows.map(r => r.dataset.label)"
    )


def assert_in_view(page: sync_api.Page, testid: str, width: int) -> None:
    box = page.locator(f"[data-testid={testid}]").bounding_box()
    assert box is not None, f"{testid} is not shown"
    assert box["x"] >= 0 and box["x"] + box["width"] <= width, f"{testid} sticks out: {box}"


# ---------------------------------------------------------------- the tests


def test_form_shows_refusals_then_saves_and_publishes(
    open_as, live_server, closing_auction, js_errors, shots
):
    page = open_as(PURCHASER)
    line = budget_line(Api(live_server, PURCHASER), "JJ-FORM")
    page.click("nav.mainnav a:has-text('电子反拍')")
    assert path_of(page).startswith("/auctions")
    expect(page.locator("h1")).to_have_text(zh("Reverse auctions"))
    # the auction opened by the module's fixture is in the list, open
    opened = page.locator(f"[data-testid=auction-row][data-id='{closing_auction['id']}']")
    expect(opened).to_have_attribute("data-phase", "open")
    page.click("[data-testid=new-auction]")
    page.wait_for_url("**/auctions/new")

    # defaults: ten minutes from now, 30 minutes long, 10.00 a step, 120/180/5, best price, 3
    expect(page.locator("[data-testid=f-duration]")).to_have_value("30")
    expect(page.locator("[data-testid=f-decrement-value]")).to_have_value("10.00")
    expect(page.locator("[data-testid=f-snipe-window]")).to_have_value("120")
    expect(page.locator("[data-testid=f-extension]")).to_have_value("180")
    expect(page.locator("[data-testid=f-max-extensions]")).to_have_value("5")
    expect(page.locator("[data-testid=f-visibility]")).to_have_value("best")
    expect(page.locator("[data-testid=f-min-bidders]")).to_have_value("3")
    expect(
        page.locator(f"[data-testid=f-budget-line] option[value='{line['id']}']")
    ).to_contain_text("¥3,000,000.00")

    # the API's 422: next to the field
    fill_form(page, line["id"], phone="call me")
    expect(page.locator("[data-testid=f-lot]")).to_have_text("¥2,500,000.00")
    page.click("[data-testid=save-auction]")
    expect(page.locator("[data-testid=error-contact_phone]")).to_be_visible()
    expect(page.locator("[data-testid=form-error]")).to_contain_text("部分字段不符合要求")
    assert path_of(page) == "/auctions/new"

    # the API's 409: over the e-mall's limit, it must go to tendering
    page.fill("[data-testid=f-contact-phone]", "0471-6661234")
    page.fill("[data-testid=f-quantity]", "1000")
    expect(page.locator("[data-testid=f-over-limit]")).to_be_visible()
    page.click("[data-testid=save-auction]")
    expect(page.locator("[data-testid=form-error]")).to_contain_text("须采用招标等方式采购")
    expect(page.locator("[data-testid=error-contact_phone]")).to_be_hidden()
    assert_accessible(page, "form-refused")
    page.screenshot(path=str(shots / "form-refused.png"), full_page=True)

    page.fill("[data-testid=f-quantity]", str(QUANTITY))
    page.click("[data-testid=save-auction]")
    page.wait_for_url(re.compile(r"/auctions/\d+$"))
    expect(page.locator("[data-testid=flash]")).to_contain_text(zh("Draft saved"))
    expect(page.locator("[data-testid=auction-phase]")).to_have_attribute("data-phase", "draft")
    expect(page.locator("[data-testid=terms-quantity]")).to_have_text("500 台")
    assert_accessible(page, "draft")
    page.screenshot(path=str(shots / "draft.png"), full_page=True)

    # the draft is changed through the same form, filled in with its terms
    draft_url = page.url
    page.click("[data-testid=edit-draft]")
    page.wait_for_url(re.compile(r"/auctions/\d+/edit$"))
    expect(page.locator("h1")).to_contain_text("修改竞价草稿")
    expect(page.locator("[data-testid=f-title]")).to_have_value("台式计算机 500 台网上竞价")
    expect(page.locator("[data-testid=f-quantity]")).to_have_value(str(QUANTITY))
    expect(page.locator("[data-testid=f-ceiling]")).to_have_value(CEILING)
    expect(page.locator("[data-testid=f-visibility]")).to_have_value("ladder")
    expect(page.locator("[data-testid=f-duration]")).to_have_value("30")
    expect(page.locator("[data-testid=f-lot]")).to_have_text("¥2,500,000.00")
    page.check("[data-testid=f-start-now]")
    page.fill("[data-testid=f-contact-phone]", "0471-6669999")
    assert_accessible(page, "draft-edit")
    page.screenshot(path=str(shots / "draft-edit.png"), full_page=True)
    page.click("[data-testid=save-auction]")
    page.wait_for_url(draft_url)
    auction_id = int(draft_url.rsplit("/", 1)[1])
    terms = Api(live_server, PURCHASER).call("GET", f"/api/auctions/{auction_id}")
    span = datetime.fromisoformat(terms["ends_at"]) - datetime.fromisoformat(terms["starts_at"])
    assert span == timedelta(minutes=30) and terms["status"] == "draft"
    assert terms["contact_phone"] == "0471-6669999" and terms["quantity"] == QUANTITY

    page.click("[data-testid=publish]")
    page.click("[data-testid=publish-confirm]")  # the dialog shows the effect first
    expect(page.locator("[data-testid=flash]")).to_contain_text(zh("Auction published"))
    expect(page.locator("[data-testid=auction-phase]")).to_have_attribute("data-phase", "open")
    expect(page.locator("[data-testid=bidder-count]")).to_have_text("0")
    expect(page.locator("[data-testid=live-dot]")).to_be_visible()
    assert not js_errors, js_errors


def _form_auction(live_server: str) -> int:
    """The auction the form test published (the newest of the purchaser's, open)."""
    page = Api(live_server, PURCHASER).call("GET", "/api/auctions?status=published")
    made = [a for a in page["items"] if a["title"] == "台式计算机 500 台网上竞价"]
    assert made, "the form test did not publish its auction"
    return made[0]["id"]


def test_two_suppliers_bid_live_and_the_purchaser_watches(open_as, live_server, js_errors, shots):
    auction_id = _form_auction(live_server)
    room = f"/auctions/{auction_id}"
    first = open_as(SUPPLIER_A)
    second = open_as(SUPPLIER_B, width=390)
    watcher = open_as(PURCHASER)

    # the supplier finds it in the list's open tab
    first.goto("/auctions?show=open")
    assert_accessible(first, "list-supplier")
    first.screenshot(path=str(shots / "list-supplier.png"), full_page=True)
    first.click(f"[data-testid=auction-row][data-id='{auction_id}'] [data-testid=auction-link]")
    first.wait_for_url(f"**{room}")
    second.goto(room)
    watcher.goto(room)
    for page in (first, second, watcher):
        expect(page.locator("[data-testid=live-dot]")).to_be_visible()
    expect(first.locator("[data-testid=countdown]")).to_have_text(re.compile(r"^00:(2\d|30):\d\d$"))
    # the bid box offers the highest allowed price: the ceiling before any bid
    expect(first.locator("[data-testid=bid-price]")).to_have_value(CEILING)
    expect(first.locator("[data-testid=bid-total]")).to_have_text("¥2,500,000.00")

    answer = bid(first, "4990.00")
    expect(answer).to_contain_text("报价已受理")
    expect(answer).to_contain_text("¥4,990.00")
    expect(first.locator("[data-testid=my-rank]")).to_have_text("第 1 名")
    expect(first.locator("[data-testid=my-label]")).to_have_text("供应商 1")

    # the other supplier sees it without reloading: the best evaluated price (the small
    # supplier's 4,990.00 less the 10 % SME deduction, MALL-7), the ladder with the offered price,
    # the deduction and the evaluated price side by side, and the next price allowed
    expect(second.locator("[data-testid=best-price]")).to_have_text("¥4,491.00")
    expect(second.locator("[data-testid=ladder-row]")).to_have_count(1)
    assert ladder_labels(second) == ["供应商 1"]
    expect(second.locator("[data-testid=ladder-row]")).to_contain_text("¥4,990.00")
    expect(second.locator("[data-testid=ladder-row]")).to_contain_text("10%")
    expect(second.locator("[data-testid=ladder-row]")).to_contain_text("¥4,491.00")
    expect(second.locator("[data-testid=deduction-rule]")).to_contain_text("扣除 10%")
    expect(second.locator("[data-testid=bid-price]")).to_have_value("4481.00")

    answer = bid(second, "4450.00")
    expect(answer).to_contain_text("报价已受理")
    expect(second.locator("[data-testid=my-rank]")).to_have_text("第 1 名")
    expect(second.locator("[data-testid=my-label]")).to_have_text("供应商 2")

    # …and the first supplier drops to second place, at once; it may ask as much as brings its
    # evaluated price a decrement below 4,450.00
    expect(first.locator("[data-testid=my-rank]")).to_have_text("第 2 名")
    expect(first.locator("[data-testid=best-price]")).to_have_text("¥4,450.00")
    expect(first.locator("[data-testid=my-evaluated]")).to_have_text("¥4,491.00")
    expect(first.locator("[data-testid=next-allowed]")).to_have_text("¥4,933.33")
    expect(first.locator("[data-testid=ladder-row]")).to_have_count(2)
    assert ladder_labels(first) == ["供应商 2", "供应商 1"]
    expect(first.locator("[data-testid=ladder-row].mine")).to_have_attribute(
        "data-label", "供应商 1"
    )

    # a bid that does not beat the best price by the decrement: the rule, in Chinese
    answer = bid(first, "4935.00")
    expect(answer).to_have_text(DECREMENT_RULE)
    expect(answer).to_have_class(re.compile(r"\balert\b"))
    expect(first.locator("[data-testid=my-rank]")).to_have_text("第 2 名")

    # the purchaser watches: two bidders, two bids, the ladder with labels only
    expect(watcher.locator("[data-testid=bidder-count]")).to_have_text("2")
    expect(watcher.locator("[data-testid=bid-count]")).to_have_text("2")
    expect(watcher.locator("[data-testid=best-price]")).to_have_text("¥4,450.00")
    assert ladder_labels(watcher) == ["供应商 2", "供应商 1"]
    answer = bid(first, "4930.00")
    expect(answer).to_contain_text("报价已受理")
    expect(watcher.locator("[data-testid=bid-count]")).to_have_text("3")
    expect(watcher.locator("[data-testid=best-price]")).to_have_text("¥4,437.00")
    assert ladder_labels(watcher) == ["供应商 1", "供应商 2"]
    expect(second.locator("[data-testid=my-rank]")).to_have_text("第 2 名")
    # the chart has the prices: three bids for the purchaser
    points = watcher.evaluate(
        "() => Chart.getChart(document.getElementById('auction-chart')).data.datasets[1].data.length"
    )
    assert points == 3

    # the phone: nothing sideways; the countdown and the bid box are on the first screen
    assert_fits(second, 390)
    for testid in ("countdown", "bid-price", "bid-submit"):
        assert_in_view(second, testid, 390)
    box = second.locator("[data-testid=bid-submit]").bounding_box()
    assert box and box["y"] + box["height"] <= 844, f"the bid button is below the fold: {box}"
    assert_accessible(second, "room-supplier-phone")
    second.screenshot(path=str(shots / "room-supplier-phone.png"))
    second.screenshot(path=str(shots / "room-supplier-phone-full.png"), full_page=True)
    assert_accessible(first, "room-supplier-desktop")
    first.screenshot(path=str(shots / "room-supplier-desktop.png"), full_page=True)
    assert_accessible(watcher, "room-purchaser-desktop")
    watcher.screenshot(path=str(shots / "room-purchaser-desktop.png"), full_page=True)
    assert not js_errors, js_errors


def test_a_dropped_connection_shows_a_banner_and_catches_up(open_as, live_server, js_errors):
    auction_id = _form_auction(live_server)
    page = open_as(SUPPLIER_B, width=390)
    page.goto(f"/auctions/{auction_id}")
    expect(page.locator("[data-testid=live-dot]")).to_be_visible()
    page.context.set_offline(True)
    expect(page.locator("[data-testid=offline-banner]")).to_be_visible(timeout=30_000)
    expect(page.locator("[data-testid=bid-submit]")).to_be_disabled()
    # meanwhile the other supplier bids
    Api(live_server, SUPPLIER_A).call(
        "POST", f"/api/auctions/{auction_id}/bids", {"price": "4900.00"}, 201
    )
    page.context.set_offline(False)
    expect(page.locator("[data-testid=offline-banner]")).to_be_hidden(timeout=30_000)
    expect(page.locator("[data-testid=best-price]")).to_have_text("¥4,410.00")  # evaluated
    expect(page.locator("[data-testid=my-rank]")).to_have_text("第 2 名")
    expect(page.locator("[data-testid=bid-price]")).to_have_value("4400.00")
    expect(page.locator("[data-testid=bid-submit]")).to_be_enabled()

    # in English, the room and the refusal speak English
    page.goto("/lang/en")
    page.goto(f"/auctions/{auction_id}")
    expect(page.locator("[data-testid=countdown-label]")).to_have_text("Ends in")
    expect(page.locator("[data-testid=my-rank]")).to_have_text("No. 2")
    answer = bid(page, "4895.00")
    expect(answer).to_have_text(
        "The bid must be at least the minimum decrement below the price to beat."
    )
    assert_fits(page, 390)
    assert not js_errors, js_errors


def test_a_draft_is_withdrawn_with_a_reason(open_as, live_server, js_errors):
    api = Api(live_server, PURCHASER)
    line = budget_line(api, "JJ-DRAFT")
    later = datetime.now(UTC) + timedelta(minutes=30)
    made = api.call(
        "POST",
        "/api/auctions",
        auction_terms(api, line["id"], later, title="打印机 20 台网上竞价（草稿）", quantity=20),
        201,
    )
    page = open_as(PURCHASER)
    page.goto(f"/auctions/{made['id']}")
    expect(page.locator("[data-testid=auction-phase]")).to_have_text(zh("Draft"))
    page.click("[data-testid=withdraw] summary")
    page.click("[data-testid=withdraw-submit]")
    expect(page.locator("[data-testid=draft-error]")).to_have_text(zh("Give a reason."))
    page.fill("[data-testid=withdraw-reason]", "需求变更，改为框架协议采购")
    page.click("[data-testid=withdraw-submit]")
    expect(page.locator("[data-testid=withdraw-dialog-reason]")).to_have_text(
        "需求变更，改为框架协议采购"
    )
    page.click("[data-testid=withdraw-confirm]")
    expect(page.locator("[data-testid=flash]")).to_have_text(zh("Auction withdrawn"))
    expect(page.locator("[data-testid=auction-outcome]")).to_contain_text("需求变更")
    expect(page.locator("[data-testid=auction-phase]")).to_have_attribute("data-phase", "cancelled")
    # a supplier never saw the draft; the withdrawn auction is listed as ended
    supplier = open_as(SUPPLIER_A)
    supplier.goto("/auctions?show=ended")
    expect(
        supplier.locator(f"[data-testid=auction-row][data-id='{made['id']}']")
    ).to_have_attribute("data-phase", "cancelled")
    assert not js_errors, js_errors


def test_the_close_turns_the_room_to_the_outcome(
    open_as, live_server, closing_auction, js_errors, shots
):
    """Waits for the server's clock to close the fixture's auction (the live server allows
    auctions of a minute)."""
    auction_id = closing_auction["id"]
    room = f"/auctions/{auction_id}"
    winner = open_as(SUPPLIER_B)
    winner.goto(room)
    ends = datetime.fromisoformat(closing_auction["ends_at"].replace("Z", "+00:00"))
    left = (ends - datetime.now(UTC)).total_seconds()
    if left > 0:
        expect(winner.locator("[data-testid=live-dot]")).to_be_visible()
        expect(winner.locator("[data-testid=my-rank]")).to_have_text("第 1 名")
    # the page left open turns to the outcome by itself
    outcome = winner.locator("[data-testid=auction-outcome]")
    expect(outcome).to_be_visible(timeout=int((max(left, 0) + 30) * 1000))
    expect(winner.locator("[data-testid=auction-verdict]")).to_have_text(
        zh("Your company won this auction.")
    )
    expect(winner.locator("[data-testid=auction-winning-price]")).to_have_text("¥4,380.00")
    expect(winner.locator("[data-testid=auction-phase]")).to_have_attribute("data-phase", "awarded")
    expect(winner.locator("[data-testid=bid-box]")).to_be_hidden()
    winner.click("[data-testid=auction-order-link]")
    winner.wait_for_url("**/supplier/orders/*")
    winner.go_back()

    loser = open_as(SUPPLIER_A, width=390)
    loser.goto(room)
    expect(loser.locator("[data-testid=auction-verdict]")).to_have_text(
        zh("Your company did not win this auction.")
    )
    expect(loser.locator("[data-testid=auction-order-link]")).to_have_count(0)
    assert_fits(loser, 390)
    assert_accessible(loser, "room-closed-phone")
    loser.screenshot(path=str(shots / "room-closed-phone.png"), full_page=True)

    purchaser = open_as(PURCHASER)
    purchaser.goto(room)
    expect(purchaser.locator("[data-testid=auction-winner]")).to_have_text("包头市办公用品有限公司")
    href = purchaser.locator("[data-testid=auction-order-link]").get_attribute("href")
    assert href and href.startswith("/orders/")
    assert_accessible(purchaser, "room-closed-purchaser")
    purchaser.screenshot(path=str(shots / "room-closed-purchaser.png"), full_page=True)
    assert not js_errors, js_errors


def test_an_english_title_shows_on_english_pages_and_a_missing_one_is_marked(
    open_as, live_server: str
) -> None:
    """X-3: an auction's English title shows on English pages; one entered in Chinese only shows
    as entered, marked as Chinese (its language for screen readers, and a note)."""
    purchaser = Api(live_server, PURCHASER)
    line = budget_line(purchaser, "JJ-TITLE")
    starts = datetime.now(UTC) + timedelta(hours=2)
    named = purchaser.call(
        "POST",
        "/api/auctions",
        auction_terms(
            purchaser,
            line["id"],
            starts,
            title="激光打印机 20 台网上竞价",
            title_en="20 laser printers",
        ),
        201,
    )
    plain = purchaser.call(
        "POST",
        "/api/auctions",
        auction_terms(purchaser, line["id"], starts, title="激光打印机 10 台网上竞价"),
        201,
    )
    page = open_as(PURCHASER)
    page.goto(f"/auctions/{named['id']}")
    expect(page.locator("[data-testid=auction-title]")).to_have_text("激光打印机 20 台网上竞价")
    page.context.add_cookies([{"name": "lang", "value": "en", "url": live_server}])
    page.goto(f"/auctions/{named['id']}")
    expect(page.locator("[data-testid=auction-title]")).to_have_text("20 laser printers")
    assert page.title().startswith("20 laser printers")
    page.goto(f"/auctions/{plain['id']}")
    title = page.locator("[data-testid=auction-title]")
    expect(title.locator("[lang=zh-CN]")).to_have_text("激光打印机 10 台网上竞价")
    expect(title).to_contain_text("(in Chinese)")
    assert_accessible(page, "auction-title-in-chinese-only")
    page.goto("/auctions/new")
    expect(page.locator("[data-testid=f-title-en]")).to_be_visible()
