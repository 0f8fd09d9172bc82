"""What each party sees of an auction now (AUC-1 visibility, AUC-3 the same information for every
bidder): the live state, the anonymised ladder, and bidders' labels (供应商 3)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from auction import invitations, rules
from auction.access import role_of
from auction.models import Auction
from auction.standing import Standing
from auction.terms import terms_of
from core import clock
from core.accounts.auth import Actor
from core.accounts.models import Organisation
from mall import policy


def _names(session: Session, org_ids: list[int]) -> dict[int, str]:
    if not org_ids:
        return {}
    rows = session.execute(
        select(Organisation.id, Organisation.name_zh).where(Organisation.id.in_(org_ids))
    )
    return {row.id: row.name_zh for row in rows}


def label_text(number: int, lang: str = "zh") -> str:
    """The anonymised label of a bidder (供应商 3) as the API carries it; pages show ``label_no``
    through their own language's text."""
    return f"供应商 {number}" if lang == "zh" else f"Supplier {number}"


def state(
    session: Session | None, actor: Actor, auction: Auction, standing: Standing | None = None
) -> dict[str, Any]:
    """What the actor may see of the auction now (AUC-1 visibility, AUC-3 same information for
    every bidder): own rank always; the best price and the anonymised ladder as the auction says;
    real names only after the award. ``standing`` is the auction's, if already read; without a
    session it must be given, and the auction not yet awarded."""
    role = role_of(actor, auction)
    now = clock.now()
    terms = terms_of(auction)
    phase = rules.phase(terms, now) if auction.status == "published" else "after"
    if standing is None:
        assert session is not None
        standing = Standing.read(session, auction.id)
    revealed = auction.status == "awarded"
    full = role in ("purchaser", "supervisor", "operator")
    out: dict[str, Any] = {
        "id": auction.id,
        "status": auction.status,
        "phase": phase,
        "now": now,
        "starts_at": auction.starts_at,
        "ends_at": auction.ends_at,
        "seconds_left": max(0, int((auction.ends_at - now).total_seconds()))
        if phase != "after"
        else 0,
        "extensions_used": auction.extensions_used,
        "bid_count": auction.bid_count if full else None,
        "bidder_count": auction.bidder_count if full else None,
        "best_price": auction.best_price if full or auction.visibility != "rank" else None,
        "ceiling": auction.ceiling if full or auction.show_ceiling else None,
        "ladder": None,
        "mine": None,
        "winner_id": auction.winner_id,
        "failure_reason": auction.failure_reason,
    }
    if full or auction.visibility == "ladder":
        out["ladder"] = ladder(
            session, auction, standing, supplier_ids=revealed or role == "supervisor"
        )
    if role == "bidder":
        supplier_id = actor.organisation_id
        assert supplier_id is not None
        bidder = standing.by_supplier.get(supplier_id)
        last = bidder.last_price if bidder else None
        # A call-off's secondary competition (MALL-8): each bidder under its own ceiling.
        own = (
            invitations.ceilings(session, auction.id).get(supplier_id)
            if auction.calloff_id is not None
            else None
        )
        allowed = (
            rules.highest_allowed(
                terms, auction.best_price, last, bidder.deduction_bp if bidder else 0
            )
            if phase != "after"
            else None
        )
        if allowed is not None and own is not None:
            allowed = min(allowed, own)
        out["mine"] = {
            "label": label_text(bidder.label_no) if bidder else None,
            "label_no": bidder.label_no if bidder else None,
            "best_own_price": last,
            "last_price": last,
            "rank": standing.places.get(supplier_id),
            "next_allowed": allowed,
            "own_ceiling": own,
            "deduction": policy.from_basis_points(bidder.deduction_bp) if bidder else None,
            "evaluated_price": policy.apply_deduction(
                last, policy.from_basis_points(bidder.deduction_bp)
            )
            if bidder and last is not None
            else None,
            "won": revealed and auction.winner_id == supplier_id,
        }
    return out


def ladder(
    session: Session | None, auction: Auction, standing: Standing, supplier_ids: bool = False
) -> list[dict[str, Any]]:
    """The ranked offers under their labels (供应商 3); real names only after the award (AUC-1),
    read then with ``session``, and supplier ids only when ``supplier_ids``."""
    real: dict[int, str] = {}
    if auction.status == "awarded":
        assert session is not None
        real = _names(session, [o.supplier_id for o in standing.ranked])
    return [
        {
            "rank": place,
            "label": label_text(standing.labels[o.supplier_id]),
            "label_no": standing.labels[o.supplier_id],
            "name": real.get(o.supplier_id),
            "supplier_id": o.supplier_id if supplier_ids else None,
            "price": o.price,
            "deduction": policy.from_basis_points(o.deduction_bp),
            "evaluated_price": o.evaluated,
            "at": o.placed_at,
        }
        for place, o in enumerate(standing.ranked, start=1)
    ]
