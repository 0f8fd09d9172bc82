"""Call-off concentration (直接选定集中): a purchaser's call-offs from one framework agreement by
direct selection going mostly to one entrant. SUP-2 (MALL-8).

Direct selection is the purchaser's own choice among the agreement's entrants, for a recorded
reason (price, quality, service, delivery); the agreement exists so that the entrants compete for
the call-offs. Read: ``agreement.calloff_placed`` with ``method`` ``direct``, its ``entrant_id``
and ``supplier_id`` (the placement names both), ``agreement_id`` and ``purchaser_id``.

Per agreement **and purchaser**: at a direct call-off, the purchaser's direct call-offs on the
agreement up to and including it are counted (the ledger as it stood then); once there are at
least ``min_calloffs``, an entrant's share above ``max_share`` raises the warning about the
purchaser. Not per agreement alone: across all purchasers, an entrant with the best prices
rightly takes most call-offs, and no one party chose that; one purchaser returning to one
entrant is a choice it can be asked to explain (the recorded reasons are in the facts and the
evidence). Key ``agreement:<id>:purchaser:<id>:entrant:<id>`` — one warning for the pair,
whatever follows.
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal

from core.messages import N_
from supervision.ledger.models import LedgerEntry
from supervision.warnings.rules._ledger import percent
from supervision.warnings.rules.base import Context, Evidence, Finding, Param, Rule


class CalloffConcentration(Rule):
    code = "calloff_concentration"
    name = N_("Direct call-offs concentrated on one entrant")
    basis = N_(
        "Interim Measures for the Administration of Framework Agreement Procurement (Order No. "
        "110 of the Ministry of Finance): in the second stage the purchaser selects directly "
        "among the entrants by price, quality, service convenience and user ratings, so that "
        "the entrants keep competing for the call-offs."
    )
    description = N_(
        "More than %(max_share)s of a purchaser's direct call-offs from one framework agreement "
        "(once there are %(min_calloffs)s or more) went to the same entrant."
    )
    summary = N_(
        "%(calloffs)s of the purchaser's %(total)s direct call-offs from agreement "
        "%(agreement_id)s (%(share)s%%) went to the same entrant."
    )
    level = "yellow"
    params = (
        Param(
            "max_share",
            Decimal("0.50"),
            N_("a share of a purchaser's direct call-offs above this going to one entrant"),
        ),
        Param(
            "min_calloffs",
            4,
            N_("the share is judged once the purchaser has this many direct call-offs"),
        ),
    )
    actions = ("agreement.calloff_placed",)

    def on_entries(self, ctx: Context, entries: list[LedgerEntry]) -> Iterable[Finding]:
        for entry in entries:
            payload = ctx.payload(entry)
            entrant_id = payload.get("entrant_id")
            if payload.get("method") != "direct" or entrant_id is None:
                continue
            agreement_id, purchaser_id = payload.get("agreement_id"), payload.get("purchaser_id")
            placed = [
                earlier
                for earlier in ctx.entries(
                    ["agreement.calloff_placed"],
                    before_seq=entry.seq,
                    actor_org_id=entry.actor_org_id,
                )
                if _direct_on(ctx.payload(earlier), agreement_id, purchaser_id)
            ]
            placed.append(entry)
            total = len(placed)
            if total < ctx.params["min_calloffs"]:
                continue
            by_entrant: dict[int, list[LedgerEntry]] = {}
            for placement in placed:
                by_entrant.setdefault(ctx.payload(placement)["entrant_id"], []).append(placement)
            for chosen_id, chosen in sorted(by_entrant.items()):
                share = Decimal(len(chosen)) / Decimal(total)
                if share <= ctx.params["max_share"]:
                    continue
                yield Finding(
                    key=f"agreement:{agreement_id}:purchaser:{purchaser_id}:entrant:{chosen_id}",
                    subject=("agreement", agreement_id),
                    region_id=entry.region_id,
                    party_org_id=purchaser_id,
                    facts={
                        "agreement_id": agreement_id,
                        "purchaser_id": purchaser_id,
                        "entrant_id": chosen_id,
                        "supplier_id": ctx.payload(chosen[-1]).get("supplier_id"),
                        "calloffs": len(chosen),
                        "total": total,
                        "share": percent(share),
                        "numbers": [ctx.payload(e).get("number") for e in chosen],
                        "reasons": sorted(
                            {ctx.payload(e).get("reason") or "" for e in chosen} - {""}
                        ),
                    },
                    evidence=[
                        Evidence(seq=e.seq, subject=("agreement_calloff", e.subject_id))
                        for e in chosen
                    ],
                    trigger_seq=entry.seq,
                )


def _direct_on(payload: dict, agreement_id: object, purchaser_id: object) -> bool:
    return (
        payload.get("method") == "direct"
        and payload.get("agreement_id") == agreement_id
        and payload.get("purchaser_id") == purchaser_id
        and payload.get("entrant_id") is not None
    )


RULE = CalloffConcentration()
