"""Single bidder (单一竞价人): an auction, a volume purchase or a framework agreement's secondary
competition awarded when only one supplier bid — competition did not happen (cardinal red flag
R018, "single bid received"). AUC-3, SUP-2.

All three run as reverse auctions and all three close through the auction clock, which records
``auction.awarded`` with ``bidder_count`` for each; the rule reads that entry. The auction's
``auction.published`` tells which it was: a volume purchase's auction names its ``pool_id`` (the
warning is about the pool and its organiser, from ``pool.opened``), a secondary competition its
``calloff_id`` and ``agreement_id`` (the warning is about the call-off and its purchaser). A
secondary competition needs two bidders to be awarded at all (``auction.calloffs.MIN_BIDDERS``),
so with the default ``max_bidders`` of 1 only a raised parameter finds one there. The key stays
``auction:<id>`` whichever it was, so each award is one warning.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

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
            subject: tuple[str, Any] = ("auction", entry.subject_id)
            party = published[-1].actor_org_id if published else None
            number = terms.get("number") or f"#{entry.subject_id}"
            kind = "auction"
            opened: list[LedgerEntry] = []
            if terms.get("pool_id") is not None:
                # A volume purchase: published by the clock; the pool's organiser opened it.
                kind, subject = "pool", ("pool", terms["pool_id"])
                opened = ctx.entries(["pool.opened"], before_seq=entry.seq, subject=subject)
                if opened:
                    party = opened[-1].actor_org_id
                    pool_number = ctx.payload(opened[-1]).get("number")
                    if pool_number:
                        number = f"{pool_number} ({number})"
            elif terms.get("calloff_id") is not None:
                kind, subject = "calloff", ("agreement_calloff", terms["calloff_id"])
            yield Finding(
                key=f"auction:{entry.subject_id}",
                subject=subject,
                region_id=entry.region_id,
                party_org_id=party,
                facts={
                    "number": number,
                    "kind": kind,
                    "auction_id": int(entry.subject_id),
                    "price": payload.get("price"),
                    "bidders": bidders,
                    "winner_id": payload.get("winner_id"),
                    **({"agreement_id": terms["agreement_id"]} if kind == "calloff" else {}),
                },
                evidence=[
                    *(Evidence(seq=item.seq) for item in opened[-1:]),
                    *(Evidence(seq=item.seq) for item in published[-1:]),
                    Evidence(seq=entry.seq),
                    Evidence(subject=("auction", entry.subject_id)),
                ],
                trigger_seq=entry.seq,
            )


RULE = SingleBidder()
