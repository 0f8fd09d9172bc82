"""Withdrawing an auction (撤销, AUC-1): before it opens, its purchaser may withdraw it with a
reason, and the funds its publication reserved are released."""

from __future__ import annotations

from sqlalchemy.orm import Session

from auction import rules
from auction.access import expect_status, own_auction
from auction.journal import record_step
from auction.models import Auction
from auction.terms import invalid
from core import clock
from core.accounts.auth import Actor
from core.errors import Conflict
from core.messages import en_zh
from mall.budgets import service as budgets
from mall.orders.access import require_purchaser


def cancel(session: Session, actor: Actor, auction_id: int, reason: str) -> Auction:
    """撤销: before it opens, the purchaser may withdraw an auction; its funds are released."""
    require_purchaser(actor)
    auction = own_auction(session, actor, auction_id)
    if auction.pool_id is not None:
        raise Conflict(
            "A volume purchase's auction is withdrawn with its pool.",
            code="pool_auction",
        )
    if auction.calloff_id is not None:
        raise Conflict(
            "A framework agreement call-off's secondary competition cannot be withdrawn.",
            code="calloff_auction",
        )
    expect_status(auction, "draft", "published", doing=en_zh("withdrawn by its purchaser"))
    if auction.status == "published" and clock.now() >= auction.starts_at:
        raise Conflict(
            "An auction cannot be withdrawn once it has opened.",
            code="already_open",
        )
    reason = (reason or "").strip()
    if not reason:
        raise invalid("reason", "required", "Give a reason.")
    if auction.status == "published":
        budgets.release(
            session,
            actor,
            auction.budget_line_id,
            rules.lot_total(auction.ceiling, auction.quantity),
            ("auction", auction.id),
        )
    auction.status = "cancelled"
    auction.failure_reason = reason
    auction.closed_at = auction.updated_at = clock.now()
    session.flush()
    record_step(session, actor, "auction.cancelled", "auction", auction, reason=reason)
    return auction
