"""Reverse auctions over HTTP (AUC-1): set up, publish, bid, and read the live state. Bids over a
socket go through the same service."""

from __future__ import annotations

from typing import Any

from flask_smorest import Blueprint

from auction import rules, service
from auction.schemas import (
    AuctionCreateSchema,
    AuctionEditSchema,
    AuctionPage,
    AuctionQuerySchema,
    AuctionReasonSchema,
    AuctionSchema,
    BidResultSchema,
    BidSchema,
    EligibilitySchema,
    EligibleQuerySchema,
    PublishSchema,
    StateSchema,
)
from auction.sockets import notify
from core.accounts.auth import require_actor
from core.api import paginate
from core.db import after_commit, db, keep_on_error
from core.limits import limit_bids

blp = Blueprint(
    "auctions",
    __name__,
    url_prefix="/api/auctions",
    description="电子反拍 Reverse auctions (AUC-1)",
)


@blp.route("", methods=["POST"])
@blp.arguments(AuctionCreateSchema)
@blp.response(201, AuctionSchema)
def create(args: dict[str, Any]):  # type: ignore[no-untyped-def]
    """发起竞价: a draft auction of the purchaser's unit."""
    return service.create(db.session, require_actor(), args)


@blp.route("", methods=["GET"])
@blp.arguments(AuctionQuerySchema, location="query")
@blp.response(200, AuctionPage)
def list_auctions(args: dict[str, Any]):  # type: ignore[no-untyped-def]
    return paginate(db.session, service.auctions_query(require_actor(), args), args)


@blp.route("/<int:auction_id>", methods=["GET"])
@blp.response(200, AuctionSchema)
def get(auction_id: int):  # type: ignore[no-untyped-def]
    """The auction's terms (the ceiling only where it is shown, or to its purchaser)."""
    actor = require_actor()
    auction = service.get_auction(db.session, actor, auction_id)
    return auction


@blp.route("/<int:auction_id>", methods=["PATCH"])
@blp.arguments(AuctionEditSchema(partial=True))
@blp.response(200, AuctionSchema)
def edit(args: dict[str, Any], auction_id: int):  # type: ignore[no-untyped-def]
    """修改: change a draft before it is published (its terms are checked again as a whole)."""
    return service.edit_draft(db.session, require_actor(), auction_id, args)


@blp.route("/<int:auction_id>/publish", methods=["POST"])
@blp.arguments(PublishSchema(), required=False)
@blp.response(200, AuctionSchema)
def publish(args: dict[str, Any], auction_id: int):  # type: ignore[no-untyped-def]
    """发布: announce the auction and reserve the lot's funds at the ceiling. A draft whose start
    has passed answers 409 ``start_passed`` unless the body says ``start_now`` or a new
    ``starts_at``."""
    args = args or {}
    return service.publish(
        db.session,
        require_actor(),
        auction_id,
        start_now=bool(args.get("start_now")),
        starts_at=args.get("starts_at"),
    )


@blp.route("/eligible-suppliers", methods=["GET"])
@blp.arguments(EligibleQuerySchema, location="query")
@blp.response(200, EligibilitySchema)
def eligible_suppliers(args: dict[str, Any]):  # type: ignore[no-untyped-def]
    """符合条件的供应商: how many suppliers may bid on these terms (purchasers only; a count)."""
    lot = None
    if args.get("quantity") and args.get("ceiling") is not None:
        lot = rules.lot_total(args["ceiling"], args["quantity"])
    return service.eligible_suppliers(
        db.session,
        require_actor(),
        args["category_id"],
        sme_only=args.get("sme_only"),
        lot=lot,
        region_id=args.get("region_id"),
        min_bidders=args["min_bidders"],
    )


@blp.route("/<int:auction_id>/eligible-suppliers", methods=["GET"])
@blp.response(200, EligibilitySchema)
def draft_eligible_suppliers(auction_id: int):  # type: ignore[no-untyped-def]
    """How many suppliers may bid in the purchaser's own auction, against its minimum."""
    return service.draft_eligibility(db.session, require_actor(), auction_id)


@blp.route("/<int:auction_id>/cancel", methods=["POST"])
@blp.arguments(AuctionReasonSchema)
@blp.response(200, AuctionSchema)
def cancel(args: dict[str, Any], auction_id: int):  # type: ignore[no-untyped-def]
    """撤销: withdraw an auction before it opens; its funds are released."""
    return service.cancel(db.session, require_actor(), auction_id, args["reason"])


@blp.route("/<int:auction_id>/state", methods=["GET"])
@blp.response(200, StateSchema)
def live_state(auction_id: int):  # type: ignore[no-untyped-def]
    """The live state as the rules let the caller see it (also what a reconnecting client reads)."""
    actor = require_actor()
    return service.state(db.session, actor, service.get_auction(db.session, actor, auction_id))


@blp.route("/<int:auction_id>/bids", methods=["POST"])
@blp.arguments(BidSchema)
@blp.response(201, BidResultSchema)
@limit_bids
def bid(args: dict[str, Any], auction_id: int):  # type: ignore[no-untyped-def]
    """报价: a unit price. A refused bid answers 409 with the reason and stays on the ledger."""
    actor = require_actor()
    outcome = service.place_bid(db.session, actor, auction_id, args["price"], "http")
    if outcome.accepted:
        # The rooms hear of a bid placed over HTTP as of one placed over the socket.
        after_commit(db.session, lambda: notify(auction_id))
    else:
        keep_on_error(db.session)
        raise outcome.error()
    assert outcome.bid is not None
    return {
        "bid_id": outcome.bid.id,
        "seq": outcome.bid.seq,
        "price": outcome.bid.price,
        "placed_at": outcome.bid.placed_at,
        "extended_to": outcome.extended_to,
        "state": service.state(db.session, actor, outcome.auction),
    }
