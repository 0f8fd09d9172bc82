"""Cover bidding (陪标、围标、轮流中标): screens over each category's auctions awarded in the last
``window_days`` for the patterns of bidders who bid without meaning to win. AUC-3, SUP-2.

An auction is read from the ledger alone: ``auction.awarded`` (its ``winner_id``), the
``auction.published`` before it (``category_id``, ``number``) and its ``auction.bid_accepted``
entries, of which each supplier's lowest evaluated bid is its final offer. Volume purchases and
secondary competitions run as auctions and are read alike. Three signals, each its own key
prefix and ``signal`` in the facts (``summaries`` holds each one's sentence):

- ``losing:`` — **low win ratio** (Open Contracting red flag R025, excessive unsuccessful bids):
  a supplier that bid in at least ``min_auctions`` of the category's auctions and won none, or
  whose win ratio lies below Q1 − 1.5·IQR of the win ratios of the category's suppliers with as
  many auctions (when at least ``min_suppliers`` of them have). Key
  ``losing:<category>:<supplier>:<half-year>``.
- ``rotation:`` — **rotating winners**: at least ``min_rounds`` auctions of the category bid by
  exactly the same set of 2 to ``max_group`` suppliers, each of whom won some and none more
  than one more than another (turns, not one strong bidder). Key
  ``rotation:<category>:<suppliers>:<half-year>``.
- ``gap:`` — **the gap between the winning and the second offer** (evaluated prices; the gap as a
  share of the winning one) outside the fences of the category's gaps, when the category has at
  least ``min_gaps`` auctions with two offers or more: below Q1 − 1.5·IQR is a second offer
  placed just above the winner (R024, price close to winning bid); above Q3 + 1.5·IQR a winner
  far below the rest (R058, heavily discounted bid). Key ``gap:<auction>``.

Quartiles are price monitoring's (``supervision.prices.quartiles``), over whole basis points. A
screen sees the window as it stands when it runs; the half-year in the first two keys means a
pattern that persists is raised again at most once each half-year, and an auction's gap once.
The party: the supplier of a low win ratio; the latest winner of a rotation; the second bidder of
a close gap, the winner of a wide one.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import ClassVar

from core.messages import N_
from supervision.prices.quartiles import FENCE_FACTOR, quartiles_fen
from supervision.warnings.rules._ledger import (
    Offer,
    common_region,
    entries_about,
    final_offers,
    half_year,
    ranked,
)
from supervision.warnings.rules.base import Context, Evidence, Finding, Param, Rule

BP = 10000


@dataclass
class Closed:
    """An awarded auction as the screens read it."""

    id: str
    number: str
    category_id: int
    region_id: int | None
    seq: int
    winner_id: int | None
    offers: dict[int, Offer] = field(default_factory=dict)


def _fences(values: list[int]) -> tuple[Decimal, Decimal]:
    q1, _, q3 = quartiles_fen(sorted(values))
    spread = FENCE_FACTOR * (q3 - q1)
    return Decimal(q1) - spread, Decimal(q3) + spread


def _pct(bp: int | Decimal) -> str:
    return str((Decimal(bp) / 100).quantize(Decimal("0.01"), ROUND_HALF_UP))


class CoverBidding(Rule):
    code = "cover_bidding"
    name = N_("Cover bidding")
    basis = N_(
        "Regulations for the Implementation of the Government Procurement Law, Article 74 (5) "
        "and (6): suppliers agreeing in advance which of them wins, or that some of them give up "
        "winning, collude; Open Contracting red flags R024 (price close to winning bid), R025 "
        "(excessive unsuccessful bids) and R058 (heavily discounted bid)."
    )
    description = N_(
        "Screens each category's auctions of the last %(window_days)s days for suppliers that "
        "bid often and (almost) never win, for winners taking turns within a fixed group of "
        "bidders, and for gaps between the winning and the second offer outside the category's "
        "usual range."
    )
    summary = N_("Cover-bidding signal %(signal)s in category %(category_id)s (%(days)s days).")
    #: each signal's own sentence (its facts), for where the signal is shown
    summaries: ClassVar[dict[str, str]] = {
        "low_win_ratio": N_(
            "In category %(category_id)s over %(days)s days, a supplier bid in %(count)s "
            "auctions and won %(wins)s (%(ratio)s%%; the category's lower fence is %(fence)s%%)."
        ),
        "rotation": N_(
            "In category %(category_id)s over %(days)s days, %(count)s auctions bid by the same "
            "%(size)s suppliers were won by each of them in turn."
        ),
        "close_to_winner": N_(
            "In %(number)s the second offer lay %(gap)s%% above the winning one, below the "
            "category's lower fence of %(fence)s%% (price close to the winning bid)."
        ),
        "heavily_discounted": N_(
            "In %(number)s the second offer lay %(gap)s%% above the winning one, above the "
            "category's upper fence of %(fence)s%% (heavily discounted winning bid)."
        ),
    }
    level = "orange"
    params = (
        Param("window_days", 180, N_("the screens read the auctions awarded in this many days")),
        Param(
            "min_auctions",
            10,
            N_(
                "a supplier's win ratio is judged once it bid in this many of a category's auctions"
            ),
        ),
        Param(
            "min_suppliers",
            4,
            N_("win ratios have fences once this many of a category's suppliers are judged"),
        ),
        Param(
            "min_rounds",
            4,
            N_("this many auctions won in turn by the same group of bidders raise the warning"),
        ),
        Param("max_group", 4, N_("the largest group of bidders read as rotating its wins")),
        Param(
            "min_gaps",
            8,
            N_("the gaps of a category have fences once it has this many auctions with two offers"),
        ),
    )
    screens = True

    def screen(self, ctx: Context) -> Iterable[Finding]:
        days = ctx.params["window_days"]
        by_category: dict[int, list[Closed]] = defaultdict(list)
        for auction in _closed(ctx, days):
            by_category[auction.category_id].append(auction)
        period = half_year(ctx.now)
        for category_id, auctions in sorted(by_category.items()):
            yield from self._losing(ctx, category_id, auctions, days, period)
            yield from self._rotation(ctx, category_id, auctions, days, period)
            yield from self._gaps(ctx, category_id, auctions, days)

    def _losing(
        self, ctx: Context, category_id: int, auctions: list[Closed], days: int, period: str
    ) -> Iterable[Finding]:
        bid_in: dict[int, list[Closed]] = defaultdict(list)
        for auction in auctions:
            for supplier_id in auction.offers:
                bid_in[supplier_id].append(auction)
        judged = {
            supplier_id: (sum(a.winner_id == supplier_id for a in mine), len(mine))
            for supplier_id, mine in bid_in.items()
            if len(mine) >= ctx.params["min_auctions"]
        }
        ratios = {s: wins * BP // count for s, (wins, count) in judged.items()}
        fence = None
        if len(ratios) >= max(ctx.params["min_suppliers"], 1):
            fence = _fences(list(ratios.values()))[0]
        for supplier_id, (wins, count) in sorted(judged.items()):
            if wins > 0 and (fence is None or ratios[supplier_id] >= fence):
                continue
            mine = bid_in[supplier_id]
            yield Finding(
                key=f"losing:{category_id}:{supplier_id}:{period}",
                subject=("organisation", supplier_id),
                region_id=common_region(ctx, (a.region_id for a in mine)),
                party_org_id=supplier_id,
                facts={
                    "signal": "low_win_ratio",
                    "category_id": category_id,
                    "days": days,
                    "period": period,
                    "count": count,
                    "wins": wins,
                    "ratio": _pct(ratios[supplier_id]),
                    "fence": _pct(max(fence, Decimal(0))) if fence is not None else None,
                    "suppliers_judged": len(judged),
                },
                evidence=[Evidence(seq=a.offers[supplier_id].seq) for a in mine],
                trigger_seq=max(a.seq for a in mine),
            )

    def _rotation(
        self, ctx: Context, category_id: int, auctions: list[Closed], days: int, period: str
    ) -> Iterable[Finding]:
        groups: dict[frozenset[int], list[Closed]] = defaultdict(list)
        for auction in auctions:
            if 2 <= len(auction.offers) <= ctx.params["max_group"]:
                groups[frozenset(auction.offers)].append(auction)
        for members, rounds in sorted(groups.items(), key=lambda kv: sorted(kv[0])):
            if len(rounds) < ctx.params["min_rounds"]:
                continue
            wins = {supplier_id: 0 for supplier_id in members}
            for auction in rounds:
                if auction.winner_id in wins:
                    wins[auction.winner_id] += 1
            if min(wins.values()) == 0 or max(wins.values()) - min(wins.values()) > 1:
                continue
            rounds.sort(key=lambda a: a.seq)
            ids = sorted(members)
            yield Finding(
                key=f"rotation:{category_id}:{'-'.join(map(str, ids))}:{period}",
                subject=("category", category_id),
                region_id=common_region(ctx, (a.region_id for a in rounds)),
                party_org_id=rounds[-1].winner_id,
                facts={
                    "signal": "rotation",
                    "category_id": category_id,
                    "days": days,
                    "period": period,
                    "count": len(rounds),
                    "size": len(ids),
                    "supplier_ids": ids,
                    "winners": [a.winner_id for a in rounds],
                    "numbers": [a.number for a in rounds],
                },
                evidence=[Evidence(seq=a.seq, subject=("auction", a.id)) for a in rounds],
                trigger_seq=rounds[-1].seq,
            )

    def _gaps(
        self, ctx: Context, category_id: int, auctions: list[Closed], days: int
    ) -> Iterable[Finding]:
        gaps: dict[str, tuple[int, list[Offer]]] = {}
        for auction in auctions:
            order = ranked(auction.offers)
            if len(order) < 2 or order[0].evaluated <= 0:
                continue
            share = (order[1].evaluated - order[0].evaluated) * BP / order[0].evaluated
            gaps[auction.id] = (int(share.quantize(Decimal(1), ROUND_HALF_UP)), order)
        if len(gaps) < max(ctx.params["min_gaps"], 1):
            return
        lower, upper = _fences([gap for gap, _ in gaps.values()])
        for auction in auctions:
            if auction.id not in gaps:
                continue
            gap, order = gaps[auction.id]
            if lower <= gap <= upper:
                continue
            close = gap < lower
            yield Finding(
                key=f"gap:{auction.id}",
                subject=("auction", auction.id),
                region_id=auction.region_id,
                party_org_id=order[1].supplier_id if close else order[0].supplier_id,
                facts={
                    "signal": "close_to_winner" if close else "heavily_discounted",
                    "category_id": category_id,
                    "days": days,
                    "count": len(gaps),
                    "number": auction.number,
                    "winning": str(order[0].evaluated),
                    "second": str(order[1].evaluated),
                    "gap": _pct(gap),
                    "fence": _pct(max(lower, Decimal(0)) if close else upper),
                },
                evidence=[
                    Evidence(seq=order[0].seq, subject=("organisation", order[0].supplier_id)),
                    Evidence(seq=order[1].seq, subject=("organisation", order[1].supplier_id)),
                    Evidence(seq=auction.seq, subject=("auction", auction.id)),
                ],
                trigger_seq=auction.seq,
            )


def _closed(ctx: Context, days: int) -> list[Closed]:
    """The auctions awarded in the last ``days`` days, with their final offers."""
    awarded = ctx.entries(["auction.awarded"], since=ctx.now - timedelta(days=days), until=ctx.now)
    if not awarded:
        return []
    ids = [entry.subject_id for entry in awarded]
    terms = {
        entry.subject_id: ctx.payload(entry)
        for entry in entries_about(ctx, ["auction.published"], "auction", ids)
    }
    bids: dict[str, list] = defaultdict(list)
    for entry in entries_about(ctx, ["auction.bid_accepted"], "auction", ids):
        bids[entry.subject_id].append(entry)
    out: list[Closed] = []
    for entry in awarded:
        published = terms.get(entry.subject_id) or {}
        if published.get("category_id") is None:
            continue
        before = [bid for bid in bids[entry.subject_id] if bid.seq < entry.seq]
        out.append(
            Closed(
                id=str(entry.subject_id),
                number=published.get("number") or f"#{entry.subject_id}",
                category_id=published["category_id"],
                region_id=entry.region_id,
                seq=entry.seq,
                winner_id=ctx.payload(entry).get("winner_id"),
                offers=final_offers(ctx, before),
            )
        )
    return out


RULE = CoverBidding()
