"""Notices to the purchaser about its orders: the supplier confirmed the order, and its contract
awaits the purchaser's signature. They are written in the caller's transaction (see
:func:`core.notifications.service.notify`), so a notice exists exactly when the step does, and
only the purchaser's organisation sees them."""

from __future__ import annotations

from sqlalchemy.orm import Session

from core.notifications.service import Message, notify
from mall.contracts.models import Contract
from mall.orders.models import Order


def order_confirmed(session: Session, order: Order) -> None:
    """接单通知: the supplier confirmed the purchaser's order."""
    notify(
        session,
        [order.purchaser_id],
        Message(
            kind="order.confirmed",
            title_zh=f"订单 {order.number} 已被供应商确认",
            title_en=f"Order {order.number} was confirmed by the supplier",
            body_zh="合同已生成，请签署合同。",
            body_en="The contract is written; please sign it.",
            link=f"/orders/{order.id}",
            subject=("order", order.id),
        ),
    )


def contract_awaits_signature(session: Session, contract: Contract, order: Order) -> None:
    """待签合同通知: the contract of the purchaser's order awaits its signature."""
    supplier_signed = any(s.party == "supplier" for s in contract.signatures)
    notify(
        session,
        [order.purchaser_id],
        Message(
            kind="contract.awaiting_signature",
            title_zh=f"合同 {contract.number} 待贵单位签署",
            title_en=f"Contract {contract.number} awaits your signature",
            body_zh="供应商已签署。" if supplier_signed else None,
            body_en="The supplier has signed." if supplier_signed else None,
            link=f"/contracts/{contract.id}",
            subject=("contract", contract.id),
        ),
    )
