"""What each party's view of an auction is made of (AUC-1, MALL-7): its accepted offers, the
deduction each bidder is ranked with, and the bidders' rows ranked and labelled at one moment."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any, NamedTuple

from sqlalchemy import select
from sqlalchemy.orm import Session

from auction import rules
from auction.models import Auction, AuctionBidder, Bid
from catalog.enrolment.models import SupplierProfile
from mall import policy


def offers(session: Session, auction_id: int) -> list[rules.Offer]:
    """Every accepted bid of the auction, with the deduction its bidder is evaluated with."""
    rows = session.execute(
        select(Bid.id, Bid.supplier_id, Bid.price, Bid.placed_at, AuctionBidder.deduction_bp)
        .join(
            AuctionBidder,
            (AuctionBidder.auction_id == Bid.auction_id)
            & (AuctionBidder.supplier_id == Bid.supplier_id),
        )
        .where(Bid.auction_id == auction_id)
        .order_by(Bid.seq)
    )
    return [rules.Offer(*row) for row in rows]


def deductions_for(session: Session, auction: Auction, supplier_ids: set[int]) -> dict[int, int]:
    """The deduction (basis points) each supplier's prices are ranked with in this auction: the
    SME share for small and micro enterprises unless the auction is reserved for SMEs (MALL-7,
    MALL-10). Bids are for the lot, not a certified listing, so no green share applies."""
    sizes = dict(
        session.execute(
            select(SupplierProfile.organisation_id, SupplierProfile.enterprise_size).where(
                SupplierProfile.organisation_id.in_(supplier_ids)
            )
        ).all()
    )
    s = policy.settings()
    return {
        sid: policy.to_basis_points(
            policy.deduction_share(sizes.get(sid), False, auction.sme_only, s)
        )
        for sid in supplier_ids
    }


class BidderRow(NamedTuple):
    """A bidder of an auction as ranks and labels need it."""

    supplier_id: int
    label_no: int
    last_price: Decimal
    last_bid_id: int | None
    last_bid_at: datetime | None
    joined_at: datetime
    deduction_bp: int = 0


_BIDDER_COLUMNS = (
    AuctionBidder.supplier_id,
    AuctionBidder.label_no,
    AuctionBidder.last_price,
    AuctionBidder.last_bid_id,
    AuctionBidder.last_bid_at,
    AuctionBidder.joined_at,
    AuctionBidder.deduction_bp,
)


def bidder_rows(session: Session, auction_id: int) -> list[BidderRow]:
    """One plain row per bidder (supplier, label, last price and bid): what ranks and labels are
    made of, read in one query without loading ORM objects."""
    return [
        BidderRow(*row)
        for row in session.execute(
            select(*_BIDDER_COLUMNS).where(AuctionBidder.auction_id == auction_id)
        )
    ]


def ranked_rows(rows: list[Any]) -> list[rules.Offer]:
    return rules.ranking(
        rules.Offer(
            row.last_bid_id or 0,
            row.supplier_id,
            row.last_price,
            row.last_bid_at or row.joined_at,
            row.deduction_bp,
        )
        for row in rows
    )


def labels(session: Session, auction_id: int) -> dict[int, int]:
    return {row.supplier_id: row.label_no for row in bidder_rows(session, auction_id)}


@dataclass(frozen=True)
class Standing:
    """The bidders of an auction as read at one moment: their rows, their offers ranked, each
    one's label number and place. Read once and shared by every party's view of that moment."""

    rows: list[BidderRow]
    ranked: list[rules.Offer]
    labels: dict[int, int]
    places: dict[int, int]
    by_supplier: dict[int, BidderRow]

    @classmethod
    def read(cls, session: Session, auction_id: int) -> Standing:
        return cls.of(bidder_rows(session, auction_id))

    @classmethod
    def of(cls, rows: list[BidderRow]) -> Standing:
        ranked = ranked_rows(rows)
        return cls(
            rows=rows,
            ranked=ranked,
            labels={row.supplier_id: row.label_no for row in rows},
            places={o.supplier_id: place for place, o in enumerate(ranked, start=1)},
            by_supplier={row.supplier_id: row for row in rows},
        )

    def updated(self, changed: list[BidderRow]) -> Standing:
        """The standing once ``changed`` (bidders' rows as a batch of bids left them) is in."""
        rows = dict(self.by_supplier)
        for row in changed:
            rows[row.supplier_id] = row
        return Standing.of(list(rows.values()))
