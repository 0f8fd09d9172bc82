"""A framework agreement from solicitation to the public results, in a real browser (MALL-8; X-2).

Stage one: the operator drafts a solicitation through the 征集公告 form (a malformed maximum unit
price is shown beside its field) and publishes it. Four suppliers respond: the two demo suppliers
through the page (each sees each item's maximum, a price above it is refused, and its own response
comes back with its own prices only), two suppliers made for the test through the API. The
deadline is moved to a second ago in the live server's database rather than waited for; the
operator opens the responses, ranks them by price, selects the entrants (the dearest of four is
eliminated) and publishes the result. A purchaser compares the entrants' agreed unit prices in
Chinese, in English and on a phone; the supervisor of the region sees them; an entrant only its own.

Signatures: the solicitor and one entrant sign on the agreement page, the other entrants through the
API; the eliminated supplier is no party. The term's first day is moved to today in the server's
database.

Stage two, one call-off by each method, each becoming an order: direct selection (an empty form is
refused beside its field first); rotation (the rank-1 entrant declines with a reason, the next
accepts, in Chinese, in English and on a phone); secondary competition (an invited entrant sees
its own ceiling in the room, a bid above it is refused, the lowest total wins at the winner's
agreed prices scaled to its bid). Last, someone not signed in reads the published result, the
call-off results and the monthly summary, and follows the footer to the ledger's public page, where
an entry's inclusion proof in the latest signed checkpoint is checked in the browser (SUP-1). Each
kind of page passes axe-core.
"""

from __future__ import annotations

import secrets
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import requests
from playwright.sync_api import expect
from sqlalchemy import select

from auction.models import Auction
from core import clock
from core.accounts.demo import DEMO_PASSWORD
from mall.agreements.models import Agreement, Solicitation
from tests.frontend.conftest import assert_accessible, assert_fits, path_of, server_db
from tests.frontend.test_auction_browser import Api, budget_line
from tests.frontend.texts import zh

pytestmark = pytest.mark.browser

DESKTOPS = "A02010104"  # both demo suppliers are enrolled in it
PAPER = "A09010101"  # the demo's open agreement is for copy paper
PHONE = 390
TITLE = "2027 年度呼和浩特市台式计算机框架协议采购（浏览器）"
#: (item 0 at most 5000.00 × 200, item 1 at most 7000.00 × 50) per supplier; totals rank
#: flow.north (1,220,000) < supplier (1,225,000) < supplier.office (1,240,000) < flow.west
#: (1,325,000, eliminated).
PRICES = {
    "supplier": ("4500.00", "6500.00"),
    "supplier.office": ("4600.00", "6400.00"),
    "flow.north": ("4400.00", "6800.00"),
    "flow.west": ("4900.00", "6900.00"),
}
DELIVERY = {
    "address": "呼和浩特市新城区第一中学信息中心",
    "contact": "张老师",
    "phone": "0471-6900000",
}
_CODE_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"


def region(api: Api, code: str) -> dict[str, Any]:
    return next(r for r in api.call("GET", "/api/regions") if r["code"] == code)


def new_enrolled_supplier(operator: Api, base: str, username: str, category_id: int) -> Api:
    """A supplier organisation with its admin, enrolled in ``category_id`` (as an operator
    registers one and approves its enrolment; tests/mall/agreements_floor.py does the same)."""
    home = region(operator, "150102")
    code = "91150102" + "".join(secrets.choice(_CODE_CHARS) for _ in range(10))
    org = operator.call(
        "POST",
        "/api/organisations",
        {
            "kind": "supplier",
            "name_zh": f"框架协议测试供应商{username}",
            "name_en": f"Agreement test supplier {username}",
            "credit_code": code,
            "region_id": home["id"],
        },
        201,
    )
    # An operator adds only the first admin, who sets a password through the one-time link and
    # then adds the supplier user.
    admin = operator.call(
        "POST",
        f"/api/organisations/{org['id']}/users",
        {"username": f"{username}.admin", "display_name": "管理员", "roles": ["org_admin"]},
        201,
    )
    token = admin["setup_link"]["token"]
    done = requests.post(
        f"{base}/api/auth/password-reset/{token}", json={"password": DEMO_PASSWORD}, timeout=10
    )
    assert done.status_code == 204, done.text
    Api(base, f"{username}.admin").call(
        "POST",
        f"/api/organisations/{org['id']}/users",
        {
            "username": username,
            "display_name": "测试",
            "password": DEMO_PASSWORD,
            "roles": ["supplier", "org_admin"],
        },
        201,
    )
    supplier = Api(base, username)
    applied = supplier.call(
        "POST",
        "/api/catalog/enrolments",
        {
            "licence_no": code,
            "enterprise_size": "small",
            "region_id": home["id"],
            "category_ids": [category_id],
        },
        201,
    )
    operator.call("POST", f"/api/catalog/enrolments/{applied['id']}/decision", {"approve": True})
    return supplier


def respond_on_page(page, solicitation_id: int, prices: tuple[str, str], region_id: int) -> None:
    page.goto("/agreements/solicitations")
    page.click(f"[data-testid=solicitation-row][data-id='{solicitation_id}'] a.auc-card-title")
    expect(page.locator("[data-testid=respond-form]")).to_be_visible()
    page.fill("[data-testid=price-0]", prices[0])
    page.fill("[data-testid=price-1]", prices[1])
    page.fill("[data-testid=capacity]", "月供货 100 台，库存 50 台")
    page.check(f"[data-testid=regions] input[value='{region_id}']")
    with page.expect_navigation():
        page.click("[data-testid=submit-response]")


def fill_delivery(page, method: str, line_id: int) -> None:
    page.select_option(f"[data-testid={method}-budget-line]", str(line_id))
    page.fill(f"[data-testid={method}-address]", DELIVERY["address"])
    page.fill(f"[data-testid={method}-contact]", DELIVERY["contact"])
    page.fill(f"[data-testid={method}-phone]", DELIVERY["phone"])


def solicit(open_as, operator_api: Api, shots: Path) -> tuple[Any, int]:
    """The operator drafts the solicitation through the form (a malformed price is refused),
    saves it and publishes it. Returns the operator's page and the solicitation's id."""
    operator = open_as("operator")
    operator.click("nav a[href='/agreements#agreements']")
    assert path_of(operator) == "/agreements#agreements"
    expect(operator.locator("h1")).to_have_text(zh("Framework agreements"))
    operator.click("[data-testid=new-solicitation]")
    operator.fill("[data-testid=f-title]", TITLE)
    operator.select_option("[data-testid=f-region]", str(region(operator_api, "1501")["id"]))
    option = operator.locator(
        f"[data-testid=f-item-0-category] option[data-code='{DESKTOPS}']"
    ).get_attribute("value")
    for row, (params, quantity, ceiling) in enumerate(
        [("cpu=i5", "200", "5000.00"), ("cpu=i7", "50", "abc")]
    ):
        operator.select_option(f"[data-testid=f-item-{row}-category]", option)
        operator.fill(f"[data-testid=f-item-{row}-params]", params)
        operator.fill(f"[data-testid=f-item-{row}-quantity]", quantity)
        operator.fill(f"[data-testid=f-item-{row}-unit]", "台")
        operator.fill(f"[data-testid=f-item-{row}-max]", ceiling)
    operator.check("[data-testid=f-method-secondary_competition]")
    operator.check("[data-testid=f-method-rotation]")
    deadline = clock.local(datetime.now(clock.SHANGHAI)) + timedelta(minutes=10)
    operator.fill("[data-testid=f-deadline]", deadline.strftime("%Y-%m-%dT%H:%M:%S"))
    with operator.expect_navigation():
        operator.click("[data-testid=save-solicitation]")
    expect(operator.locator("[data-testid='error-items.1.max_unit_price']")).to_be_visible()
    assert operator.locator("[data-testid=f-item-0-max]").input_value() == "5000.00"
    assert_accessible(operator, "solicitation-form-refused")
    operator.screenshot(path=str(shots / "form.png"), full_page=True)
    operator.fill("[data-testid=f-item-1-max]", "7000.00")
    with operator.expect_navigation():
        operator.click("[data-testid=save-solicitation]")
    expect(operator.locator("[data-testid=agr-done]")).to_have_text(
        zh("The solicitation is saved as a draft: only your organisation sees it.")
    )
    solicitation_id = int(path_of(operator).split("/")[3].split("?")[0])
    expect(operator.locator("[data-testid=agr-status]")).to_have_attribute("data-status", "draft")
    with operator.expect_navigation():
        operator.click("[data-testid=agr-step-button]")
    expect(operator.locator("[data-testid=agr-status]")).to_have_attribute(
        "data-status", "published"
    )
    expect(operator.locator("[data-testid=sealed-note]")).to_be_visible()
    assert_accessible(operator, "solicitation-published")
    return operator, solicitation_id


def respond(open_as, base: str, solicitation_id: int, extra: dict[str, Api], shots: Path) -> None:
    """The demo suppliers respond through the page (the first tries a price above the maximum),
    the suppliers made for the test through the API."""
    hohhot = region(extra["flow.north"], "1501")["id"]
    supplier = open_as("supplier")
    supplier.goto("/agreements/solicitations")
    expect(
        supplier.locator(f"[data-testid=solicitation-row][data-id='{solicitation_id}']")
    ).to_be_visible()
    assert_accessible(supplier, "supplier-solicitations")
    respond_on_page(supplier, solicitation_id, ("5000.01", PRICES["supplier"][1]), hohhot)
    expect(supplier.locator("[data-testid=agr-error]")).to_contain_text("5000.00")
    expect(
        supplier.locator("[data-testid=respond-form] [data-testid^=max-]").first
    ).to_contain_text("¥5,000.00")
    respond_on_page(supplier, solicitation_id, PRICES["supplier"], hohhot)
    expect(supplier.locator("[data-testid=agr-done]")).to_have_text(
        zh("Your response is submitted. It stays sealed until the deadline.")
    )
    mine = supplier.locator("[data-testid=my-response]")
    expect(mine).to_contain_text("¥4,500.00")
    expect(mine).to_contain_text("¥1,225,000.00")
    assert_accessible(supplier, "supplier-responded")
    supplier.screenshot(path=str(shots / "supplier-responded.png"), full_page=True)

    office = open_as("supplier.office", width=PHONE)
    respond_on_page(office, solicitation_id, PRICES["supplier.office"], hohhot)
    expect(office.locator("[data-testid=my-response]")).to_contain_text("¥4,600.00")
    assert "4,500.00" not in office.content()  # another supplier's price is never shown
    assert_fits(office, PHONE)
    office.screenshot(path=str(shots / "office-responded-phone.png"), full_page=True)

    for name, api in extra.items():
        solicitation = api.call("GET", f"/api/agreements/solicitations/{solicitation_id}")
        api.call(
            "PUT",
            f"/api/agreements/solicitations/{solicitation_id}/response",
            {
                "prices": [
                    {"item_id": item["id"], "unit_price": price}
                    for item, price in zip(solicitation["items"], PRICES[name], strict=True)
                ],
                "capacity": "月供货 80 台",
                "region_ids": [hohhot],
            },
        )


def select_entrants(operator, base: str, solicitation_id: int, shots: Path) -> int:
    """The deadline passes (moved in the server's database); the operator opens, ranks, selects
    and publishes the result. Returns the agreement's id."""
    with server_db(base) as db:
        solicitation = db.get(Solicitation, solicitation_id)
        assert solicitation is not None
        solicitation.response_deadline = datetime.now(UTC) - timedelta(seconds=1)
    operator.reload()
    for step in ("opened", "evaluated", "selected"):
        with operator.expect_navigation():
            operator.click("[data-testid=agr-step-button]")
        expect(operator.locator("[data-testid=agr-status]")).to_have_attribute("data-status", step)
        if step == "evaluated":
            rows = operator.locator("[data-testid=response-row]")
            expect(rows).to_have_count(4)
            expect(rows.first).to_contain_text("flow.north")
            assert_accessible(operator, "responses-ranked")
    rows = operator.locator("[data-testid=response-row]")
    expect(operator.locator("[data-testid=response-row][data-status=eliminated]")).to_have_count(1)
    expect(rows.last).to_contain_text("flow.west")
    expect(rows.last).to_contain_text(zh("Eliminated", "agreement response"))
    operator.screenshot(path=str(shots / "responses-selected.png"), full_page=True)
    with operator.expect_navigation():
        operator.click("[data-testid=agr-step-button]")
    expect(operator.locator("[data-testid=agr-done]")).to_be_visible()
    expect(operator.locator("[data-testid=entrant-row]")).to_have_count(3)
    with server_db(base) as db:
        agreement = db.scalars(
            select(Agreement).where(Agreement.solicitation_id == solicitation_id)
        ).one()
        return agreement.id


def compare(open_as, base: str, shots: Path) -> str:
    """A purchaser of Hohhot finds the agreement and compares the agreed prices; the supervisor of
    the region sees them; an entrant sees its own only. Returns the agreement page's path."""
    buyer = open_as("purchaser")
    buyer.click("nav a[href='/agreements#agreements']")
    buyer.click(f"[data-testid=agreement-row] >> text={TITLE}")
    url = path_of(buyer)
    expect(buyer.locator("h2", has_text=zh("Entrants' agreed unit prices"))).to_have_count(1)
    table = buyer.locator("[data-testid=compare-table]")
    expect(table.locator("[data-testid=compare-entrant]")).to_have_count(3)
    lowest = table.locator("td.agr-lowest")
    expect(lowest).to_have_count(2)
    expect(lowest.first).to_contain_text("¥4,400.00")
    expect(lowest.last).to_contain_text("¥6,400.00")
    assert "4,900.00" not in table.inner_text()  # the eliminated supplier is not in it
    assert_accessible(buyer, "agreement-compare")
    buyer.screenshot(path=str(shots / "agreement-zh.png"), full_page=True)

    buyer.context.add_cookies([{"name": "lang", "value": "en", "url": base}])
    buyer.reload()
    expect(buyer.locator("h2", has_text="Entrants' agreed unit prices")).to_have_count(1)
    expect(buyer.locator("nav a[href='/agreements#agreements']")).to_have_text(
        "Framework agreements"
    )
    expect(buyer.locator("[data-testid=agr-status]")).to_have_text("In force")
    assert_accessible(buyer, "agreement-compare-en")
    buyer.screenshot(path=str(shots / "agreement-en.png"), full_page=True)

    phone = open_as("purchaser", width=PHONE)
    phone.goto(url)
    expect(phone.locator("[data-testid=compare-table]")).to_be_visible()
    assert_fits(phone, PHONE)
    phone.screenshot(path=str(shots / "agreement-phone.png"), full_page=True)

    supervisor = open_as("supervisor.hohhot")
    supervisor.click("nav a[href='/agreements#agreements']")
    supervisor.click(f"[data-testid=agreement-row] >> text={TITLE}")
    expect(supervisor.locator("[data-testid=compare-entrant]")).to_have_count(3)
    expect(supervisor.locator("[data-testid=entrant-row]")).to_have_count(3)

    office = open_as("supplier.office")
    office.goto("/agreements")
    office.click(f"[data-testid=agreement-row] >> text={TITLE}")
    own = office.locator("[data-testid=compare-table]")
    expect(own.locator("[data-testid=compare-entrant]")).to_have_count(1)
    assert "4,400.00" not in own.inner_text()
    assert_accessible(office, "agreement-supplier")
    return url


def sign(open_as, operator, base: str, url: str, agreement_id: int, shots: Path) -> None:
    """The solicitor and the rank-2 entrant sign on the page, the others through the API; the
    eliminated supplier is no party. Then the term's first day moves to today."""
    operator.goto(url)
    expect(operator.locator("[data-testid=signing]")).to_have_attribute("data-in-force", "false")
    with operator.expect_navigation():
        operator.click("[data-testid=sign]")
    expect(operator.locator("[data-testid=signature][data-state=verified]")).to_have_count(1)

    entrant = open_as("supplier")
    entrant.goto(url)
    expect(entrant.locator("[data-testid=signing]")).to_have_attribute("data-in-force", "false")
    assert_accessible(entrant, "agreement-signing")
    with entrant.expect_navigation():
        entrant.click("[data-testid=sign]")
    expect(entrant.locator("[data-testid=agr-done]")).to_have_text(
        zh("Your organisation signed the framework agreement.")
    )
    expect(entrant.locator("[data-testid=signing]")).to_have_attribute("data-in-force", "true")
    expect(entrant.locator("[data-testid=signature][data-state=verified]")).to_have_count(2)
    expect(entrant.locator("[data-testid=sign-form]")).to_have_count(0)
    entrant.screenshot(path=str(shots / "agreement-signed.png"), full_page=True)

    path = f"/api/agreements/{agreement_id}/sign"
    for name in ("supplier.office", "flow.north"):
        Api(base, name).call("POST", path)
    west = Api(base, "flow.west")
    answer = west.http.post(f"{base}{path}", headers=west.headers, timeout=10)
    assert answer.status_code == 403 and answer.json()["code"] == "not_a_party", answer.text

    with server_db(base) as db:
        row = db.get(Agreement, agreement_id)
        assert row is not None
        row.term_starts = datetime.now(clock.SHANGHAI).date()


def direct_selection(open_as, url: str, line_id: int, shots: Path) -> None:
    """An empty form is refused beside its field; then the rank-2 entrant is chosen for its
    delivery, and the order follows."""
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
    buyer.select_option("[data-testid=direct-entrant]", index=2)  # rank 2: the demo supplier
    buyer.select_option("[data-testid=direct-reason]", "delivery")
    buyer.fill("[data-testid=direct-note]", "本地库存，24 小时内送达")
    fill_delivery(buyer, "direct", line_id)
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
    with buyer.expect_navigation():
        buyer.click("[data-testid=contract-link]")  # the call-off's contract, made with the order
    expect(buyer.locator("[data-testid=contract-doc]")).to_contain_text("¥15,500.00")


def rotation(open_as, base: str, url: str, line_id: int, shots: Path) -> None:
    """Offered to rank 1 (flow.north), who declines with a reason; rank 2 (the demo supplier)
    accepts in English and follows the link to its order."""
    buyer = open_as("purchaser")
    buyer.goto(url)
    buyer.fill("[data-testid=rotation-qty-0]", "3")
    fill_delivery(buyer, "rotation", line_id)
    with buyer.expect_navigation():
        buyer.click("[data-testid=rotation-submit]")
    calloff_page = path_of(buyer)
    expect(buyer.locator("[data-testid=calloff-status]")).to_have_attribute(
        "data-status", "offered"
    )
    expect(buyer.locator("[data-testid=calloff-held]")).to_have_text("¥13,800.00")  # 3 × 4600

    first = open_as("flow.north")
    first.goto(url)
    with first.expect_navigation():
        first.click("[data-testid=offer-notice] a")
    assert path_of(first) == "/agreements/offers"
    offer = first.locator("[data-testid=offers-pending] [data-testid=offer]", has_text=TITLE)
    expect(offer).to_have_count(1)
    expect(offer.locator("[data-testid=offer-total]")).to_have_text("¥13,200.00")  # 3 × 4400
    expect(offer.locator("[data-testid=offer-deadline]")).to_be_visible()
    assert_accessible(first, "offers-pending")
    first.screenshot(path=str(shots / "offers-zh.png"), full_page=True)
    phone = open_as("flow.north", width=PHONE)
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

    second = open_as("supplier")
    second.context.add_cookies([{"name": "lang", "value": "en", "url": base}])
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

    buyer.goto(calloff_page)
    expect(buyer.locator("[data-testid=calloff-status]")).to_have_attribute(
        "data-status", "ordered"
    )
    expect(buyer.locator("[data-testid=offer-row]")).to_have_count(2)
    expect(buyer.locator("[data-testid=offer-row]").first).to_contain_text("本月库存不足")
    assert_accessible(buyer, "calloff-rotation")
    buyer.screenshot(path=str(shots / "calloff-rotation.png"), full_page=True)
    buyer.context.add_cookies([{"name": "lang", "value": "en", "url": base}])
    buyer.reload()
    expect(buyer.locator("[data-testid=calloff-status]")).to_have_text("Ordered")
    with buyer.expect_navigation():
        buyer.click("[data-testid=order-link]")
    assert path_of(buyer).startswith("/orders/")
    expect(buyer.locator("[data-testid=contract-link]")).to_be_visible()


def secondary_competition(open_as, base: str, url: str, line_id: int, shots: Path) -> None:
    """The purchaser places it with a window opening now; the demo supplier (4,500 a unit) sees
    its own ceiling, 2 × 4,500, and a bid above it is refused; flow.north (4,400) bids lowest.
    The window's end moves to a second ago in the server's database; the server's clock closes
    the auction into the order at flow.north's agreed price scaled to its bid."""
    buyer = open_as("purchaser")
    buyer.goto(url)
    buyer.fill("[data-testid=secondary_competition-qty-0]", "2")
    fill_delivery(buyer, "secondary_competition", line_id)
    opens = clock.local(datetime.now(clock.SHANGHAI)).replace(second=0, microsecond=0)
    buyer.fill("[data-testid=secondary_competition-starts-at]", opens.strftime("%Y-%m-%dT%H:%M"))
    closes = opens + timedelta(minutes=10)
    buyer.fill("[data-testid=secondary_competition-ends-at]", closes.strftime("%Y-%m-%dT%H:%M"))
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

    bidder = open_as("supplier")
    bidder.goto(room)
    expect(bidder.locator("[data-testid=calloff-badge]")).to_be_visible()
    expect(bidder.locator("[data-testid=my-ceiling]")).to_have_text("¥9,000.00")
    assert_accessible(bidder, "competition-room")
    bidder.screenshot(path=str(shots / "competition-room.png"), full_page=True)
    supplier, north = Api(base, "supplier"), Api(base, "flow.north")
    bids = f"/api/auctions/{auction_id}/bids"
    refused = supplier.http.post(
        f"{base}{bids}", json={"price": "9050.00"}, headers=supplier.headers, timeout=10
    )
    assert refused.status_code == 409 and refused.json()["code"] == "bid_above_own_ceiling"
    supplier.call("POST", bids, {"price": "8900.00"}, 201)
    north.call("POST", bids, {"price": "8600.00"}, 201)  # under its own 8,800

    with server_db(base) as db:
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
    expect(buyer.locator("body")).to_contain_text("¥4,300.00")  # 4,400 × 8,600 / 8,800
    expect(buyer.locator("[data-testid=contract-link]")).to_be_visible()

    buyer.context.add_cookies([{"name": "lang", "value": "en", "url": base}])
    buyer.goto("/agreements")
    with buyer.expect_navigation():
        buyer.click("[data-testid=tab-calloffs]")
    expect(buyer.locator("[data-testid=calloff-row]", has_text=TITLE)).to_have_count(3)
    assert_accessible(buyer, "calloffs-en")
    buyer.screenshot(path=str(shots / "calloffs-en.png"), full_page=True)


def public_results(open_as, agreement_id: int, shots: Path) -> None:
    """Someone not signed in follows the footer link to the published results."""
    anyone = open_as(None)
    anyone.goto("/signin")
    with anyone.expect_navigation():
        anyone.click("[data-testid=public-results]")
    assert path_of(anyone) == "/public/agreements"
    assert_accessible(anyone, "public-agreements")
    with anyone.expect_navigation():
        anyone.click(f"[data-testid=public-agreement][data-id='{agreement_id}'] a")
    expect(anyone.locator("[data-testid=public-title]")).to_have_text(TITLE)
    prices = anyone.locator("[data-testid=public-price]")
    for price in ("¥4,400.00", "¥4,500.00", "¥4,600.00", "¥6,400.00"):
        expect(prices.filter(has_text=price)).to_have_count(1)
    expect(anyone.locator("body")).not_to_contain_text("¥4,900.00")  # eliminated
    expect(anyone.locator("[data-testid=public-signed]")).to_have_text([zh("Signed")] * 3)
    assert_accessible(anyone, "public-agreement")
    anyone.screenshot(path=str(shots / "public-agreement.png"), full_page=True)
    with anyone.expect_navigation():
        anyone.click("[data-testid=agreement-deals]")
    totals = anyone.locator("[data-testid=deal-total]")
    expect(totals).to_have_count(3)
    for total in ("¥15,500.00", "¥13,500.00", "¥8,600.00"):
        expect(totals.filter(has_text=total)).to_have_count(1)
    expect(anyone.locator("body")).not_to_contain_text("0471-6900000")
    assert_accessible(anyone, "public-deals")
    anyone.screenshot(path=str(shots / "public-deals.png"), full_page=True)
    anyone.goto(f"/public/agreements/{agreement_id}/summary")
    expect(anyone.locator("[data-testid=month-total]")).to_have_text(["¥37,600.00"])
    assert_accessible(anyone, "public-summary")
    anyone.screenshot(path=str(shots / "public-summary.png"), full_page=True)


def ledger_proof(open_as, base: str, shots: Path) -> None:
    """SUP-1: signed out, on a phone, the footer leads to the ledger's public page; the latest
    signed checkpoint (the server's clock signs one within seconds of new entries) covers the
    agreement's entries, and an entry's inclusion proof is checked by the mall and again by the
    browser itself; in English too."""
    anyone = open_as(None, width=PHONE)
    anyone.goto("/signin")
    with anyone.expect_navigation():
        anyone.click("[data-testid=public-ledger]")
    assert path_of(anyone) == "/public/ledger"
    deadline = time.monotonic() + 20
    while not anyone.locator("[data-testid=checkpoint-size]").count():
        assert time.monotonic() < deadline, "no checkpoint was signed"
        time.sleep(1)
        anyone.reload()
    expect(anyone.locator("[data-testid=checkpoint-note]")).to_contain_text("zhengcai-mall")
    anyone.fill("[data-testid=entry-input]", "1")
    with anyone.expect_navigation():
        anyone.click("[data-testid=entry-check]")
    expect(anyone.locator("[data-testid=server-check]")).to_contain_text("✓")
    check = anyone.locator("[data-testid=browser-check]")
    expect(check).to_have_attribute("data-state", "verified")
    expect(check).to_contain_text(
        zh("Your browser recomputed the checkpoint's root from this proof.")
    )
    assert_fits(anyone, PHONE)
    assert_accessible(anyone, "public-ledger")
    anyone.screenshot(path=str(shots / "public-ledger-phone.png"), full_page=True)
    anyone.fill("[data-testid=entry-input]", "999999999")
    with anyone.expect_navigation():
        anyone.click("[data-testid=entry-check]")
    expect(anyone.locator("[data-testid=entry-problem]")).to_be_visible()
    anyone.context.add_cookies([{"name": "lang", "value": "en", "url": base}])
    anyone.goto("/public/ledger?entry=2")
    expect(anyone.locator("h1")).to_have_text("Public ledger verification")
    expect(anyone.locator("[data-testid=browser-check]")).to_have_attribute(
        "data-state", "verified"
    )
    assert_accessible(anyone, "public-ledger-en")


def test_a_framework_agreement_from_solicitation_to_public_results(
    open_as, live_server: str, shots: Path
) -> None:
    operator_api = Api(live_server, "operator")
    desktops = next(
        c for c in operator_api.call("GET", "/api/catalog/categories") if c["code"] == DESKTOPS
    )
    extra = {
        name: new_enrolled_supplier(operator_api, live_server, name, desktops["id"])
        for name in ("flow.north", "flow.west")
    }

    operator, solicitation_id = solicit(open_as, operator_api, shots)
    respond(open_as, live_server, solicitation_id, extra, shots)
    agreement_id = select_entrants(operator, live_server, solicitation_id, shots)
    url = compare(open_as, live_server, shots)
    assert url == f"/agreements/{agreement_id}"
    sign(open_as, operator, live_server, url, agreement_id, shots)

    line = budget_line(Api(live_server, "purchaser"), "FLOW")
    direct_selection(open_as, url, line["id"], shots)
    rotation(open_as, live_server, url, line["id"], shots)
    secondary_competition(open_as, live_server, url, line["id"], shots)
    public_results(open_as, agreement_id, shots)
    ledger_proof(open_as, live_server, shots)


def test_a_result_notice_leads_to_its_proof_checked_in_the_browser(
    open_as, live_server: str, shots: Path
) -> None:
    """SUP-5, SUP-1: someone not signed in, on a phone, follows the footer to the result notices
    (成交公告: the server derives them from the demo's ledger within seconds of starting), opens
    one — the buyer, the supplier and the amount, no phone — and follows its proof link to the
    public ledger page, where the notice's ledger entry's inclusion proof in the latest signed
    checkpoint is checked by the mall and again by the browser itself. Both pages pass axe-core
    and fit the screen; the notice in English too."""
    anyone = open_as(None, width=PHONE)
    anyone.goto("/signin")
    with anyone.expect_navigation():
        anyone.click("[data-testid=public-notices]")
    assert path_of(anyone) == "/public/notices"
    deadline = time.monotonic() + 30
    while not anyone.locator("[data-testid=notice-row]").count():
        assert time.monotonic() < deadline, "no result notice was published"
        time.sleep(1)
        anyone.reload()
    expect(anyone.locator("h1")).to_have_text(zh("Result notices"))
    assert_fits(anyone, PHONE)
    assert_accessible(anyone, "public-notices")
    anyone.screenshot(path=str(shots / "public-notices-phone.png"), full_page=True)
    with anyone.expect_navigation():
        anyone.locator("[data-testid=notice-link]").first.click()
    expect(anyone.locator("[data-testid=notice-amount]")).to_contain_text("¥")
    expect(anyone.locator("[data-testid=notice-supplier]")).not_to_be_empty()
    expect(anyone.locator("body")).not_to_contain_text("0471-")
    assert_fits(anyone, PHONE)
    assert_accessible(anyone, "public-notice")
    anyone.screenshot(path=str(shots / "public-notice-phone.png"), full_page=True)
    notice_url = anyone.url
    href = anyone.locator("[data-testid=notice-proof]").get_attribute("href") or ""
    entry = href.rsplit("=", 1)[-1]
    assert href.startswith("/public/ledger?entry=") and entry.isdigit()
    deadline = time.monotonic() + 20
    while True:
        with anyone.expect_navigation():
            anyone.click("[data-testid=notice-proof]")
        if anyone.locator("[data-testid=proof]").count():
            break
        assert time.monotonic() < deadline, "no checkpoint covers the notice's entry"
        time.sleep(1)
        anyone.goto(notice_url)
    assert path_of(anyone) == f"/public/ledger?entry={entry}"
    expect(anyone.locator("[data-testid=entry-input]")).to_have_value(entry)
    expect(anyone.locator("[data-testid=server-check]")).to_contain_text("✓")
    check = anyone.locator("[data-testid=browser-check]")
    expect(check).to_have_attribute("data-state", "verified")
    assert_fits(anyone, PHONE)
    assert_accessible(anyone, "public-ledger from a notice")
    anyone.context.add_cookies([{"name": "lang", "value": "en", "url": live_server}])
    anyone.goto(notice_url)
    expect(anyone.locator("[data-testid=notice-proof]")).to_contain_text(
        f"Check the inclusion proof of ledger entry {entry}"
    )
    assert_accessible(anyone, "public-notice-en")


#: Joining the demo's open framework agreement, on a phone (MALL-8; X-2, X-3): a supplier enrolled
#: in copy paper (made for the test) opens the demo's open agreement, follows 申请加入, finds the
#: joining prices filled in, has a price above the joining price refused beside its field, lowers
#: it, confirms and is back on the agreement page as its last entrant. Both pages pass axe-core and
#: fit a 390 px screen.
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
