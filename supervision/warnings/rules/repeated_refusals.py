"""Repeated refusals (屡次违规尝试, SUP-2, AUC-3): one organisation refused again and again — a
purchaser unit checking out without a budget, beyond its budget, over the e-mall's limit or from a
large enterprise where SMEs are reserved (``order.refused``), or a supplier bidding after an
auction closed (``auction.bid_rejected`` with a counted reason). Once is a mistake; N times within
M days is a pattern.

One warning per run of refusals: raised at the refusal that brings the count within the window to
N when the refusal before it did not (the count at that one, over its own window, was below N).
Purchase and bid refusals are counted apart. The key names the organisation, the kind and the
refusal that crossed.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from core import clock
from core.messages import N_
from supervision.ledger.models import LedgerEntry
from supervision.warnings.rules.base import Context, Evidence, Finding, Param, Rule
from supervision.warnings.rules.common import days


class RepeatedRefusals(Rule):
    code = "repeated_refusals"
    name = N_("Repeated refusals")
    basis = N_(
        "Government Procurement Law, Article 6: government procurement follows the approved "
        "budget strictly; the e-mall's rules on its purchase limit, the SME reservation and "
        "bids only while an auction is open (AUC-3)."
    )
    description = N_(
        "One organisation was refused %(refusals)s times or more within %(within_days)s days: "
        "purchases without or beyond a budget, over the e-mall limit or against the SME "
        "reservation, or bids after an auction closed."
    )
    summary = N_(
        "Organisation %(org_id)s was refused %(count)s times (%(kind)s) from %(first)s to "
        "%(last)s: %(codes)s."
    )
    level = "yellow"
    params = (
        Param("refusals", 3, N_("how many refusals make a pattern")),
        Param("within_days", 30, N_("the window, in days, the refusals are counted in")),
        Param(
            "bid_reasons",
            "closed",
            N_("the reasons of a rejected bid that count, comma-separated (closed: after close)"),
        ),
    )
    actions = ("order.refused", "auction.bid_rejected")

    def _counted(self, ctx: Context, entry: LedgerEntry) -> tuple[str, int] | None:
        """(kind, organisation) of a refusal that counts, else None."""
        payload = ctx.payload(entry)
        if entry.action == "order.refused":
            org = payload.get("purchaser_id") or entry.actor_org_id
            return None if org is None else ("purchase", org)
        reasons = {r.strip() for r in str(ctx.params["bid_reasons"]).split(",") if r.strip()}
        org = payload.get("supplier_id") or entry.actor_org_id
        if payload.get("reason") not in reasons or org is None:
            return None
        return ("bid", org)

    def _window(self, ctx: Context, entry: LedgerEntry, kind: str, org: int) -> list[LedgerEntry]:
        """The refusals of ``kind`` by ``org`` within the window ending at ``entry`` (included)."""
        action = "order.refused" if kind == "purchase" else "auction.bid_rejected"
        earlier = ctx.entries(
            [action],
            before_seq=entry.seq,
            since=entry.at - days(ctx.params["within_days"]),
            actor_org_id=org,
        )
        return [e for e in earlier if self._counted(ctx, e) == (kind, org)] + [entry]

    def on_entries(self, ctx: Context, entries: list[LedgerEntry]) -> Iterable[Finding]:
        needed = ctx.params["refusals"]
        for entry in entries:
            counted = self._counted(ctx, entry)
            if counted is None:
                continue
            kind, org = counted
            window = self._window(ctx, entry, kind, org)
            if len(window) < needed:
                continue
            if len(window) > 1 and len(self._window(ctx, window[-2], kind, org)) >= needed:
                continue  # the run had crossed already
            found = ctx.org(org)
            yield Finding(
                key=f"{org}:{kind}:{entry.seq}",
                subject=("organisation", org),
                region_id=found.region_id if found is not None else entry.region_id,
                party_org_id=org,
                facts={
                    "org_id": org,
                    "kind": kind,
                    "count": len(window),
                    "codes": ", ".join(
                        sorted(
                            {
                                str(ctx.payload(e).get("code") or ctx.payload(e).get("reason"))
                                for e in window
                            }
                        )
                    ),
                    "first": _local(window[0].at),
                    "last": _local(entry.at),
                },
                evidence=[Evidence(seq=e.seq) for e in window],
                trigger_seq=entry.seq,
            )


def _local(at: datetime) -> str:
    return clock.local(at).strftime("%Y-%m-%d %H:%M")


RULE = RepeatedRefusals()
