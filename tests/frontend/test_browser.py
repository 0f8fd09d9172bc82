"""The web UI in a real browser: Chromium driven through Playwright against the mall served by gunicorn.

The server is started the way an operator starts it (migrations, demo data, gunicorn with the project's
configuration) on a fresh database of its own: a SQLite file, or a PostgreSQL schema when
TEST_DATABASE_URL is set. One server and one browser serve the whole module.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright import sync_api

from core.accounts.demo import DEMO_PASSWORD, ORGS, USERS
from frontend.i18n import TEXT
from tests import dbutil

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "tests" / "artifacts"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-quic",
    "--no-first-run",
    "--disable-component-update",
    "--disable-sync",
]
STARTUP_SECONDS = 30
STOP_SECONDS = 10
SECRET_KEY = "browser-test-secret-key-0123456789abcdef"

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


def zh(key: str) -> str:
    return TEXT[key][0]


def en(key: str) -> str:
    return TEXT[key][1]


def _python() -> str:
    venv = ROOT / ".venv" / "bin" / "python"
    return str(venv) if venv.exists() else sys.executable


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2) as response:  # noqa: S310 (local test server)
            return response.status == 200
    except (urllib.error.URLError, ConnectionError, TimeoutError):
        return False


def _run_step(args: list[str], env: dict[str, str], log: Path) -> None:
    """Run one set-up command, append its output to the log, fail the module with it on error."""
    result = subprocess.run(
        [_python(), "-m", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    output = result.stdout + result.stderr
    with log.open("a") as handle:
        handle.write(f"$ {' '.join(args)}\n{output}\n")
    if result.returncode != 0:
        pytest.fail(f"{' '.join(args)} failed ({result.returncode}):\n{output}", pytrace=False)


@pytest.fixture(scope="module")
def server_log(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("live") / "server.log"


@pytest.fixture(scope="module")
def live_server(server_log: Path) -> Iterator[str]:
    """The mall served by gunicorn on a free local port; yields its base URL."""
    tmp = server_log.parent
    database_url = dbutil.fresh_url(dbutil.base_url(str(tmp)), "live", str(tmp))
    port = _free_port()
    env = {
        **os.environ,
        "MALL_INSTANCE_PATH": str(tmp),
        "DATABASE_URL": database_url,
        "SECRET_KEY": SECRET_KEY,
        "MALL_BIND": f"127.0.0.1:{port}",
        "PYTHONUNBUFFERED": "1",
        "MALL_DEMO_LISTINGS": "150",  # a smaller demo catalog keeps start-up quick
    }
    log = server_log
    _run_step(["flask", "--app", "wsgi", "db", "upgrade"], env, log)
    _run_step(["flask", "--app", "wsgi", "demo", "load"], env, log)

    base = f"http://127.0.0.1:{port}"
    with log.open("a") as out:
        server = subprocess.Popen(
            [_python(), "-m", "gunicorn", "-c", "gunicorn.conf.py", "wsgi:app"],
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    try:
        deadline = time.monotonic() + STARTUP_SECONDS
        while not _answers(f"{base}/signin"):
            if server.poll() is not None or time.monotonic() > deadline:
                print(log.read_text(errors="replace"))
                pytest.fail(
                    f"the server did not answer on {base} (exit code {server.poll()}); "
                    f"its output is above and in {log}",
                    pytrace=False,
                )
            time.sleep(0.2)
        yield base
    finally:
        server.terminate()
        try:
            server.wait(timeout=STOP_SECONDS)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait(timeout=STOP_SECONDS)


@pytest.fixture(scope="module")
def browser() -> Iterator:
    if not Path(CHROMIUM).exists():
        pytest.skip(f"{CHROMIUM} is not installed")
    playwright = sync_api.sync_playwright().start()
    try:
        chromium = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
        )
        try:
            yield chromium
        finally:
            chromium.close()
    finally:
        playwright.stop()


@pytest.fixture(scope="module")
def artifacts() -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    return ARTIFACTS


@pytest.fixture(autouse=True)
def _server_log_on_failure(request: pytest.FixtureRequest, server_log: Path) -> Iterator[None]:
    """Print the end of the server's output when a test fails: the browser only sees the page."""
    size = server_log.stat().st_size if server_log.exists() else 0
    yield
    report = getattr(request.node, "report_call", None)
    if report is not None and report.failed and server_log.exists():
        with server_log.open("rb") as handle:
            handle.seek(size)
            print(f"--- server output during the test ({server_log}) ---")
            print(handle.read().decode(errors="replace")[-20_000:])


@pytest.fixture
def context(browser, live_server: str) -> Iterator:
    """A fresh browser profile (no cookies) at a desktop size."""
    ctx = browser.new_context(
        base_url=live_server, viewport={"width": 1280, "height": 800}, locale="zh-CN"
    )
    ctx.set_default_timeout(10_000)
    try:
        yield ctx
    finally:
        ctx.close()


@pytest.fixture
def page(context) -> Iterator:
    page = context.new_page()
    yield page
    page.close()


def path_of(page) -> str:
    return "/" + page.url.split("/", 3)[3]


def sign_in(page, username: str, password: str = DEMO_PASSWORD) -> None:
    """Open the site, follow the redirect to the sign-in page and submit the form."""
    page.goto("/")
    page.wait_for_url("**/signin")
    assert path_of(page) == "/signin"
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    with page.expect_navigation():
        page.click("form.form button[type=submit]")


def assert_fits(page, width: int) -> None:
    """The page is laid out for the screen's width and nothing sticks out sideways."""
    scroll, inner = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    assert inner == width, f"window.innerWidth is {inner}, expected {width}"
    assert scroll <= inner, f"the page is {scroll}px wide on a {inner}px screen"


@pytest.mark.parametrize("username", HOME_USERS)
def test_home_page_per_role(page, artifacts: Path, username: str) -> None:
    """Each role signs in through the form and sees its own home page: name, organisation, one tile
    per role (X-1 roles, X-3 Chinese by default); supervisors see the verified ledger (SUP-1, SUP-6),
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
        sync_api.expect(status).to_contain_text(zh("ledger_ok"))
        sync_api.expect(status).to_have_class("ok")
        assert ledger.locator("tbody tr").count() > 0
    else:
        sync_api.expect(ledger).to_have_count(0)

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
    sync_api.expect(signout).to_have_text(zh("signout"))
    assert page.get_attribute("html", "lang") == "zh-CN"

    with page.expect_navigation():
        page.click("[data-testid=lang]")
    sync_api.expect(signout).to_have_text(en("signout"))
    sync_api.expect(page.locator("[data-testid=home] h1")).to_contain_text(en("welcome").strip())
    sync_api.expect(page.locator("[data-testid=org]")).to_contain_text(ORG_NAMES["school"][1])
    sync_api.expect(page.locator("[data-testid=role-purchaser]")).to_contain_text("Purchaser")
    assert page.get_attribute("html", "lang") == "en"
    page.screenshot(path=str(artifacts / "home-purchaser-en.png"), full_page=True)

    with page.expect_navigation():
        page.click("[data-testid=lang]")
    sync_api.expect(signout).to_have_text(zh("signout"))
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
        page.screenshot(path=str(artifacts / "mobile-home.png"), full_page=True)

        page.locator("[data-testid=menu-button]").tap()
        sync_api.expect(nav).to_be_hidden()
    finally:
        ctx.close()
