"""信用互评 (SUP-4): the parties of a closed order rate each other."""

from __future__ import annotations

from typing import Any

from flask_smorest import Blueprint

from core.accounts.auth import require_actor
from core.db import db
from mall.ratings import service
from mall.ratings.schemas import RateSchema, RatingSchema

blp = Blueprint(
    "ratings", __name__, url_prefix="/api/mall", description="信用互评 Mutual ratings (SUP-4)"
)


@blp.route("/orders/<int:order_id>/rating", methods=["POST"])
@blp.arguments(RateSchema)
@blp.response(201, RatingSchema)
def rate(args: dict[str, Any], order_id: int):  # type: ignore[no-untyped-def]
    """评价: rate the other party of a closed order, once; your side is that of your organisation."""
    return service.rate(db.session, require_actor(), order_id, args)


@blp.route("/orders/<int:order_id>/ratings")
@blp.response(200, RatingSchema(many=True))
def ratings(order_id: int):  # type: ignore[no-untyped-def]
    """The ratings given on an order, for its parties."""
    return service.ratings_for_order(db.session, require_actor(), order_id)
