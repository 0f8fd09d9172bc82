"""The web UI in a real browser: Chromium driven through Playwright against the mall served by gunicorn
(the live_server and browser fixtures are in conftest.py)."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright import sync_api

from core.accounts.demo import ORGS, USERS
from tests.frontend.conftest import assert_accessible, assert_fits, path_of, sign_in
from tests.frontend.texts import en, zh

pytestmark = pytest.mark.browser

# The demo users exercised here, one per kind of home page.
HOME_USERS = [
    "supervisor",
    "supervisor.hohhot",
    "monitor",
    "operator",
    "handler",
    "purchaser",
    "supplier",
    "banker",
]
DEMO_USERS = {username: (name, org, roles) for username, name, org, roles in USERS}
ORG_NAMES = {key: (zh, en) for key, _kind, zh, en, _credit, _region in ORGS}


@pytest.mark.parametrize("username", HOME_USERS)
def test_home_page_per_role(page, artifacts: Path, username: str) -> None:
    """Each role signs in through the form and sees its own home page: name, organisation, one tile
    per role (X-1 roles, X-3 Chinese by default); supervisors see the verified ledger and the link to its browser (SUP-1, SUP-6),
    other roles no ledger at all."""
    display_name, org_key, roles = DEMO_USERS[username]
    sign_in(page, username)
    page.wait_for_url("**/")
    assert path_of(page) == "/"

    home = page.locator("[data-testid=home]")
    sync_api.expect(home.locator("h1")).to_contain_text(display_name)
    sync_api.expect(page.locator("[data-testid=org]")).to_contain_text(ORG_NAMES[org_key][0])
    sync_api.expect(page.locator("[data-testid=who]")).to_have_text(username)
    for role in roles:
        sync_api.expect(page.locator(f"[data-testid=role-{role.value}]")).to_be_visible()
    assert page.locator("[data-testid^=role-]").count() == len(roles)

    ledger = page.locator("[data-testid=ledger]")
    if any(role.value == "supervisor" for role in roles):
        sync_api.expect(ledger).to_be_visible()
        status = ledger.locator("[data-testid=ledger-status]")
        sync_api.expect(status).to_contain_text(zh("Ledger verified"))
        sync_api.expect(status).to_have_class("ok")
        sync_api.expect(ledger.locator("[data-testid=ledger-browser-link]")).to_be_visible()
    else:
        sync_api.expect(ledger).to_have_count(0)

    assert_accessible(page, f"home-{username}")
    page.screenshot(path=str(artifacts / f"home-{username}.png"), full_page=True)


def test_wrong_password_stays_on_signin(page) -> None:
    """A wrong password shows the error on the sign-in page and signs nobody in (X-5)."""
    sign_in(page, "purchaser", "not-the-password")
    error = page.locator("[data-testid=signin-error]")
    sync_api.expect(error).to_be_visible()
    sync_api.expect(error).to_contain_text("用户名或密码错误")
    assert path_of(page) == "/signin"
    sync_api.expect(page.locator("input[name=username]")).to_have_value("purchaser")
    sync_api.expect(page.locator("[data-testid=home]")).to_have_count(0)
    assert_accessible(page, "signin-error")
    page.goto("/")
    page.wait_for_url("**/signin")


def test_sign_out_ends_the_session(page, context) -> None:
    """Signing out returns to the sign-in page, and the old session cookie no longer works: the
    session is revoked on the server, not just forgotten by the browser (X-5)."""
    sign_in(page, "operator")
    page.wait_for_url("**/")
    old_cookies = context.cookies()
    assert any(c["name"] == "mall_session" for c in old_cookies)

    with page.expect_navigation():
        page.locator("[data-testid=signout]").click()
    page.wait_for_url("**/signin")
    assert not any(c["name"] == "mall_session" for c in context.cookies())
    page.goto("/")
    page.wait_for_url("**/signin")

    context.add_cookies(old_cookies)
    page.goto("/")
    page.wait_for_url("**/signin")
    sync_api.expect(page.locator("[data-testid=home]")).to_have_count(0)


def test_language_switch(page, artifacts: Path) -> None:
    """Chinese by default; the language link switches the whole page to English and back (X-3)."""
    sign_in(page, "purchaser")
    page.wait_for_url("**/")
    signout = page.locator("[data-testid=signout]")
    sync_api.expect(signout).to_have_text(zh("Sign out"))
    assert page.get_attribute("html", "lang") == "zh-CN"

    with page.expect_navigation():
        page.click("[data-testid=lang]")
    sync_api.expect(signout).to_have_text(en("Sign out"))
    sync_api.expect(page.locator("[data-testid=home] h1")).to_contain_text(en("Welcome, ").strip())
    sync_api.expect(page.locator("[data-testid=org]")).to_contain_text(ORG_NAMES["school"][1])
    sync_api.expect(page.locator("[data-testid=role-purchaser]")).to_contain_text("Purchaser")
    assert page.get_attribute("html", "lang") == "en"
    assert_accessible(page, "home-purchaser-en")
    page.screenshot(path=str(artifacts / "home-purchaser-en.png"), full_page=True)

    with page.expect_navigation():
        page.click("[data-testid=lang]")
    sync_api.expect(signout).to_have_text(zh("Sign out"))
    sync_api.expect(page.locator("[data-testid=org]")).to_contain_text(ORG_NAMES["school"][0])
    assert page.get_attribute("html", "lang") == "zh-CN"


def test_mobile_layout(browser, live_server: str, artifacts: Path) -> None:
    """On a phone-sized screen the pages fit the width and the menu button opens the navigation
    (X-2). The supervisor's home, with its tables, is the widest page."""
    ctx = browser.new_context(
        base_url=live_server,
        viewport={"width": 390, "height": 844},
        device_scale_factor=2,
        is_mobile=True,
        has_touch=True,
        locale="zh-CN",
    )
    ctx.set_default_timeout(10_000)
    try:
        page = ctx.new_page()
        page.goto("/signin")
        assert_fits(page, 390)
        # Signed out there is nothing to fold away: the language link shows, no menu button.
        sync_api.expect(page.locator("[data-testid=lang]")).to_be_visible()
        sync_api.expect(page.locator("[data-testid=menu-button]")).to_have_count(0)
        assert_accessible(page, "mobile-signin")
        page.screenshot(path=str(artifacts / "mobile-signin.png"), full_page=True)

        sign_in(page, "supervisor")
        page.wait_for_url("**/")
        assert_fits(page, 390)

        nav = page.locator(".mainnav")
        sync_api.expect(nav).to_be_hidden()
        page.locator("[data-testid=menu-button]").tap()
        sync_api.expect(nav).to_be_visible()
        sync_api.expect(nav.locator("[data-testid=signout]")).to_be_visible()
        sync_api.expect(nav.locator("[data-testid=lang]")).to_be_visible()
        assert_fits(page, 390)
        assert_accessible(page, "mobile-home")
        page.screenshot(path=str(artifacts / "mobile-home.png"), full_page=True)

        page.locator("[data-testid=menu-button]").tap()
        sync_api.expect(nav).to_be_hidden()
    finally:
        ctx.close()
