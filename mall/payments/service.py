"""Paying accepted orders (MALL-5): 无合同不支付, 无验收不结项.

A payment is written first (``created``) in the purchaser's unit of work, with its ledger entry and
an idempotency key. Only after that commits is the gateway called (:func:`submit`), outside any
transaction (what it sends is read without waiting for a writer), and its answer applied in a unit
of work of its own: no write lock is held while the gateway answers. The gateway's signed callback
(:func:`apply_event`) settles the payment: the order becomes paid and the budget line's reserved
funds become consumed — once, however often the callback comes. ``reconcile`` asks the gateway about
every payment and refund still open, so a lost callback or an unanswered call is repaired.

Each concern lives in its own module; this one gathers them, so callers import one place:
:mod:`~mall.payments.common` (the ledger entry, open statuses, the dispute hold),
:mod:`~mall.payments.paying`, :mod:`~mall.payments.callbacks`, :mod:`~mall.payments.refunds` and
:mod:`~mall.payments.closing` (closing and reconciling).
"""

from mall.payments.callbacks import apply_event
from mall.payments.closing import close, close_overdue, reconcile
from mall.payments.common import GATEWAY, OPEN, check_not_held
from mall.payments.paying import apply_payment_answer, payments_of, request_payment, submit
from mall.payments.refunds import (
    apply_refund_answer,
    new_refund,
    refundable,
    request_refund,
    submit_refund,
)

__all__ = [
    "GATEWAY",
    "OPEN",
    "apply_event",
    "apply_payment_answer",
    "apply_refund_answer",
    "check_not_held",
    "close",
    "close_overdue",
    "new_refund",
    "payments_of",
    "reconcile",
    "refundable",
    "request_payment",
    "request_refund",
    "submit",
    "submit_refund",
]
