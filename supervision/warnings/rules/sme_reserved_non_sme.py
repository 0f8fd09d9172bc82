"""SME-reserved purchase to a non-SME (预留份额给非中小企业, SUP-2, MALL-10): an order in an
SME-suitable category below the reservation threshold — reserved for small and medium enterprises —
placed with or awarded to a large enterprise. Checkout refuses this for direct purchases, so it
arises from auctions and volume purchases reserved for SMEs whose winner is not one (its size
declaration changed before the award), from call-offs, or from events written before the check.

Reads what the order events say (``sme_reserved``, ``supplier_sme``); events without them are
not judged. One warning per order.
"""

from __future__ import annotations

from collections.abc import Iterable

from core.messages import N_
from supervision.ledger.models import LedgerEntry
from supervision.warnings.rules.base import Context, Evidence, Finding, Rule


class SmeReservedNonSme(Rule):
    code = "sme_reserved_non_sme"
    name = N_("SME-reserved purchase to a non-SME")
    basis = N_(
        "Measures for Government Procurement to Promote the Development of Small and Medium "
        "Enterprises (Cai Ku [2020] No. 46), Article 7: purchases of goods and services below "
        "2,000,000 CNY (works below 4,000,000 CNY) suitable for SMEs are reserved for SMEs."
    )
    description = N_(
        "An order in a category suitable for SMEs and below the reservation threshold was "
        "placed with or awarded to an enterprise that is not small or medium."
    )
    summary = N_(
        "Order %(number)s (%(total)s CNY, reserved for SMEs) went to supplier %(supplier_id)s, "
        "which is not an SME."
    )
    level = "red"
    actions = ("order.placed", "order.awarded")

    def on_entries(self, ctx: Context, entries: list[LedgerEntry]) -> Iterable[Finding]:
        for entry in entries:
            payload = ctx.payload(entry)
            if payload.get("sme_reserved") is not True or payload.get("supplier_sme") is not False:
                continue
            source = payload.get("source") or "mall"
            evidence = [Evidence(seq=entry.seq, subject=("order", entry.subject_id))]
            if source == "auction" and payload.get("source_id") is not None:
                published = ctx.entries(
                    ["auction.published"],
                    before_seq=entry.seq,
                    subject=("auction", payload["source_id"]),
                )
                evidence = [Evidence(seq=e.seq) for e in published[-1:]] + evidence
            yield Finding(
                key=f"order:{entry.subject_id}",
                subject=("order", entry.subject_id),
                region_id=entry.region_id,
                party_org_id=payload.get("purchaser_id"),
                facts={
                    "number": payload.get("number") or f"#{entry.subject_id}",
                    "total": payload.get("total"),
                    "source": source,
                    "source_id": payload.get("source_id"),
                    "purchaser_id": payload.get("purchaser_id"),
                    "supplier_id": payload.get("supplier_id"),
                },
                evidence=evidence,
                trigger_seq=entry.seq,
            )


RULE = SmeReservedNonSme()
