"""What the bidding-side rules read of the ledger, shared: an auction's publication, its bids and
each bidder's final offer, the region common to several subjects, the half-year a screen's finding
belongs to. Reads the ledger only (AUC-3, SUP-2)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import select

from core import clock
from supervision.ledger.models import LedgerEntry
from supervision.warnings.rules.base import Context

#: subject ids per IN (well under every backend's limit on bound parameters)
CHUNK = 500


def entries_about(
    ctx: Context,
    actions: Iterable[str],
    subject_type: str,
    ids: Iterable[Any],
    *,
    before_seq: int | None = None,
) -> list[LedgerEntry]:
    """Entries of ``actions`` about any of the subjects ``(subject_type, id)``, in ledger order."""
    wanted = sorted({str(i) for i in ids})
    found: list[LedgerEntry] = []
    for start in range(0, len(wanted), CHUNK):
        query = select(LedgerEntry).where(
            LedgerEntry.action.in_(list(actions)),
            LedgerEntry.subject_type == subject_type,
            LedgerEntry.subject_id.in_(wanted[start : start + CHUNK]),
        )
        if before_seq is not None:
            query = query.where(LedgerEntry.seq < before_seq)
        found.extend(ctx.session.scalars(query))
    found.sort(key=lambda entry: entry.seq)
    return found


def published(ctx: Context, auction_id: Any, before_seq: int) -> LedgerEntry | None:
    """The auction's last ``auction.published`` before ``before_seq`` (its terms as announced)."""
    found = ctx.entries(
        ["auction.published"], before_seq=before_seq, subject=("auction", auction_id)
    )
    return found[-1] if found else None


@dataclass(frozen=True)
class Offer:
    """A bidder's final offer in an auction: its lowest accepted bid by evaluated price (the
    price less its deduction, which ranks offers), as ``auction.bid_accepted`` recorded it."""

    supplier_id: int
    price: Decimal
    evaluated: Decimal
    seq: int


def final_offers(ctx: Context, bids: Sequence[LedgerEntry]) -> dict[int, Offer]:
    """Each supplier's final offer among the ``auction.bid_accepted`` entries ``bids`` (ties to the
    earlier bid, as the award rule has it)."""
    offers: dict[int, Offer] = {}
    for entry in bids:
        payload = ctx.payload(entry)
        supplier_id = payload.get("supplier_id")
        if supplier_id is None or payload.get("price") is None:
            continue
        price = Decimal(str(payload["price"]))
        evaluated = Decimal(str(payload.get("evaluated_price") or price))
        held = offers.get(supplier_id)
        if held is None or evaluated < held.evaluated:
            offers[supplier_id] = Offer(supplier_id, price, evaluated, entry.seq)
    return offers


def ranked(offers: dict[int, Offer]) -> list[Offer]:
    """Final offers, lowest evaluated price first, ties to the earlier bid."""
    return sorted(offers.values(), key=lambda offer: (offer.evaluated, offer.seq))


def common_region(ctx: Context, region_ids: Iterable[int | None]) -> int | None:
    """The lowest region that holds every one of ``region_ids`` (None if none is known)."""
    paths = [
        region.path
        for region in (ctx.region(rid) for rid in sorted({r for r in region_ids if r}))
        if region is not None
    ]
    if not paths:
        return None
    parts = [path.strip("/").split("/") for path in paths]
    shared: list[str] = []
    for level in zip(*parts, strict=False):
        if len(set(level)) != 1:
            break
        shared.append(level[0])
    return int(shared[-1]) if shared else None


def half_year(at: datetime) -> str:
    """The half-year (Asia/Shanghai) of ``at``, e.g. ``2026H2``: a screen raises a finding about
    the same parties at most once in it."""
    local = clock.local(at)
    return f"{local.year}H{1 if local.month <= 6 else 2}"


def percent(share: Decimal) -> str:
    """A share (0.754) as a percentage with one decimal ("75.4")."""
    return str((share * 100).quantize(Decimal("0.1")))
