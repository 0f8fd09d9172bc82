"""Call-offs from a framework agreement in a real browser (MALL-8, 第二阶段).

Stage one runs through the API: four suppliers respond (by total: the demo supplier, the office
supplier, North; West eliminated) and the operator publishes the result. Two steps stand in for
waiting, both in the live server's database: the response deadline moves to a second ago once the
responses are in, and the agreement's first day (the day after the deadline) moves to today.

The purchaser calls off by direct selection on the agreement page (an empty form is refused beside
its field first) and follows the link to the order; then by rotation: the first entrant sees the
notice on the agreement page, the offer on its offers page (in Chinese and on a phone), and
declines with a reason; the second accepts and follows the link to its order; the purchaser's
call-off page shows both turns and the order. Each kind of page passes axe-core; English through
the lang cookie.
"""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from auction.models import Auction
from core import clock
from mall.agreements.models import Agreement
from tests.frontend.conftest import assert_accessible, assert_fits, path_of, server_db
from tests.frontend.test_agreements_browser import end_responses, new_enrolled_supplier, region
from tests.frontend.test_auction_browser import Api, budget_line
from tests.frontend.texts import zh

pytestmark = pytest.mark.browser

DESKTOPS = "A02010104"
PHONE = 390
TITLE = "2027 年度呼和浩特市台式计算机框架协议（采购订单浏览器）"
#: (item 0 × 200 at most 5000.00, item 1 × 50 at most 7000.00): ranks by total
#: supplier < supplier.office < co.north < co.west (eliminated).
PRICES = {
    "supplier": ("4400.00", "6400.00"),
    "supplier.office": ("4500.00", "6500.00"),
    "co.north": ("4600.00", "6600.00"),
    "co.west": ("4900.00", "6900.00"),
}
DELIVERY = {
    "address": "呼和浩特市新城区第一中学信息中心",
    "contact": "张老师",
    "phone": "0471-6900000",
}


def agreement_in_force(base: str) -> dict:
    """Stage one through the API, then the term's first day moved to today (see above)."""
    operator = Api(base, "operator")
    desktops = next(
        c for c in operator.call("GET", "/api/catalog/categories") if c["code"] == DESKTOPS
    )
    apis = {name: Api(base, name) for name in ("supplier", "supplier.office")}
    for name in ("co.north", "co.west"):
        apis[name] = new_enrolled_supplier(operator, base, name, desktops["id"])
    hohhot = region(operator, "1501")["id"]
    deadline = datetime.now(clock.SHANGHAI) + timedelta(seconds=20)
    item = {"category_id": desktops["id"], "unit": "台"}
    created = operator.call(
        "POST",
        "/api/agreements/solicitations",
        {
            "title": TITLE,
            "region_id": hohhot,
            "kind": "closed",
            "evaluation": "price_priority",
            "call_off_methods": ["direct", "rotation", "secondary_competition"],
            "response_deadline": deadline.isoformat(),
            "items": [
                item
                | {
                    "required_params": {"cpu": "i5"},
                    "estimated_quantity": 200,
                    "max_unit_price": "5000.00",
                },
                item
                | {
                    "required_params": {"cpu": "i7"},
                    "estimated_quantity": 50,
                    "max_unit_price": "7000.00",
                },
            ],
        },
        201,
    )
    path = f"/api/agreements/solicitations/{created['id']}"
    solicitation = operator.call("POST", path + "/publish")
    for name, api in apis.items():
        api.call(
            "PUT",
            path + "/response",
            {
                "prices": [
                    {"item_id": i["id"], "unit_price": p}
                    for i, p in zip(solicitation["items"], PRICES[name], strict=True)
                ],
                "capacity": "月供货 80 台",
                "region_ids": [hohhot],
            },
        )
    end_responses(base, solicitation["id"])
    for step, body in (("/open", None), ("/evaluate", {}), ("/select", None)):
        operator.call("POST", path + step, body)
    agreement = operator.call("POST", path + "/result", None, 201)
    # the solicitor and the entrants sign; the eliminated supplier is no party (403)
    sign = f"/api/agreements/{agreement['id']}/sign"
    operator.call("POST", sign)
    for api in apis.values():
        answer = api.http.post(f"{base}{sign}", headers=api.headers, timeout=10)
        assert answer.status_code in (200, 403), answer.text
    with server_db(base) as db:
        row = db.get(Agreement, agreement["id"])
        assert row is not None
        row.term_starts = datetime.now(clock.SHANGHAI).date()
    return agreement


def fill_delivery(page, method: str, line_id: int) -> None:
    page.select_option(f"[data-testid={method}-budget-line]", str(line_id))
    page.fill(f"[data-testid={method}-address]", DELIVERY["address"])
    page.fill(f"[data-testid={method}-contact]", DELIVERY["contact"])
    page.fill(f"[data-testid={method}-phone]", DELIVERY["phone"])


@pytest.fixture(scope="module")
def agreement(live_server: str) -> dict[str, Any]:
    """The module's agreement in force, signed by every party (stage one through the API)."""
    return agreement_in_force(live_server)


def test_call_offs_by_direct_selection_and_rotation(
    open_as, live_server: str, shots: Path, agreement: dict[str, Any]
) -> None:
    line = budget_line(Api(live_server, "purchaser"), "CO-PAGE")
    url = f"/agreements/{agreement['id']}"

    # Direct selection: an empty form is refused beside its field, then the order follows.
    buyer = open_as("purchaser")
    buyer.goto(url)
    expect(buyer.locator("[data-testid=calloff-form-direct]")).to_be_visible()
    expect(buyer.locator("[data-testid=calloff-form-secondary_competition]")).to_be_visible()
    assert_accessible(buyer, "agreement-calloff-forms")
    with buyer.expect_navigation():
        buyer.click("[data-testid=direct-submit]")
    expect(
        buyer.locator("[data-testid=calloff-form-direct] [data-testid=error-budget_line_id]")
    ).to_be_visible()
    expect(buyer.locator("[data-testid=calloff-error]")).to_have_text(
        zh("Please correct the fields marked.")
    )
    assert_accessible(buyer, "calloff-form-refused")
    buyer.screenshot(path=str(shots / "calloff-form-refused.png"), full_page=True)
    buyer.fill("[data-testid=direct-qty-0]", "2")
    buyer.fill("[data-testid=direct-qty-1]", "1")
    buyer.select_option("[data-testid=direct-entrant]", index=2)  # rank 2: the office supplier
    buyer.select_option("[data-testid=direct-reason]", "delivery")
    buyer.fill("[data-testid=direct-note]", "本地库存，24 小时内送达")
    fill_delivery(buyer, "direct", line["id"])
    with buyer.expect_navigation():
        buyer.click("[data-testid=direct-submit]")
    assert path_of(buyer).startswith("/agreements/calloffs/")
    expect(buyer.locator("[data-testid=calloff-status]")).to_have_attribute(
        "data-status", "ordered"
    )
    expect(buyer.locator("[data-testid=calloff-total]")).to_have_text("¥15,500.00")  # 2×4500+6500
    assert_accessible(buyer, "calloff-direct")
    buyer.screenshot(path=str(shots / "calloff-direct.png"), full_page=True)
    with buyer.expect_navigation():
        buyer.click("[data-testid=order-link]")
    assert path_of(buyer).startswith("/orders/")
    expect(buyer.locator("body")).to_contain_text("¥15,500.00")

    # Rotation: offered to rank 1, the demo supplier.
    buyer.goto(url)
    buyer.fill("[data-testid=rotation-qty-0]", "3")
    fill_delivery(buyer, "rotation", line["id"])
    with buyer.expect_navigation():
        buyer.click("[data-testid=rotation-submit]")
    rotation_page = path_of(buyer)
    expect(buyer.locator("[data-testid=calloff-status]")).to_have_attribute(
        "data-status", "offered"
    )
    expect(buyer.locator("[data-testid=calloff-held]")).to_have_text(
        "¥13,800.00"
    )  # 3 × 4600, the highest

    first = open_as("supplier")
    first.goto(url)
    with first.expect_navigation():
        first.click("[data-testid=offer-notice] a")
    assert path_of(first) == "/agreements/offers"
    # The demo's own agreements may have offered this supplier call-offs too: this one's only.
    offer = first.locator("[data-testid=offers-pending] [data-testid=offer]", has_text=TITLE)
    expect(offer).to_have_count(1)
    expect(offer.locator("[data-testid=offer-total]")).to_have_text("¥13,200.00")  # 3 × 4400
    expect(offer.locator("[data-testid=offer-deadline]")).to_be_visible()
    assert_accessible(first, "offers-pending")
    first.screenshot(path=str(shots / "offers-zh.png"), full_page=True)
    phone = open_as("supplier", width=PHONE)
    phone.goto("/agreements/offers")
    expect(phone.locator("[data-testid=offer]", has_text=TITLE)).to_have_count(1)
    assert_fits(phone, PHONE)
    phone.screenshot(path=str(shots / "offers-phone.png"), full_page=True)

    with first.expect_navigation():
        offer.locator("[data-testid=decline-link]").click()
    expect(first.locator("[data-testid=answer-consequence]")).to_have_text(
        zh(
            "Declining passes the turn to the next entrant; this call-off is not offered to your"
            " company again."
        )
    )
    assert_accessible(first, "offer-decline")
    first.fill("[data-testid=decline-note]", "本月库存不足")
    with first.expect_navigation():
        first.click("[data-testid=answer-submit]")
    expect(first.locator("[data-testid=offer-done]")).to_be_visible()
    expect(
        first.locator("[data-testid=offers-answered] [data-testid=offer]", has_text=TITLE)
    ).to_have_attribute("data-status", "declined")

    second = open_as("supplier.office")
    second.context.add_cookies([{"name": "lang", "value": "en", "url": live_server}])
    second.goto("/agreements/offers")
    pending = second.locator("[data-testid=offers-pending] [data-testid=offer]", has_text=TITLE)
    expect(pending.locator("[data-testid=offer-total]")).to_have_text("¥13,500.00")  # 3 × 4500
    with second.expect_navigation():
        pending.locator("[data-testid=accept-link]").click()
    expect(second.locator("h1")).to_have_text("Accept the offer")
    expect(second.locator("[data-testid=answer-consequence]")).to_contain_text("¥13,500.00")
    assert_accessible(second, "offer-accept-en")
    second.screenshot(path=str(shots / "offer-accept-en.png"), full_page=True)
    with second.expect_navigation():
        second.click("[data-testid=answer-submit]")
    expect(second.locator("[data-testid=offer-done]")).to_have_text(
        "The offer is accepted: the order and its contract are made."
    )
    with second.expect_navigation():
        second.click("[data-testid=offer-order-link]")
    assert path_of(second).startswith("/supplier/orders/")

    buyer.goto(rotation_page)
    expect(buyer.locator("[data-testid=calloff-status]")).to_have_attribute(
        "data-status", "ordered"
    )
    expect(buyer.locator("[data-testid=offer-row]")).to_have_count(2)
    expect(buyer.locator("[data-testid=offer-row]").first).to_contain_text("本月库存不足")
    assert_accessible(buyer, "calloff-rotation")
    buyer.screenshot(path=str(shots / "calloff-rotation.png"), full_page=True)
    buyer.context.add_cookies([{"name": "lang", "value": "en", "url": live_server}])
    buyer.reload()
    expect(buyer.locator("[data-testid=calloff-status]")).to_have_text("Ordered")
    with buyer.expect_navigation():
        buyer.click("[data-testid=order-link]")
    assert path_of(buyer).startswith("/orders/")
    buyer.goto("/agreements")
    with buyer.expect_navigation():
        buyer.click("[data-testid=tab-calloffs]")
    expect(buyer.locator("[data-testid=calloff-row]", has_text=TITLE)).to_have_count(2)
    assert_accessible(buyer, "calloffs-en")
    buyer.screenshot(path=str(shots / "calloffs-en.png"), full_page=True)


def test_a_call_off_by_secondary_competition(
    open_as, live_server: str, shots: Path, agreement: dict[str, Any]
) -> None:
    """二次竞价 through the pages: the purchaser places it with a window opening now; the call-off
    page links to the room, where an invited entrant sees its own ceiling (its agreed unit price ×
    the quantity). A bid above a bidder's own ceiling is refused; the lowest total wins. The
    window's end moves to a second ago in the server's database (rather than a wait); the server's
    clock closes the auction, and the call-off becomes the order at the winner's agreed prices
    scaled to its bid; the public result pages list it without sign-in."""
    line = budget_line(Api(live_server, "purchaser"), "CO-COMP")
    buyer = open_as("purchaser")
    buyer.goto(f"/agreements/{agreement['id']}")
    form = "[data-testid=calloff-form-secondary_competition]"
    buyer.fill("[data-testid=secondary_competition-qty-0]", "2")
    fill_delivery(buyer, "secondary_competition", line["id"])
    opens = clock.local(datetime.now(clock.SHANGHAI)).replace(second=0, microsecond=0)
    buyer.fill("[data-testid=secondary_competition-starts-at]", opens.strftime("%Y-%m-%dT%H:%M"))
    closes = opens + timedelta(minutes=10)
    buyer.fill("[data-testid=secondary_competition-ends-at]", closes.strftime("%Y-%m-%dT%H:%M"))
    expect(buyer.locator(form)).to_be_visible()
    with buyer.expect_navigation():
        buyer.click("[data-testid=secondary_competition-submit]")
    calloff_page = path_of(buyer)
    assert calloff_page.startswith("/agreements/calloffs/"), calloff_page
    expect(buyer.locator("[data-testid=calloff-status]")).to_have_attribute(
        "data-status", "competing"
    )
    assert_accessible(buyer, "calloff-competing")
    room = buyer.locator("[data-testid=competition-room]").get_attribute("href")
    assert room and room.startswith("/auctions/")
    auction_id = int(room.rsplit("/", 1)[1])

    # The demo supplier (4,400 a unit) sees its own ceiling in the room: 2 × 4,400.
    bidder = open_as("supplier")
    bidder.goto(room)
    expect(bidder.locator("[data-testid=calloff-badge]")).to_be_visible()
    expect(bidder.locator("[data-testid=my-ceiling]")).to_have_text("¥8,800.00")
    assert_accessible(bidder, "competition-room")
    bidder.screenshot(path=str(shots / "competition-room.png"), full_page=True)
    supplier, office = Api(live_server, "supplier"), Api(live_server, "supplier.office")
    bids = f"/api/auctions/{auction_id}/bids"
    refused = supplier.http.post(
        f"{live_server}{bids}", json={"price": "8850.00"}, headers=supplier.headers, timeout=10
    )
    assert refused.status_code == 409 and refused.json()["code"] == "bid_above_own_ceiling"
    supplier.call("POST", bids, {"price": "8700.00"}, 201)
    office.call("POST", bids, {"price": "8600.00"}, 201)  # under its own 9,000

    # The window ends; the server's clock awards the office supplier at 8,600.
    with server_db(live_server) as db:
        auction = db.get(Auction, auction_id)
        assert auction is not None and auction.status == "published"
        ended = max(
            datetime.now(UTC) - timedelta(seconds=1), auction.starts_at + timedelta(seconds=1)
        )
        auction.ends_at = auction.scheduled_end = ended
    buyer.goto(calloff_page)
    deadline = time.monotonic() + 45
    while buyer.locator("[data-testid=calloff-status]").get_attribute("data-status") != "ordered":
        assert time.monotonic() < deadline, "the competition did not close into an order"
        time.sleep(1)
        buyer.reload()
    expect(buyer.locator("[data-testid=calloff-total]")).to_have_text("¥8,600.00")
    assert_accessible(buyer, "calloff-competition-ordered")
    buyer.screenshot(path=str(shots / "calloff-competition.png"), full_page=True)
    with buyer.expect_navigation():
        buyer.click("[data-testid=order-link]")
    assert path_of(buyer).startswith("/orders/")
    expect(buyer.locator("body")).to_contain_text("¥4,300.00")  # 4,500 × 8,600 / 9,000

    # The public result pages, signed out, list the call-off under its agreement.
    public = open_as(None)
    public.goto(f"/public/agreements/deals?agreement={agreement['id']}")
    deal = public.locator("[data-testid=public-deal]", has_text="¥8,600.00")
    expect(deal).to_have_count(1)
    assert_accessible(public, "public-deals")
    public.goto(f"/public/agreements/{agreement['id']}/summary")
    expect(public.locator("main")).to_contain_text("¥8,600.00")
    assert_accessible(public, "public-summary")
