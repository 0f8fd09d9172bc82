"""Supplier self-registration in a real browser (MALL-6, 一地登记、全区通用).

An anonymous visitor on a phone follows 供应商注册 from the sign-in page and fills the form; a
wrong check character of the credit code comes back next to its field. Corrected, the
registration lands on the home page signed in, with a notice that the enrolment awaits approval.
The operator sees the application and its licence in the review queue and approves it; the
supplier then sees itself enrolled, and its notice is gone.

One live server (demo data) and one browser serve the module.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import expect

from catalog.enrolment.registration import check_character
from tests.frontend.conftest import assert_accessible, assert_fits, path_of

pytestmark = pytest.mark.browser

PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
FIRST17 = "91150102MA7Q3K2N5"
CODE = FIRST17 + check_character(FIRST17)
WRONG = FIRST17 + ("0" if CODE[17] != "0" else "1")
NAME = "呼和浩特市北疆数码科技有限公司"
USERNAME = "beijiang.admin"
PASSWORD = "Beijiang-2026!"


def _fill(page, code: str) -> None:
    form = page.locator("[data-testid=registration-form]")
    form.locator("[data-testid=name_zh]").fill(NAME)
    form.locator("[data-testid=name_en]").fill("Beijiang Digital Technology Co., Ltd.")
    form.locator("[data-testid=credit_code]").fill(code.lower())
    form.locator("[data-testid=enterprise_size]").select_option("micro")
    form.locator("[data-testid=region_id]").select_option(index=2)
    form.locator("[data-testid=categories] input[type=checkbox]").first.check()
    form.locator("[data-testid=licence]").set_input_files(
        [{"name": "营业执照.pdf", "mimeType": "application/pdf", "buffer": PDF}]
    )
    form.locator("[data-testid=contact_name]").fill("其木格")
    form.locator("[data-testid=contact_phone]").fill("0471-5201234")
    form.locator("[data-testid=username]").fill(USERNAME)
    form.locator("[data-testid=password]").fill(PASSWORD)


def test_register_be_approved_and_be_enrolled(open_as, shots: Path, js_errors: list[str]) -> None:
    visitor = open_as(None, width=390)
    visitor.goto("/signin")
    visitor.locator("[data-testid=register-link]").click()
    visitor.wait_for_url("**/register/supplier")
    assert_fits(visitor, 390)
    assert_accessible(visitor, "1-form-phone")
    visitor.screenshot(path=str(shots / "1-form-phone.png"), full_page=True)

    # A wrong check character: refused, and said next to the field.
    _fill(visitor, WRONG)
    with visitor.expect_navigation():
        visitor.locator("[data-testid=register]").click()
    error = visitor.locator("[data-testid=error-credit_code]")
    expect(error).to_contain_text(f"校验位应为 {CODE[17]}，填写的是 {WRONG[17]}")
    field = visitor.locator("[data-testid=credit_code]")
    expect(field).to_have_attribute("aria-invalid", "true")
    expect(visitor.locator("[data-testid=name_zh]")).to_have_value(NAME)
    assert_fits(visitor, 390)
    field.scroll_into_view_if_needed()
    assert_accessible(visitor, "2-wrong-check-phone")
    visitor.screenshot(path=str(shots / "2-wrong-check-phone.png"))

    # Corrected (the file and the password are chosen again): signed in at home.
    _fill(visitor, CODE)
    with visitor.expect_navigation():
        visitor.locator("[data-testid=register]").click()
    assert path_of(visitor) == "/"
    expect(visitor.locator("[data-testid=who]")).to_have_text(USERNAME)
    expect(visitor.locator("[data-testid=enrolment-notice]")).to_be_visible()
    assert_fits(visitor, 390)
    assert_accessible(visitor, "3-home-pending-phone")
    visitor.screenshot(path=str(shots / "3-home-pending-phone.png"), full_page=True)

    # Registered is not enrolled: the console says so.
    visitor.goto("/supplier")
    expect(visitor.locator("[data-testid=enrolment-status]")).to_contain_text("未入驻")
    expect(visitor.locator("[data-testid=application-pending]")).to_be_visible()

    # The operator sees the application and its licence, and approves it.
    operator = open_as("operator")
    operator.goto("/operator/review#enrolment")
    application = operator.locator(f"[data-testid=application][data-supplier='{NAME}']")
    expect(application).to_be_visible()
    link = application.locator("[data-testid=licence-link]")
    expect(link).to_be_visible()
    href = link.get_attribute("href")
    licence = operator.request.get(href)
    assert licence.status == 200 and licence.body() == PDF
    assert open_as("supplier").request.get(href).status == 403
    assert_accessible(operator, "4-review")
    operator.screenshot(path=str(shots / "4-review.png"), full_page=True)
    application.locator("[data-testid=approve]").click()
    expect(application).to_have_attribute("data-decided", "approved")

    # The supplier is enrolled now; the notice is gone.
    visitor.goto("/supplier")
    expect(visitor.locator("[data-testid=enrolment-status]")).to_contain_text("已入驻")
    visitor.goto("/")
    expect(visitor.locator("[data-testid=enrolment-notice]")).to_have_count(0)
    assert js_errors == []
