"""Who may bid in a call-off's secondary competition (二次竞价, MALL-8), and up to what: the
agreement's entrants invited when the call-off was placed, each under its own ceiling (Σ its
agreed unit price × the quantity called off), and only while its standing in the agreement is
active (``calloff_checks.standing``: not suspended or terminated, its supplier not suspended in
the catalog). Category enrolment is not asked: the entrants are the eligible set.

Invitations never change once made, so a process keeps each auction's ceilings as last read
(``ceilings``): the live state a bidder is sent after a socket batch is built without a session,
right after the batch's bids read them."""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from auction.models import AuctionInvitation
from mall.agreements.calloff_checks import standing
from mall.agreements.models import AgreementEntrant

#: auction id → {supplier id: its own ceiling}; invitations are immutable.
_CEILINGS: dict[int, dict[int, Decimal]] = {}
_KEEP = 1000


def ceilings(session: Session | None, auction_id: int) -> dict[int, Decimal]:
    """Each invited supplier's own ceiling in the auction: read with ``session`` (and kept), or
    as last read in this process without one."""
    if session is None:
        return _CEILINGS.get(auction_id, {})
    found = {
        row.supplier_id: row.ceiling
        for row in session.execute(
            select(AuctionInvitation.supplier_id, AuctionInvitation.ceiling).where(
                AuctionInvitation.auction_id == auction_id
            )
        )
    }
    if found:  # none yet: the placing transaction has not committed
        if len(_CEILINGS) >= _KEEP:
            _CEILINGS.clear()
        _CEILINGS[auction_id] = found
    return found


def problems(session: Session, auction_id: int, supplier_ids: Iterable[int]) -> dict[int, str]:
    """Those of ``supplier_ids`` that may not bid now, each with its code (``not_invited``,
    ``entrant_not_active``): one query for the invitations, the standing of each invited one."""
    wanted = set(supplier_ids)
    invited = {
        supplier_id: entrant
        for supplier_id, entrant in session.execute(
            select(AuctionInvitation.supplier_id, AgreementEntrant)
            .join(AgreementEntrant, AgreementEntrant.id == AuctionInvitation.entrant_id)
            .where(
                AuctionInvitation.auction_id == auction_id,
                AuctionInvitation.supplier_id.in_(wanted),
            )
            .execution_options(populate_existing=True)
        )
    }
    out = {}
    for supplier_id in wanted:
        entrant = invited.get(supplier_id)
        if entrant is None:
            out[supplier_id] = "not_invited"
        elif standing(session, entrant) != "active":
            out[supplier_id] = "entrant_not_active"
    return out


def reason(session: Session, auction_id: int, supplier_id: int | None) -> str | None:
    """Why the supplier may not bid in the call-off's auction, or None."""
    if supplier_id is None:
        return "not_invited"
    return problems(session, auction_id, {supplier_id}).get(supplier_id)


def invited_auctions(supplier_id: int):  # type: ignore[no-untyped-def]
    """The auctions the supplier is invited to: a subquery of auction ids."""
    return select(AuctionInvitation.auction_id).where(AuctionInvitation.supplier_id == supplier_id)
