"""The payment gateway's HTTP interface, as the mall uses it.

A Stripe-like REST shape: ``POST /v1/payments`` and ``POST /v1/refunds`` with an ``Idempotency-Key``
header, ``GET /v1/payments/<id>``, amounts in fen, ``Authorization: Bearer <key>``. The gateway
confirms a payment by calling the mall back (a webhook) with a body signed by HMAC-SHA256 over
``"<timestamp>.<body>"`` in the ``Gateway-Signature`` header (``t=<unix seconds>,v1=<hex>``).

When ``PAYMENT_GATEWAY_URL`` is unset, the app serves a sandbox gateway of the same shape itself
(:mod:`mall.payments.sandbox`) and this client reaches it in-process, through the same code path.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import requests
from flask import Flask, current_app

from core import clock
from core.errors import DomainError
from mall.payments.transport import WsgiAdapter, retry_policy, retrying_session

log = logging.getLogger(__name__)

SIGNATURE_HEADER = "Gateway-Signature"
#: A callback signed longer ago than this is refused (a replay).
SIGNATURE_TOLERANCE_SECONDS = 300
#: The in-process address of the sandbox gateway.
SANDBOX_BASE = "http://sandbox-gateway.internal/sandbox-gateway"
#: The mall's callback path, as the sandbox delivers to it.
WEBHOOK_PATH = "/api/mall/payments/webhook"


class GatewayUnavailable(DomainError):
    """The gateway did not answer (timeouts, connection errors or 5xx after every retry)."""

    status = 502
    code = "gateway_unavailable"


@dataclass(frozen=True)
class GatewayResult:
    """The gateway's answer: its object (a payment or a refund) or its refusal."""

    ok: bool
    status_code: int
    body: dict[str, Any]

    @property
    def error(self) -> dict[str, Any]:
        error = self.body.get("error")
        return error if isinstance(error, dict) else {}


def to_fen(amount: Decimal) -> int:
    return int((amount * 100).to_integral_value())


def from_fen(fen: int) -> Decimal:
    return (Decimal(fen) / 100).quantize(Decimal("0.01"))


# ---------------------------------------------------------------- signatures


def _derived(secret_key: str, purpose: str) -> str:
    return hmac.new(secret_key.encode(), purpose.encode(), hashlib.sha256).hexdigest()


def webhook_secret(app: Flask | None = None) -> str:
    """The shared secret for callbacks: configured for an outside gateway, derived from
    SECRET_KEY for the sandbox."""
    app = app or current_app
    return app.config.get("PAYMENT_WEBHOOK_SECRET") or _derived(
        app.config["SECRET_KEY"], "sandbox-gateway-webhook"
    )


def api_key(app: Flask | None = None) -> str:
    app = app or current_app
    return (
        app.config.get("PAYMENT_GATEWAY_KEY")
        or "sk_sandbox_" + _derived(app.config["SECRET_KEY"], "sandbox-gateway-key")[:32]
    )


def sign(body: bytes, secret: str, timestamp: int | None = None) -> str:
    """The ``Gateway-Signature`` header value for ``body``."""
    timestamp = int(clock.now().timestamp()) if timestamp is None else timestamp
    mac = hmac.new(secret.encode(), str(timestamp).encode() + b"." + body, hashlib.sha256)
    return f"t={timestamp},v1={mac.hexdigest()}"


def verify_signature(body: bytes, header: str | None, secret: str) -> bool:
    """Whether ``header`` signs ``body`` with ``secret`` and is recent enough."""
    if not header:
        return False
    parts: dict[str, list[str]] = {}
    for item in header.split(","):
        key, _, value = item.strip().partition("=")
        parts.setdefault(key, []).append(value)
    try:
        timestamp = int(parts.get("t", [""])[0])
    except ValueError:
        return False
    if abs(clock.now().timestamp() - timestamp) > SIGNATURE_TOLERANCE_SECONDS:
        return False
    expected = sign(body, secret, timestamp).split("v1=", 1)[1]
    return any(hmac.compare_digest(expected, given) for given in parts.get("v1", []))


# ---------------------------------------------------------------- the client


class GatewayClient:
    """Calls the gateway. Every create call carries the caller's idempotency key; timeouts,
    connection errors and 5xx answers are retried with the same key and a growing pause, by the
    urllib3 ``Retry`` policy of :mod:`mall.payments.transport` mounted on ``http``'s adapters
    (by default a session that retries ``retries`` times, pausing ``backoff`` and doubling)."""

    def __init__(
        self,
        base_url: str,
        key: str,
        timeout: float = 10.0,
        retries: int = 3,
        backoff: float = 0.5,
        http: requests.Session | None = None,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self.key = key
        self.timeout = timeout
        self.retries = retries
        self.backoff = backoff
        self.http = http or retrying_session(retries, backoff)

    def _call(
        self,
        method: str,
        path: str,
        json: Mapping[str, Any] | None = None,
        idempotency_key: str | None = None,
    ) -> GatewayResult:
        headers = {"Authorization": f"Bearer {self.key}", "Accept": "application/json"}
        if idempotency_key:
            headers["Idempotency-Key"] = idempotency_key
        try:
            response = self.http.request(
                method, self.base_url + path, json=json, headers=headers, timeout=self.timeout
            )
        except (requests.Timeout, requests.ConnectionError) as exc:
            raise self._unavailable(method, path, f"{type(exc).__name__}: {exc}") from None
        if response.status_code >= 500:
            raise self._unavailable(method, path, f"HTTP {response.status_code}")
        try:
            body = response.json()
        except ValueError:
            body = {}
        if not isinstance(body, dict):
            body = {}
        return GatewayResult(response.ok, response.status_code, body)

    def _unavailable(self, method: str, path: str, last: str) -> GatewayUnavailable:
        log.warning("payment gateway %s %s failed after every retry (%s)", method, path, last)
        return GatewayUnavailable(
            "The payment gateway did not answer (%(error)s).",
            params={"error": last},
            details={"attempts": self.retries + 1},
        )

    def create_payment(self, data: Mapping[str, Any], idempotency_key: str) -> GatewayResult:
        return self._call("POST", "/v1/payments", data, idempotency_key)

    def get_payment(self, gateway_ref: str) -> GatewayResult:
        return self._call("GET", f"/v1/payments/{gateway_ref}")

    def create_refund(self, data: Mapping[str, Any], idempotency_key: str) -> GatewayResult:
        return self._call("POST", "/v1/refunds", data, idempotency_key)

    def get_refund(self, gateway_ref: str) -> GatewayResult:
        return self._call("GET", f"/v1/refunds/{gateway_ref}")


def client(app: Flask | None = None) -> GatewayClient:
    """The configured gateway: the outside one at ``PAYMENT_GATEWAY_URL``, else the sandbox."""
    app = app or current_app._get_current_object()  # type: ignore[attr-defined]
    config = app.config
    url = config.get("PAYMENT_GATEWAY_URL")
    retries = int(config.get("PAYMENT_RETRIES", 3))
    backoff = float(config.get("PAYMENT_RETRY_BACKOFF", 0.5))
    http = None
    if not url:
        url = SANDBOX_BASE
        http = requests.Session()
        http.mount(
            "http://sandbox-gateway.internal/",
            WsgiAdapter(app, max_retries=retry_policy(retries, backoff)),
        )
    return GatewayClient(
        url,
        api_key(app),
        timeout=float(config.get("PAYMENT_TIMEOUT_SECONDS", 10)),
        retries=retries,
        backoff=backoff,
        http=http,
    )
