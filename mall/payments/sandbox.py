"""The sandbox payment gateway (沙箱支付网关), served by the app when ``PAYMENT_GATEWAY_URL`` is unset.

It has the REST shape the mall's client expects of any gateway (see :mod:`mall.payments.gateway`)
and a cashier page where the payer confirms or declines; the outcome reaches the mall as a signed
callback, as from an outside gateway. It moves no real money. Its records are its own tables; the
mall's payment code reaches it only over HTTP.
"""

from __future__ import annotations

import hmac
import json
import logging
import secrets
from typing import Any

from flask import Blueprint, Response, current_app, redirect, render_template, request
from sqlalchemy import select

from core import clock
from core.accounts.auth import current_actor
from core.db import after_commit, db
from mall.payments import gateway
from mall.payments.sandbox_models import SandboxPayment, SandboxRefund
from mall.payments.transport import call_in_process

log = logging.getLogger(__name__)

bp = Blueprint(
    "sandbox_gateway",
    __name__,
    url_prefix="/sandbox-gateway",
    template_folder="templates",
    static_folder="static",
)


def _error(status: int, kind: str, code: str, message: str) -> tuple[Response, int]:
    body = json.dumps({"error": {"type": kind, "code": code, "message": message}})
    return Response(body, mimetype="application/json"), status


def _authorised() -> bool:
    scheme, _, key = request.headers.get("Authorization", "").partition(" ")
    return scheme.lower() == "bearer" and hmac.compare_digest(key.strip(), gateway.api_key())


def _payment_object(p: SandboxPayment) -> dict[str, Any]:
    return {
        "id": p.id,
        "object": "payment",
        "status": p.status,
        "amount": p.amount,
        "amount_refunded": p.amount_refunded,
        "currency": p.currency,
        "reference": p.reference,
        "description": p.description,
        "payee": p.payee,
        "metadata": p.metadata_,
        "checkout_url": f"{request.script_root}/sandbox-gateway/checkout/{p.id}"
        f"?secret={p.client_secret}",
        "failure_code": p.failure_code,
        "failure_message": "The payer declined the payment." if p.failure_code else None,
        "created": int(p.created_at.timestamp()),
    }


def _refund_object(r: SandboxRefund) -> dict[str, Any]:
    return {
        "id": r.id,
        "object": "refund",
        "status": r.status,
        "amount": r.amount,
        "payment": r.payment_id,
        "reason": r.reason,
        "created": int(r.created_at.timestamp()),
    }


def _json(body: dict[str, Any], status: int = 200) -> tuple[Response, int]:
    return Response(json.dumps(body, ensure_ascii=False), mimetype="application/json"), status


def _request_body() -> dict[str, Any] | None:
    body = request.get_json(silent=True)
    return body if isinstance(body, dict) else None


@bp.before_request
def _check_key() -> Any:
    if request.path.startswith("/sandbox-gateway/v1/") and not _authorised():
        return _error(401, "authentication_error", "invalid_api_key", "Invalid API key.")
    return None


@bp.post("/v1/payments")
def create_payment() -> Any:
    key = request.headers.get("Idempotency-Key", "")
    if not key or len(key) > 64:
        return _error(400, "invalid_request_error", "idempotency_key_required", "Idempotency-Key.")
    body = _request_body()
    amount = body.get("amount") if body else None
    if (
        body is None
        or not isinstance(amount, int)
        or isinstance(amount, bool)
        or amount <= 0
        or body.get("currency") != "CNY"
        or not isinstance(body.get("reference"), str)
    ):
        return _error(400, "invalid_request_error", "bad_request", "amount, currency, reference.")
    session = db.session
    existing = session.scalars(
        select(SandboxPayment).where(SandboxPayment.idempotency_key == key)
    ).first()
    if existing is not None:
        if existing.amount != amount or existing.reference != body["reference"]:
            return _error(
                409, "idempotency_error", "idempotency_key_reused", "Key used with other data."
            )
        return _json(_payment_object(existing))
    metadata = body.get("metadata")
    payment = SandboxPayment(
        id="pay_" + secrets.token_hex(12),
        idempotency_key=key,
        amount=amount,
        currency="CNY",
        status="requires_confirmation",
        reference=body["reference"][:64],
        description=str(body.get("description") or "")[:300],
        payee=str(body.get("payee") or "")[:200],
        metadata_=metadata if isinstance(metadata, dict) else {},
        client_secret=secrets.token_urlsafe(24),
        return_url=str(body.get("return_url") or "")[:500] or None,
    )
    session.add(payment)
    session.flush()
    return _json(_payment_object(payment))


@bp.get("/v1/payments/<payment_id>")
def get_payment(payment_id: str) -> Any:
    payment = db.session.get(SandboxPayment, payment_id)
    if payment is None:
        return _error(404, "invalid_request_error", "resource_missing", "No such payment.")
    return _json(_payment_object(payment))


@bp.post("/v1/refunds")
def create_refund() -> Any:
    key = request.headers.get("Idempotency-Key", "")
    if not key or len(key) > 64:
        return _error(400, "invalid_request_error", "idempotency_key_required", "Idempotency-Key.")
    body = _request_body() or {}
    amount = body.get("amount")
    session = db.session
    existing = session.scalars(
        select(SandboxRefund).where(SandboxRefund.idempotency_key == key)
    ).first()
    if existing is not None:
        return _json(_refund_object(existing))
    payment = (
        session.get(SandboxPayment, body["payment"])
        if isinstance(body.get("payment"), str)
        else None
    )
    if payment is None:
        return _error(404, "invalid_request_error", "resource_missing", "No such payment.")
    if not isinstance(amount, int) or isinstance(amount, bool) or amount <= 0:
        return _error(400, "invalid_request_error", "bad_request", "amount.")
    if payment.status != "succeeded" or amount > payment.amount - payment.amount_refunded:
        return _error(402, "payment_error", "refund_exceeds_payment", "Cannot refund that much.")
    refund = SandboxRefund(
        id="re_" + secrets.token_hex(12),
        idempotency_key=key,
        payment_id=payment.id,
        amount=amount,
        status="succeeded",
        reason=str(body.get("reason") or "")[:300] or None,
    )
    payment.amount_refunded += amount
    payment.updated_at = clock.now()
    session.add(refund)
    session.flush()
    return _json(_refund_object(refund))


@bp.get("/v1/refunds/<refund_id>")
def get_refund(refund_id: str) -> Any:
    refund = db.session.get(SandboxRefund, refund_id)
    if refund is None:
        return _error(404, "invalid_request_error", "resource_missing", "No such refund.")
    return _json(_refund_object(refund))


# ---------------------------------------------------------------- the cashier page


def _payment_for_payer(payment_id: str) -> SandboxPayment | None:
    payment = db.session.get(SandboxPayment, payment_id)
    secret = request.values.get("secret", "")
    if payment is None or not hmac.compare_digest(payment.client_secret, secret):
        return None
    return payment


def _payer(payment: SandboxPayment) -> int | None:
    """The paying organisation, as the merchant named it when creating the payment."""
    payer = (payment.metadata_ or {}).get("payer")
    return payer if isinstance(payer, int) and not isinstance(payer, bool) else None


def _refusal(payment: SandboxPayment | None) -> Any:
    """Why the request may not see or answer the cashier page, as the answer to give; ``None``
    when it may. The link alone is not enough: the payer signs in to the gateway (here, with the
    mall's own session) as a user of the paying organisation."""
    if payment is None:
        return render_template("sandbox_checkout.html", payment=None), 404
    actor = current_actor()
    if actor is None and request.method == "GET":
        return redirect(f"{request.script_root}/signin")
    if actor is None or actor.organisation_id is None or actor.organisation_id != _payer(payment):
        return render_template("sandbox_checkout.html", payment=None, refused=True), 403
    return None


@bp.get("/checkout/<payment_id>")
def checkout_page(payment_id: str) -> Any:
    payment = _payment_for_payer(payment_id)
    refusal = _refusal(payment)
    if refusal is not None:
        return refusal
    assert payment is not None
    return render_template(
        "sandbox_checkout.html",
        payment=payment,
        amount=gateway.from_fen(payment.amount),
    )


@bp.post("/checkout/<payment_id>")
def checkout_decide(payment_id: str) -> Any:
    payment = _payment_for_payer(payment_id)
    refusal = _refusal(payment)
    if refusal is not None:
        return refusal
    assert payment is not None
    if payment.status == "requires_confirmation":
        approve = request.form.get("decision") == "pay"
        payment.status = "succeeded" if approve else "failed"
        payment.failure_code = None if approve else "payer_declined"
        payment.updated_at = clock.now()
        db.session.flush()
        event = {
            "id": "evt_" + secrets.token_hex(12),
            "type": "payment.succeeded" if approve else "payment.failed",
            "created": int(clock.now().timestamp()),
            "data": {"object": _payment_object(payment)},
        }
        app = current_app._get_current_object()  # type: ignore[attr-defined]
        after_commit(db.session, lambda: deliver(app, event))
    return redirect(
        payment.return_url
        or f"/sandbox-gateway/checkout/{payment.id}?secret={payment.client_secret}"
    )


def deliver(app: Any, event: dict[str, Any]) -> int:
    """Send ``event`` to the mall's callback, signed as an outside gateway would sign it."""
    raw = json.dumps(event, ensure_ascii=False).encode()
    headers = {
        "Content-Type": "application/json",
        gateway.SIGNATURE_HEADER: gateway.sign(raw, gateway.webhook_secret(app)),
    }
    response = call_in_process(app, "POST", gateway.WEBHOOK_PATH, headers, raw)
    if response.status_code >= 300:
        log.warning("sandbox callback %s answered %s", event["id"], response.status_code)
    return response.status_code
