"""The server's clock over auctions (AUC-1, AUC-3): opening and closing on time with no traffic,
exactly once however many processes run the clock, then the award — or the failure, with its
reason — and the audit document whose hash goes on the ledger.

Exactly once: a closer takes the auction's row lock and acts only if the auction is still
``published`` and its (possibly extended) end has passed; a second closer waits for the lock and
then finds it closed. A bid holds the same lock, so no bid slips in between the last check and the
close.
"""

from __future__ import annotations

import hashlib
import json
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from auction import calloffs, rules
from auction.drafting import announcement
from auction.journal import CLOCK
from auction.models import Auction, Bid
from auction.pools.settle import settle
from auction.pools.windows import tick as close_windows
from auction.standing import labels, offers
from catalog.enrolment.models import SupplierProfile
from core import canonical, clock
from core.accounts.models import Organisation
from core.money import cny
from mall.budgets import service as budgets
from mall.locks import lock
from mall.orders.awards import award_lot
from supervision.ledger import record
from supervision.ledger.models import LedgerEntry


def due_to_open(session: Session, now: datetime) -> list[int]:
    return list(
        session.scalars(
            select(Auction.id).where(
                Auction.status == "published",
                Auction.opened_at.is_(None),
                Auction.starts_at <= now,
            )
        )
    )


def due_to_close(session: Session, now: datetime) -> list[int]:
    return list(
        session.scalars(
            select(Auction.id)
            .where(Auction.status == "published", Auction.ends_at <= now)
            .order_by(Auction.ends_at)
        )
    )


def open_auction(session: Session, auction_id: int) -> bool:
    """Record that the auction opened (once)."""
    auction = lock(session, Auction, auction_id)
    now = clock.now()
    if auction is None or auction.status != "published" or auction.opened_at is not None:
        return False
    if now < auction.starts_at:
        return False
    auction.opened_at = auction.updated_at = now
    session.flush()
    record(
        session,
        CLOCK,
        "auction.opened",
        ("auction", auction.id),
        {"status": auction.status, "starts_at": auction.starts_at, "ends_at": auction.ends_at},
        region_id=auction.region_id,
    )
    return True


def close(session: Session, auction_id: int) -> Auction | None:
    """Close the auction if it is due and still open: award the lowest compliant bid (ties to the
    earlier one) or fail it with the reason; the lot's funds are released or handed to the order.
    None if there was nothing to do (not due, or already closed by someone else)."""
    auction = lock(session, Auction, auction_id)
    now = clock.now()
    if auction is None or auction.status != "published" or now < auction.ends_at:
        return None
    held = rules.lot_total(auction.ceiling, auction.quantity)
    ranked = rules.ranking(offers(session, auction.id))
    auction.closed_at = auction.updated_at = now
    if auction.opened_at is None:
        auction.opened_at = auction.starts_at
    if auction.pool_id is not None:
        # A volume purchase (AUC-2): the demands hold the funds and the award is split.
        shares = settle(session, CLOCK, auction, ranked)
        _seal(session, auction, ranked, None, shares)
        return auction
    if auction.calloff_id is not None:
        # A framework agreement call-off's secondary competition (MALL-8): the call-off holds the
        # funds and orders through the agreement's path.
        order = calloffs.settle(session, CLOCK, auction, ranked)
        _seal(session, auction, ranked, order.id if order else None)
        return auction
    assert auction.budget_line_id is not None
    failure = rules.too_few_bidders(ranked, auction.min_bidders)
    if failure is not None:
        auction.status = "failed"
        auction.failure_reason = failure
        budgets.release(session, CLOCK, auction.budget_line_id, held, ("auction", auction.id))
        _seal(session, auction, ranked, None)
        return auction

    winner = ranked[0]
    auction.status = "awarded"
    auction.winner_id = winner.supplier_id
    auction.awarded_bid_id = winner.bid_id
    order = award_lot(
        session,
        CLOCK,
        source_id=auction.id,
        lot=auction,
        buyer=auction,
        placed_by=auction.created_by,
        supplier_id=winner.supplier_id,
        unit_price=winner.price,
        quantity=auction.quantity,
        held=held,
        note=f"网上竞价 {auction.number} 成交",
        sme_reserved=auction.sme_only,
    )
    _seal(session, auction, ranked, order.id)
    return auction


def _seal(
    session: Session,
    auction: Auction,
    ranked: list[rules.Offer],
    order_id: int | None,
    shares: list[dict[str, Any]] | None = None,
) -> None:
    """Write the audit document (every bid in order, extensions, result), keep its hash, and put
    both the result and the hash on the ledger."""
    document = audit_document(session, auction, ranked, order_id, shares)
    text = canonical.dumps(document)
    auction.audit_document = text
    auction.audit_sha256 = hashlib.sha256(text.encode("utf-8")).hexdigest()
    session.flush()
    result = document["result"]
    record(
        session,
        CLOCK,
        "auction.awarded" if auction.status == "awarded" else "auction.failed",
        ("auction", auction.id),
        {
            "status": auction.status,
            "audit_sha256": auction.audit_sha256,
            "winner_id": auction.winner_id,
            "price": result.get("price"),
            "total": result.get("total"),
            "order_id": order_id,
            "order_ids": [s["order_id"] for s in shares] if shares else None,
            "reason": auction.failure_reason,
            "bid_count": auction.bid_count,
            "bidder_count": auction.bidder_count,
            # what the SME warnings read (supervision.warnings, MALL-10)
            "sme_only": auction.sme_only,
            "winner_sme": _sme(session, auction.winner_id),
        },
        region_id=auction.region_id,
    )


def _sme(session: Session, supplier_id: int | None) -> bool | None:
    """Whether the winner is a small or medium enterprise (its declared size now); None
    without a winner."""
    if supplier_id is None:
        return None
    profile = session.get(SupplierProfile, supplier_id)
    return bool(profile and profile.sme)


def audit_document(
    session: Session,
    auction: Auction,
    ranked: list[rules.Offer],
    order_id: int | None,
    shares: list[dict[str, Any]] | None = None,
) -> dict[str, Any]:
    names = labels(session, auction.id)
    orgs = {
        org.id: org.name_zh
        for org in session.scalars(select(Organisation).where(Organisation.id.in_(set(names))))
    }
    bids = session.scalars(select(Bid).where(Bid.auction_id == auction.id).order_by(Bid.seq))
    extensions = [
        json.loads(payload)
        for payload in session.scalars(
            select(LedgerEntry.payload)
            .where(
                LedgerEntry.subject_type == "auction",
                LedgerEntry.subject_id == str(auction.id),
                LedgerEntry.action == "auction.extended",
            )
            .order_by(LedgerEntry.seq)
        )
    ]
    result: dict[str, Any] = {"status": auction.status, "closed_at": auction.closed_at}
    if auction.status == "awarded":
        winner = ranked[0]
        result |= {
            "winner_id": winner.supplier_id,
            "winner": orgs.get(winner.supplier_id),
            "bid_id": winner.bid_id,
            "price": winner.price,
            "total": rules.lot_total(winner.price, auction.quantity),
            "order_id": order_id,
        }
        if shares is not None:
            # A volume purchase: each share at its winner's price, one order per share.
            result["total"] = cny(sum((s["total"] for s in shares), cny(0)))
            result["shares"] = shares
    else:
        result["reason"] = auction.failure_reason
    return {
        "title_zh": "网上竞价过程记录",
        "auction": {
            "id": auction.id,
            "purchaser_id": auction.purchaser_id,
            **announcement(auction),
        },
        "bidders": [
            {"label": f"供应商 {label}", "supplier_id": supplier_id, "name": orgs.get(supplier_id)}
            for supplier_id, label in sorted(names.items(), key=lambda kv: kv[1])
        ],
        "bids": [
            {
                "seq": b.seq,
                "label": f"供应商 {names[b.supplier_id]}",
                "supplier_id": b.supplier_id,
                "price": b.price,
                "at": b.placed_at,
                "ip": b.ip,
                "device_id": b.device_id,
                "channel": b.channel,
            }
            for b in bids
        ],
        "extensions": [
            {"at_bid": e.get("bid_id"), "from": e.get("previous_end"), "to": e.get("ends_at")}
            for e in extensions
        ],
        "ranking": [
            {
                "rank": n,
                "supplier_id": o.supplier_id,
                "price": o.price,
                "deduction_bp": o.deduction_bp,
                "evaluated_price": o.evaluated,
                "at": o.placed_at,
            }
            for n, o in enumerate(ranked, start=1)
        ],
        "result": result,
    }


def tick(session_factory: Any) -> dict[str, Any]:
    """One turn of the clock: record openings and close what is due, each auction in its own unit
    of work; first the volume purchases whose demand window is due close into auctions.
    ``session_factory`` is ``db.unit_of_work``. Returns the counts and the ids changed."""
    windows = close_windows(session_factory)
    now = clock.now()
    with session_factory() as session:
        opening, closing = due_to_open(session, now), due_to_close(session, now)
    changed: list[int] = []
    opened = closed = 0
    for auction_id in opening:
        with session_factory() as session:
            if open_auction(session, auction_id):
                opened += 1
                changed.append(auction_id)
    for auction_id in closing:
        with session_factory() as session:
            if close(session, auction_id) is not None:
                closed += 1
                changed.append(auction_id)
    return {"opened": opened, "closed": closed, "changed": changed, "pools": windows}
