"""Price anomaly (价格异常): a transaction whose unit price lies above the statistical band of its
standard product's (or category's) prices, as price monitoring found it (SUP-3) — one warning for
each anomaly it records. SUP-2, SUP-3.

Price monitoring (``supervision.prices.service``) judges every order line of ``order.placed`` and
``order.awarded`` against the 7 days of prices before it across the whole area and records
``price.anomaly_detected`` when the unit price is above Q3 + 1.5·IQR (its payload: the transaction's
``transaction_seq`` and ``item``, ``unit_price``, ``quantity`` and the ``window`` with ``n``,
``q1``, ``median``, ``q3`` and ``fence``). This rule turns each such entry into a warning about the
purchaser who paid the price (the ``purchaser_id`` of the transaction's own entry, which lies
earlier on the ledger); the supplier is among the facts. Key: ``anomaly:<transaction seq>:<line>``,
the same line's anomaly being one warning however often it is read.

Reference prices (e-commerce prices, SUP-3) are compared when they are on the ledger: once price
monitoring records such a comparison as an event of its own, its action is added to ``actions`` and
read here the same way, with a key of its own.
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal

from core.messages import N_
from supervision.ledger.models import LedgerEntry
from supervision.warnings.rules._ledger import percent
from supervision.warnings.rules.base import Context, Evidence, Finding, Rule


class PriceAnomaly(Rule):
    code = "price_anomaly"
    name = N_("Price anomaly")
    basis = N_(
        "Notice of the Finance Department of Inner Mongolia on optimising the business "
        "environment in government procurement (Nei Cai Gou [2022] No. 372), section 5: warning "
        "points on business data, with red, orange and yellow warnings; the price band is price "
        "monitoring's, the upper quartile plus 1.5 times the interquartile range."
    )
    description = N_(
        "A transaction's unit price lay above the upper fence (Q3 + 1.5 × IQR) of the prices of "
        "the same standard product or category in the 7 days before it."
    )
    summary = N_(
        "%(number)s paid %(unit_price)s CNY a unit, %(over)s%% above the upper fence of "
        "%(fence)s CNY (median %(median)s CNY of %(n)s prices)."
    )
    level = "orange"
    actions = ("price.anomaly_detected",)

    def on_entries(self, ctx: Context, entries: list[LedgerEntry]) -> Iterable[Finding]:
        for entry in entries:
            payload = ctx.payload(entry)
            seq, item = payload.get("transaction_seq"), payload.get("item")
            if seq is None or item is None:
                continue
            transaction = ctx.session.get(LedgerEntry, seq) if seq < entry.seq else None
            deal = ctx.payload(transaction) if transaction is not None else {}
            window = payload.get("window") or {}
            price = Decimal(str(payload["unit_price"]))
            fence = Decimal(str(window.get("fence") or 0))
            order_id = payload.get("order_id")
            lines = deal.get("items") or []
            line = lines[item] if item < len(lines) else {}
            yield Finding(
                key=f"anomaly:{seq}:{item}",
                subject=("order", order_id) if order_id else ("price_anomaly", entry.subject_id),
                region_id=entry.region_id,
                party_org_id=deal.get("purchaser_id"),
                facts={
                    "number": deal.get("number") or f"#{order_id}",
                    "source": payload.get("source"),
                    "title": line.get("title_zh"),
                    "supplier_id": deal.get("supplier_id"),
                    "category_id": payload.get("category_id"),
                    "standard_product_id": payload.get("standard_product_id"),
                    "unit_price": str(price),
                    "quantity": payload.get("quantity"),
                    "fence": str(fence),
                    "median": window.get("median"),
                    "q1": window.get("q1"),
                    "q3": window.get("q3"),
                    "n": window.get("n"),
                    "days": window.get("days"),
                    "over": percent((price - fence) / fence) if fence > 0 else None,
                },
                evidence=[
                    *([Evidence(seq=seq)] if transaction is not None else []),
                    Evidence(seq=entry.seq),
                    Evidence(subject=("price_anomaly", entry.subject_id)),
                ],
                trigger_seq=entry.seq,
            )


RULE = PriceAnomaly()
