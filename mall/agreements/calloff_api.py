"""Call-offs over HTTP (MALL-8, 第二阶段), on the ``/api/agreements`` blueprint: a purchaser calls
off by direct selection, rotation or secondary competition and reads its call-offs; a supplier
reads the rotation offers addressed to it and accepts or declines them. A secondary competition's
bids go to its reverse auction (``/api/auctions/<auction_id>/bids``); its placer is the auction
package's (``auction.calloffs``), registered at start-up."""

from __future__ import annotations

from typing import Any

from core.accounts.auth import require_actor
from core.api import paginate
from core.db import db
from mall.agreements import placing, rotation
from mall.agreements.blueprint import blp
from mall.agreements.calloff_access import calloffs_query, get_calloff, get_offer, offers_query
from mall.agreements.calloff_schemas import (
    CallOffArgs,
    CallOffPage,
    CallOffQuerySchema,
    CallOffSchema,
    DeclineArgs,
    OfferPage,
    OfferQuerySchema,
    OfferSchema,
)


@blp.route("/<int:agreement_id>/calloffs", methods=["POST"])
@blp.arguments(CallOffArgs)
@blp.response(201, CallOffSchema)
def place(args: dict[str, Any], agreement_id: int):  # type: ignore[no-untyped-def]
    """下单 (第二阶段): direct selection — the order and contract follow at once —, rotation,
    offered to the entrant whose turn it is, or secondary competition, a reverse auction among the
    active entrants (``auction_id``) whose award becomes the order."""
    return placing.place(db.session, require_actor(), agreement_id, args)


@blp.route("/calloffs", methods=["GET"])
@blp.arguments(CallOffQuerySchema, location="query")
@blp.response(200, CallOffPage)
def list_calloffs(args: dict[str, Any]):  # type: ignore[no-untyped-def]
    return paginate(db.session, calloffs_query(require_actor(), args), args)


@blp.route("/calloffs/<int:calloff_id>", methods=["GET"])
@blp.response(200, CallOffSchema)
def get(calloff_id: int):  # type: ignore[no-untyped-def]
    return get_calloff(db.session, require_actor(), calloff_id)


@blp.route("/offers", methods=["GET"])
@blp.arguments(OfferQuerySchema, location="query")
@blp.response(200, OfferPage)
def list_offers(args: dict[str, Any]):  # type: ignore[no-untyped-def]
    """The supplier's rotation offers (轮候邀请)."""
    return paginate(db.session, offers_query(require_actor(), args), args)


@blp.route("/offers/<int:offer_id>", methods=["GET"])
@blp.response(200, OfferSchema)
def get_one_offer(offer_id: int):  # type: ignore[no-untyped-def]
    return get_offer(db.session, require_actor(), offer_id)


@blp.route("/offers/<int:offer_id>/accept", methods=["POST"])
@blp.response(200, OfferSchema)
def accept(offer_id: int):  # type: ignore[no-untyped-def]
    """接受: the order and contract follow at the supplier's agreed unit prices."""
    actor = require_actor()
    rotation.accept(db.session, actor, offer_id)
    return get_offer(db.session, actor, offer_id)


@blp.route("/offers/<int:offer_id>/decline", methods=["POST"])
@blp.arguments(DeclineArgs)
@blp.response(200, OfferSchema)
def decline(args: dict[str, Any], offer_id: int):  # type: ignore[no-untyped-def]
    """谢绝: the turn passes to the next entrant."""
    actor = require_actor()
    rotation.decline(db.session, actor, offer_id, args.get("note"))
    return get_offer(db.session, actor, offer_id)
