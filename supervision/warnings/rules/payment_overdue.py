"""Payment overdue (拖欠中小企业账款, SUP-2, MALL-5): an accepted order still unpaid after its
contract's payment term (``payment_due`` on ``order.accepted``: accepted + MALL_PAYMENT_DAYS). A
screen on the clock.

Yellow once the term has passed; orange once it is late by the term again (twice the time the
contract allowed since acceptance). The orange is a warning of its own (key ``order:ID:orange``)
beside the yellow (``order:ID:yellow``), not a change of the yellow's level: the yellow may be
under investigation or closed already, and its record stays as it was.

Paid: ``order.paid`` or ``payment.succeeded`` for the order; an order closed or whose payment is
held by a dispute (``order.payment_held`` not yet ``order.payment_released``) is not overdue, nor
one reopened by a dispute after its acceptance (a new acceptance starts a new term). Acceptances
without ``payment_due`` (written before it was recorded) are not judged.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from core import clock
from core.messages import N_
from supervision.ledger.models import LedgerEntry
from supervision.warnings.rules.base import Context, Evidence, Finding, Param, Rule
from supervision.warnings.rules.common import days

SETTLED = ("order.paid", "order.closed", "order.cancelled")
HOLDS = ("order.payment_held", "order.payment_released", "order.reopened")


class PaymentOverdue(Rule):
    code = "payment_overdue"
    name = N_("Payment overdue")
    basis = N_(
        "Regulations on Ensuring Payments to Small and Medium-sized Enterprises (State Council "
        "Order No. 728), Article 8: government bodies pay for goods, works and services within "
        "30 days of delivery, at most 60 by contract; Government Procurement Law, Article 71."
    )
    description = N_(
        "An accepted order is unpaid after its contract's payment term (yellow), or late by the "
        "term again (orange)."
    )
    summary = N_(
        "Order %(order_id)s, accepted on %(accepted)s, was due to be paid by %(due)s and is "
        "%(days_late)s day(s) late."
    )
    level = "yellow"
    params = (
        Param(
            "lookback_days",
            730,
            N_("acceptances older than this many days are no longer screened"),
        ),
    )
    screens = True

    def screen(self, ctx: Context) -> Iterable[Finding]:
        since = ctx.now - days(ctx.params["lookback_days"])
        accepted: dict[str, LedgerEntry] = {}
        for entry in ctx.entries(["order.accepted"], since=since, until=ctx.now):
            if entry.subject_id is not None and "payment_due" in ctx.payload(entry):
                accepted[entry.subject_id] = entry  # the latest acceptance counts
        if not accepted:
            return
        first = min(entry.at for entry in accepted.values())
        settled: set[str] = set()
        held: dict[str, LedgerEntry] = {}
        for entry in ctx.entries((*SETTLED, *HOLDS, "payment.succeeded"), since=first):
            order_id = (
                str(ctx.payload(entry).get("order"))
                if entry.action == "payment.succeeded"
                else entry.subject_id
            )
            if order_id not in accepted:
                continue
            if entry.action in HOLDS:
                held[order_id] = entry
            elif entry.seq > accepted[order_id].seq or entry.action == "order.paid":
                settled.add(order_id)
        for order_id, entry in sorted(accepted.items(), key=lambda kv: kv[1].seq):
            last_hold = held.get(order_id)
            if order_id in settled or (
                last_hold is not None
                and last_hold.seq > entry.seq
                and last_hold.action != "order.payment_released"
            ):
                continue
            payload = ctx.payload(entry)
            due = datetime.fromisoformat(payload["payment_due"])
            if ctx.now <= due:
                continue
            term = due - entry.at
            level = "orange" if ctx.now - due >= term else "yellow"
            yield Finding(
                key=f"order:{order_id}:{level}",
                subject=("order", order_id),
                region_id=entry.region_id,
                party_org_id=entry.actor_org_id,
                facts={
                    "order_id": order_id,
                    "accepted": clock.local(entry.at).date().isoformat(),
                    "due": clock.local(due).date().isoformat(),
                    "days_late": (ctx.now - due).days,
                    "payment_days": payload.get("payment_days"),
                    "accepted_total": payload.get("accepted_total"),
                },
                evidence=[Evidence(seq=entry.seq, subject=("order", order_id))],
                level=level,
                trigger_seq=entry.seq,
            )


RULE = PaymentOverdue()
