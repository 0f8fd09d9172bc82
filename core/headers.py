"""Security headers on every response.

Pages may run only the scripts and styles the app serves itself (no inline script, no inline
style attribute), connect only to their own origin (HTTP and the Socket.IO websocket), embed no
plugins, cannot be framed and post forms only to the app. The browser never guesses a type
(``nosniff``), sends the referrer only within the app, and — when the app is served over HTTPS
(``SESSION_COOKIE_SECURE``) — keeps to HTTPS (HSTS). API answers, the pages of signed-in users and
answers that set a cookie are not stored by any cache. A response that set its own policy (a served upload,
:mod:`core.downloads`) keeps it.

The API explorer (Swagger UI) is the one page with an inline script, which it cannot do without:
its policy allows exactly that script, by hash, and the inline styles the explorer sets.
"""

from __future__ import annotations

import base64
import hashlib
import re

from flask import Flask, Response, current_app, request

from core.accounts.auth import SESSION_COOKIE

CSP = "Content-Security-Policy"
HSTS = "max-age=31536000; includeSubDomains"
#: Endpoints of files that never change per user: cacheable.
STATIC_ENDPOINTS = frozenset({"static", "frontend.vendor", "sandbox_gateway.static"})
#: The API explorer's page (flask-smorest's Swagger UI).
SWAGGER_ENDPOINT = "api-docs.openapi_swagger_ui"

_PLAIN_HOST = re.compile(r"[A-Za-z0-9.-]+(:[0-9]{1,5})?|\[[0-9A-Fa-f:.]+\](:[0-9]{1,5})?")
_INLINE_SCRIPT = re.compile(rb"<script>(.*?)</script>", re.DOTALL)


def page_policy(host: str, script_src: str = "'self'", style_src: str = "'self'") -> str:
    """The Content-Security-Policy of the app's pages served at ``host``."""
    return "; ".join(
        (
            "default-src 'self'",
            f"script-src {script_src}",
            f"style-src {style_src}",
            "img-src 'self' data:",
            "font-src 'self'",
            # Socket.IO upgrades to a websocket on the same host; older browsers do not count
            # ws:/wss: of the page's host as 'self', so they are named (a host that is not a
            # plain name or address cannot add anything to the policy).
            f"connect-src 'self' ws://{host} wss://{host}"
            if _PLAIN_HOST.fullmatch(host)
            else "connect-src 'self'",
            "object-src 'none'",
            "base-uri 'self'",
            "frame-ancestors 'none'",
            "form-action 'self'",
        )
    )


def _script_hashes(body: bytes) -> str:
    return " ".join(
        "'sha256-" + base64.b64encode(hashlib.sha256(script).digest()).decode() + "'"
        for script in _INLINE_SCRIPT.findall(body)
    )


def _policy(response: Response) -> str:
    if request.endpoint == SWAGGER_ENDPOINT and not response.direct_passthrough:
        hashes = _script_hashes(response.get_data())
        return page_policy(request.host, f"'self' {hashes}".strip(), "'self' 'unsafe-inline'")
    return page_policy(request.host)


def _signed_in() -> bool:
    return SESSION_COOKIE in request.cookies or "Authorization" in request.headers


def secure(response: Response) -> Response:
    """Add the security headers to ``response`` (an ``after_request`` function)."""
    headers = response.headers
    if CSP not in headers:
        headers[CSP] = _policy(response)
    headers["X-Content-Type-Options"] = "nosniff"
    headers["Referrer-Policy"] = "same-origin"
    headers.setdefault("X-Frame-Options", "DENY")
    if current_app.config.get("SESSION_COOKIE_SECURE"):
        headers["Strict-Transport-Security"] = HSTS
    if request.endpoint not in STATIC_ENDPOINTS and (
        request.path.startswith("/api/") or _signed_in() or "Set-Cookie" in headers
    ):
        headers["Cache-Control"] = "no-store"
        headers.pop("Expires", None)
    return response


def init_app(app: Flask) -> None:
    app.after_request(secure)
