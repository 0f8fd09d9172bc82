"""Identical bids (报价异常一致): two or more suppliers ending an auction on the same price (Open
Contracting cardinal red flag R028, "identical bid prices"). AUC-3, SUP-2.

Read at the close (``auction.awarded`` or ``auction.failed``), from the auction's
``auction.bid_accepted`` entries before it: each supplier's final offer is its lowest accepted
bid (by evaluated price, as the award ranks). Suppliers whose final offers are the same price form
a group; a group of at least ``min_suppliers`` is one warning, keyed ``auction:<id>:<price>``.

Decisions:

- final offers, not every bid: prices pass each other on the way down, and matching a rival's
  price for a moment is how a live auction moves; ending on it is the signal;
- with ``must_beat`` ``best`` an accepted bid must lie a decrement below the best evaluated price,
  so identical final prices can only arise between bidders ranked with different deductions; with
  ``own`` each bidder only beats itself and identical prices are open to everyone — both are read,
  the modes differ in how often the case can occur, not in what it means;
- rejected bids (``auction.bid_rejected``) are not offers: in ``best`` mode a bid equal to the
  best price is refused as a matter of course (``decrement``), and counting it would turn that
  ordinary refusal into a collusion signal;
- a price equal to the announced ceiling is no choice (it is the highest allowed, and a first
  bid there is common) and does not count; a hidden ceiling is not on the ledger and cannot be
  excluded, but neither can bidders aim at it.

The warning names as its party the supplier whose bid made the price identical (the later of
the group), the others in its facts and evidence.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from decimal import Decimal

from core.messages import N_
from supervision.ledger.models import LedgerEntry
from supervision.warnings.rules._ledger import final_offers, published
from supervision.warnings.rules.base import Context, Evidence, Finding, Param, Rule


class IdenticalBids(Rule):
    code = "identical_bids"
    name = N_("Identical bids")
    basis = N_(
        "Measures for the Administration of Government Procurement Bidding (Order No. 87 of the "
        "Ministry of Finance), Article 37 (4): bids of different bidders that are abnormally "
        "alike are deemed collusion; Open Contracting red flag R028 (identical bid prices)."
    )
    description = N_(
        "At least %(min_suppliers)s different suppliers ended an auction on the same price "
        "(their final accepted offers; prices at the announced ceiling do not count)."
    )
    summary = N_("In %(number)s, %(count)s suppliers ended on the same price of %(price)s CNY.")
    level = "orange"
    params = (
        Param(
            "min_suppliers",
            2,
            N_("this many suppliers with the same final price raise the warning"),
        ),
    )
    actions = ("auction.awarded", "auction.failed")

    def on_entries(self, ctx: Context, entries: list[LedgerEntry]) -> Iterable[Finding]:
        for entry in entries:
            auction_id = entry.subject_id
            bids = ctx.entries(
                ["auction.bid_accepted"], before_seq=entry.seq, subject=("auction", auction_id)
            )
            offers = final_offers(ctx, bids)
            announced = published(ctx, auction_id, entry.seq)
            terms = ctx.payload(announced) if announced is not None else {}
            ceiling = Decimal(str(terms["ceiling"])) if terms.get("ceiling") else None
            groups: dict[Decimal, list] = defaultdict(list)
            for offer in offers.values():
                if ceiling is None or offer.price != ceiling:
                    groups[offer.price].append(offer)
            for price, group in sorted(groups.items()):
                if len(group) < max(2, ctx.params["min_suppliers"]):
                    continue
                group.sort(key=lambda offer: offer.seq)
                yield Finding(
                    key=f"auction:{auction_id}:{price}",
                    subject=("auction", auction_id),
                    region_id=entry.region_id,
                    party_org_id=group[-1].supplier_id,
                    facts={
                        "number": terms.get("number") or f"#{auction_id}",
                        "price": str(price),
                        "count": len(group),
                        "supplier_ids": [offer.supplier_id for offer in group],
                        "must_beat": terms.get("must_beat"),
                        "outcome": entry.action.removeprefix("auction."),
                    },
                    evidence=[
                        *([Evidence(seq=announced.seq)] if announced is not None else []),
                        *(
                            Evidence(seq=offer.seq, subject=("organisation", offer.supplier_id))
                            for offer in group
                        ),
                        Evidence(seq=entry.seq),
                    ],
                    trigger_seq=entry.seq,
                )


RULE = IdenticalBids()
