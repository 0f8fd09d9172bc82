"""Designated services at checkout (MALL-2, 定点服务) and mutual ratings (SUP-4, 信用互评) in a real
browser.

A purchaser checks out a designated service of a demo supplier together with goods: the service line
asks for the date, place and details, a missing detail is refused on the page before anything is
sent, a past date is refused by the API next to its line, and the placed order and its contract show
the details to both parties. After an order closes, each party rates the other on the order page
(the purchaser at a desktop, the supplier on a phone), a second attempt is refused with the API's
words, both ratings show on both sides, and the product page's credit line counts the purchaser's
rating. The new parts fit a 390px screen.

One live server (demo data, MALL_DEMO_LISTINGS=150) and one browser serve the module.
"""

from __future__ import annotations

import re
import time
from datetime import datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from playwright import sync_api
from playwright.sync_api import expect

from supervision.credit.criteria import CRITERIA
from tests.frontend.conftest import assert_accessible, assert_fits, path_of
from tests.frontend.test_buying_browser import (
    ADDRESS,
    PHONE,
    PURCHASER,
    SUPPLIER,
    call,
    en,
    new_budget_line,
    order_by_api,
    orderable_listing,
    zh,
)
from tests.frontend.texts import zh_plural

pytestmark = pytest.mark.browser


#: The demo's supplier users, and the purchaser users that may buy from them.
SUPPLIER_USERS = ("supplier.office", SUPPLIER)
PURCHASER_USERS = ("purchaser.hospital", PURCHASER, "purchaser.banner")
SERVICE_PLACE = "包头市昆都仑区钢铁大街 2 号 医院行政楼一层"
INVALID = re.compile(r"\binvalid\b")
SERVICE_DETAILS = "印制门诊宣传册 500 份，A4 双面彩印，骑马钉装订；交付前请提供样稿确认。"


def china_today() -> datetime:
    return datetime.now(ZoneInfo("Asia/Shanghai"))


def regions_of(page: sync_api.Page) -> set[int]:
    path = call(page, "GET", "/api/auth/me")["region"]["path"]
    return {int(part) for part in path.strip("/").split("/")}


def designated_categories(page: sync_api.Page) -> tuple[set[int], set[int]]:
    """The ids of the designated service categories (or those under one), and of goods categories."""
    categories = call(page, "GET", "/api/catalog/categories")
    parents = {c["id"]: c["parent_id"] for c in categories}
    flagged = {c["id"] for c in categories if c["designated_service"]}

    def designated(category_id: int | None) -> bool:
        while category_id is not None:
            if category_id in flagged:
                return True
            category_id = parents.get(category_id)
        return False

    services = {c["id"] for c in categories if designated(c["id"])}
    goods = {c["id"] for c in categories if c["kind"] == "goods"}
    return services, goods


class ServiceCase:
    """A demo supplier's designated service listing, one of its goods, and a buyer they serve."""

    supplier_user: str
    buyer_user: str
    service: dict[str, Any]
    goods: dict[str, Any]


def find_service_case(open_as) -> tuple[ServiceCase, sync_api.Page, sync_api.Page]:
    """The demo catalog is random: look up a designated service of a demo supplier user that
    delivers, with one of its goods, to a demo purchaser user's region."""
    buyers: dict[str, tuple[sync_api.Page, set[int]]] = {}
    for supplier_user in SUPPLIER_USERS:
        supplier = open_as(supplier_user)
        designated, goods_ids = designated_categories(supplier)
        listings = call(supplier, "GET", "/api/catalog/listings?status=approved&per_page=100")[
            "items"
        ]
        services = [x for x in listings if x["category_id"] in designated and x["stock"] >= 5]
        goods = [x for x in listings if x["category_id"] in goods_ids and x["stock"] >= 5]
        for service in services:
            for buyer_user in PURCHASER_USERS:
                if buyer_user not in buyers:
                    page = open_as(buyer_user)
                    buyers[buyer_user] = (page, regions_of(page))
                buyer, regions = buyers[buyer_user]
                if not regions & set(service["region_ids"]):
                    continue
                same_buyer_goods = [g for g in goods if regions & set(g["region_ids"])]
                if not same_buyer_goods:
                    continue
                case = ServiceCase()
                case.supplier_user, case.buyer_user = supplier_user, buyer_user
                case.service, case.goods = service, same_buyer_goods[0]
                return case, supplier, buyer
    pytest.fail("no demo supplier user has a designated service listing for a demo purchaser")


def choose_budget_line(form: sync_api.Locator, code: str) -> None:
    option = form.locator("[data-testid=budget-line] option", has_text=code)
    form.locator("[data-testid=budget-line]").select_option(option.get_attribute("value"))


# ---------------------------------------------------------------- 定点服务 (MALL-2)


def test_designated_service_checkout(open_as, shots: Path, js_errors: list[str]) -> None:
    case, supplier, buyer = find_service_case(open_as)
    service, goods = case.service, case.goods
    new_budget_line(buyer, "SVC-01", "200000.00")
    for listing in (service, goods):
        call(buyer, "POST", "/api/mall/cart/items", {"listing_id": listing["id"], "quantity": 1})

    # The cart marks the designated service.
    buyer.goto("/cart")
    item = buyer.locator(f"[data-testid=cart-item][data-listing='{service['id']}']")
    expect(item.locator("[data-testid=service-badge]")).to_have_text(zh("Designated service"))
    expect(
        buyer.locator(
            f"[data-testid=cart-item][data-listing='{goods['id']}'] [data-testid=service-badge]"
        )
    ).to_have_count(0)

    # At checkout only the service line asks for the service's details.
    buyer.goto("/checkout")
    form = buyer.locator("[data-testid=checkout-form]")
    fields = form.locator("[data-testid=service-fields]")
    expect(fields).to_have_count(1)
    expect(fields).to_have_attribute("data-listing", str(service["id"]))
    line = form.locator(f"[data-testid=checkout-line][data-listing='{service['id']}']")
    expect(line.locator("[data-testid=service-fields]")).to_be_visible()
    expect(line.locator("legend")).to_contain_text(zh("Service details"))
    choose_budget_line(form, "SVC-01")
    form.locator("[data-testid=delivery-address]").fill(ADDRESS)
    form.locator("[data-testid=contact-name]").fill("李采购")
    form.locator("[data-testid=contact-phone]").fill(PHONE)

    # A missing detail is refused on the page: nothing is sent, the cart stays as it was.
    fields.locator("[data-testid=service-place]").fill(SERVICE_PLACE)
    form.locator("[data-testid=place-orders]").click()
    error = form.locator("[data-testid=checkout-error]")
    expect(error).to_have_text(
        zh("Fill in the date, place and details of each designated service.")
    )
    expect(error).not_to_have_attribute("data-code", "validation_failed")
    note = fields.locator("[data-testid=service-error]")
    expect(note).to_contain_text(zh("Service date"))
    expect(note).to_contain_text(zh("What is needed"))
    expect(note).not_to_contain_text(zh("Service place"))
    expect(fields.locator("[data-testid=service-date]")).to_have_class(INVALID)
    expect(fields.locator("[data-testid=service-date]")).to_be_focused()
    assert call(buyer, "GET", "/api/mall/cart")["count"] == 2
    assert_accessible(buyer, "checkout-service-missing")
    buyer.screenshot(path=str(shots / "checkout-service-missing.png"), full_page=True)

    # A date before today (China's calendar) is the API's to refuse: shown next to its line.
    yesterday = (china_today() - timedelta(days=1)).date().isoformat()
    fields.locator("[data-testid=service-date]").fill(yesterday)
    fields.locator("[data-testid=service-details]").fill(SERVICE_DETAILS)
    form.locator("[data-testid=place-orders]").click()
    expect(error).to_have_attribute("data-code", "validation_failed")
    expect(error).to_contain_text("定点服务须填写服务日期、服务地点和服务内容")
    expect(note).to_have_text(f"{zh('Service date')}：{zh('must be today or later')}")
    expect(fields.locator("[data-testid=service-date]")).to_have_class(INVALID)
    assert path_of(buyer) == "/checkout"
    assert_accessible(buyer, "checkout-service-refused")
    buyer.screenshot(path=str(shots / "checkout-service-refused.png"), full_page=True)

    day = (china_today() + timedelta(days=3)).date().isoformat()
    fields.locator("[data-testid=service-date]").fill(day)
    form.locator("[data-testid=place-orders]").click()
    buyer.wait_for_url("**/orders")
    expect(buyer.locator("[data-testid=flash]")).to_contain_text("已提交 1 个订单")
    row = buyer.locator("[data-testid=order-row]").first
    order_id = int(row.get_attribute("data-id"))

    # The order shows the details on the service's line, to both parties.
    buyer.goto(f"/orders/{order_id}")
    items = buyer.locator("[data-testid=order-item]")
    expect(items).to_have_count(2)
    shown = buyer.locator("[data-testid=item-service]")
    expect(shown).to_have_count(1)
    expect(shown.locator("[data-testid=service-date-value]")).to_have_text(day)
    expect(shown.locator("[data-testid=service-place-value]")).to_have_text(SERVICE_PLACE)
    expect(shown.locator("[data-testid=service-details-value]")).to_have_text(SERVICE_DETAILS)
    served = call(buyer, "GET", f"/api/mall/orders/{order_id}")["items"]
    service_item = next(i for i in served if i["listing_id"] == service["id"])
    goods_item = next(i for i in served if i["listing_id"] == goods["id"])
    assert service_item["service"]["service_date"] == day
    assert goods_item["service"] is None
    expect(shown).to_have_attribute("data-item", str(service_item["id"]))
    assert_accessible(buyer, "order-service")
    buyer.screenshot(path=str(shots / "order-service.png"), full_page=True)

    supplier.goto(f"/supplier/orders/{order_id}")
    expect(supplier.locator("[data-testid=item-service]")).to_contain_text(SERVICE_DETAILS)
    supplier.locator("[data-testid=do-confirm]").click()
    expect(supplier.locator("[data-testid=flash]")).to_contain_text(
        zh("Order confirmed; the contract is written")
    )

    # The contract carries them as terms.
    supplier.locator("[data-testid=contract-link]").click()
    supplier.wait_for_url("**/contracts/*")
    contract = supplier.locator("[data-testid=contract-doc]")
    terms = contract.locator("[data-testid=contract-service]")
    expect(terms).to_have_count(1)
    expect(terms.locator("[data-testid=service-date-value]")).to_have_text(day)
    expect(terms.locator("[data-testid=service-place-value]")).to_have_text(SERVICE_PLACE)
    expect(terms.locator("[data-testid=service-details-value]")).to_have_text(SERVICE_DETAILS)
    contract_path = path_of(supplier)
    assert_accessible(supplier, "contract-service")
    supplier.screenshot(path=str(shots / "contract-service.png"), full_page=True)
    buyer.goto(contract_path)
    expect(buyer.locator("[data-testid=contract-service]")).to_contain_text(SERVICE_PLACE)

    # On a phone: the checkout's service fields, the order and the contract fit the screen.
    phone = open_as(case.buyer_user, width=390)
    call(phone, "POST", "/api/mall/cart/items", {"listing_id": service["id"], "quantity": 1})
    phone.goto("/checkout")
    assert_fits(phone, 390)
    phone_fields = phone.locator("[data-testid=service-fields]")
    expect(phone_fields).to_be_visible()
    box = phone_fields.locator("[data-testid=service-details]").bounding_box()
    assert box is not None and box["width"] > 250, box
    choose_budget_line(phone.locator("[data-testid=checkout-form]"), "SVC-01")
    phone.locator("[data-testid=place-orders]").tap()
    expect(phone_fields.locator("[data-testid=service-error]")).to_be_visible()
    assert_fits(phone, 390)
    assert_accessible(phone, "phone-checkout-service")
    phone.screenshot(path=str(shots / "phone-checkout-service.png"), full_page=True)
    phone_fields.screenshot(path=str(shots / "phone-service-fields.png"))
    phone.goto(f"/orders/{order_id}")
    expect(phone.locator("[data-testid=item-service]")).to_be_visible()
    assert_fits(phone, 390)
    assert_accessible(phone, "phone-order-service")
    phone.screenshot(path=str(shots / "phone-order-service.png"), full_page=True)
    phone.locator("[data-testid=order-items]").screenshot(path=str(shots / "phone-order-items.png"))
    phone.goto(contract_path)
    expect(phone.locator("[data-testid=contract-service]")).to_be_visible()
    assert_fits(phone, 390)
    assert_accessible(phone, "phone-contract-service")
    phone.screenshot(path=str(shots / "phone-contract-service.png"), full_page=True)
    phone.locator("[data-testid=contract-service]").screenshot(
        path=str(shots / "phone-contract-service-row.png")
    )
    print(f"screenshots in {shots}")
    assert not js_errors, js_errors


# ---------------------------------------------------------------- 信用互评 (SUP-4)


def paid_order(
    buyer: sync_api.Page, supplier: sync_api.Page, code: str = "RATE-01"
) -> tuple[dict, dict]:
    """An order of one unit taken to 已支付 through the JSON API and the gateway's cashier page:
    the listing and the order."""
    listing = orderable_listing(supplier, buyer)
    order = order_by_api(buyer, listing, code)
    oid = order["id"]
    call(supplier, "POST", f"/api/mall/supplier/orders/{oid}/confirm", {})
    ship = {"logistics_company": "顺丰速运", "tracking_no": "SF0000000001"}
    call(supplier, "POST", f"/api/mall/supplier/orders/{oid}/ship", ship)
    call(supplier, "POST", f"/api/mall/supplier/orders/{oid}/delivered", {})
    contract_id = call(supplier, "GET", f"/api/mall/supplier/orders/{oid}")["contract_id"]
    for page in (supplier, buyer):
        call(page, "POST", f"/api/mall/contracts/{contract_id}/sign", {})
    call(buyer, "POST", f"/api/mall/orders/{oid}/acceptance", {})
    payment = call(buyer, "POST", f"/api/mall/orders/{oid}/payments", {})
    buyer.goto(payment["checkout_url"])
    buyer.locator("[data-testid=sandbox-pay]").click()
    buyer.wait_for_url(f"**/orders/{oid}")
    deadline = time.monotonic() + 15
    while call(buyer, "GET", f"/api/mall/orders/{oid}")["status"] != "paid":
        assert time.monotonic() < deadline, "the payment did not settle"
        buyer.wait_for_timeout(200)
    return listing, order


def closed_order(buyer: sync_api.Page, supplier: sync_api.Page) -> tuple[dict, dict]:
    """An order of one unit taken to 已完结: paid, then closed by the supplier."""
    listing, order = paid_order(buyer, supplier)
    call(supplier, "POST", f"/api/mall/supplier/orders/{order['id']}/close", {})
    return listing, order


def rate_on_page(page: sync_api.Page, scores: dict[str, int], comment: str) -> None:
    form = page.locator("[data-testid=rating-form]")
    for code, score in scores.items():
        criterion = form.locator(f"[data-testid=criterion][data-criterion={code}]")
        label = f"{score} 星（{zh(('Very poor', 'Poor', 'Fair', 'Good', 'Excellent')[score - 1])}）"
        criterion.get_by_role("radio", name=label).check()
        expect(criterion.locator("[data-testid=score-word]")).to_have_text(
            f"{score} · {zh(('Very poor', 'Poor', 'Fair', 'Good', 'Excellent')[score - 1])}"
        )
    form.locator("[data-testid=rating-comment]").fill(comment)


def expect_rating(panel: sync_api.Locator, side: str, scores: dict[str, int], comment: str) -> None:
    rating = panel.locator(f"[data-testid=rating][data-side={side}]")
    expect(rating).to_be_visible()
    for code, score in scores.items():
        expect(rating.locator(f"[data-criterion={code}]")).to_have_attribute(
            "data-score", str(score)
        )
    overall = (Decimal(sum(scores.values())) / len(scores)).quantize(Decimal("0.01"))
    expect(rating.locator("[data-testid=rating-overall]")).to_have_text(str(overall))
    expect(rating.locator("[data-testid=rating-comment-text]")).to_have_text(comment)
    expect(rating).to_contain_text(zh("Rated"))


def test_mutual_ratings(open_as, shots: Path, js_errors: list[str]) -> None:
    buyer = open_as(PURCHASER)
    supplier = open_as(SUPPLIER)
    listing, order = closed_order(buyer, supplier)
    oid = order["id"]
    buyer.goto(f"/catalog/listings/{listing['id']}")
    credit = buyer.locator("[data-testid=supplier-credit]")
    expect(credit).to_have_text(zh("No ratings yet"))

    # The purchaser's form: one row of five stars per criterion; none chosen is refused.
    buyer.goto(f"/orders/{oid}")
    expect(buyer.locator("[data-testid=order-status]")).to_have_text("已完结")
    panel = buyer.locator("[data-testid=ratings]")
    expect(panel).to_have_attribute("data-rated", "false")
    form = panel.locator("[data-testid=rating-form]")
    criteria = form.locator("[data-testid=criterion]")
    expect(criteria).to_have_count(len(CRITERIA["purchaser"]))
    for n, (code, name_zh, _) in enumerate(CRITERIA["purchaser"]):
        expect(criteria.nth(n)).to_have_attribute("data-criterion", code)
        expect(criteria.nth(n).locator("legend")).to_contain_text(name_zh)
        expect(criteria.nth(n).get_by_role("radio")).to_have_count(5)
    form.locator("[data-testid=submit-rating]").click()
    expect(form.locator("[data-testid=rating-message]")).to_have_text(
        zh("Give every criterion a score.")
    )
    expect(criteria.first).to_have_class(INVALID)
    assert_accessible(buyer, "rating-form-refused")
    buyer.screenshot(path=str(shots / "rating-form-refused.png"), full_page=True)

    # A second tab of the same user, opened before the rating is in, is refused by the API.
    second = buyer.context.new_page()
    second.goto(f"/orders/{oid}")

    mine = {"quality": 5, "delivery": 4, "service": 5, "integrity": 4}
    rate_on_page(buyer, mine, "交付及时，安装调试到位。")
    expect(form.locator("[data-criterion=quality] label.star.on")).to_have_count(5)
    expect(form.locator("[data-criterion=delivery] label.star.on")).to_have_count(4)
    assert_accessible(buyer, "rating-form-filled")
    buyer.screenshot(path=str(shots / "rating-form-filled.png"), full_page=True)
    form.locator("[data-testid=submit-rating]").click()
    expect(buyer.locator("[data-testid=flash]")).to_contain_text(zh("Rating submitted"))
    panel = buyer.locator("[data-testid=ratings]")
    expect(panel).to_have_attribute("data-rated", "true")
    expect_rating(panel, "purchaser", mine, "交付及时，安装调试到位。")
    expect(panel.locator("[data-testid=rating]")).to_have_count(1)
    expect(panel.locator("[data-testid=rating-pending]")).to_have_text(
        zh("The other party has not rated yet.")
    )

    rate_on_page(second, {"quality": 1, "delivery": 1, "service": 1, "integrity": 1}, "")
    second.locator("[data-testid=submit-rating]").click()
    refusal = second.locator("[data-testid=rating-message]")
    expect(refusal).to_have_text("贵单位已评价过该订单，评价不可修改。")
    expect(refusal).to_have_attribute("data-code", "already_rated")
    expect(refusal).to_have_class(re.compile(r"\balert-text\b"))
    second.close()

    # The supplier rates the purchaser on a phone, with taps on the stars.
    phone = open_as(SUPPLIER, width=390)
    phone.goto(f"/supplier/orders/{oid}")
    form = phone.locator("[data-testid=rating-form]")
    expect(form.locator("[data-testid=criterion]")).to_have_count(len(CRITERIA["supplier"]))
    assert_fits(phone, 390)
    theirs = {"acceptance": 5, "payment": 5, "cooperation": 4}
    for code, score in theirs.items():
        star = form.locator(f"[data-criterion={code}] label.star").nth(score - 1)
        box = star.bounding_box()
        assert box is not None and box["width"] >= 40 and box["height"] >= 40, box
        star.tap()
        expect(star.locator("input")).to_be_checked()
    form.locator("[data-testid=rating-comment]").fill("验收、付款及时，配合良好。")
    assert_accessible(phone, "phone-rating-form")
    phone.screenshot(path=str(shots / "phone-rating-form.png"), full_page=True)
    form.screenshot(path=str(shots / "phone-rating-form-only.png"))
    form.locator("[data-testid=submit-rating]").tap()
    expect(phone.locator("[data-testid=flash]")).to_contain_text(zh("Rating submitted"))
    panel = phone.locator("[data-testid=ratings]")
    expect(panel.locator("[data-testid=rating]")).to_have_count(2)
    expect_rating(panel, "supplier", theirs, "验收、付款及时，配合良好。")
    expect_rating(panel, "purchaser", mine, "交付及时，安装调试到位。")
    expect(panel.locator("[data-testid=rating-pending]")).to_have_count(0)
    assert_fits(phone, 390)
    phone.locator("[data-testid=ratings]").scroll_into_view_if_needed()
    assert_accessible(phone, "phone-ratings")
    phone.screenshot(path=str(shots / "phone-ratings.png"), full_page=True)
    panel.screenshot(path=str(shots / "phone-ratings-panel.png"))
    phone.locator("[data-testid=menu-button]").tap()
    with phone.expect_navigation():
        phone.locator("[data-testid=lang]").tap()
    panel = phone.locator("[data-testid=ratings]")
    expect(panel.locator("h2")).to_have_text(en("Ratings"))
    expect(panel.locator("[data-testid=rating][data-side=supplier] h3")).to_contain_text(
        en("The supplier's rating of the purchaser")
    )
    expect(panel.locator("[data-criterion=payment] dt")).to_have_text("Timely payment")
    assert_fits(phone, 390)
    assert_accessible(phone, "phone-ratings-panel-en")
    panel.screenshot(path=str(shots / "phone-ratings-panel-en.png"))

    # Both sides' ratings on the purchaser's page too, and in the API.
    buyer.goto(f"/orders/{oid}")
    panel = buyer.locator("[data-testid=ratings]")
    sides = panel.locator("[data-testid=rating]").evaluate_all(
        "items => items.map(i => i.dataset.side)"
    )
    assert sides == ["purchaser", "supplier"], sides
    expect_rating(panel, "supplier", theirs, "验收、付款及时，配合良好。")
    assert_accessible(buyer, "ratings")
    buyer.screenshot(path=str(shots / "ratings.png"), full_page=True)
    given = call(buyer, "GET", f"/api/mall/orders/{oid}/ratings")
    assert {r["side"]: r["scores"] for r in given} == {"purchaser": mine, "supplier": theirs}

    # The supplier's credit line on the product page counts the purchaser's rating.
    buyer.goto(f"/catalog/listings/{listing['id']}")
    expect(credit).to_have_text(
        zh_plural(
            "Credit rating %(overall)s / 5 (%(num)d rating)",
            "Credit rating %(overall)s / 5 (%(num)d ratings)",
            1,
        )
        % {"overall": "4.50", "num": 1}
    )
    print(f"screenshots in {shots}")
    assert not js_errors, js_errors
