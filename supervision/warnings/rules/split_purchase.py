"""Split purchase (化整为零, SUP-2, MALL-10): one purchaser unit buys one category directly in the
e-mall in several orders, each below a threshold, that together pass it — within a short window
or within the fiscal year. The threshold is the e-mall's purchase limit (at or above it a purchase
must go to tendering) or the SME-reservation threshold (which is also the usual public-tender
threshold for goods and services).

Only direct purchases count (``order.placed``; awards and call-offs were competed). One crossing is
one warning: at the order whose amount makes a window's sum reach a threshold, the gravest
threshold reached (the limit before the SME threshold) and the shortest window that reaches it;
later orders in the same window find its sum already past and raise nothing. The key names the
purchaser, category, window, threshold and the window's first order.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from decimal import Decimal
from typing import Any, NamedTuple

from core import clock
from core.messages import N_
from supervision.ledger.models import LedgerEntry
from supervision.warnings.rules.base import Context, Evidence, Finding, Param, Rule
from supervision.warnings.rules.common import days, kind_of, mall_setting, money, year_start


class SplitPurchase(Rule):
    code = "split_purchase"
    name = N_("Split purchase")
    basis = N_(
        "Regulations for the Implementation of the Government Procurement Law, Article 28: "
        "buying goods or services of one item or category several times within a fiscal year "
        "by a method other than public tender, with a cumulative amount above the public-tender "
        "threshold, evades public tender (化整为零); Government Procurement Law, Article 28."
    )
    description = N_(
        "Direct e-mall purchases by one purchaser unit in one category, each below a threshold "
        "(the e-mall purchase limit, or the SME-reservation threshold), whose sum within "
        "%(window_days)s days or within the fiscal year reaches it."
    )
    summary = N_(
        "%(orders)s direct purchases in category %(category_id)s from %(first)s to %(last)s "
        "total %(total)s CNY, reaching %(threshold)s CNY; each was below it."
    )
    level = "red"
    params = (
        Param("window_days", 30, N_("the short window, in days, the orders are summed over")),
        Param(
            "purchase_limit",
            Decimal("4000000.00"),
            N_("the e-mall purchase limit (CNY); the mall's MALL_PURCHASE_LIMIT when configured"),
        ),
        Param(
            "sme_threshold",
            Decimal("2000000.00"),
            N_(
                "the SME-reservation threshold for goods and services (CNY); the mall's "
                "MALL_SME_RESERVED_BELOW when configured"
            ),
        ),
        Param(
            "sme_threshold_works",
            Decimal("4000000.00"),
            N_(
                "the SME-reservation threshold for works (CNY); the mall's "
                "MALL_SME_RESERVED_BELOW_WORKS when configured"
            ),
        ),
        Param("min_orders", 2, N_("the fewest orders that make a split")),
    )
    actions = ("order.placed",)

    def thresholds(self, ctx: Context, kind: str) -> list[tuple[str, Decimal]]:
        """The thresholds for a category of ``kind``, gravest first."""
        limit = mall_setting("MALL_PURCHASE_LIMIT", ctx.params["purchase_limit"])
        if kind == "works":
            sme = mall_setting("MALL_SME_RESERVED_BELOW_WORKS", ctx.params["sme_threshold_works"])
        else:
            sme = mall_setting("MALL_SME_RESERVED_BELOW", ctx.params["sme_threshold"])
        return [("limit", limit)] + ([("sme", sme)] if sme < limit else [])

    def on_entries(self, ctx: Context, entries: list[LedgerEntry]) -> Iterable[Finding]:
        for entry in entries:
            payload = ctx.payload(entry)
            if payload.get("source") or payload.get("purchaser_id") is None:
                continue
            for category_id, (kind, amount) in sorted(_by_category(payload).items()):
                found = self._crossing(
                    ctx, entry, payload["purchaser_id"], category_id, kind, amount
                )
                if found is not None:
                    yield found

    def _crossing(
        self,
        ctx: Context,
        entry: LedgerEntry,
        purchaser_id: int,
        category_id: int,
        kind: str,
        amount: Decimal,
    ) -> Finding | None:
        windows = [
            ("days", entry.at - days(ctx.params["window_days"])),
            ("year", year_start(entry.at)),
        ]
        # The purchaser's earlier direct orders in this category, as this rule remembered them:
        # summed in the database per window (not the year's orders read again for each new one);
        # the orders themselves are read only for a warning's evidence.
        key = f"{purchaser_id}:{category_id}"
        totals = ctx.fact_totals(self.code, key, since=dict(windows), before_seq=entry.seq)
        ctx.remember(self.code, key, entry, amount, item=category_id, note=entry.subject_id)
        for threshold_kind, threshold in self.thresholds(ctx, kind):
            for window, start in windows:
                count, before, largest = totals[window]
                if (
                    count + 1 < ctx.params["min_orders"]
                    or not before < threshold <= before + amount
                    or max(largest, amount) >= threshold
                ):
                    continue
                orders = [
                    (Seen(seq, at, subject), share)
                    for seq, at, share, subject in ctx.facts(
                        self.code, key, since=start, before_seq=entry.seq
                    )
                ]
                orders.append((entry, amount))
                first = orders[0][0]
                return Finding(
                    key=f"{purchaser_id}:{category_id}:{window}:{threshold_kind}:{first.seq}",
                    subject=("organisation", purchaser_id),
                    region_id=entry.region_id,
                    party_org_id=purchaser_id,
                    facts={
                        "purchaser_id": purchaser_id,
                        "category_id": category_id,
                        "category_kind": kind,
                        "window": window,
                        "threshold_kind": threshold_kind,
                        "threshold": str(threshold),
                        "total": str(before + amount),
                        "orders": len(orders),
                        "order_ids": [other.subject_id for other, _ in orders],
                        "first": _day(first.at),
                        "last": _day(entry.at),
                    },
                    evidence=[
                        Evidence(seq=other.seq, subject=("order", other.subject_id))
                        for other, _ in orders
                    ],
                    trigger_seq=entry.seq,
                )
        return None


class Seen(NamedTuple):
    """An earlier order as the rule remembered it."""

    seq: int
    at: datetime
    subject_id: str | None


def _by_category(payload: dict[str, Any]) -> dict[int, tuple[str, Decimal]]:
    """An order's amount per category, with the category's kind."""
    out: dict[int, tuple[str, Decimal]] = {}
    for item in payload.get("items") or ():
        category_id = item.get("category_id")
        if category_id is None:
            continue
        kind, amount = out.get(category_id, (kind_of(item), Decimal(0)))
        out[category_id] = (kind, amount + money(item.get("line_total")))
    return out


def _day(at: datetime) -> str:
    return clock.local(at).date().isoformat()


RULE = SplitPurchase()
