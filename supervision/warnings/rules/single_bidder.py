"""Single bidder (单一竞价人): an auction, a volume purchase or a framework agreement's secondary
competition awarded when only one supplier bid — competition did not happen (cardinal red flag
R018, "single bid received")."""

from __future__ import annotations

from collections.abc import Iterable

from core.messages import N_
from supervision.ledger.models import LedgerEntry
from supervision.warnings.rules.base import Context, Evidence, Finding, Param, Rule


class SingleBidder(Rule):
    code = "single_bidder"
    name = N_("Single bidder")
    basis = N_(
        "Measures for the Administration of Government Procurement Bidding (Order No. 87 of the "
        "Ministry of Finance), Article 43: fewer than three qualified bidders means too little "
        "competition; Open Contracting red flag R018 (single bid received)."
    )
    description = N_(
        "An auction, a volume purchase or a secondary competition was awarded although no more "
        "than %(max_bidders)s supplier(s) bid."
    )
    summary = N_("%(number)s was awarded at %(price)s CNY with %(bidders)s bidder(s).")
    level = "yellow"
    params = (
        Param(
            "max_bidders",
            1,
            N_("an award with this many bidders or fewer raises the warning"),
        ),
    )
    actions = ("auction.published", "auction.awarded")

    def on_entries(self, ctx: Context, entries: list[LedgerEntry]) -> Iterable[Finding]:
        for entry in entries:
            if entry.action != "auction.awarded":
                continue
            payload = ctx.payload(entry)
            bidders = payload.get("bidder_count")
            if bidders is None or bidders > ctx.params["max_bidders"] or bidders < 1:
                continue
            published = ctx.entries(
                ["auction.published"], before_seq=entry.seq, subject=("auction", entry.subject_id)
            )
            terms = ctx.payload(published[-1]) if published else {}
            yield Finding(
                key=f"auction:{entry.subject_id}",
                subject=("auction", entry.subject_id),
                region_id=entry.region_id,
                party_org_id=published[-1].actor_org_id if published else None,
                facts={
                    "number": terms.get("number") or f"#{entry.subject_id}",
                    "price": payload.get("price"),
                    "bidders": bidders,
                    "winner_id": payload.get("winner_id"),
                },
                evidence=[
                    *(Evidence(seq=item.seq) for item in published[-1:]),
                    Evidence(seq=entry.seq),
                    Evidence(subject=("auction", entry.subject_id)),
                ],
                trigger_seq=entry.seq,
            )


RULE = SingleBidder()
