"""Demo payments (MALL-5): both parties sign the contracts of the demo's accepted orders, and the
purchasers pay them as diligent units do, 5 to 25 days after acceptance, through the payment
gateway's answers (the sandbox gateway's, signed as it signs them) — except one order accepted some
six weeks ago, left unpaid ``OVERDUE_BY`` days past its payment term (the overdue payment on the
demo's warning desk, ``mall.demo_warnings``)."""

from __future__ import annotations

import json
import random
import secrets
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import select
from sqlalchemy.orm import Session

from catalog.demo_steps.common import backdated
from catalog.demo_steps.price_plan import working_time
from core.accounts.auth import Actor, actor_for
from core.accounts.models import Organisation, User
from core.accounts.roles import Role
from core.errors import DomainError
from mall import policy
from mall.contracts import service as contracts
from mall.demo_common import latest_office_hour, supplier_user
from mall.orders.models import Order
from mall.payments import callbacks, gateway, paying
from mall.payments.sandbox_models import SandboxPayment

#: Days after acceptance a diligent unit pays (the contract allows ``MALL_PAYMENT_DAYS``, 30).
PAY_DAYS = (5, 25)
#: The order left unpaid: the one accepted nearest this many days past its payment term ago,
#: among those past it by a few days and not yet late by the term again (a yellow warning).
OVERDUE_BY = 12


def sign_contract(
    session: Session, rng: random.Random, order: Order, buyer: Actor, supplier: Actor
) -> None:
    """Both parties sign the order's contract (each that has not yet): the purchaser within hours
    of its confirmation, the supplier after it — so no notice asks the purchaser to sign."""
    contract = order.contract  # type: ignore[attr-defined]
    if contract is None or order.confirmed_at is None:
        return
    signed = {row.party for row in contract.signatures}
    at = order.confirmed_at
    for party, actor, after in (
        ("purchaser", buyer, timedelta(minutes=rng.randint(30, 240))),
        ("supplier", supplier, timedelta(minutes=rng.randint(10, 90))),
    ):
        at += after
        if party not in signed:
            with backdated(at):
                contracts.sign(session, actor, contract.id)


def pay(session: Session, rng: random.Random, buyer: Actor, order: Order, at: datetime) -> None:
    """付款 at ``at``: the purchaser asks to pay, the gateway answers that the payer is to confirm,
    and minutes later its signed callback says the payment succeeded — as the sandbox gateway
    would (whose record of the payment is written too when it serves)."""
    with backdated(at):
        payment = paying.request_payment(session, buyer, order.id)
        data = paying._payment_request(session, payment)
        obj = {
            "id": "pay_" + secrets.token_hex(12),
            "object": "payment",
            "status": "requires_confirmation",
            "amount": data["amount"],
            "amount_refunded": 0,
            "currency": "CNY",
            "reference": data["reference"],
            "metadata": data["metadata"],
        }
        if not current_app.config.get("PAYMENT_GATEWAY_URL"):
            session.add(
                SandboxPayment(
                    id=obj["id"],
                    idempotency_key=payment.idempotency_key,
                    amount=data["amount"],
                    currency="CNY",
                    status="succeeded",
                    reference=data["reference"][:64],
                    description=data["description"][:300],
                    payee=data["payee"][:200],
                    metadata_=data["metadata"],
                    client_secret=secrets.token_urlsafe(24),
                    return_url=data["return_url"],
                )
            )
        paying.apply_payment_answer(session, payment.id, gateway.GatewayResult(True, 200, obj))
    with backdated(at + timedelta(minutes=rng.randint(2, 15))):
        event = {
            "id": "evt_" + secrets.token_hex(12),
            "type": "payment.succeeded",
            "data": {"object": obj | {"status": "succeeded"}},
        }
        raw = json.dumps(event, ensure_ascii=False).encode()
        callbacks.apply_event(
            session, raw, gateway.sign(raw, gateway.webhook_secret()), gateway.webhook_secret()
        )


def _buyer_of(session: Session, order: Order) -> Actor | None:
    """The user who placed the order, else a purchaser of its unit."""
    user = session.get(User, order.placed_by) if order.placed_by else None
    if user is None or Role.PURCHASER not in user.roles:
        users = session.scalars(
            select(User).where(User.organisation_id == order.purchaser_id).order_by(User.id)
        ).all()
        user = next((u for u in users if Role.PURCHASER in u.roles), None)
    return None if user is None else actor_for(user, "system")


def pay_accepted(session: Session, rng: random.Random) -> str:
    """Sign and pay the accepted orders, 5 to 25 days after acceptance; the one accepted about six
    weeks ago stays unpaid, and orders accepted in the last days are not due yet."""
    now = latest_office_hour()
    term = policy.settings().payment_days
    accepted = session.scalars(
        select(Order).where(Order.status == "accepted").order_by(Order.accepted_at, Order.id)
    ).all()
    late = {
        order: abs((now - order.accepted_at).days - term - OVERDUE_BY)
        for order in accepted
        if order.accepted_at is not None
        and term + 3 <= (now - order.accepted_at).days <= 2 * term - 5
    }
    unpaid = min(late, key=lambda order: (late[order], order.id), default=None)
    paid = 0
    for order in accepted:
        buyer = _buyer_of(session, order)
        supplier_org = session.get(Organisation, order.supplier_id)
        if buyer is None or supplier_org is None or order.accepted_at is None:
            continue
        waited = (now - order.accepted_at).days
        at = None
        if order is not unpaid and waited >= PAY_DAYS[0]:
            days = rng.randint(PAY_DAYS[0], min(PAY_DAYS[1], waited))
            at = working_time(rng, order.accepted_at + timedelta(days=days))
            at = max(min(at, now - timedelta(minutes=rng.randint(20, 90))), order.accepted_at)
        try:
            with session.begin_nested():
                sign_contract(session, rng, order, buyer, supplier_user(session, supplier_org))
                if at is not None:
                    pay(session, rng, buyer, order, at)
                    paid += 1
        except DomainError:  # held by a dispute, say: left as it was
            continue
    left = f"; {unpaid.number} (accepted {unpaid.accepted_at:%Y-%m-%d}) unpaid" if unpaid else ""
    return f"payments: {paid} of {len(accepted)} accepted orders paid{left}"
