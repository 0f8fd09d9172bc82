"""Price raised before a large order (先涨价后下单, SUP-2, SUP-3): a listing's price raised by more
than a share shortly before a large order was placed at the raised price — the supplier (perhaps
told of the order) raised the price for it.

Reads ``listing.price_changed`` (old → new) and the lines of ``order.placed`` (listing, unit
price, line total): a line of at least the amount, at the unit price a raise set within the days
before the order, the raise above the share. One warning per order line's listing.
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal

from core import clock
from core.messages import N_
from supervision.ledger.models import LedgerEntry
from supervision.warnings.rules.base import Context, Evidence, Finding, Param, Rule
from supervision.warnings.rules.common import days, money


class PriceRaisedBeforeOrder(Rule):
    code = "price_raised_before_order"
    name = N_("Price raised before a large order")
    basis = N_(
        "Government Procurement Law, Article 17: prices in centralised procurement are to be "
        "below the market's average; Article 77: suppliers may not seek a deal by improper means."
    )
    description = N_(
        "A listing's price was raised by more than %(min_raise)s within %(within_days)s days "
        "before an order line of at least %(min_amount)s CNY at the raised price."
    )
    summary = N_(
        "Listing %(listing_id)s went from %(old)s to %(new)s CNY (+%(raise)s) on %(raised_on)s; "
        "order %(number)s bought %(line_total)s CNY at that price on %(ordered_on)s."
    )
    level = "orange"
    params = (
        Param("min_raise", Decimal("0.10"), N_("the least raise, as a share of the old price")),
        Param("within_days", 7, N_("how many days before the order the raise counts")),
        Param(
            "min_amount",
            Decimal("50000.00"),
            N_("the least order line total (CNY) that makes an order large"),
        ),
    )
    actions = ("order.placed",)

    def on_entries(self, ctx: Context, entries: list[LedgerEntry]) -> Iterable[Finding]:
        for entry in entries:
            payload = ctx.payload(entry)
            seen: set[int] = set()
            for item in payload.get("items") or ():
                listing_id = item.get("listing_id")
                if (
                    listing_id is None
                    or listing_id in seen
                    or money(item.get("line_total")) < ctx.params["min_amount"]
                ):
                    continue
                seen.add(listing_id)
                raise_ = self._raise(ctx, entry, listing_id, money(item.get("unit_price")))
                if raise_ is None:
                    continue
                change, old, new = raise_
                yield Finding(
                    key=f"order:{entry.subject_id}:listing:{listing_id}",
                    subject=("order", entry.subject_id),
                    region_id=entry.region_id,
                    party_org_id=payload.get("supplier_id"),
                    facts={
                        "number": payload.get("number") or f"#{entry.subject_id}",
                        "listing_id": listing_id,
                        "old": str(old),
                        "new": str(new),
                        "raise": f"{((new - old) / old * 100).quantize(Decimal('0.1'))} %",
                        "raised_on": clock.local(change.at).date().isoformat(),
                        "ordered_on": clock.local(entry.at).date().isoformat(),
                        "line_total": item.get("line_total"),
                        "supplier_id": payload.get("supplier_id"),
                        "purchaser_id": payload.get("purchaser_id"),
                    },
                    evidence=[
                        Evidence(seq=change.seq, subject=("listing", listing_id)),
                        Evidence(seq=entry.seq, subject=("order", entry.subject_id)),
                    ],
                    trigger_seq=entry.seq,
                )

    def _raise(
        self, ctx: Context, entry: LedgerEntry, listing_id: int, unit_price: Decimal
    ) -> tuple[LedgerEntry, Decimal, Decimal] | None:
        """The raise, within the days before the order, that set the price the order paid."""
        changes = ctx.entries(
            ["listing.price_changed"],
            before_seq=entry.seq,
            since=entry.at - days(ctx.params["within_days"]),
            subject=("listing", listing_id),
        )
        for change in reversed(changes):
            payload = ctx.payload(change)
            old, new = money(payload.get("old")), money(payload.get("new"))
            if new != unit_price:
                continue
            if old > 0 and new > old * (1 + ctx.params["min_raise"]):
                return change, old, new
            return None
        return None


RULE = PriceRaisedBeforeOrder()
