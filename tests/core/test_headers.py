"""Security headers (see core.headers): a policy that runs only the app's own scripts and styles
on every page and API answer, no type sniffing, same-origin referrers, HSTS over HTTPS, and no
caching of what is personal."""

import base64
import hashlib
import io
import re

import pytest

from tests.catalog.conftest import cat, desktop_body, enrol  # noqa: F401

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def policy(response) -> dict[str, str]:
    """The response's Content-Security-Policy, directive → its sources."""
    parts = [p.strip() for p in response.headers["Content-Security-Policy"].split(";")]
    return {name: rest.strip() for name, _, rest in (p.partition(" ") for p in parts if p)}


def assert_common(response) -> None:
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"
    assert "Strict-Transport-Security" not in response.headers


def assert_page_policy(response) -> None:
    csp = policy(response)
    assert csp["script-src"] == "'self'"
    assert csp["style-src"] == "'self'"
    assert csp["object-src"] == "'none'"
    assert csp["base-uri"] == "'self'"
    assert csp["frame-ancestors"] == "'none'"
    assert csp["form-action"] == "'self'"
    assert csp["connect-src"] == "'self' ws://localhost wss://localhost"
    assert "unsafe" not in response.headers["Content-Security-Policy"]


def test_a_page_carries_the_policy(client):
    page = client.get("/signin")
    assert page.status_code == 200 and page.mimetype == "text/html"
    assert_common(page)
    assert_page_policy(page)
    # Nothing the page needs runs inline: its only <script> elements load files or hold data.
    for tag in re.findall(r"<script[^>]*>", page.get_data(as_text=True)):
        assert "src=" in tag or 'type="application/json"' in tag, tag
    assert " style=" not in page.get_data(as_text=True)


def test_a_signed_in_page_is_not_cached(login):
    purchaser = login("purchaser")
    page = purchaser.get("/")
    assert page.status_code == 200 and page.mimetype == "text/html"
    assert page.headers["Cache-Control"] == "no-store"
    assert_common(page)
    assert_page_policy(page)


def test_api_answers_carry_the_headers_and_are_not_cached(client, login):
    for answer in (
        client.get("/api/openapi.json"),
        client.get("/api/mall/orders/1"),  # 401
        login("purchaser").get("/api/notifications"),
    ):
        assert answer.mimetype == "application/json"
        assert answer.headers["Cache-Control"] == "no-store"
        assert_common(answer)
        assert_page_policy(answer)


def test_static_files_stay_cacheable(login):
    purchaser = login("purchaser")
    for path in (
        "/static/css/app.css",
        "/static/js/mall.js",
        "/sandbox-gateway/static/sandbox.css",
    ):
        got = purchaser.client.get(path)
        assert got.status_code == 200, path
        assert "no-store" not in got.headers.get("Cache-Control", ""), path
        assert_common(got)
    assert purchaser.client.get("/static/js/mall.js").mimetype == "text/javascript"


def test_a_downloaded_image_is_sandboxed_and_cleanly_named(login, cat):  # noqa: F811
    """Listing images are shown in pages, so they stay inline — but sandboxed, not sniffed, and
    under their uploader's name without its path."""
    supplier = enrol(login, "supplier", [cat.it], cat.regions["150105"])
    listing = supplier.post("/api/catalog/listings", json=desktop_body(cat)).get_json()
    added = supplier.client.post(
        f"/api/catalog/listings/{listing['id']}/images",
        data={"file": (io.BytesIO(PNG), "../../../正面 front.png")},
        headers={"X-CSRF-Token": supplier.csrf},
        content_type="multipart/form-data",
    )
    assert added.status_code == 201, added.get_json()
    got = supplier.get(added.get_json()["url"])
    assert got.status_code == 200 and got.data == PNG and got.mimetype == "image/png"
    assert got.headers["Content-Disposition"] == (
        "inline; filename=\"front.png\"; filename*=UTF-8''%E6%AD%A3%E9%9D%A2%20front.png"
    )
    assert "sandbox" in policy(got) and policy(got)["default-src"] == "'none'"
    assert got.headers["Cache-Control"] == "no-store"
    assert_common(got)


@pytest.fixture
def https(app):
    saved = app.config["SESSION_COOKIE_SECURE"]
    app.config["SESSION_COOKIE_SECURE"] = True
    yield
    app.config["SESSION_COOKIE_SECURE"] = saved


def test_hsts_only_when_served_over_https(client, https):
    for got in (client.get("/signin"), client.get("/api/openapi.json")):
        assert got.headers["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"


def test_the_api_explorer_may_run_its_own_inline_script_only(client):
    docs = client.get("/api/docs")
    assert docs.status_code == 200
    (script,) = re.findall(rb"<script>(.*?)</script>", docs.data, re.DOTALL)
    digest = base64.b64encode(hashlib.sha256(script).digest()).decode()
    csp = policy(docs)
    assert csp["script-src"] == f"'self' 'sha256-{digest}'"
    assert csp["object-src"] == "'none'" and csp["frame-ancestors"] == "'none'"


def test_a_forged_host_adds_nothing_to_the_policy(client):
    page = client.get("/signin", headers={"Host": "x; script-src *"})
    csp = policy(page)
    assert csp["connect-src"] == "'self'" and csp["script-src"] == "'self'"
