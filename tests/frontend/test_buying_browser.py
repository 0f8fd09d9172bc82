"""The buying pages in a real browser (MALL-1, MALL-3, MALL-4, MALL-5, X-1…X-3).

The direct purchase path, one step per function so that later steps can be added: a purchaser finds a
listing of the demo supplier, adds it to the cart from the product page and changes the quantity in
the cart; at checkout a budget line too small for the purchase is refused with the API's message, a
large enough line is created from the budget page and the orders are placed; the supplier confirms,
ships and marks the order delivered; both parties sign the contract; the purchaser accepts the
delivery, and the payment panel then says the order is payable; the purchaser pays on the gateway's
cashier page and the supplier confirms the payment, which closes the order. A supplier declines an
order with a reason and a purchaser cancels one; another purchaser unit is refused the order and its
contract; the cart, checkout, order and contract pages fit a phone's screen.

One live server (demo data, MALL_DEMO_LISTINGS=150) and one browser serve the module.
"""

from __future__ import annotations

import subprocess
import sys
from datetime import datetime
from decimal import Decimal
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import requests
from playwright import sync_api
from playwright.sync_api import expect

from core.accounts.demo import DEMO_PASSWORD
from tests.frontend.conftest import ROOT, SERVER_ENVS, assert_accessible, assert_fits, path_of
from tests.frontend.texts import en, zh

pytestmark = pytest.mark.browser

PURCHASER = "purchaser"  # 呼和浩特市第一中学, an org admin too: it may create budget lines
OTHER_PURCHASER = "purchaser.hospital"  # 包头市中心医院
SUPPLIER = "supplier"  # 内蒙古草原信息技术有限公司
SUPPLIER_ORG = "内蒙古草原信息技术有限公司"
ADDRESS = "呼和浩特市新城区中山东路 1 号 第一中学总务处"
PHONE = "0471-6661234"
LOGISTICS, TRACKING = "顺丰速运", "SF1234567890"


def yuan(amount: Decimal) -> str:
    return f"¥{amount:,.2f}"


# ---------------------------------------------------------------- set-up through the JSON API


def call(page: sync_api.Page, method: str, url: str, data: Any = None) -> Any:
    """Call the JSON API as the page's user (its session cookie and CSRF token)."""
    token = page.locator("meta[name=csrf-token]").get_attribute("content")
    response = page.request.fetch(
        url, method=method, data=data, headers={"X-CSRF-Token": token or ""}
    )
    assert response.ok, f"{method} {url}: {response.status} {response.text()}"
    return response.json()


def orderable_listing(supplier: sync_api.Page, buyer: sync_api.Page) -> dict[str, Any]:
    """An on-shelf listing of the supplier that delivers to the buyer's region, with stock to
    spare (the demo catalog is random, so it is looked up rather than named)."""
    region_path = call(buyer, "GET", "/api/auth/me")["region"]["path"]
    regions = {int(part) for part in region_path.strip("/").split("/")}
    listings = call(supplier, "GET", "/api/catalog/listings?status=approved&per_page=100")["items"]
    for listing in listings:
        if listing["stock"] >= 10 and regions & set(listing["region_ids"]):
            return listing
    pytest.fail(f"the demo supplier has no listing delivering to {region_path}")


def fiscal_year() -> int:
    """The fiscal year is the calendar year in China's time zone (as the server counts it)."""
    return datetime.now(ZoneInfo("Asia/Shanghai")).year


def new_budget_line(page: sync_api.Page, code: str, amount: str) -> dict[str, Any]:
    return call(
        page,
        "POST",
        "/api/mall/budget-lines",
        {
            "fiscal_year": fiscal_year(),
            "fund_source": "general",
            "code": code,
            "name": "测试预算",
            "amount": amount,
        },
    )


def order_by_api(buyer: sync_api.Page, listing: dict[str, Any], code: str) -> dict[str, Any]:
    """Place an order for one unit of ``listing`` through the JSON API."""
    line = new_budget_line(buyer, code, "100000.00")
    call(buyer, "POST", "/api/mall/cart/items", {"listing_id": listing["id"], "quantity": 1})
    orders = call(
        buyer,
        "POST",
        "/api/mall/checkout",
        {
            "budget_line_id": line["id"],
            "delivery_address": ADDRESS,
            "contact_name": "张采购",
            "contact_phone": PHONE,
        },
    )
    return orders[0]


# ---------------------------------------------------------------- the steps of a direct purchase


class Purchase:
    """What the steps learn and hand on."""

    listing: dict[str, Any]
    quantity: int
    order_id: int
    order_number: str
    contract_id: int


def step_search_and_add(buyer: sync_api.Page, purchase: Purchase) -> None:
    """The purchaser searches, opens the product page and puts two in the cart."""
    listing = purchase.listing
    buyer.locator("nav.mainnav a", has_text=zh("Catalog")).click()
    buyer.wait_for_url("**/catalog*")
    buyer.locator("[data-testid=q]").fill(f"{listing['brand']} {listing['model']}")
    with buyer.expect_navigation():
        buyer.locator("[data-testid=q]").press("Enter")
    card = buyer.locator(f"[data-testid=result][data-id='{listing['id']}']")
    expect(card).to_be_visible()
    with buyer.expect_navigation():
        card.locator("[data-testid=result-title]").click()
    assert path_of(buyer) == f"/catalog/listings/{listing['id']}"
    buyer.locator("[data-testid=buy-quantity]").fill("2")
    buyer.locator("[data-testid=add-to-cart]").click()
    expect(buyer.locator("[data-testid=add-to-cart-message]")).to_contain_text(
        zh("Added to the cart")
    )


def step_cart(buyer: sync_api.Page, purchase: Purchase) -> None:
    """The cart groups the item under its supplier; one more is added with the stepper."""
    listing = purchase.listing
    buyer.locator("nav.mainnav a", has_text=zh("Cart")).click()
    buyer.wait_for_url("**/cart*")
    group = buyer.locator("[data-testid=cart-group]")
    expect(group).to_have_count(1)
    expect(group.locator("[data-testid=cart-supplier]")).to_have_text(SUPPLIER_ORG)
    item = group.locator(f"[data-testid=cart-item][data-listing='{listing['id']}']")
    expect(item.locator("[data-testid=cart-quantity]")).to_have_value("2")
    price = Decimal(listing["price"])
    expect(item.locator("[data-testid=cart-line-total]")).to_have_text(yuan(price * 2))
    item.locator("[data-step='1']").click()
    expect(buyer.locator("[data-testid=flash]")).to_contain_text(zh("Quantity changed"))
    item = buyer.locator(f"[data-testid=cart-item][data-listing='{listing['id']}']")
    expect(item.locator("[data-testid=cart-quantity]")).to_have_value("3")
    expect(item.locator("[data-testid=cart-line-total]")).to_have_text(yuan(price * 3))
    expect(buyer.locator("[data-testid=cart-total]")).to_have_text(yuan(price * 3))
    purchase.quantity = 3


def step_checkout_refused_for_funds(buyer: sync_api.Page, purchase: Purchase) -> None:
    """A budget line too small for the purchase is refused with the API's words (无预算不采购)."""
    new_budget_line(buyer, "XS-001", "100.00")
    buyer.locator("[data-testid=go-checkout]").click()
    buyer.wait_for_url("**/checkout")
    form = buyer.locator("[data-testid=checkout-form]")
    option = form.locator("[data-testid=budget-line] option", has_text="XS-001")
    form.locator("[data-testid=budget-line]").select_option(option.get_attribute("value"))
    expect(form.locator("[data-testid=budget-available]")).to_contain_text("¥100.00")
    expect(form.locator("[data-testid=budget-short]")).to_be_visible()
    form.locator("[data-testid=delivery-address]").fill(ADDRESS)
    form.locator("[data-testid=contact-phone]").fill(PHONE)
    form.locator("[data-testid=place-orders]").click()
    error = form.locator("[data-testid=checkout-error]")
    expect(error).to_be_visible()
    expect(error).to_have_attribute("data-code", "insufficient_funds")
    expect(error).to_contain_text("预算指标可用余额 100.00 元")
    assert path_of(buyer) == "/checkout"


def step_new_budget_line(buyer: sync_api.Page, purchase: Purchase) -> None:
    """From checkout to the budget page, where the unit's administrator adds a line, and back."""
    buyer.locator("[data-testid=manage-budgets]").click()
    buyer.wait_for_url("**/budgets?back=checkout")
    form = buyer.locator("[data-testid=new-budget-line]")
    form.locator("[data-testid=budget-code]").fill("2026-JY-01")
    form.locator("[data-testid=budget-name]").fill("教学设备购置")
    form.locator("[data-testid=budget-amount-input]").fill("abc")
    form.locator("[data-testid=create-budget-line]").click()
    expect(form.locator(".form-error")).to_contain_text(
        zh("Not an amount (at most two decimal places).")
    )
    form.locator("[data-testid=budget-amount-input]").fill("500000")
    form.locator("[data-testid=create-budget-line]").click()
    buyer.wait_for_url("**/checkout")
    expect(buyer.locator("[data-testid=flash]")).to_contain_text(zh("Budget line saved"))


def step_checkout(buyer: sync_api.Page, purchase: Purchase) -> None:
    """Orders are placed against the new line; the list shows the order with its frozen total."""
    form = buyer.locator("[data-testid=checkout-form]")
    option = form.locator("[data-testid=budget-line] option", has_text="2026-JY-01")
    form.locator("[data-testid=budget-line]").select_option(option.get_attribute("value"))
    expect(form.locator("[data-testid=budget-available]")).to_contain_text("¥500,000.00")
    expect(form.locator("[data-testid=budget-short]")).to_be_hidden()
    total = Decimal(purchase.listing["price"]) * purchase.quantity
    expect(form.locator("[data-testid=checkout-total]")).to_have_text(yuan(total))
    form.locator("[data-testid=delivery-address]").fill(ADDRESS)
    form.locator("[data-testid=contact-name]").fill("张采购")
    form.locator("[data-testid=contact-phone]").fill(PHONE)
    form.locator("[data-testid=order-note]").fill("请工作日送货")
    form.locator("[data-testid=place-orders]").click()
    buyer.wait_for_url("**/orders")
    expect(buyer.locator("[data-testid=flash]")).to_contain_text("已提交 1 个订单")
    row = buyer.locator("[data-testid=order-row]").first
    expect(row).to_have_attribute("data-status", "placed")
    expect(row.locator("[data-testid=order-total]")).to_have_text(yuan(total))
    expect(row).to_contain_text(SUPPLIER_ORG)
    purchase.order_id = int(row.get_attribute("data-id"))
    with buyer.expect_navigation():
        row.locator("[data-testid=order-link]").click()
    purchase.order_number = buyer.locator("[data-testid=order-number]").inner_text()
    expect(buyer.locator("[data-testid=order-status]")).to_have_text("待确认")
    expect(buyer.locator("[data-testid=action-cancel]")).to_be_visible()
    expect(buyer.locator("[data-testid=no-contract]")).to_be_visible()
    expect(buyer.locator("[data-testid=timeline] [data-event=confirm_by]")).to_be_visible()
    # The budget line holds the order's funds.
    buyer.goto("/budgets")
    line = buyer.locator("[data-testid=budget-row][data-code='2026-JY-01']")
    expect(line.locator("[data-testid=budget-reserved]")).to_have_text(yuan(total))
    expect(line.locator("[data-testid=budget-available]")).to_have_text(
        yuan(Decimal("500000") - total)
    )


def step_supplier_confirms_and_ships(supplier: sync_api.Page, purchase: Purchase) -> None:
    supplier.goto("/")
    supplier.locator("nav.mainnav a", has_text=zh("Orders")).click()
    supplier.wait_for_url("**/supplier/orders*")
    row = supplier.locator(f"[data-testid=order-row][data-id='{purchase.order_id}']")
    expect(row).to_contain_text("呼和浩特市第一中学")
    with supplier.expect_navigation():
        row.locator("[data-testid=order-link]").click()
    assert path_of(supplier) == f"/supplier/orders/{purchase.order_id}"
    expect(supplier.locator("[data-testid=order-budget]")).to_have_count(0)  # not the supplier's
    supplier.locator("[data-testid=do-confirm]").click()
    expect(supplier.locator("[data-testid=flash]")).to_contain_text(
        zh("Order confirmed; the contract is written")
    )
    expect(supplier.locator("[data-testid=order-status]")).to_have_text("已确认")
    purchase.contract_id = int(
        supplier.locator("[data-testid=contract-link]").get_attribute("href").rsplit("/", 1)[1]
    )
    ship = supplier.locator("[data-testid=action-ship]")
    ship.locator("[data-testid=do-ship]").click()
    expect(ship.locator(".row-message")).to_contain_text(zh("Fill in the required field."))
    ship.locator("[data-testid=logistics-company]").fill(LOGISTICS)
    ship.locator("[data-testid=tracking-no]").fill(TRACKING)
    ship.locator("[data-testid=do-ship]").click()
    expect(supplier.locator("[data-testid=flash]")).to_contain_text(zh("Shipped"))
    expect(supplier.locator("[data-testid=order-status]")).to_have_text("已发货")
    expect(supplier.locator("[data-testid=logistics]")).to_contain_text(LOGISTICS)
    expect(supplier.locator("[data-testid=tracking]")).to_have_text(TRACKING)


def step_supplier_marks_delivered(supplier: sync_api.Page, purchase: Purchase) -> None:
    supplier.locator("[data-testid=do-deliver]").click()
    expect(supplier.locator("[data-testid=flash]")).to_contain_text(zh("Marked delivered"))
    expect(supplier.locator("[data-testid=order-status]")).to_have_text("已送达")
    expect(supplier.locator("[data-testid=order-actions]")).to_have_count(0)  # the buyer's turn
    events = supplier.locator("[data-testid=timeline] li").evaluate_all(
        "items => items.map(i => i.dataset.event)"
    )
    assert events == ["placed", "confirmed", "shipped", "delivered"], events


def step_sign(page: sync_api.Page, purchase: Purchase, party: str) -> None:
    """A party opens the contract from its order page, reads it and signs."""
    page.locator("[data-testid=go-sign]").click()
    page.wait_for_url(f"**/contracts/{purchase.contract_id}")
    doc = page.locator("[data-testid=contract-doc]")
    expect(doc.locator("[data-testid=party-purchaser]")).to_contain_text("呼和浩特市第一中学")
    expect(doc.locator("[data-testid=party-supplier]")).to_contain_text(SUPPLIER_ORG)
    total = Decimal(purchase.listing["price"]) * purchase.quantity
    expect(doc.locator("[data-testid=contract-total]")).to_have_text(yuan(total))
    expect(doc).to_contain_text(ADDRESS)
    expect(page.locator("[data-testid=hash-check]")).to_contain_text(zh("content matches its hash"))
    expect(page.locator("[data-testid=hash-check]")).to_contain_text(zh("hash is on the ledger"))
    assert len(page.locator("[data-testid=contract-hash]").inner_text()) == 64
    mine = page.locator(f"[data-testid=signature][data-party={party}]")
    expect(mine).to_have_attribute("data-state", "unsigned")
    page.locator("[data-testid=sign]").click()
    expect(page.locator("[data-testid=flash]")).to_contain_text(zh("Contract signed"))
    expect(mine).to_have_attribute("data-state", "verified")
    expect(mine).to_contain_text(zh("Signature verified"))
    expect(page.locator("[data-testid=sign]")).to_have_count(0)
    expect(page.locator("[data-testid=signed-by-you]")).to_be_visible()


def step_buyer_receives(buyer: sync_api.Page, purchase: Purchase) -> None:
    """Delivered: the purchaser sees the logistics and what still stands before payment."""
    buyer.goto(f"/orders/{purchase.order_id}")
    expect(buyer.locator("[data-testid=order-status]")).to_have_text("已送达")
    expect(buyer.locator("[data-testid=logistics]")).to_contain_text(TRACKING)
    panel = buyer.locator("[data-testid=payability]")
    expect(panel).to_have_attribute("data-payable", "false")
    problems = panel.locator("[data-testid=payability-problems] li")
    codes = problems.evaluate_all("items => items.map(i => i.dataset.code)")
    assert codes == ["not_accepted", "no_acceptance", "unsigned_by_purchaser"], codes
    expect(panel).to_contain_text("采购人尚未签署合同")


def step_accept(buyer: sync_api.Page, purchase: Purchase) -> None:
    buyer.goto(f"/orders/{purchase.order_id}")
    # The signed acceptance report goes with the acceptance (履约验收附件).
    report = b"%PDF-1.7\n% acceptance report\n%%EOF\n"
    buyer.locator("[data-testid=attachment-file]").set_input_files(
        files=[{"name": "验收单.pdf", "mimeType": "application/pdf", "buffer": report}]
    )
    buyer.locator("[data-testid=attachment-upload]").click()
    expect(buyer.locator("[data-testid=flash]")).to_contain_text(zh("Attachment added"))
    expect(buyer.locator("[data-testid=attachment]")).to_contain_text("验收单.pdf")
    form = buyer.locator("[data-testid=action-accept]")
    row = form.locator("[data-testid=accept-item]")
    expect(row.locator("[data-testid=accept-quantity]")).to_have_value(str(purchase.quantity))
    row.locator("[data-testid=accept-note]").fill("外观完好，型号一致")
    form.locator("[data-testid=accept-notes]").fill("验收合格")
    form.locator("[data-testid=do-accept]").click()
    # Acceptance settles the order: the dialog says what will be paid before it is sent.
    dialog = buyer.locator("[data-testid=order-confirm]")
    expect(dialog).to_be_visible()
    total = Decimal(purchase.listing["price"]) * purchase.quantity
    expect(dialog.locator("[data-testid=confirm-to-pay]")).to_contain_text(yuan(total))
    expect(dialog.locator("[data-testid=confirm-released]")).to_have_count(0)
    assert_accessible(buyer, "order-accept-confirm")
    dialog.locator("[data-testid=order-confirm-go]").click()
    expect(buyer.locator("[data-testid=flash]")).to_contain_text(zh("Acceptance recorded"))
    expect(buyer.locator("[data-testid=order-status]")).to_have_text("已验收")
    total = Decimal(purchase.listing["price"]) * purchase.quantity
    expect(buyer.locator("[data-testid=accepted-total]")).to_have_text(yuan(total))
    expect(buyer.locator("[data-testid=item-accepted]")).to_contain_text(str(purchase.quantity))
    expect(
        buyer.locator("[data-testid=timeline] [data-event=acceptance_accepted]")
    ).to_contain_text("验收合格")


def step_payable(buyer: sync_api.Page, purchase: Purchase) -> None:
    """Signed by both and accepted: the order may be paid, for the accepted amount."""
    panel = buyer.locator("[data-testid=payability]")
    expect(panel).to_have_attribute("data-payable", "true")
    total = Decimal(purchase.listing["price"]) * purchase.quantity
    expect(panel.locator("[data-testid=payability-state]")).to_contain_text(zh("Payable: "))
    expect(panel.locator("[data-testid=payability-state]")).to_contain_text(yuan(total))
    expect(panel.locator("[data-testid=pay]")).to_be_enabled()
    expect(buyer.locator("[data-testid=contract-state]")).to_have_text(zh("Signed by both"))


def step_pay(buyer: sync_api.Page, purchase: Purchase) -> None:
    """付款: the purchaser goes to the gateway's cashier page, pays, and comes back to the order."""
    buyer.locator("[data-testid=pay]").click()
    buyer.wait_for_url("**/checkout/**")
    total = Decimal(purchase.listing["price"]) * purchase.quantity
    expect(buyer.locator("[data-testid=amount]")).to_contain_text(f"{total:.2f}")
    buyer.locator("[data-testid=sandbox-pay]").click()
    buyer.wait_for_url(f"**/orders/{purchase.order_id}")
    expect(buyer.locator("[data-testid=payments] [data-testid=payment]").first).to_have_attribute(
        "data-status", "succeeded"
    )
    buyer.reload()
    expect(buyer.locator("[data-testid=order-status]")).to_have_text("已支付")
    expect(buyer.locator("[data-testid=payability-state]")).to_contain_text(
        zh("The order has been paid.")
    )


def step_supplier_closes(supplier: sync_api.Page, purchase: Purchase) -> None:
    """确认收款并完结: the supplier sees the payment and closes the order."""
    supplier.goto(f"/supplier/orders/{purchase.order_id}")
    expect(supplier.locator("[data-testid=payments] [data-testid=payment]")).to_have_attribute(
        "data-status", "succeeded"
    )
    supplier.locator("[data-testid=do-close]").click()
    expect(supplier.locator("[data-testid=flash]")).to_contain_text(zh("Order closed"))
    expect(supplier.locator("[data-testid=order-status]")).to_have_text("已完结")


def step_ledger(base: str, purchase: Purchase) -> None:
    """全程留痕: the supervisor's ledger shows every step of the order, and the chain verifies."""
    http = requests.Session()
    signed = http.post(
        f"{base}/api/auth/signin", json={"username": "supervisor", "password": DEMO_PASSWORD}
    )
    assert signed.status_code == 200, signed.text
    entries = http.get(
        f"{base}/api/ledger/entries",
        params={"subject_type": "order", "subject_id": str(purchase.order_id), "per_page": 100},
    ).json()["items"]
    steps = [e["action"] for e in sorted(entries, key=lambda e: e["seq"])]
    assert steps == [
        "order.placed",
        "order.confirmed",
        "order.shipped",
        "order.delivered",
        "order.attachment_added",
        "order.accepted",
        "order.paid",
        "order.closed",
    ], steps
    contract = http.get(
        f"{base}/api/ledger/entries",
        params={"subject_type": "contract", "subject_id": str(purchase.contract_id)},
    ).json()["items"]
    assert sorted(e["action"] for e in contract) == [
        "contract.created",
        "contract.signed",
        "contract.signed",
    ]
    verified = http.get(f"{base}/api/ledger/verify").json()
    assert verified["ok"] is True, verified
    done = subprocess.run(
        [sys.executable, "-m", "flask", "--app", "wsgi", "ledger", "verify"],
        cwd=ROOT,
        env=SERVER_ENVS[base],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0 and "ledger OK" in done.stdout, done.stdout + done.stderr


def test_direct_purchase(open_as, live_server: str, shots: Path, js_errors: list[str]) -> None:
    buyer = open_as(PURCHASER)
    supplier = open_as(SUPPLIER)
    purchase = Purchase()
    purchase.listing = orderable_listing(supplier, buyer)

    step_search_and_add(buyer, purchase)
    step_cart(buyer, purchase)
    assert_accessible(buyer, "cart")
    buyer.screenshot(path=str(shots / "cart.png"), full_page=True)
    step_checkout_refused_for_funds(buyer, purchase)
    assert_accessible(buyer, "checkout-refused")
    buyer.screenshot(path=str(shots / "checkout-refused.png"), full_page=True)
    step_new_budget_line(buyer, purchase)
    step_checkout(buyer, purchase)

    step_supplier_confirms_and_ships(supplier, purchase)
    step_supplier_marks_delivered(supplier, purchase)
    assert_accessible(supplier, "supplier-order")
    supplier.screenshot(path=str(shots / "supplier-order.png"), full_page=True)
    step_sign(supplier, purchase, "supplier")

    step_buyer_receives(buyer, purchase)
    step_sign(buyer, purchase, "purchaser")
    assert_accessible(buyer, "contract")
    buyer.screenshot(path=str(shots / "contract.png"), full_page=True)
    buyer.goto(f"/orders/{purchase.order_id}")
    assert_accessible(buyer, "order-delivered")
    buyer.screenshot(path=str(shots / "order-delivered.png"), full_page=True)
    step_accept(buyer, purchase)
    step_payable(buyer, purchase)
    assert_accessible(buyer, "order-payable")
    buyer.screenshot(path=str(shots / "order-payable.png"), full_page=True)
    step_pay(buyer, purchase)
    step_supplier_closes(supplier, purchase)
    assert_accessible(supplier, "supplier-closed")
    supplier.screenshot(path=str(shots / "supplier-closed.png"), full_page=True)
    step_ledger(live_server, purchase)
    print(f"screenshots in {shots}")
    assert not js_errors, js_errors


# ---------------------------------------------------------------- declining and cancelling


def test_decline_and_cancel(open_as, js_errors: list[str], artifacts: Path) -> None:
    """A decline needs a reason; declining or cancelling ends the order and gives the funds back."""
    buyer = open_as(PURCHASER)
    supplier = open_as(SUPPLIER)
    listing = orderable_listing(supplier, buyer)
    declined = order_by_api(buyer, listing, "DECLINE-01")
    cancelled = order_by_api(buyer, listing, "CANCEL-01")

    supplier.goto(f"/supplier/orders/{declined['id']}")
    action = supplier.locator("[data-testid=action-decline]")
    action.locator("summary").click()
    action.locator("[data-testid=do-decline]").click()
    expect(action.locator(".row-message")).to_contain_text(zh("Fill in the required field."))
    action.locator("[data-testid=decline-reason]").fill("该型号暂时缺货")
    action.locator("[data-testid=do-decline]").click()
    dialog = supplier.locator("[data-testid=order-confirm]")
    expect(dialog.locator("[data-testid=confirm-ends]")).to_contain_text(
        yuan(Decimal(declined["total"]))
    )
    # Going back sends nothing; the order is still open.
    dialog.locator("[data-testid=order-confirm-back]").click()
    expect(dialog).to_be_hidden()
    expect(supplier.locator("[data-testid=order-status]")).not_to_have_text("已拒单")
    action.locator("[data-testid=do-decline]").click()
    dialog.locator("[data-testid=order-confirm-go]").click()
    expect(supplier.locator("[data-testid=flash]")).to_contain_text(zh("Order declined"))
    expect(supplier.locator("[data-testid=order-status]")).to_have_text("已拒单")
    expect(supplier.locator("[data-testid=order-actions]")).to_have_count(0)

    buyer.goto(f"/orders/{declined['id']}")
    expect(buyer.locator("[data-testid=order]")).to_contain_text("该型号暂时缺货")
    expect(buyer.locator("[data-testid=payability]")).to_have_count(0)

    buyer.goto(f"/orders/{cancelled['id']}")
    action = buyer.locator("[data-testid=action-cancel]")
    action.locator("summary").click()
    action.locator("[data-testid=cancel-reason]").fill("需求变更")
    # In English this time: the dialog says the order ends and its funds are released.
    buyer.context.add_cookies([{"name": "lang", "value": "en", "url": buyer.url}])
    buyer.reload()
    action.locator("summary").click()
    action.locator("[data-testid=cancel-reason]").fill("需求变更")
    action.locator("[data-testid=do-cancel]").click()
    dialog = buyer.locator("[data-testid=order-confirm]")
    expect(dialog.locator("h2")).to_have_text(en("Confirm the cancellation"))
    expect(dialog.locator("[data-testid=confirm-ends]")).to_contain_text(
        f"the {yuan(Decimal(cancelled['total']))} reserved on the budget line is released"
    )
    assert_accessible(buyer, "order-cancel-confirm-en")
    buyer.screenshot(path=str(artifacts / "buying-cancel-confirm-en.png"))
    dialog.locator("[data-testid=order-confirm-go]").click()
    expect(buyer.locator("[data-testid=flash]")).to_contain_text(en("Order cancelled"))
    buyer.context.add_cookies([{"name": "lang", "value": "zh", "url": buyer.url}])
    buyer.reload()
    expect(buyer.locator("[data-testid=order-status]")).to_have_text("已取消")
    expect(buyer.locator("[data-testid=timeline] [data-event=cancelled]")).to_contain_text(
        "需求变更"
    )

    # Both lines hold nothing any more: reserved, then released.
    buyer.goto("/budgets")
    for code in ("DECLINE-01", "CANCEL-01"):
        row = buyer.locator(f"[data-testid=budget-row][data-code='{code}']")
        expect(row.locator("[data-testid=budget-reserved]")).to_have_text("¥0.00")
    with buyer.expect_navigation():
        buyer.locator(
            "[data-testid=budget-row][data-code='CANCEL-01'] [data-testid=budget-link]"
        ).click()
    kinds = buyer.locator("[data-testid=movement]").evaluate_all(
        "rows => rows.map(r => r.dataset.kind)"
    )
    assert kinds == ["release", "reserve"], kinds
    assert not js_errors, js_errors


# ---------------------------------------------------------------- access, phone, language


def test_other_units_order_is_refused(open_as) -> None:
    """Another purchaser unit gets the error page for the order and its contract (X-1)."""
    buyer = open_as(PURCHASER)
    supplier = open_as(SUPPLIER)
    order = order_by_api(buyer, orderable_listing(supplier, buyer), "ACL-01")
    call(supplier, "POST", f"/api/mall/supplier/orders/{order['id']}/confirm", {})
    contract_id = call(supplier, "GET", f"/api/mall/supplier/orders/{order['id']}")["contract_id"]

    other = open_as(OTHER_PURCHASER)
    for path in (
        f"/orders/{order['id']}",
        f"/supplier/orders/{order['id']}",
        f"/contracts/{contract_id}",
    ):
        response = other.goto(path)
        assert response is not None and response.status == 403, path
        expect(other.locator("h1")).to_contain_text(f"{zh('Something went wrong')} (403)")
        expect(other.locator("[data-testid=order]")).to_have_count(0)
        expect(other.locator("[data-testid=contract-doc]")).to_have_count(0)
    other.goto("/orders")
    expect(other.locator(f"[data-testid=order-row][data-id='{order['id']}']")).to_have_count(0)
    response = other.goto("/orders/999999")
    assert response is not None and response.status == 404
    # A supplier has no cart, and a purchaser no supplier order list.
    response = supplier.goto("/cart")
    assert response is not None and response.status == 403
    response = other.goto("/supplier/orders")
    assert response is not None and response.status == 403


def test_buying_on_a_phone(open_as, shots: Path, js_errors: list[str]) -> None:
    """At 390px the cart, checkout, order and contract pages fit the screen (X-2)."""
    page = open_as(OTHER_PURCHASER, width=390)
    supplier = open_as(SUPPLIER)
    listing = orderable_listing(supplier, page)
    order = order_by_api(page, listing, "PHONE-01")
    call(page, "POST", "/api/mall/cart/items", {"listing_id": listing["id"], "quantity": 2})

    page.goto("/cart")
    expect(page.locator("[data-testid=cart-item]")).to_have_count(1)
    assert_fits(page, 390)
    expect(page.locator("[data-testid=cart-quantity]")).to_be_visible()
    expect(page.locator("[data-testid=go-checkout]")).to_be_visible()
    assert_accessible(page, "phone-cart")
    page.screenshot(path=str(shots / "phone-cart.png"), full_page=True)
    page.locator("[data-testid=menu-button]").tap()
    expect(page.locator("nav.mainnav a", has_text=zh("Cart"))).to_be_visible()
    assert_accessible(page, "phone-menu")
    page.screenshot(path=str(shots / "phone-menu.png"))

    page.goto("/checkout")
    assert_fits(page, 390)
    assert_accessible(page, "phone-checkout")
    page.screenshot(path=str(shots / "phone-checkout.png"), full_page=True)
    page.goto(f"/orders/{order['id']}")
    expect(page.locator("[data-testid=order-items]")).to_be_visible()
    assert_fits(page, 390)
    assert_accessible(page, "phone-order")
    page.screenshot(path=str(shots / "phone-order.png"), full_page=True)
    page.goto("/orders")
    assert_fits(page, 390)
    page.goto("/budgets")
    assert_fits(page, 390)
    assert_accessible(page, "phone-budgets")
    page.screenshot(path=str(shots / "phone-budgets.png"), full_page=True)

    call(supplier, "POST", f"/api/mall/supplier/orders/{order['id']}/confirm", {})
    contract_id = call(supplier, "GET", f"/api/mall/supplier/orders/{order['id']}")["contract_id"]
    page.goto(f"/contracts/{contract_id}")
    expect(page.locator("[data-testid=contract-doc]")).to_be_visible()
    assert_fits(page, 390)
    assert_accessible(page, "phone-contract")
    page.screenshot(path=str(shots / "phone-contract.png"), full_page=True)
    assert not js_errors, js_errors


def test_checkout_refusal_in_english(open_as) -> None:
    """The language switch turns the pages and the API's refusal into English (X-3)."""
    page = open_as("purchaser.banner")
    supplier = open_as(SUPPLIER)
    listing = orderable_listing(supplier, page)
    new_budget_line(page, "EN-01", "1.00")
    call(page, "POST", "/api/mall/cart/items", {"listing_id": listing["id"], "quantity": 1})
    page.goto("/checkout")
    with page.expect_navigation():
        page.click("[data-testid=lang]")
    expect(page.locator("h1")).to_have_text(en("Check out"))
    expect(page.locator("[data-testid=place-orders]")).to_have_text(en("Place orders"))
    form = page.locator("[data-testid=checkout-form]")
    option = form.locator("[data-testid=budget-line] option", has_text="EN-01")
    form.locator("[data-testid=budget-line]").select_option(option.get_attribute("value"))
    form.locator("[data-testid=delivery-address]").fill("Xianghuang Banner government office")
    form.locator("[data-testid=contact-phone]").fill(PHONE)
    form.locator("[data-testid=place-orders]").click()
    error = form.locator("[data-testid=checkout-error]")
    expect(error).to_have_attribute("data-code", "insufficient_funds")
    expect(error).to_contain_text("The budget line has 1.00 CNY available")


def test_signed_out_visitors_are_sent_to_sign_in(browser, live_server: str) -> None:
    ctx = browser.new_context(base_url=live_server)
    page = ctx.new_page()
    try:
        for path in ("/cart", "/checkout", "/orders", "/supplier/orders", "/budgets"):
            page.goto(path)
            page.wait_for_url("**/signin")
            assert path_of(page) == "/signin", path
    finally:
        ctx.close()
