"""The framework agreement pages in a real browser (MALL-8, stage one; X-2, X-3).

The operator drafts a solicitation through the 征集公告 form — a malformed maximum unit price is
shown next to its field — and publishes it with a response deadline a minute ahead. Four suppliers
respond: the two demo suppliers through the page (each sees each item's maximum, a price above it
is refused, and its own response comes back with its own prices only), two suppliers made for
the test through the API. Once the live server's clock passes the deadline the operator opens the
responses, ranks them by price, selects the entrants (the last of four is eliminated) and
publishes the result. A purchaser of the region served finds the agreement and compares the
entrants' agreed unit prices per item, in Chinese, in English and on a phone; the supervisor of
the region sees them too, an entrant only its own. Every kind of page passes axe-core.
"""

from __future__ import annotations

import secrets
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import requests
from playwright.sync_api import expect

from core import clock
from core.accounts.demo import DEMO_PASSWORD
from mall.agreements.models import Solicitation
from tests.frontend.conftest import assert_accessible, assert_fits, path_of, server_db
from tests.frontend.test_auction_browser import Api
from tests.frontend.texts import zh

pytestmark = pytest.mark.browser

DESKTOPS = "A02010104"  # both demo suppliers are enrolled in it
PHONE = 390
TITLE = "2027 年度呼和浩特市台式计算机框架协议采购（浏览器）"
#: (item 0 at most 5000.00 × 200, item 1 at most 7000.00 × 50) per supplier; totals rank
#: north (1,220,000) < supplier (1,225,000) < office (1,240,000) < west (1,325,000).
PRICES = {
    "supplier": ("4500.00", "6500.00"),
    "supplier.office": ("4600.00", "6400.00"),
    "agree.north": ("4400.00", "6800.00"),
    "agree.west": ("4900.00", "6900.00"),
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


def end_responses(base: str, solicitation_id: int) -> None:
    """The response deadline passes: moved to a second ago in the live server's database."""
    with server_db(base) as db:
        solicitation = db.get(Solicitation, solicitation_id)
        assert solicitation is not None
        solicitation.response_deadline = datetime.now(UTC) - timedelta(seconds=1)


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


def test_a_solicitation_becomes_an_agreement_purchasers_compare(
    open_as, live_server: str, shots: Path
) -> None:
    operator_api = Api(live_server, "operator")
    desktops = next(
        c for c in operator_api.call("GET", "/api/catalog/categories") if c["code"] == DESKTOPS
    )
    extra = {
        name: new_enrolled_supplier(operator_api, live_server, name, desktops["id"])
        for name in ("agree.north", "agree.west")
    }

    # The operator drafts the solicitation through the form; a malformed price is refused.
    operator = open_as("operator")
    operator.click("nav a[href='/agreements#agreements']")
    assert path_of(operator) == "/agreements#agreements"
    expect(operator.locator("h1")).to_have_text(zh("Framework agreements"))
    operator.click("[data-testid=new-solicitation]")
    form_shot = shots / "form.png"
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
    # A minute ahead on the server's clock (the same machine), to the second.
    deadline = clock.local(datetime.now(clock.SHANGHAI)) + timedelta(seconds=70)
    operator.fill("[data-testid=f-deadline]", deadline.strftime("%Y-%m-%dT%H:%M:%S"))
    with operator.expect_navigation():
        operator.click("[data-testid=save-solicitation]")
    expect(operator.locator("[data-testid='error-items.1.max_unit_price']")).to_be_visible()
    assert operator.locator("[data-testid=f-item-0-max]").input_value() == "5000.00"
    assert_accessible(operator, "solicitation-form-refused")
    operator.screenshot(path=str(form_shot), full_page=True)
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

    # Two demo suppliers respond through the page; the first tries a price above the maximum.
    hohhot = region(operator_api, "1501")["id"]
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
    own = office.locator("[data-testid=my-response]")
    expect(own).to_contain_text("¥4,600.00")
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
                "region_ids": [region(api, "1501")["id"]],
            },
        )

    # The deadline passes: rather than wait for the live server's clock, the test moves the
    # deadline to a second ago in the server's database.
    assert datetime.now(clock.SHANGHAI) < deadline, "the responses took longer than the deadline"
    end_responses(live_server, solicitation_id)

    operator.reload()
    for step in ("opened", "evaluated", "selected"):
        with operator.expect_navigation():
            operator.click("[data-testid=agr-step-button]")
        expect(operator.locator("[data-testid=agr-status]")).to_have_attribute("data-status", step)
        if step == "evaluated":
            rows = operator.locator("[data-testid=response-row]")
            expect(rows).to_have_count(4)
            expect(rows.first).to_contain_text("agree.north")
            assert_accessible(operator, "responses-ranked")
    rows = operator.locator("[data-testid=response-row]")
    expect(operator.locator("[data-testid=response-row][data-status=eliminated]")).to_have_count(1)
    expect(rows.last).to_contain_text("agree.west")
    expect(rows.last).to_contain_text(zh("Eliminated", "agreement response"))
    operator.screenshot(path=str(shots / "responses-selected.png"), full_page=True)
    with operator.expect_navigation():
        operator.click("[data-testid=agr-step-button]")
    expect(operator.locator("[data-testid=agr-done]")).to_be_visible()
    expect(operator.locator("[data-testid=entrant-row]")).to_have_count(3)

    # A purchaser of Hohhot finds the agreement and compares the agreed prices.
    buyer = open_as("purchaser")
    buyer.click("nav a[href='/agreements#agreements']")
    buyer.click(f"[data-testid=agreement-row] >> text={TITLE}")
    # the signatures come first on the page; then the entrants' prices
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

    buyer.context.add_cookies([{"name": "lang", "value": "en", "url": live_server}])
    buyer.reload()
    expect(buyer.locator("h2", has_text="Entrants' agreed unit prices")).to_have_count(1)
    expect(buyer.locator("nav a[href='/agreements#agreements']")).to_have_text(
        "Framework agreements"
    )
    expect(buyer.locator("[data-testid=agr-status]")).to_have_text("In force")
    assert_accessible(buyer, "agreement-compare-en")
    buyer.screenshot(path=str(shots / "agreement-en.png"), full_page=True)

    phone = open_as("purchaser", width=PHONE)
    phone.goto(path_of(buyer))
    expect(phone.locator("[data-testid=compare-table]")).to_be_visible()
    assert_fits(phone, PHONE)
    phone.screenshot(path=str(shots / "agreement-phone.png"), full_page=True)

    # The supervisor of the region sees the agreement, its entrants and their prices.
    supervisor = open_as("supervisor.hohhot")
    supervisor.click("nav a[href='/agreements#agreements']")
    supervisor.click(f"[data-testid=agreement-row] >> text={TITLE}")
    expect(supervisor.locator("[data-testid=compare-entrant]")).to_have_count(3)
    expect(supervisor.locator("[data-testid=entrant-row]")).to_have_count(3)

    # The supplier sees the agreement it entered, with its own prices only.
    supplier.goto("/agreements")
    supplier.click(f"[data-testid=agreement-row] >> text={TITLE}")
    compare = supplier.locator("[data-testid=compare-table]")
    expect(compare.locator("[data-testid=compare-entrant]")).to_have_count(1)
    assert "4,400.00" not in compare.inner_text()
    assert_accessible(supplier, "agreement-supplier")
