"""The dispute desk in a real browser (MALL-9, 纠纷化解): from opening a dispute to a ruling whose refund
shows on the order.

The purchaser opens a dispute on a paid order from the order page, with a reason, a statement and a
photo; the order's payment is held. The supplier, on a phone, finds it in its disputes and
responds. The assigned handler finds it at the top of the queue, reads the case file beside the
evidence, and rules: upheld, a refund through the (sandbox) gateway and a credit penalty. The
dispute is archived, and the purchaser's order page shows the refund. A third party is refused.

One live server (demo data) and one browser serve the module.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.frontend.conftest import assert_accessible, assert_fits, path_of
from tests.frontend.test_buying_browser import PURCHASER, SUPPLIER, call
from tests.frontend.test_services_ratings_browser import paid_order

pytestmark = pytest.mark.browser

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 256


def test_from_opening_to_a_ruling_whose_refund_shows_on_the_order(
    open_as, shots: Path, js_errors: list[str]
) -> None:
    buyer = open_as(PURCHASER)
    supplier = open_as(SUPPLIER, width=390)
    _, order = paid_order(buyer, supplier, "DISP-01")
    oid = order["id"]

    # The purchaser opens a dispute from the order page.
    buyer.goto(f"/orders/{oid}")
    buyer.locator("[data-testid=open-dispute]").click()
    buyer.wait_for_url(f"**/disputes/new?order={oid}")
    form = buyer.locator("[data-testid=open-form]")
    form.locator("[data-testid=open-submit]").click()  # no statement yet: refused on the page
    expect(form.locator(".row-message")).to_have_class("row-message alert-text")
    form.locator("[data-testid=reason]").select_option("goods_mismatch")
    form.locator("[data-testid=statement]").fill("到货主机型号与合同约定不符，请求退还差价。")
    form.locator("[data-testid=files]").set_input_files(
        [{"name": "到货照片.png", "mimeType": "image/png", "buffer": PNG}]
    )
    assert_accessible(buyer, "1-open")
    buyer.screenshot(path=str(shots / "1-open.png"), full_page=True)
    form.locator("[data-testid=open-submit]").click()
    buyer.wait_for_url(re.compile(r"/disputes/\d+$"))
    dispute_id = int(path_of(buyer).rsplit("/", 1)[1])
    page = buyer.locator("[data-testid=dispute]")
    expect(page).to_have_attribute("data-status", "awaiting_response")
    expect(buyer.locator("[data-testid=payment-held]")).to_be_visible()
    expect(buyer.locator("[data-testid=evidence-file]")).to_have_text("到货照片.png")
    assert_accessible(buyer, "2-opened")
    buyer.screenshot(path=str(shots / "2-opened.png"), full_page=True)

    # Another unit cannot see it.
    other = open_as("purchaser.hospital")
    response = other.request.get(f"/api/disputes/{dispute_id}")
    assert response.status == 403

    # The supplier, on a phone, finds it and responds.
    supplier.goto("/disputes")
    supplier.locator(
        f"[data-testid=dispute-row][data-id='{dispute_id}'] [data-testid=dispute-link]"
    ).click()
    supplier.wait_for_url(f"**/disputes/{dispute_id}")
    respond = supplier.locator("[data-testid=respond-form]")
    respond.locator("[data-testid=response-statement]").fill("已按合同型号发货，签收单为证。")
    assert_fits(supplier, 390)
    assert_accessible(supplier, "3-respond-phone")
    supplier.screenshot(path=str(shots / "3-respond-phone.png"), full_page=True)
    respond.locator("[data-testid=respond-submit]").click()
    expect(supplier.locator("[data-testid=dispute]")).to_have_attribute(
        "data-status", "under_review"
    )

    # The assigned handler has it in the queue and rules.
    detail = call(buyer, "GET", f"/api/disputes/{dispute_id}")
    handler_user = {"吴纠纷": "handler", "钱调解": "handler2"}[detail["handler_name"]]
    handler = open_as(handler_user)
    handler.goto("/disputes")
    first = handler.locator("[data-testid=dispute-row]").first
    expect(first).to_have_attribute("data-id", str(dispute_id))
    assert_accessible(handler, "4-queue")
    handler.screenshot(path=str(shots / "4-queue.png"), full_page=True)
    first.locator("[data-testid=dispute-link]").click()
    handler.wait_for_url(f"**/disputes/{dispute_id}")
    expect(handler.locator("[data-testid=case-contract]")).to_contain_text("签章有效")
    expect(handler.locator("[data-testid=case-payment]")).to_have_attribute(
        "data-status", "succeeded"
    )
    ruling = handler.locator("[data-testid=ruling-form]")
    ruling.locator("[data-testid=ruling-outcome]").select_option("upheld")
    ruling.locator("[data-testid=ruling-reasons]").fill(
        "经核查到货照片与合同，型号不符，申请成立。"
    )
    ruling.locator("[data-testid=ruling-refund]").fill("100.00")
    ruling.locator("[data-testid=ruling-penalty]").fill("3")
    assert_accessible(handler, "5-ruling")
    handler.screenshot(path=str(shots / "5-ruling.png"), full_page=True)
    ruling.locator("[data-testid=ruling-submit]").click()
    # The ruling's effects are shown for confirmation before anything is done.
    confirm = handler.locator("[data-testid=ruling-confirm]")
    expect(confirm).to_be_visible()
    expect(confirm.locator("[data-testid=preview-refund]")).to_contain_text("¥100.00")
    expect(confirm.locator("[data-testid=preview-penalty]")).to_have_text("扣 3 分")
    confirm.locator("[data-testid=ruling-confirm-go]").click()
    expect(handler.locator("[data-testid=dispute]")).to_have_attribute("data-status", "archived")
    expect(handler.locator("[data-testid=outcome]")).to_have_text("支持申请")
    expect(handler.locator("[data-testid=effects] li[data-kind=refund]")).to_have_attribute(
        "data-status", "done"
    )
    expect(handler.locator("[data-testid=case-refunded]")).to_have_text("¥100.00")
    assert_accessible(handler, "6-ruled")
    handler.screenshot(path=str(shots / "6-ruled.png"), full_page=True)

    # The purchaser's order shows the refund, and payment is no longer held.
    buyer.goto(f"/orders/{oid}")
    expect(buyer.locator("[data-testid=payment-refunded]")).to_have_text("已退款 ¥100.00")
    expect(buyer.locator("[data-testid=order-payment-held]")).to_have_count(0)
    assert_accessible(buyer, "7-order-refunded")
    buyer.screenshot(path=str(shots / "7-order-refunded.png"), full_page=True)
    # The supplier was told of the ruling.
    inbox = call(supplier, "GET", "/api/notifications")
    assert any(n["kind"] == "dispute.ruled" for n in inbox["items"])
    assert js_errors == []
    print(f"screenshots: {shots}")
