"""Placing bids (报价, AUC-1, AUC-3): one bid or a batch of them on one auction, serialised by the
auction's row lock, each checked against the state the bids before it left and on the ledger
whether accepted or rejected. A rejected bid is returned, not raised, so the caller keeps its
record while it tells the bidder why.

This is the hot path of a live auction: the statements of a batch do not grow with its size."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from sqlalchemy import bindparam, insert, select, update
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import set_committed_value

from auction import eligibility, invitations, rules
from auction.models import Auction, AuctionBidder, Bid
from auction.standing import BidderRow, deductions_for
from auction.terms import terms_of
from catalog.categories.models import Category
from core import clock
from core.accounts.auth import Actor
from core.accounts.roles import OrgKind, Role
from core.errors import Conflict, DomainError, Forbidden, NotFound
from mall import policy
from supervision.ledger import Entry, record_many


@dataclass
class BidOutcome:
    """What became of a bid: accepted (with the bid), or rejected with a code and message."""

    auction: Auction
    accepted: bool
    price: Decimal
    bid: Bid | None = None
    code: str | None = None
    message: str | None = None
    message_zh: str | None = None
    extended_to: Any = None
    #: the bidder's row as this bid left it (accepted bids)
    bidder: BidderRow | None = None

    def error(self) -> DomainError:
        return Conflict(
            self.message,
            self.message_zh,
            code=f"bid_{self.code}",
            details={"price": str(self.price)},
        )


def require_bidder(actor: Actor) -> None:
    if actor.org_kind != OrgKind.SUPPLIER or not actor.has(Role.SUPPLIER) or not actor.user_id:
        raise Forbidden("Only suppliers bid.", code="supplier_only")


@dataclass
class BidRequest:
    """One bid to place: who, at what unit price, through which channel (http | socket)."""

    actor: Actor
    price: Decimal
    channel: str = "http"


def place_bid(
    session: Session, actor: Actor, auction_id: int, price: Decimal, channel: str = "http"
) -> BidOutcome:
    """报价: a unit price for the lot (``place_bids`` with one bid)."""
    return place_bids(session, auction_id, [BidRequest(actor, price, channel)])[0]


def place_bids(session: Session, auction_id: int, requests: list[BidRequest]) -> list[BidOutcome]:
    """报价: bids on one auction, in the order given, in the caller's transaction. Serialised per
    auction by the row lock; each is checked against the state the bids before it left and is
    recorded on the ledger whether accepted or rejected.

    The statements do not grow with the number of bids: the row lock, one read of the bidders'
    rows, one eligibility query, one INSERT of the accepted bids, one INSERT and one UPDATE of the
    bidders' rows, the auction's UPDATE, and the ledger entries last (one INSERT, one move of the
    head), so that the ledger's head (which every writer shares) is locked as late as possible."""
    for request in requests:
        require_bidder(request.actor)
    # The auction's row lock, and the category's path for the eligibility check, in one statement.
    found = session.execute(
        select(Auction, Category.path)
        .join(Category, Category.id == Auction.category_id)
        .where(Auction.id == auction_id)
        .with_for_update(of=Auction)
        .execution_options(populate_existing=True)
    ).first()
    if found is None or found[0].status == "draft":
        raise NotFound("No such auction.")
    auction, category_path = found
    supplier_ids = {request.actor.organisation_id for request in requests}
    table = AuctionBidder.__table__
    conn = session.connection()
    known = {
        row.supplier_id: row
        for row in conn.execute(
            select(
                table.c.id,
                table.c.supplier_id,
                table.c.label_no,
                table.c.last_price,
                table.c.joined_at,
                table.c.deduction_bp,
            ).where(table.c.auction_id == auction.id, table.c.supplier_id.in_(supplier_ids))
        )
    }
    last: dict[int, Decimal] = {sid: row.last_price for sid, row in known.items()}
    labels: dict[int, int] = {sid: row.label_no for sid, row in known.items()}
    deductions: dict[int, int] = {sid: row.deduction_bp for sid, row in known.items()}
    newcomers = {sid for sid in supplier_ids if sid not in known}
    # A call-off's secondary competition (MALL-8): the invited entrants only, each under its own
    # ceiling; the lowest total wins, with no price deduction.
    competing = auction.calloff_id is not None
    if newcomers and auction.status == "published" and not competing:
        deductions.update(deductions_for(session, auction, newcomers))  # type: ignore[arg-type]
    own_ceilings = invitations.ceilings(session, auction.id) if competing else {}
    problems: dict[int, str] = {}
    if auction.status == "published":
        problems = (
            invitations.problems(session, auction.id, supplier_ids)  # type: ignore[arg-type]
            if competing
            else eligibility.problems(
                session,
                supplier_ids,  # type: ignore[arg-type]
                Category.ids_in_path(category_path),
                auction.sme_only,
            )
        )
    subject = ("auction", auction.id)
    outcomes: list[BidOutcome] = []
    entries: list[Entry] = []
    accepted: list[tuple[BidOutcome, dict[str, Any], list[dict[str, Any]]]] = []
    joined: dict[int, dict[str, Any]] = {}
    best: int | None = None
    for request in requests:
        actor, price = request.actor, request.price
        supplier_id = actor.organisation_id
        assert supplier_id is not None
        now = clock.now()
        if auction.status != "published":
            code: str | None = "closed"
        else:
            code = rules.rejection(
                terms_of(auction),
                price,
                now,
                auction.best_price,
                last.get(supplier_id),
                deductions.get(supplier_id, 0),
            )
            if code is None and price > own_ceilings.get(supplier_id, price):
                code = "above_own_ceiling"
            if code is None or code not in ("not_open", "closed"):
                code = problems.get(supplier_id, code)
        where = {"ip": actor.ip, "device_id": actor.device_id, "channel": request.channel}
        if code is not None:
            en, zh = eligibility.message(code)
            entries.append(
                Entry(
                    actor,
                    "auction.bid_rejected",
                    subject,
                    {
                        "status": auction.status,
                        "supplier_id": supplier_id,
                        "price": str(price) if price.is_finite() else "invalid",
                        "reason": code,
                        "at": now,
                        **where,
                    },
                    auction.region_id,
                )
            )
            outcomes.append(BidOutcome(auction, False, price, code=code, message=en, message_zh=zh))
            continue

        auction.bid_count += 1
        if supplier_id not in last:
            auction.bidder_count += 1
            labels[supplier_id] = auction.bidder_count
            joined[supplier_id] = {
                "auction_id": auction.id,
                "supplier_id": supplier_id,
                "label_no": auction.bidder_count,
                "joined_at": now,
                "deduction_bp": deductions.get(supplier_id, 0),
            }
        last[supplier_id] = price
        row = {
            "auction_id": auction.id,
            "seq": auction.bid_count,
            "supplier_id": supplier_id,
            "user_id": actor.user_id,
            "price": price,
            "placed_at": now,
            "ip": actor.ip,
            "device_id": actor.device_id,
            "channel": request.channel,
        }
        # The best price is the lowest evaluated price (MALL-7); strictly lower only: an equal
        # evaluated price never displaces the earlier bid.
        deduction = deductions.get(supplier_id, 0)
        evaluated = policy.apply_deduction(price, policy.from_basis_points(deduction))
        if auction.best_price is None or evaluated < auction.best_price:
            auction.best_price = evaluated
            best = len(accepted)
        auction.updated_at = now
        previous = auction.ends_at
        extended = rules.extended_end(terms_of(auction), now)
        payloads = [
            {
                "status": auction.status,
                "seq": row["seq"],
                "supplier_id": supplier_id,
                "label": labels[supplier_id],
                "price": price,
                "at": now,
                "best_price": auction.best_price,
                **where,
            }
        ]
        if deduction:
            payloads[0]["deduction_bp"] = deduction
            payloads[0]["evaluated_price"] = evaluated
        entries.append(
            Entry(actor, "auction.bid_accepted", subject, payloads[0], auction.region_id)
        )
        if extended is not None and extended != previous:
            auction.ends_at = extended
            auction.extensions_used += 1
            payloads.append(
                {
                    "status": auction.status,
                    "previous_end": previous,
                    "ends_at": extended,
                    "extensions_used": auction.extensions_used,
                }
            )
            entries.append(
                Entry(actor, "auction.extended", subject, payloads[1], auction.region_id)
            )
        outcome = BidOutcome(auction, True, price, extended_to=extended)
        outcomes.append(outcome)
        accepted.append((outcome, row, payloads))

    if accepted:
        _write_bids(session, auction, accepted, known, joined, best)
    record_many(session, entries)
    return outcomes


#: The auction's columns a bid may change.
_LIVE = (
    "bid_count",
    "bidder_count",
    "best_price",
    "best_bid_id",
    "updated_at",
    "ends_at",
    "extensions_used",
)


def _write_bids(
    session: Session,
    auction: Auction,
    accepted: list[tuple[BidOutcome, dict[str, Any], list[dict[str, Any]]]],
    known: dict[int, Any],
    joined: dict[int, dict[str, Any]],
    best: int | None,
) -> None:
    """The accepted bids in one INSERT (for their ids), then the bidders' rows and the auction's,
    as plain statements: the auction object is only told its new values, with nothing left for the
    session to flush."""
    conn = session.connection()
    bids = Bid.__table__
    ids = conn.scalars(
        insert(bids).returning(bids.c.id, sort_by_parameter_order=True),
        [row for _, row, _ in accepted],
    ).all()
    final: dict[int, dict[str, Any]] = {}
    for bid_id, (outcome, row, payloads) in zip(ids, accepted, strict=True):
        outcome.bid = Bid(id=bid_id, **row)
        for payload in payloads:
            payload["bid_id"] = bid_id
        supplier_id = row["supplier_id"]
        final[supplier_id] = {
            "last_price": row["price"],
            "last_bid_id": bid_id,
            "last_bid_at": row["placed_at"],
        }
        first = joined.get(supplier_id) or known[supplier_id]._mapping
        outcome.bidder = BidderRow(
            supplier_id,
            first["label_no"],
            row["price"],
            bid_id,
            row["placed_at"],
            first["joined_at"],
            first["deduction_bp"],
        )
    if best is not None:
        auction.best_bid_id = ids[best]
    bidders = AuctionBidder.__table__
    new = [joined[sid] | final[sid] for sid in joined]
    if new:
        conn.execute(insert(bidders), new)
    changed = [{"row_id": known[sid].id, **final[sid]} for sid in final if sid not in joined]
    if changed:
        conn.execute(
            update(bidders)
            .where(bidders.c.id == bindparam("row_id"))
            .values(
                last_price=bindparam("last_price"),
                last_bid_id=bindparam("last_bid_id"),
                last_bid_at=bindparam("last_bid_at"),
            ),
            changed,
        )
    values = {key: getattr(auction, key) for key in _LIVE}
    conn.execute(update(Auction.__table__).where(Auction.id == auction.id).values(values))
    for key, value in values.items():
        set_committed_value(auction, key, value)
