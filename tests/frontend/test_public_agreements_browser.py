"""Agreement signatures and the public result pages in a real browser (MALL-8; X-2).

Stage one runs through the API (four responses, the dearest eliminated); the response deadline
and the term's first day are moved in the live server's database instead of waited for. The
solicitor signs through the API; an entrant signs on the agreement page with its button. A
purchaser calls off through the API. Then someone not signed in follows the footer link to the
published results, opens the agreement's result, its call-off results and its monthly summary:
each page passes axe-core.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

import pytest
from playwright.sync_api import expect
from sqlalchemy import create_engine, text

from core import clock
from tests.frontend.conftest import SERVER_ENVS, assert_accessible, path_of
from tests.frontend.test_agreements_browser import new_enrolled_supplier, region
from tests.frontend.test_auction_browser import Api, budget_line
from tests.frontend.texts import zh

pytestmark = pytest.mark.browser

DESKTOPS = "A02010104"
TITLE = "2027 年度呼和浩特市台式计算机框架协议（公告浏览器）"
PRICES = {
    "supplier": "4400.00",
    "supplier.office": "4500.00",
    "pub.north": "4900.00",
    "pub.west": "4950.00",  # eliminated
}


def _sql(base: str, statement: str, **values) -> None:
    engine = create_engine(SERVER_ENVS[base]["DATABASE_URL"])
    with engine.begin() as db:
        db.execute(text(statement), values)
    engine.dispose()


def _agreement(base: str) -> dict:
    operator = Api(base, "operator")
    desktops = next(
        c for c in operator.call("GET", "/api/catalog/categories") if c["code"] == DESKTOPS
    )
    apis = {name: Api(base, name) for name in ("supplier", "supplier.office")}
    for name in ("pub.north", "pub.west"):
        apis[name] = new_enrolled_supplier(operator, base, name, desktops["id"])
    hohhot = region(operator, "1501")["id"]
    created = operator.call(
        "POST",
        "/api/agreements/solicitations",
        {
            "title": TITLE,
            "region_id": hohhot,
            "kind": "closed",
            "evaluation": "price_priority",
            "call_off_methods": ["direct", "rotation"],
            "response_deadline": (datetime.now(clock.SHANGHAI) + timedelta(hours=1)).isoformat(),
            "items": [
                {
                    "category_id": desktops["id"],
                    "unit": "台",
                    "required_params": {"cpu": "i5"},
                    "estimated_quantity": 200,
                    "max_unit_price": "5000.00",
                }
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
                "prices": [{"item_id": solicitation["items"][0]["id"], "unit_price": PRICES[name]}],
                "capacity": "月供货 80 台",
                "region_ids": [hohhot],
            },
        )
    # the deadline passes: moved, not waited for
    _sql(
        base,
        "UPDATE agreement_solicitations SET response_deadline = :past WHERE id = :id",
        past=datetime.now(clock.SHANGHAI) - timedelta(seconds=1),
        id=created["id"],
    )
    for step, body in (("/open", None), ("/evaluate", {}), ("/select", None)):
        operator.call("POST", path + step, body)
    agreement = operator.call("POST", path + "/result", None, 201)
    _sql(
        base,
        "UPDATE agreements SET term_starts = :today WHERE id = :id",
        today=datetime.now(clock.SHANGHAI).date(),
        id=agreement["id"],
    )
    operator.call("POST", f"/api/agreements/{agreement['id']}/sign")
    return agreement


def test_an_entrant_signs_and_anyone_reads_the_results(
    open_as, live_server: str, shots: Path
) -> None:
    agreement = _agreement(live_server)
    url = f"/agreements/{agreement['id']}"

    # The rank-1 entrant signs on the agreement page.
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

    purchaser = Api(live_server, "purchaser")
    line = budget_line(purchaser, "PUB-DEAL")
    purchaser.call(
        "POST",
        f"/api/agreements/{agreement['id']}/calloffs",
        {
            "method": "direct",
            "items": [{"item_id": agreement["items"][0]["id"], "quantity": 3}],
            "budget_line_id": line["id"],
            "entrant_id": next(e["id"] for e in agreement["entrants"] if e["rank"] == 1),
            "reason": "price",
            "reason_note": "价格最低",
            "delivery_address": "呼和浩特市新城区第一中学信息中心",
            "contact_name": "张老师",
            "contact_phone": "0471-6900000",
        },
        201,
    )

    # Someone not signed in follows the footer link.
    anyone = open_as(None)
    anyone.goto("/signin")
    with anyone.expect_navigation():
        anyone.click("[data-testid=public-results]")
    assert path_of(anyone) == "/public/agreements"
    assert_accessible(anyone, "public-agreements")
    with anyone.expect_navigation():
        anyone.click(f"[data-testid=public-agreement][data-id='{agreement['id']}'] a")
    expect(anyone.locator("[data-testid=public-title]")).to_have_text(TITLE)
    expect(anyone.locator("[data-testid=public-price]")).to_have_text(
        ["¥4,400.00", "¥4,500.00", "¥4,900.00"]
    )
    expect(anyone.locator("body")).not_to_contain_text("¥4,950.00")
    expect(anyone.locator("[data-testid=public-signed]")).to_have_text(
        [zh("Signed"), zh("Not signed"), zh("Not signed")]
    )
    assert_accessible(anyone, "public-agreement")
    anyone.screenshot(path=str(shots / "public-agreement.png"), full_page=True)
    with anyone.expect_navigation():
        anyone.click("[data-testid=agreement-deals]")
    expect(anyone.locator("[data-testid=deal-total]")).to_have_text(["¥13,200.00"])
    expect(anyone.locator("body")).not_to_contain_text("0471-6900000")
    assert_accessible(anyone, "public-deals")
    anyone.screenshot(path=str(shots / "public-deals.png"), full_page=True)
    anyone.goto(f"/public/agreements/{agreement['id']}/summary")
    expect(anyone.locator("[data-testid=month-total]")).to_have_text(["¥13,200.00"])
    assert_accessible(anyone, "public-summary")
    anyone.screenshot(path=str(shots / "public-summary.png"), full_page=True)
