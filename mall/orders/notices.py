"""Notices to the purchaser about its orders: the supplier confirmed the order, and its contract
awaits the purchaser's signature. They are written in the caller's transaction (see
:func:`core.notifications.service.notify`), so a notice exists exactly when the step does, and
only the purchaser's organisation sees them."""

from __future__ import annotations

from sqlalchemy.orm import Session

from core.messages import en_zh
from core.notifications.service import Message, notify
from mall.contracts.models import Contract
from mall.orders.models import Order


def order_confirmed(session: Session, order: Order) -> None:
    """接单通知: the supplier confirmed the purchaser's order."""
    title_en, title_zh = en_zh(
        "Order %(number)s was confirmed by the supplier", number=order.number
    )
    body_en, body_zh = en_zh("The contract is written; please sign it.")
    notify(
        session,
        [order.purchaser_id],
        Message(
            kind="order.confirmed",
            title_zh=title_zh,
            title_en=title_en,
            body_zh=body_zh,
            body_en=body_en,
            link=f"/orders/{order.id}",
            subject=("order", order.id),
        ),
    )


def contract_awaits_signature(session: Session, contract: Contract, order: Order) -> None:
    """待签合同通知: the contract of the purchaser's order awaits its signature."""
    supplier_signed = any(s.party == "supplier" for s in contract.signatures)
    title_en, title_zh = en_zh("Contract %(number)s awaits your signature", number=contract.number)
    body_en, body_zh = en_zh("The supplier has signed.") if supplier_signed else (None, None)
    notify(
        session,
        [order.purchaser_id],
        Message(
            kind="contract.awaiting_signature",
            title_zh=title_zh,
            title_en=title_en,
            body_zh=body_zh,
            body_en=body_en,
            link=f"/contracts/{contract.id}",
            subject=("contract", contract.id),
        ),
    )
