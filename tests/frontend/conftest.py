"""Fixtures shared by the browser tests: the mall served by gunicorn on a fresh database, Chromium
driven through Playwright, and helpers to sign in and check the layout.

The server is started the way an operator starts it (migrations, demo data, gunicorn with the project's
configuration) on a fresh database of its own: a SQLite file, or a PostgreSQL schema when
TEST_DATABASE_URL is set. One server and one browser serve each test module. On SQLite the migrations
and the demo data run once per test run, and each module's server gets a copy of the result.

Each test's outcome is recorded on its item, so that a failure can show the server's log.
"""

from __future__ import annotations

import importlib
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from playwright import sync_api
from sqlalchemy import create_engine
from sqlalchemy.orm import Session

from core.accounts.demo import DEMO_PASSWORD
from tests import dbutil

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
STARTUP_SECONDS = 90
STOP_SECONDS = 10
SECRET_KEY = "browser-test-secret-key-0123456789abcdef"


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


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Browser journeys run on one database (SQLite): what they check is the pages, and the API and
    race tests already run on both. ``BROWSER_ON_POSTGRES=1`` runs them on PostgreSQL as well."""
    if not os.environ.get("TEST_DATABASE_URL") or os.environ.get("BROWSER_ON_POSTGRES") == "1":
        return
    skip = pytest.mark.skip(
        reason="browser tests run on SQLite (BROWSER_ON_POSTGRES=1 to run here)"
    )
    for item in items:
        if item.get_closest_marker("browser") is not None:
            item.add_marker(skip)


#: The environment each live server runs with, by base URL (tests run commands against its database).
SERVER_ENVS: dict[str, dict[str, str]] = {}


def _load_models() -> None:
    """Import every package's models, so that the mappers resolve their foreign keys."""
    for package in ("core", "supervision", "catalog", "mall", "auction"):
        for path in sorted((ROOT / package).rglob("*models.py")):
            importlib.import_module(".".join(path.relative_to(ROOT).with_suffix("").parts))


@contextmanager
def server_db(base: str) -> Iterator[Session]:
    """A session on the database of the live server at ``base``, committed at the end: for the few
    steps a test cannot wait for, such as a deadline passing on the server's clock."""
    _load_models()
    engine = create_engine(SERVER_ENVS[base]["DATABASE_URL"])
    try:
        with Session(engine) as session, session.begin():
            yield session
    finally:
        engine.dispose()


@pytest.fixture(scope="module")
def server_log(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("live") / "server.log"


#: The environment the demo database is built with, beside each server's own.
DEMO_ENV = {
    "SECRET_KEY": SECRET_KEY,
    "MALL_DEMO_LISTINGS": "150",  # a smaller demo catalog keeps start-up quick
}


def demo_template(request: pytest.FixtureRequest) -> Path:
    """A SQLite instance folder (database and search index) migrated and loaded with the demo data
    once per test run: each module's server starts on a copy of it, as if it had run ``flask db
    upgrade`` and ``flask demo load`` itself, without paying for them again."""
    return request.getfixturevalue("_demo_template")


@pytest.fixture(scope="session")
def _demo_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("demo-template")
    env = {
        **os.environ,
        **DEMO_ENV,
        "MALL_INSTANCE_PATH": str(folder),
        "DATABASE_URL": f"sqlite:///{folder}/{TEMPLATE_DB}",
    }
    log = folder.parent / "demo-template.log"
    _run_step(["flask", "--app", "wsgi", "db", "upgrade"], env, log)
    _run_step(["flask", "--app", "wsgi", "demo", "load"], env, log)
    return folder


TEMPLATE_DB = "demo.sqlite3"


def _copy_demo(template: Path, tmp: Path, database_url: str) -> None:
    """Copy the demo template's instance folder into ``tmp``, the database to ``database_url``'s
    file (with its write-ahead log, so nothing committed is lost)."""
    target = database_url.removeprefix("sqlite:///")
    for suffix in ("", "-wal", "-shm"):
        source = template / f"{TEMPLATE_DB}{suffix}"
        if source.exists():
            shutil.copyfile(source, target + suffix)
    for entry in template.iterdir():
        if entry.name.startswith(TEMPLATE_DB):
            continue
        if entry.is_dir():
            shutil.copytree(entry, tmp / entry.name, dirs_exist_ok=True)
        else:
            shutil.copyfile(entry, tmp / entry.name)


@pytest.fixture(scope="module")
def live_server(request: pytest.FixtureRequest, server_log: Path) -> Iterator[str]:
    """The mall served by gunicorn on a free local port; yields its base URL."""
    tmp = server_log.parent
    name = "live_" + request.module.__name__.rsplit(".", 1)[-1]
    database_url = dbutil.fresh_url(dbutil.base_url(str(tmp)), name, str(tmp))
    port = _free_port()
    env = {
        **os.environ,
        "MALL_INSTANCE_PATH": str(tmp),
        "DATABASE_URL": database_url,
        **DEMO_ENV,
        "MALL_BIND": f"127.0.0.1:{port}",
        "PYTHONUNBUFFERED": "1",
        # Auctions of a minute, so a test can watch the server's clock close one.
        "AUCTION_MIN_MINUTES": "1",
    }
    log = server_log
    if dbutil.is_postgres(database_url):
        _run_step(["flask", "--app", "wsgi", "db", "upgrade"], env, log)
        _run_step(["flask", "--app", "wsgi", "demo", "load"], env, log)
    else:
        _copy_demo(demo_template(request), tmp, database_url)

    base = f"http://127.0.0.1:{port}"
    SERVER_ENVS[base] = env
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


#: Console messages of a page blocked by the Content-Security-Policy.
CSP_MARKERS = ("Content Security Policy", "Refused to")


def watch(page: sync_api.Page, errors: list[str]) -> None:
    """Collect ``page``'s uncaught script errors and content-security-policy refusals in ``errors``."""
    page.on("pageerror", lambda error: errors.append(f"{page.url}: {error}"))

    def _console(message: sync_api.ConsoleMessage) -> None:
        if any(marker in message.text for marker in CSP_MARKERS):
            errors.append(f"{page.url}: console {message.type}: {message.text}")

    page.on("console", _console)


@pytest.fixture
def page(context, js_errors: list[str]) -> Iterator:
    page = context.new_page()
    watch(page, js_errors)
    yield page
    page.close()


@pytest.fixture
def js_errors() -> Iterator[list[str]]:
    """Uncaught script errors and content-security-policy refusals of the pages ``open_as`` (or
    ``page``) opened. A test asserts it stays empty; a refusal fails the test even where it does
    not, since whatever was refused (a script, a style, a connection) is missing from the page."""
    errors: list[str] = []
    yield errors
    refused = [e for e in errors if any(marker in e for marker in CSP_MARKERS)]
    if refused:
        pytest.fail("Content-Security-Policy refusals:\n" + "\n".join(refused), pytrace=False)


@pytest.fixture(scope="module")
def shots(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Where a module's screenshots go (a temporary directory, printed for looking at them)."""
    name = request.module.__name__.rsplit(".", 1)[-1].removeprefix("test_")
    path = tmp_path_factory.mktemp(f"{name}-screens")
    print(f"screenshots: {path}")
    return path


@pytest.fixture
def open_as(browser, live_server: str, js_errors: list[str]) -> Iterator[Callable[..., Any]]:
    """``open_as(username, width=1280)``: a page in a fresh browser profile, signed in as
    ``username`` (or not, for None); 390 wide is a phone. Uncaught script errors and
    content-security-policy refusals are collected in ``js_errors``."""
    contexts = []

    def _open(username: str | None, width: int = 1280) -> sync_api.Page:
        phone = width < 640
        ctx = browser.new_context(
            base_url=live_server,
            viewport={"width": width, "height": 844 if phone else 900},
            device_scale_factor=2 if phone else 1,
            is_mobile=phone,
            has_touch=phone,
            locale="zh-CN",
            accept_downloads=True,
        )
        ctx.set_default_timeout(10_000)
        contexts.append(ctx)
        page = ctx.new_page()
        watch(page, js_errors)
        if username is not None:
            sign_in(page, username)
            page.wait_for_url("**/")
        return page

    yield _open
    for ctx in contexts:
        ctx.close()


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


#: axe-core, installed with the vendor libraries (frontend/package.json).
AXE_SCRIPT = ROOT / "frontend" / "node_modules" / "axe-core" / "axe.min.js"
#: The WCAG 2.1 A and AA rules every page passes.
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
#: How many offending elements of a rule a failure lists.
AXE_NODES_SHOWN = 3


def assert_accessible(page: sync_api.Page, name: str) -> None:
    """``page``, in its present state, passes axe-core's WCAG 2.1 A and AA rules (X-2).

    The script is evaluated through DevTools, which the page's Content-Security-Policy does not
    govern (an injected ``<script>`` would be refused by ``script-src 'self'``). A failure lists
    each rule broken with the first offending elements."""
    if not AXE_SCRIPT.exists():
        pytest.fail(f"{AXE_SCRIPT} is missing: run scripts/install.sh", pytrace=False)
    if not page.evaluate("typeof window.axe === 'object'"):
        page.evaluate(AXE_SCRIPT.read_text())
    violations = page.evaluate(
        """async (tags) => {
            const result = await axe.run(document, {runOnly: {type: 'tag', values: tags}});
            return result.violations.map((v) => ({
                id: v.id, impact: v.impact, help: v.help, count: v.nodes.length,
                nodes: v.nodes.map((n) => ({target: n.target.join(' '), html: n.html})),
            }));
        }""",
        AXE_TAGS,
    )
    if not violations:
        return
    lines = [f"{name} ({path_of(page)}) breaks {len(violations)} accessibility rule(s):"]
    for violation in violations:
        lines.append(
            f"- {violation['id']} [{violation['impact']}] {violation['help']}"
            f" ({violation['count']} element(s))"
        )
        for node in violation["nodes"][:AXE_NODES_SHOWN]:
            lines.append(f"    {node['target']}: {node['html'][:200]}")
    pytest.fail("\n".join(lines), pytrace=False)


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo):
    report = yield
    setattr(item, f"report_{report.when}", report)
    return report
