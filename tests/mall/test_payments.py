"""Payment through a gateway (MALL-5: 无合同不支付, 无验收不结项; MALL-3: payment consumes the funds).

The sandbox gateway the app serves is driven end to end; an outside gateway is stood in for with
``responses``: success, decline, timeout then retry with the same key, a duplicate callback, a
callback with a bad signature, refunds and reconciliation."""

import json
from decimal import Decimal

import pytest
import requests
import responses
from sqlalchemy import func, select

from core import clock
from mall.budgets.models import BudgetLine
from mall.orders.models import Order
from mall.payments import gateway
from mall.payments.models import GatewayEvent, Payment
from mall.payments.sandbox_models import SandboxPayment
from tests.mall.conftest import actions, advance, pay_in_sandbox, place, sign_both, snapshot

GATEWAY = "https://pay.example.test"
KEY = "sk_test_4f1c2a"
SECRET = "whsec_test_9d8e7f"


def _accepted(shop, quantity=2):
    (order,) = place(shop, (shop.desktop, quantity))
    return advance(shop, order["id"], "accepted")


def _line(session, line_id) -> BudgetLine:
    session.expire_all()
    return session.get(BudgetLine, line_id)


def _count(session, model) -> int:
    return session.scalar(select(func.count()).select_from(model))


def _pay(shop, order_id):
    return shop.purchaser.post(f"/api/mall/orders/{order_id}/payments", json={})


# ---------------------------------------------------------------- the sandbox gateway


def test_sandbox_pays_and_the_supplier_closes_the_order(shop, session):
    order = _accepted(shop)  # 2 × 4999.00
    paid = advance(shop, order["id"], "paid")
    assert paid["paid_at"] is not None
    line = _line(session, shop.line)
    assert (line.reserved, line.consumed) == (Decimal("0.00"), Decimal("9998.00"))
    (payment,) = shop.purchaser.get(f"/api/mall/orders/{order['id']}/payments").get_json()["items"]
    assert payment["status"] == "succeeded" and payment["amount"] == "9998.00"
    assert payment["gateway_ref"].startswith("pay_")
    assert actions(session, "payment", payment["id"]) == [
        "payment.requested",
        "payment.submitted",
        "payment.succeeded",
    ]
    closed = advance(shop, order["id"], "closed")
    assert closed["closed_at"] is not None
    assert actions(session, "order", order["id"])[-2:] == ["order.paid", "order.closed"]
    # The supplier sees the payment too; nobody else does.
    assert shop.supplier.get(f"/api/mall/orders/{order['id']}/payments").status_code == 200


def test_a_declined_payment_leaves_the_order_payable_again(shop, session):
    order = _accepted(shop)
    sign_both(shop, order["id"])
    declined = pay_in_sandbox(shop, order["id"], decision="decline")
    assert declined["status"] == "failed" and declined["failure_code"] == "payer_declined"
    body = shop.purchaser.get(f"/api/mall/orders/{order['id']}").get_json()
    assert body["status"] == "accepted"
    line = _line(session, shop.line)
    assert (line.reserved, line.consumed) == (Decimal("9998.00"), Decimal("0.00"))
    assert pay_in_sandbox(shop, order["id"])["status"] == "succeeded"


def test_one_payment_at_a_time(shop, session):
    order = _accepted(shop)
    sign_both(shop, order["id"])
    assert _pay(shop, order["id"]).status_code == 201
    before = snapshot(session, line_ids=[shop.line])
    again = _pay(shop, order["id"])
    assert again.status_code == 409 and again.get_json()["code"] == "payment_exists"
    assert snapshot(session, line_ids=[shop.line]) == before


def _open_payment(shop):
    """An accepted, signed order with a payment waiting at the sandbox cashier: (order, the
    purchaser's view of the payment, the cashier address without its query, the secret)."""
    order = _accepted(shop)
    sign_both(shop, order["id"])
    created = _pay(shop, order["id"])
    assert created.status_code == 201, created.get_json()
    payment = created.get_json()
    url, _, query = payment["checkout_url"].partition("?")
    return order, payment, url, query.removeprefix("secret=")


def test_the_supplier_sees_status_and_amounts_but_not_the_cashier(shop, session):
    """MALL-5: the cashier link (and its secret) is the payer's; the payee sees how the payment
    stands, never a way to act on the purchaser's side at the gateway."""
    order, _, _, secret = _open_payment(shop)
    url = f"/api/mall/orders/{order['id']}/payments"
    (mine,) = shop.purchaser.get(url).get_json()["items"]
    assert mine["checkout_url"].endswith(f"?secret={secret}") and mine["gateway_ref"]
    answer = shop.supplier.get(url)
    assert answer.status_code == 200
    (theirs,) = answer.get_json()["items"]
    assert "checkout_url" not in theirs and "gateway_ref" not in theirs
    assert secret not in answer.get_data(as_text=True)
    assert "sandbox-gateway" not in answer.get_data(as_text=True)
    assert {k: theirs[k] for k in ("id", "amount", "status", "refunded")} == {
        "id": mine["id"],
        "amount": "9998.00",
        "status": "processing",
        "refunded": "0.00",
    }


def test_the_cashier_link_alone_pays_nothing(shop, login, app, session):
    """MALL-5 / MALL-3: whoever holds the cashier link but is not signed in as a user of the
    paying organisation — nobody, the supplier, another purchaser — cannot see or answer the
    cashier page; the order stays unpaid and the budget line untouched. The purchaser can."""
    order, payment, url, secret = _open_payment(shop)
    ref = payment["gateway_ref"]
    hospital = login("purchaser.hospital")
    before = snapshot(session, line_ids=[shop.line])

    anonymous = app.test_client()
    shown = anonymous.get(f"{url}?secret={secret}")
    assert shown.status_code == 302 and shown.headers["Location"].endswith("/signin")
    anonymous.set_cookie("mall_csrf", "double-submitted")
    paid = anonymous.post(
        url, data={"secret": secret, "decision": "pay", "csrf_token": "double-submitted"}
    )
    assert paid.status_code == 403 and "¥" not in paid.get_data(as_text=True)

    for stranger in (shop.supplier, hospital):
        assert stranger.get(f"{url}?secret={secret}").status_code == 403
        refused = stranger.client.post(
            url,
            data={"secret": secret, "decision": "pay"},
            headers={"X-CSRF-Token": stranger.csrf},
        )
        assert refused.status_code == 403
        assert "sandbox-refused" in refused.get_data(as_text=True)

    session.expire_all()
    assert session.get(SandboxPayment, ref).status == "requires_confirmation"
    assert snapshot(session, line_ids=[shop.line]) == before
    body = shop.purchaser.get(f"/api/mall/orders/{order['id']}").get_json()
    assert body["status"] == "accepted" and body["paid_at"] is None

    page = shop.purchaser.get(f"{url}?secret={secret}")
    assert page.status_code == 200 and "sandbox-pay" in page.get_data(as_text=True)
    done = shop.purchaser.client.post(
        url,
        data={"secret": secret, "decision": "pay"},
        headers={"X-CSRF-Token": shop.purchaser.csrf},
    )
    assert done.status_code == 302
    assert shop.purchaser.get(f"/api/mall/orders/{order['id']}").get_json()["status"] == "paid"
    assert _line(session, shop.line).consumed == Decimal("9998.00")


# ---------------------------------------------------------------- wrong moves write nothing


def test_paying_before_acceptance_is_refused(shop, session):
    (order,) = place(shop)
    advance(shop, order["id"], "delivered")
    sign_both(shop, order["id"])
    before = snapshot(session, line_ids=[shop.line])
    refused = _pay(shop, order["id"])
    assert refused.status_code == 409 and refused.get_json()["code"] == "bad_status"
    assert snapshot(session, line_ids=[shop.line]) == before
    assert _count(session, Payment) == 0


def test_paying_without_both_signatures_is_refused(shop, session):
    order = _accepted(shop)
    contract_id = order["contract_id"]
    assert shop.purchaser.post(f"/api/mall/contracts/{contract_id}/sign").status_code == 200
    before = snapshot(session, line_ids=[shop.line])
    refused = _pay(shop, order["id"])
    body = refused.get_json()
    assert refused.status_code == 409 and body["code"] == "not_payable"
    assert body["details"]["problems"] == ["unsigned_by_supplier"]
    assert "供应商" in body["message_zh"]
    assert snapshot(session, line_ids=[shop.line]) == before


def test_another_organisation_cannot_pay_or_see_payments(shop, login, session):
    order = _accepted(shop)
    sign_both(shop, order["id"])
    hospital = login("purchaser.hospital")
    before = snapshot(session, line_ids=[shop.line])
    assert hospital.post(f"/api/mall/orders/{order['id']}/payments", json={}).status_code == 403
    assert hospital.get(f"/api/mall/orders/{order['id']}/payments").status_code == 403
    # The supplier of the order cannot pay it either.
    refused = shop.supplier.post(f"/api/mall/orders/{order['id']}/payments", json={})
    assert refused.status_code == 403 and refused.get_json()["code"] == "wrong_party"
    assert snapshot(session, line_ids=[shop.line]) == before


def test_closing_is_for_the_supplier_of_a_paid_order(shop, login, session):
    order = _accepted(shop)
    early = shop.supplier.post(f"/api/mall/supplier/orders/{order['id']}/close")
    assert early.status_code == 409
    advance(shop, order["id"], "paid")
    other = login("supplier.office")
    assert other.post(f"/api/mall/supplier/orders/{order['id']}/close").status_code == 403
    assert shop.purchaser.post(f"/api/mall/supplier/orders/{order['id']}/close").status_code == 403


# ---------------------------------------------------------------- an outside gateway


@pytest.fixture
def outside(app):
    """The app configured for an outside gateway at GATEWAY, retrying without pauses."""
    keys = (
        "PAYMENT_GATEWAY_URL",
        "PAYMENT_GATEWAY_KEY",
        "PAYMENT_WEBHOOK_SECRET",
        "PAYMENT_RETRY_BACKOFF",
    )
    saved = {k: app.config[k] for k in keys if k in app.config}
    app.config.update(
        PAYMENT_GATEWAY_URL=GATEWAY,
        PAYMENT_GATEWAY_KEY=KEY,
        PAYMENT_WEBHOOK_SECRET=SECRET,
        PAYMENT_RETRY_BACKOFF=0,
    )
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
        yield mock
    for key in keys:
        app.config.pop(key, None)
    app.config.update(saved)


def _gateway_payment(status="processing", ref="pay_ext_001", amount=999800, **extra):
    return {
        "id": ref,
        "object": "payment",
        "status": status,
        "amount": amount,
        "currency": "CNY",
        "checkout_url": f"{GATEWAY}/checkout/{ref}",
        **extra,
    }


def _callback(app, event, secret=SECRET, timestamp=None):
    raw = json.dumps(event).encode()
    return app.test_client().post(
        "/api/mall/payments/webhook",
        data=raw,
        headers={
            "Content-Type": "application/json",
            gateway.SIGNATURE_HEADER: gateway.sign(raw, secret, timestamp),
        },
    )


def _event(kind="payment.succeeded", event_id="evt_001", **obj):
    return {"id": event_id, "type": kind, "data": {"object": _gateway_payment(**obj)}}


def test_outside_gateway_payment_is_confirmed_by_a_signed_callback_once(
    shop, session, app, outside
):
    order = _accepted(shop)
    sign_both(shop, order["id"])
    outside.add(responses.POST, f"{GATEWAY}/v1/payments", json=_gateway_payment())
    created = _pay(shop, order["id"])
    assert created.status_code == 201, created.get_json()
    payment = created.get_json()
    assert payment["status"] == "processing" and payment["gateway_ref"] == "pay_ext_001"
    call = outside.calls[0].request
    assert call.headers["Authorization"] == f"Bearer {KEY}"
    assert call.headers["Idempotency-Key"].startswith(f"mall-pay-{order['id']}-")
    sent = json.loads(call.body)
    assert sent["amount"] == 999800 and sent["currency"] == "CNY"
    purchaser_id = session.get(Order, order["id"]).purchaser_id
    assert sent["metadata"] == {
        "order_id": order["id"],
        "payment_id": payment["id"],
        "payer": purchaser_id,
    }

    confirmed = _callback(app, _event(status="succeeded"))
    assert confirmed.status_code == 200 and confirmed.get_json()["duplicate"] is False
    assert shop.purchaser.get(f"/api/mall/orders/{order['id']}").get_json()["status"] == "paid"
    assert _line(session, shop.line).consumed == Decimal("9998.00")

    before = snapshot(session, line_ids=[shop.line])
    again = _callback(app, _event(status="succeeded"))
    assert again.status_code == 200 and again.get_json()["duplicate"] is True
    assert snapshot(session, line_ids=[shop.line]) == before
    assert _count(session, GatewayEvent) == 1


@pytest.mark.parametrize(
    "tamper",
    ["wrong_secret", "no_signature", "old_timestamp", "changed_body"],
)
def test_a_callback_with_a_bad_signature_is_refused_and_changes_nothing(
    shop, session, app, outside, tamper
):
    order = _accepted(shop)
    sign_both(shop, order["id"])
    outside.add(responses.POST, f"{GATEWAY}/v1/payments", json=_gateway_payment())
    assert _pay(shop, order["id"]).status_code == 201
    before = snapshot(session, line_ids=[shop.line])
    event = _event(status="succeeded")
    raw = json.dumps(event).encode()
    signature = {
        "wrong_secret": gateway.sign(raw, "whsec_guess"),
        "no_signature": None,
        "old_timestamp": gateway.sign(raw, SECRET, int(clock.now().timestamp()) - 3600),
        "changed_body": gateway.sign(json.dumps(_event(status="failed")).encode(), SECRET),
    }[tamper]
    headers = {"Content-Type": "application/json"}
    if signature:
        headers[gateway.SIGNATURE_HEADER] = signature
    refused = app.test_client().post("/api/mall/payments/webhook", data=raw, headers=headers)
    assert refused.status_code == 400 and refused.get_json()["code"] == "bad_signature"
    assert snapshot(session, line_ids=[shop.line]) == before
    assert shop.purchaser.get(f"/api/mall/orders/{order['id']}").get_json()["status"] == "accepted"


def test_a_decline_by_the_outside_gateway_fails_the_payment(shop, session, outside):
    order = _accepted(shop)
    sign_both(shop, order["id"])
    outside.add(
        responses.POST,
        f"{GATEWAY}/v1/payments",
        status=402,
        json={"error": {"type": "payment_error", "code": "account_frozen", "message": "冻结"}},
    )
    payment = _pay(shop, order["id"]).get_json()
    assert payment["status"] == "failed" and payment["failure_code"] == "account_frozen"
    assert shop.purchaser.get(f"/api/mall/orders/{order['id']}").get_json()["status"] == "accepted"
    line = _line(session, shop.line)
    assert (line.reserved, line.consumed) == (Decimal("9998.00"), Decimal("0.00"))
    assert actions(session, "payment", payment["id"])[-1] == "payment.failed"


def test_a_timeout_is_retried_with_the_same_idempotency_key(shop, session, outside):
    order = _accepted(shop)
    sign_both(shop, order["id"])
    outside.add(responses.POST, f"{GATEWAY}/v1/payments", body=requests.Timeout("read timed out"))
    outside.add(responses.POST, f"{GATEWAY}/v1/payments", status=503)
    outside.add(responses.POST, f"{GATEWAY}/v1/payments", json=_gateway_payment())
    payment = _pay(shop, order["id"]).get_json()
    assert payment["status"] == "processing"
    keys = {call.request.headers["Idempotency-Key"] for call in outside.calls}
    assert len(outside.calls) == 3 and len(keys) == 1


def test_an_unreachable_gateway_leaves_the_payment_for_reconciliation(shop, session, app, outside):
    order = _accepted(shop)
    sign_both(shop, order["id"])
    outside.add(responses.POST, f"{GATEWAY}/v1/payments", body=requests.ConnectionError("down"))
    payment = _pay(shop, order["id"]).get_json()
    assert payment["status"] == "created" and payment["gateway_ref"] is None
    first_key = outside.calls[0].request.headers["Idempotency-Key"]
    assert len(outside.calls) == 4  # the first try and three retries

    outside.replace(responses.POST, f"{GATEWAY}/v1/payments", json=_gateway_payment())
    runner = app.test_cli_runner()
    output = runner.invoke(args=["mall", "reconcile-payments"]).output
    assert "sent again 1" in output and "still open 1" in output
    assert outside.calls[-1].request.headers["Idempotency-Key"] == first_key

    outside.add(
        responses.GET, f"{GATEWAY}/v1/payments/pay_ext_001", json=_gateway_payment("succeeded")
    )
    output = runner.invoke(args=["mall", "reconcile-payments"]).output
    assert "settled 1" in output
    assert shop.purchaser.get(f"/api/mall/orders/{order['id']}").get_json()["status"] == "paid"
    assert _line(session, shop.line).consumed == Decimal("9998.00")


def _paid_outside(shop, app, outside):
    order = _accepted(shop)
    sign_both(shop, order["id"])
    outside.add(responses.POST, f"{GATEWAY}/v1/payments", json=_gateway_payment())
    assert _pay(shop, order["id"]).status_code == 201
    assert _callback(app, _event(status="succeeded")).status_code == 200
    return order


def test_a_refund_gives_the_funds_back_to_the_budget_line(shop, session, app, outside):
    order = _paid_outside(shop, app, outside)
    outside.add(
        responses.POST,
        f"{GATEWAY}/v1/refunds",
        json={"id": "re_ext_001", "object": "refund", "status": "succeeded", "amount": 100000},
    )
    refunded = shop.supplier.post(
        f"/api/mall/supplier/orders/{order['id']}/refunds",
        json={"amount": "1000.00", "reason": "价格调整，退还差价"},
    )
    assert refunded.status_code == 201, refunded.get_json()
    assert refunded.get_json()["status"] == "succeeded"
    sent = json.loads(outside.calls[-1].request.body)
    assert sent == {
        "payment": "pay_ext_001",
        "amount": 100000,
        "reason": "价格调整，退还差价",
        "metadata": {"refund_id": refunded.get_json()["id"]},
    }
    assert "Idempotency-Key" in outside.calls[-1].request.headers
    assert _line(session, shop.line).consumed == Decimal("8998.00")
    (payment,) = shop.supplier.get(f"/api/mall/orders/{order['id']}/payments").get_json()["items"]
    assert payment["refunded"] == "1000.00"

    before = snapshot(session, line_ids=[shop.line])
    too_much = shop.supplier.post(
        f"/api/mall/supplier/orders/{order['id']}/refunds",
        json={"amount": "8998.01", "reason": "全部退款"},
    )
    assert too_much.status_code == 422 and too_much.get_json()["code"] == "bad_refund_amount"
    by_purchaser = shop.purchaser.post(
        f"/api/mall/supplier/orders/{order['id']}/refunds",
        json={"amount": "1.00", "reason": "试图退款"},
    )
    assert by_purchaser.status_code == 403
    assert snapshot(session, line_ids=[shop.line]) == before


def test_the_sandbox_refuses_calls_without_its_key(client):
    response = client.post(
        "/sandbox-gateway/v1/payments",
        json={"amount": 100, "currency": "CNY", "reference": "x"},
        headers={"Idempotency-Key": "k1", "Authorization": "Bearer sk_wrong"},
    )
    assert response.status_code == 401
    assert response.get_json()["error"]["code"] == "invalid_api_key"


def test_a_callback_can_settle_a_payment_whose_create_answer_was_lost(shop, session, app, outside):
    order = _accepted(shop)
    sign_both(shop, order["id"])
    outside.add(responses.POST, f"{GATEWAY}/v1/payments", body=requests.Timeout("lost"))
    payment = _pay(shop, order["id"]).get_json()
    assert payment["status"] == "created"
    event = _event(status="succeeded", metadata={"payment_id": payment["id"]})
    assert _callback(app, event).status_code == 200
    assert shop.purchaser.get(f"/api/mall/orders/{order['id']}").get_json()["status"] == "paid"
    stranger = _event(event_id="evt_002", ref="pay_unknown", metadata={"payment_id": 999999})
    refused = _callback(app, stranger)
    assert refused.status_code == 404 and refused.get_json()["code"] == "unknown_payment"
