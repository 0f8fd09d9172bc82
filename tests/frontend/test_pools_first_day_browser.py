"""Who may take part in a volume purchase (带量采购), in a real browser (AUC-1, AUC-2, AUC-3,
MALL-10, X-2, X-3), in Chinese and in English, on a desk and on a 390×844 phone.

- The organiser's 发起带量采购 form counts the suppliers that may take part in a pool of the chosen
  category or standard product (never naming them) and warns when they are fewer than the
  minimum the pool needs.
- A supplier's list shows the pools it may take part in and says how many others it may not;
  asked for all, each of those says why (the auctions' one rule) and links to enrolment; the page
  of one it may not take part in says why instead of offering anything.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from playwright.sync_api import expect

from auction import eligibility
from tests.frontend.conftest import assert_accessible, assert_fits
from tests.frontend.test_auction_browser import DESKTOPS, Api
from tests.frontend.test_auction_first_day_browser import (
    CJK,
    PHONE,
    SUPPLIER_OFFICE,
    _not_enrolled_leaf,
    en,
    english,
    zh,
)

pytestmark = pytest.mark.browser

ORGANISER = "operator"


@pytest.fixture(scope="module")
def organiser(live_server: str) -> Api:
    return Api(live_server, ORGANISER)


def _desktops(api: Api) -> int:
    return next(
        c["id"] for c in api.call("GET", "/api/catalog/categories") if c["code"] == DESKTOPS
    )


def _pool(organiser: Api, title: str, category_id: int, **over: Any) -> dict[str, Any]:
    now = datetime.now(UTC)
    return organiser.call(
        "POST",
        "/api/pools",
        {
            "title": title,
            "category_id": category_id,
            "unit": "件",
            "ceiling": "1000.00",
            "closes_at": (now + timedelta(hours=1)).isoformat(),
            "delivery_date": (now + timedelta(days=20)).date().isoformat(),
            "contact_name": "周运营",
            "contact_phone": "0471-6900001",
            "auction_starts_at": (now + timedelta(hours=2)).isoformat(),
            "auction_ends_at": (now + timedelta(hours=3)).isoformat(),
            "decrement_mode": "absolute",
            "decrement_value": "10.00",
        }
        | over,
        201,
    )


def test_the_organiser_counts_who_may_take_part_before_opening(
    open_as, organiser, shots, js_errors
):
    page = open_as(ORGANISER)
    page.goto("/pools/new")
    counter = page.locator("[data-testid=f-eligible]")
    expect(counter).to_have_text(
        zh("Choose a category or standard product to see how many suppliers may take part.")
    )
    page.select_option("[data-testid=f-category]", str(_desktops(organiser)))
    expect(counter).to_contain_text("符合条件的供应商：")
    count = int(counter.get_attribute("data-count") or "0")
    assert count >= 2  # both demo supplier users sell desktops
    page.fill("[data-testid=f-min-bidders]", str(count + 1))
    expect(counter).to_have_attribute("data-enough", "0")
    expect(counter).to_contain_text(f"只有 {count} 家，少于最少有效报价供应商 {count + 1} 家")
    expect(counter).to_have_class(re.compile(r"\balert\b"))
    assert_accessible(page, "pool-form-eligible-short")
    page.screenshot(path=str(shots / "pool-form-eligible-short.png"), full_page=True)
    page.fill("[data-testid=f-min-bidders]", "2")
    expect(counter).to_have_attribute("data-enough", "1")
    expect(counter).not_to_have_class(re.compile(r"\balert\b"))

    english(page, "/pools/new")
    expect(counter).to_have_text(
        en("Choose a category or standard product to see how many suppliers may take part.")
    )
    page.select_option("[data-testid=f-category]", str(_desktops(organiser)))
    page.fill("[data-testid=f-min-bidders]", str(count + 1))
    expect(counter).to_contain_text(f"Only {count} supplier(s) may take part")
    assert not CJK.search(counter.inner_text())
    assert_accessible(page, "pool-form-eligible-short-en")
    page.screenshot(path=str(shots / "pool-form-eligible-short-en.png"), full_page=True)

    # once opened, the pool's page keeps telling its organiser
    pool = _pool(
        organiser, "台式计算机带量采购（供应商不足）", _desktops(organiser), min_bidders=count + 1
    )
    page.goto(f"/pools/{pool['id']}")
    shown = page.locator("[data-testid=eligible-count]")
    expect(shown).to_have_attribute("data-enough", "0")
    expect(shown.locator("[data-testid=eligible-warning]")).to_contain_text(f"Only {count}")
    assert_accessible(page, "pool-eligible-short-en")
    page.goto("/lang/zh")
    page.goto(f"/pools/{pool['id']}")
    expect(shown.locator("[data-testid=eligible-warning]")).to_contain_text(f"只有 {count} 家")
    assert_accessible(page, "pool-eligible-short")
    page.screenshot(path=str(shots / "pool-eligible-short.png"), full_page=True)
    assert not js_errors, js_errors


def test_a_supplier_sees_the_pools_it_may_take_part_in_and_why_not(
    open_as, live_server, organiser, shots, js_errors
):
    office = Api(live_server, SUPPLIER_OFFICE)
    category = _not_enrolled_leaf(office, organiser)
    outside = _pool(organiser, "未入驻品目的带量采购", category["id"])
    inside = _pool(organiser, "台式计算机带量采购（可参与）", _desktops(organiser))
    not_enrolled_zh = eligibility.message("not_enrolled")[1]

    page = open_as(SUPPLIER_OFFICE)
    page.goto("/pools")
    row = page.locator(f"[data-testid=pool-row][data-id='{outside['id']}']")
    expect(page.locator(f"[data-testid=pool-row][data-id='{inside['id']}']")).to_have_count(1)
    expect(row).to_have_count(0)
    expect(page.locator("[data-testid=pools-hidden]")).to_contain_text("贵公司不能参与")
    page.click("[data-testid=show-all]")
    expect(row).to_have_count(1)
    expect(row.locator("[data-testid=pool-why-not]")).to_have_attribute(
        "data-reason", "not_enrolled"
    )
    expect(row).to_contain_text(not_enrolled_zh)
    expect(row.locator("a[href='/enrolment']")).to_have_count(1)
    assert_accessible(page, "supplier-pools-all")
    page.screenshot(path=str(shots / "supplier-pools-all.png"), full_page=True)

    row.locator("[data-testid=pool-link]").click()
    why = page.locator("[data-testid=why-not]")
    expect(why).to_contain_text(not_enrolled_zh)
    expect(page.locator("[data-testid=why-enrol]")).to_have_attribute("href", "/enrolment")
    expect(page.locator("[data-testid=demand-form]")).to_have_count(0)
    assert_accessible(page, "pool-not-enrolled")
    page.screenshot(path=str(shots / "pool-not-enrolled.png"), full_page=True)

    english(page, page.url)
    expect(why).to_contain_text(eligibility.message("not_enrolled")[0])
    expect(page.locator("[data-testid=why-enrol]")).to_have_text(en("Apply to enrol in categories"))
    assert_accessible(page, "pool-not-enrolled-en")
    page.screenshot(path=str(shots / "pool-not-enrolled-en.png"), full_page=True)
    page.goto("/pools")
    expect(page.locator("[data-testid=pools-hidden]")).to_contain_text("may not take part")

    # the one it may take part in: no reason, nothing in the way
    page.goto(f"/pools/{inside['id']}")
    expect(page.locator("[data-testid=why-not]")).to_have_count(0)
    assert not js_errors, js_errors


def test_the_supplier_list_on_a_phone(open_as, live_server, organiser, shots, js_errors):
    office = Api(live_server, SUPPLIER_OFFICE)
    outside = _pool(
        organiser, "未入驻品目的带量采购（手机）", _not_enrolled_leaf(office, organiser)["id"]
    )

    phone = open_as(SUPPLIER_OFFICE, PHONE)
    phone.goto("/pools")
    expect(phone.locator("[data-testid=show-all]")).to_be_visible()
    assert_fits(phone, PHONE)
    assert_accessible(phone, "supplier-pools-phone")
    phone.screenshot(path=str(shots / "supplier-pools-phone.png"), full_page=True)
    phone.click("[data-testid=show-all]")
    row = phone.locator(f"[data-testid=pool-row][data-id='{outside['id']}']")
    expect(row.locator("[data-testid=pool-why-not]")).to_have_text(zh("Cannot take part"))
    assert_fits(phone, PHONE)
    assert_accessible(phone, "supplier-pools-all-phone")
    phone.screenshot(path=str(shots / "supplier-pools-all-phone.png"), full_page=True)

    english(phone, "/pools?all=1")
    expect(row.locator("[data-testid=pool-why-not]")).to_have_text(en("Cannot take part"))
    expect(row).to_contain_text(eligibility.message("not_enrolled")[0])
    assert not CJK.search(row.locator(".auc-why-line").inner_text())
    assert_fits(phone, PHONE)
    assert_accessible(phone, "supplier-pools-all-phone-en")
    phone.screenshot(path=str(shots / "supplier-pools-all-phone-en.png"), full_page=True)
    assert not js_errors, js_errors
