"""SME share below the floor (中小企业预留份额不足, SUP-2, MALL-10): of what a purchaser unit bought
in categories suitable for SMEs this fiscal year, less than 30 % (works 40 %) went to small and
medium enterprises. A screen: judged from the fourth quarter (1 October, China's time) on, when
the year's purchases are mostly made, and only for a unit that bought enough to judge.

Counts direct orders and awarded orders (``order.placed``, ``order.awarded``) by their lines that
are SME-suitable, less orders that ended unbought (declined, cancelled, lapsed); events written
before they carried ``supplier_sme`` are not counted. One warning per unit, year and kind
(works, or goods and services).
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal

from core.messages import N_
from supervision.warnings.rules.base import Context, Evidence, Finding, Param, Rule
from supervision.warnings.rules.common import (
    ended_orders,
    kind_of,
    local_date_start,
    money,
    year_start,
)

ORDERS = ("order.placed", "order.awarded")


class SmeShare(Rule):
    code = "sme_share"
    name = N_("SME share below the floor")
    basis = N_(
        "Measures for Government Procurement to Promote the Development of Small and Medium "
        "Enterprises (Cai Ku [2020] No. 46), Article 8, and Cai Ku [2022] No. 19: at least 30 per cent "
        "of a department's purchases suitable for SMEs (works 40 per cent) is reserved for SMEs."
    )
    description = N_(
        "From the judging date of the fiscal year on, a purchaser unit's share of SME-suitable "
        "purchases that went to SMEs is below %(min_share)s (works %(min_share_works)s), once it "
        "bought at least %(min_amount)s CNY of them."
    )
    summary = N_(
        "In %(year)s the unit bought %(suitable)s CNY suitable for SMEs (%(kind)s), of which "
        "%(to_sme)s CNY from SMEs: %(share)s, below %(floor)s."
    )
    level = "yellow"
    params = (
        Param("min_share", Decimal("0.30"), N_("the least share for goods and services")),
        Param("min_share_works", Decimal("0.40"), N_("the least share for works")),
        Param(
            "judge_from_month",
            10,
            N_("the month (its first day, China's time) from which the year is judged"),
        ),
        Param(
            "min_amount",
            Decimal("200000.00"),
            N_(
                "the least amount of SME-suitable purchases (CNY) in the year for a unit to be "
                "judged; below it a share says little"
            ),
        ),
    )
    screens = True

    def screen(self, ctx: Context) -> Iterable[Finding]:
        start = year_start(ctx.now)
        if ctx.now < local_date_start(ctx.now, ctx.params["judge_from_month"], 1):
            return
        year = start.year
        ended = ended_orders(ctx, start)
        # (purchaser, kind) → [suitable, to SMEs, entries, region]
        sums: dict[tuple[int, str], list] = {}
        for entry in ctx.entries(ORDERS, since=start, until=ctx.now):
            payload = ctx.payload(entry)
            purchaser = payload.get("purchaser_id")
            if purchaser is None or entry.subject_id in ended or "supplier_sme" not in payload:
                continue
            for item in payload.get("items") or ():
                if not item.get("sme_suitable"):
                    continue
                group = "works" if kind_of(item) == "works" else "goods_services"
                row = sums.setdefault((purchaser, group), [Decimal(0), Decimal(0), [], None])
                row[0] += money(item.get("line_total"))
                if payload["supplier_sme"]:
                    row[1] += money(item.get("line_total"))
                if not row[2] or row[2][-1] is not entry:
                    row[2].append(entry)
                row[3] = entry.region_id
        for (purchaser, group), (suitable, to_sme, entries, region_id) in sorted(
            sums.items(), key=lambda kv: kv[0]
        ):
            floor = ctx.params["min_share_works" if group == "works" else "min_share"]
            if suitable < ctx.params["min_amount"] or to_sme >= suitable * floor:
                continue
            org = ctx.org(purchaser)
            yield Finding(
                key=f"{purchaser}:{year}:{group}",
                subject=("organisation", purchaser),
                region_id=org.region_id if org is not None else region_id,
                party_org_id=purchaser,
                facts={
                    "purchaser_id": purchaser,
                    "year": year,
                    "kind": group,
                    "suitable": str(suitable),
                    "to_sme": str(to_sme),
                    "share": f"{(to_sme / suitable * 100).quantize(Decimal('0.1'))} %",
                    "floor": f"{(floor * 100).normalize():f} %",
                },
                evidence=[Evidence(seq=e.seq, subject=("order", e.subject_id)) for e in entries],
                trigger_seq=entries[-1].seq,
            )


RULE = SmeShare()
