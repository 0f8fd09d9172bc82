"""Pages under the Content-Security-Policy (see core.headers): the API explorer, the one page with
an inline script of its own, still renders its operations with nothing refused."""

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser


def test_the_api_explorer_renders_under_its_policy(page, live_server, js_errors, artifacts):
    response = page.goto("/api/docs")
    assert response is not None and response.status == 200
    assert "script-src 'self' 'sha256-" in response.headers["content-security-policy"]
    expect(page.locator(".swagger-ui .opblock").first).to_be_visible(timeout=20_000)
    expect(page.locator(".swagger-ui .info .title")).to_contain_text("政采商城")
    page.screenshot(path=str(artifacts / "api-docs.png"))
    assert not js_errors, js_errors
