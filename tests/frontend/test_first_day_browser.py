"""The first day in a real browser, in Chinese and in English: a dispute ruling previewed and
confirmed in a dialog (MALL-9); the supplier console's new-listing form first, its required fields
marked and checked as the supplier types, also on a phone (CAT-2); and the smaller things — the
purchaser's notices of a confirmed order and a contract to sign (MALL-12), a checkout that flags
every empty delivery field (MALL-3), error pages that say what happened and offer a way on, the
sign-in page naming the demo accounts, the site icon, the supervisor's ledger line covering the
latest entry (SUP-1) and the API document page listing every operation.

One live server (demo data) and one browser serve the module.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from core.accounts.demo import DEMO_PASSWORD
from tests.frontend.conftest import assert_accessible, assert_fits, path_of
from tests.frontend.test_buying_browser import (
    PHONE,
    PURCHASER,
    SUPPLIER,
    call,
    new_budget_line,
    order_by_api,
    orderable_listing,
)

pytestmark = pytest.mark.browser

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 256


def switch_language(page: Page, to: str) -> None:
    """Click the language link (it toggles), unless the page is in ``to`` already."""
    current = "en" if (page.locator("html").get_attribute("lang") or "").startswith("en") else "zh"
    if current != to:
        menu = page.locator("[data-testid=menu-button]")
        if menu.count() and menu.is_visible():  # a phone: the links are behind the menu
            menu.click()
        with page.expect_navigation():
            page.click("[data-testid=lang]")


def multipart(page: Page, url: str, fields: dict[str, Any]) -> Any:
    token = page.locator("meta[name=csrf-token]").get_attribute("content")
    response = page.request.post(url, multipart=fields, headers={"X-CSRF-Token": token or ""})
    assert response.ok, f"POST {url}: {response.status} {response.text()}"
    return response.json()


def shot(page: Page, shots: Path, name: str) -> None:
    page.screenshot(path=str(shots / f"{name}.png"), full_page=True)


# ---------------------------------------------------------------- 6: the ruling's confirmation


def test_a_ruling_is_previewed_and_confirmed_in_a_dialog(
    open_as, shots: Path, js_errors: list[str]
) -> None:
    buyer = open_as(PURCHASER)
    supplier = open_as(SUPPLIER)
    listing = orderable_listing(supplier, buyer)
    order = order_by_api(buyer, listing, "FIRST-06")
    oid = order["id"]
    call(supplier, "POST", f"/api/mall/supplier/orders/{oid}/confirm", {})
    ship = {"logistics_company": "顺丰速运", "tracking_no": "SF0000000006"}
    call(supplier, "POST", f"/api/mall/supplier/orders/{oid}/ship", ship)
    call(supplier, "POST", f"/api/mall/supplier/orders/{oid}/delivered", {})
    dispute = multipart(
        buyer,
        "/api/disputes",
        {"order_id": str(oid), "reason": "goods_mismatch", "statement": "到货型号与合同不符。"},
    )
    multipart(supplier, f"/api/disputes/{dispute['id']}/response", {"statement": "同意换货。"})
    detail = call(buyer, "GET", f"/api/disputes/{dispute['id']}")
    handler = open_as({"吴纠纷": "handler", "钱调解": "handler2"}[detail["handler_name"]])

    # In English: the preview, then back to the draft; nothing is done.
    handler.goto(f"/disputes/{dispute['id']}")
    switch_language(handler, "en")
    form = handler.locator("[data-testid=ruling-form]")
    form.locator("[data-testid=ruling-outcome]").select_option("upheld")
    form.locator("[data-testid=ruling-reasons]").fill("The model delivered is not the one agreed.")
    form.locator("input[name=reopen]").check()
    form.locator("[data-testid=ruling-penalty]").fill("2")
    form.locator("[data-testid=ruling-submit]").click()
    dialog = handler.get_by_role("dialog", name="Confirm the ruling")
    expect(dialog).to_be_visible()
    expect(dialog.locator("[data-testid=preview-outcome]")).to_have_text("Upheld")
    expect(dialog.locator("[data-testid=preview-reopen]")).to_contain_text("back to")
    expect(dialog.locator("[data-testid=preview-penalty]")).to_have_text("2 points")
    expect(dialog.locator("[data-testid=preview-refund]")).to_have_text("None")
    expect(dialog.locator("[data-testid=preview-archive]")).to_contain_text("archived at once")
    expect(dialog.locator("[data-testid=ruling-confirm-go]")).to_be_focused()
    assert_accessible(handler, "6-preview-en")
    shot(handler, shots, "6-preview-en")
    dialog.locator("[data-testid=ruling-confirm-back]").click()
    expect(dialog).to_be_hidden()
    assert call(handler, "GET", f"/api/disputes/{dispute['id']}")["status"] == "under_review"

    # In Chinese: the same draft, confirmed; the ruling does what the dialog said.
    switch_language(handler, "zh")
    form.locator("[data-testid=ruling-reasons]").fill("到货型号与合同不符，重新供货。")
    form.locator("input[name=reopen]").check()
    form.locator("[data-testid=ruling-penalty]").fill("2")
    form.locator("[data-testid=ruling-submit]").click()
    dialog = handler.get_by_role("dialog", name="确认裁决")
    expect(dialog.locator("[data-testid=preview-reopen]")).to_contain_text("已确认")
    expect(dialog.locator("[data-testid=preview-penalty]")).to_have_text("扣 2 分")
    expect(dialog.locator("[data-testid=preview-archive]")).to_contain_text("立即归档")
    assert_accessible(handler, "6-preview-zh")
    shot(handler, shots, "6-preview-zh")
    dialog.locator("[data-testid=ruling-confirm-go]").click()
    expect(handler.locator("[data-testid=dispute]")).to_have_attribute("data-status", "archived")
    ruled = call(handler, "GET", f"/api/disputes/{dispute['id']}")
    assert sorted(e["kind"] for e in ruled["effects"]) == ["credit_penalty", "reopen"]
    assert call(buyer, "GET", f"/api/mall/orders/{oid}")["status"] == "confirmed"
    assert js_errors == []


# ---------------------------------------------------------------- 8: the new-listing form


def test_the_new_listing_form_comes_first_and_checks_as_one_types(
    open_as, shots: Path, js_errors: list[str]
) -> None:
    page = open_as(SUPPLIER)
    page.goto("/supplier")
    new = page.locator("[data-testid=new-listing]")
    listings = page.locator("[data-testid=my-listings]")
    assert new.bounding_box()["y"] < listings.bounding_box()["y"]
    expect(page.locator("[data-testid=new-listing-link]")).to_be_visible()
    form = page.locator("[data-testid=listing-form]")
    for name in ("title_zh", "brand", "model", "price", "stock"):
        field = form.locator(f"[name={name}]")
        expect(field).to_have_attribute("aria-required", "true")
        expect(form.locator(f"label:has([name={name}]) .req")).to_have_text("*")
    expect(form.locator("[name=sku]")).not_to_have_attribute("aria-required", "true")

    # Chinese: messages appear as one types, by the API's own limits.
    title = form.locator("[name=title_zh]")
    title.fill("联")
    expect(form.locator("[data-testid=error-title_zh]")).to_have_text("至少 2 个字符。")
    expect(title).to_have_attribute("aria-invalid", "true")
    title.fill("联想台式机")
    expect(form.locator("[data-testid=error-title_zh]")).to_have_text("")
    form.locator("[name=price]").fill("12.345")
    expect(form.locator("[data-testid=error-price]")).to_contain_text("最多两位小数")
    form.locator("[name=barcode]").fill("123")
    expect(form.locator("[data-testid=error-barcode]")).to_have_text("条码须为 8–14 位数字。")
    form.locator("[name=stock]").fill("-1")
    expect(form.locator("[data-testid=error-stock]")).to_have_text("须在 0 到 10000000 之间。")
    form.locator("[data-testid=create-listing]").click()
    expect(form.locator("[data-testid=error-category_id]")).to_have_text("请选择品目。")
    expect(form.locator("[data-testid=error-brand]")).to_have_text("必填。")
    assert_accessible(page, "8-listing-zh")
    shot(page, shots, "8-listing-zh")

    # English on a phone.
    phone = open_as(SUPPLIER, width=390)
    phone.goto("/supplier")
    switch_language(phone, "en")
    form = phone.locator("[data-testid=listing-form]")
    form.locator("[name=model]").fill("x" * 101)
    expect(form.locator("[data-testid=error-model]")).to_have_text("")  # the input stops at 100
    form.locator("[name=title_zh]").fill("台")
    expect(form.locator("[data-testid=error-title_zh]")).to_have_text("At least 2 characters.")
    form.locator("[name=price]").fill("abc")
    expect(form.locator("[data-testid=error-price]")).to_contain_text("at most two decimals")
    form.locator("[name=brand]").fill("")
    form.locator("[name=brand]").blur()
    expect(form.locator("[data-testid=error-brand]")).to_have_text("Required.")
    form.locator("[data-testid=listing-regions] input").first.check()
    form.locator("[data-testid=listing-regions] input").first.uncheck()
    expect(form.locator("[data-testid=error-region_ids]")).to_contain_text("delivery region")
    assert_fits(phone, 390)
    assert_accessible(phone, "8-listing-en-phone")
    phone.evaluate("window.scrollTo(0, 0)")
    phone.screenshot(path=str(shots / "8-listing-en-phone-top.png"))
    assert js_errors == []


# ---------------------------------------------------------------- 10: the smaller things


def test_the_purchaser_is_told_of_a_confirmed_order_and_a_contract_to_sign(
    open_as, shots: Path, js_errors: list[str]
) -> None:
    buyer = open_as(PURCHASER)
    supplier = open_as(SUPPLIER)
    listing = orderable_listing(supplier, buyer)
    order = order_by_api(buyer, listing, "FIRST-10")
    call(supplier, "POST", f"/api/mall/supplier/orders/{order['id']}/confirm", {})
    contract_id = call(buyer, "GET", f"/api/mall/orders/{order['id']}")["contract_id"]
    call(supplier, "POST", f"/api/mall/contracts/{contract_id}/sign", {})
    buyer.goto("/notifications")
    notices = buyer.locator("[data-testid=notification]")
    expect(notices.filter(has_text="已被供应商确认").first).to_be_visible()
    awaiting = buyer.locator("[data-testid=notification][data-kind='contract.awaiting_signature']")
    expect(awaiting.first).to_contain_text("待贵单位签署")
    assert_accessible(buyer, "10-notices-zh")
    shot(buyer, shots, "10-notices-zh")
    switch_language(buyer, "en")
    expect(notices.filter(has_text="was confirmed by the supplier").first).to_be_visible()
    expect(awaiting.first).to_contain_text("awaits your signature")
    awaiting.first.locator("a").click()
    buyer.wait_for_url(f"**/contracts/{contract_id}")
    # Another purchasing unit has no such notice.
    other = open_as("purchaser.hospital")
    kinds = [n["subject_id"] for n in call(other, "GET", "/api/notifications")["items"]]
    assert str(order["id"]) not in kinds and str(contract_id) not in kinds
    assert js_errors == []


def test_checkout_flags_every_empty_delivery_field(
    open_as, shots: Path, js_errors: list[str]
) -> None:
    page = open_as(PURCHASER)
    supplier = open_as(SUPPLIER)
    listing = orderable_listing(supplier, page)
    new_budget_line(page, "FIRST-CHK", "100000.00")
    call(page, "POST", "/api/mall/cart/items", {"listing_id": listing["id"], "quantity": 1})
    for lang, budget, address, phone in (
        ("zh", "请选择预算指标。", "请填写收货地址。", "请填写联系电话。"),
        ("en", "Choose a budget line.", "Give the delivery address.", "Give a contact phone"),
    ):
        page.goto("/checkout")
        switch_language(page, lang)
        form = page.locator("[data-testid=checkout-form]")
        form.locator("[data-testid=delivery-address]").fill("")
        form.locator("[data-testid=contact-phone]").fill("")
        form.locator("[data-testid=place-orders]").click()
        error = form.locator("[data-testid=checkout-error]")
        for text in (budget, address, phone):
            expect(error).to_contain_text(text)
        for testid in ("budget-line", "delivery-address", "contact-phone"):
            expect(form.locator(f"[data-testid={testid}]")).to_have_attribute(
                "aria-invalid", "true"
            )
        expect(form.locator("[data-testid=budget-line]")).to_be_focused()
        assert_accessible(page, f"10-checkout-{lang}")
        shot(page, shots, f"10-checkout-{lang}")
    # The API refuses the same with its own code, whatever the page does.
    token = page.locator("meta[name=csrf-token]").get_attribute("content")
    refused = page.request.post(
        "/api/mall/checkout",
        data={
            "budget_line_id": 1,
            "delivery_address": " ",
            "contact_name": "张",
            "contact_phone": PHONE,
        },
        headers={"X-CSRF-Token": token or ""},
    )
    assert refused.status == 422 and refused.json()["code"] == "delivery_incomplete"
    assert js_errors == []


def test_error_pages_say_what_happened_and_offer_a_way_on(
    open_as, shots: Path, js_errors: list[str]
) -> None:
    page = open_as(None)
    response = page.goto("/no-such-page")
    assert response is not None and response.status == 404
    expect(page.locator("[data-testid=error-sentence]")).to_contain_text("页面或记录不存在")
    expect(page.locator("main")).not_to_contain_text("not_found")
    expect(page.locator("[data-testid=error-signin]")).to_be_visible()
    assert_accessible(page, "10-error-404-zh")
    shot(page, shots, "10-error-404-zh")
    switch_language(page, "en")
    expect(page.locator("[data-testid=error-sentence]")).to_contain_text("does not exist")
    page.locator("[data-testid=error-signin]").click()
    page.wait_for_url("**/signin")

    supplier = open_as(SUPPLIER)
    supplier.goto("/supplier/orders")
    supplier.goto("/budgets", referer=supplier.url)  # as if followed from the orders page
    expect(supplier.locator("[data-testid=error-sentence]")).to_have_text(
        "此页面仅供采购单位的采购人使用。"
    )
    expect(supplier.locator("main")).not_to_contain_text("purchaser_only")
    assert_accessible(supplier, "10-error-403-zh")
    shot(supplier, shots, "10-error-403-zh")
    supplier.locator("[data-testid=error-back]").click()
    supplier.wait_for_url("**/supplier/orders")
    switch_language(supplier, "en")
    supplier.goto("/budgets")
    expect(supplier.locator("[data-testid=error-sentence]")).to_contain_text(
        "for purchasers of a purchasing organisation only"
    )
    supplier.locator("[data-testid=error-home]").click()
    supplier.wait_for_url("**/")
    assert js_errors == []


def test_sign_in_names_the_demo_accounts_and_the_site_has_an_icon(
    open_as, shots: Path, js_errors: list[str]
) -> None:
    page = open_as(None)
    page.goto("/signin")
    accounts = page.locator("[data-testid=demo-accounts]")
    expect(accounts).to_contain_text("演示账号")
    expect(accounts.locator("[data-testid=demo-password]")).to_have_text(DEMO_PASSWORD)
    expect(accounts.locator("[data-testid=demo-account]").first).to_contain_text("purchaser")
    expect(page.locator("main")).not_to_contain_text("flask demo load")
    assert_accessible(page, "10-signin-zh")
    shot(page, shots, "10-signin-zh")
    switch_language(page, "en")
    expect(accounts).to_contain_text("Demo accounts")
    expect(accounts).to_contain_text("Purchaser")
    assert_accessible(page, "10-signin-en")
    icon = page.request.get("/favicon.ico")
    assert icon.ok and icon.body()[:4] == b"\x00\x00\x01\x00"
    assert page.locator("link[rel=icon]").count() == 2
    # The demo accounts sign in as the page says.
    page.fill("input[name=username]", "operator")
    page.fill("input[name=password]", DEMO_PASSWORD)
    with page.expect_navigation():
        page.click("form.form button[type=submit]")
    assert path_of(page) == "/"
    assert js_errors == []


def test_the_ledger_line_covers_the_latest_entry_and_the_api_page_lists_everything(
    open_as, shots: Path, js_errors: list[str]
) -> None:
    page = open_as("supervisor")
    for lang, verified in (("zh", "账本校验通过"), ("en", "Ledger verified")):
        page.goto("/")
        switch_language(page, lang)
        status = page.locator("[data-testid=ledger-status]")
        expect(status).to_contain_text(verified)
        latest = call(page, "GET", "/api/ledger/entries?per_page=1")["items"][0]["seq"]
        covered = int(page.locator("[data-testid=ledger-covers]").get_attribute("data-seq"))
        assert covered >= latest
        assert_accessible(page, f"10-ledger-{lang}")
        shot(page, shots, f"10-ledger-{lang}")
        # The browser lists the latest entries, each covered by the verification above.
        page.locator("[data-testid=ledger-browser-link]").click()
        page.wait_for_url("**/supervision/ledger")
        first = page.locator("[data-testid=ledger-entry]").first
        assert int(first.get_attribute("data-seq")) <= covered
        assert_accessible(page, f"10-ledger-browser-{lang}")
        shot(page, shots, f"10-ledger-browser-{lang}")

    document = page.request.get("/api/openapi.json").json()
    operations = sum(
        1
        for item in document["paths"].values()
        for m in item
        if m in ("get", "post", "put", "patch", "delete")
    )
    for lang, heading in (("en", "API docs"), ("zh", "接口文档")):
        page.goto("/")
        switch_language(page, lang)
        page.locator("[data-testid=api-docs-link]").click()
        page.wait_for_url("**/api-docs")
        expect(page.locator("h1")).to_have_text(heading)
        rows = page.locator("[data-testid=api-operation]")
        assert rows.count() >= operations
        listed = {r.get_attribute("data-path") for r in rows.all()}
        assert listed == set(document["paths"])
        assert_accessible(page, f"10-api-docs-{lang}")
        page.screenshot(path=str(shots / f"10-api-docs-{lang}.png"))
    assert js_errors == []
