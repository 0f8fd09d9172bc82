"""Volume purchases over HTTP (带量采购, AUC-2): open a pool, add and withdraw demand, declare
capacity in its auction, and read the pool, its demands and the award's shares. The auction itself
is an ordinary reverse auction under ``/api/auctions``."""

from __future__ import annotations

from typing import Any

from flask_smorest import Blueprint

from auction.pools import eligible, service
from auction.pools.schemas import (
    AllocationSchema,
    CapacityOutSchema,
    CapacitySchema,
    DemandCreateSchema,
    DemandSchema,
    PoolCreateSchema,
    PoolEligibleQuerySchema,
    PoolPage,
    PoolQuerySchema,
    PoolReasonSchema,
    PoolSchema,
)
from auction.schemas import EligibilitySchema
from core.accounts.auth import require_actor
from core.api import paginate
from core.db import db

blp = Blueprint(
    "pools",
    __name__,
    url_prefix="/api/pools",
    description="带量采购 Volume purchases (AUC-2)",
)


@blp.route("", methods=["POST"])
@blp.arguments(PoolCreateSchema)
@blp.response(201, PoolSchema)
def create(args: dict[str, Any]):  # type: ignore[no-untyped-def]
    """发起带量采购: an operator or a lead purchaser opens a demand window."""
    return service.open_pool(db.session, require_actor(), args)


@blp.route("", methods=["GET"])
@blp.arguments(PoolQuerySchema, location="query")
@blp.response(200, PoolPage)
def list_pools(args: dict[str, Any]):  # type: ignore[no-untyped-def]
    actor = require_actor()
    return paginate(db.session, service.pools_query(db.session, actor, args), args)


@blp.route("/eligible-suppliers", methods=["GET"])
@blp.arguments(PoolEligibleQuerySchema, location="query")
@blp.response(200, EligibilitySchema)
def eligible_suppliers(args: dict[str, Any]):  # type: ignore[no-untyped-def]
    """符合条件的供应商: how many suppliers may take part in a pool of this category or standard
    product, against the minimum (operators and lead purchasers only; a count, never names)."""
    return eligible.eligible_suppliers(
        db.session,
        require_actor(),
        args.get("category_id"),
        standard_product_id=args.get("standard_product_id"),
        min_bidders=args["min_bidders"],
    )


@blp.route("/<int:pool_id>", methods=["GET"])
@blp.response(200, PoolSchema)
def get(pool_id: int):  # type: ignore[no-untyped-def]
    actor = require_actor()
    pool = service.get_pool(db.session, actor, pool_id)
    return pool


@blp.route("/<int:pool_id>/eligible-suppliers", methods=["GET"])
@blp.response(200, EligibilitySchema)
def pool_eligible_suppliers(pool_id: int):  # type: ignore[no-untyped-def]
    """How many suppliers may take part in the organiser's pool now, against its minimum."""
    actor = require_actor()
    return eligible.pool_eligibility(
        db.session, actor, service.get_pool(db.session, actor, pool_id)
    )


@blp.route("/<int:pool_id>/cancel", methods=["POST"])
@blp.arguments(PoolReasonSchema)
@blp.response(200, PoolSchema)
def cancel(args: dict[str, Any], pool_id: int):  # type: ignore[no-untyped-def]
    """撤销: withdraw a pool while its window is open; every demand's funds are released."""
    return service.cancel_pool(db.session, require_actor(), pool_id, args["reason"])


@blp.route("/<int:pool_id>/demands", methods=["GET"])
@blp.response(200, DemandSchema(many=True))
def list_demands(pool_id: int):  # type: ignore[no-untyped-def]
    """The demands the caller may see: all for the organiser, operators and supervisors; a
    purchaser unit its own."""
    actor = require_actor()
    return service.demands(db.session, actor, service.get_pool(db.session, actor, pool_id))


@blp.route("/<int:pool_id>/demands", methods=["POST"])
@blp.arguments(DemandCreateSchema)
@blp.response(201, DemandSchema)
def add_demand(args: dict[str, Any], pool_id: int):  # type: ignore[no-untyped-def]
    """报送需求: the unit's quantity on its own budget line, held at the ceiling."""
    actor = require_actor()
    service.get_pool(db.session, actor, pool_id)
    return service.add_demand(db.session, actor, pool_id, args)


@blp.route("/<int:pool_id>/demands/withdraw", methods=["POST"])
@blp.response(200, DemandSchema)
def withdraw_demand(pool_id: int):  # type: ignore[no-untyped-def]
    """撤回需求: before the window closes; the funds are released."""
    return service.withdraw_demand(db.session, require_actor(), pool_id)


@blp.route("/<int:pool_id>/capacity", methods=["PUT"])
@blp.arguments(CapacitySchema)
@blp.response(200, CapacityOutSchema)
def capacity(args: dict[str, Any], pool_id: int):  # type: ignore[no-untyped-def]
    """供货能力: a bidder declares how many units it can supply (pools with several winners)."""
    return service.declare_capacity(db.session, require_actor(), pool_id, args["quantity"])


@blp.route("/<int:pool_id>/allocations", methods=["GET"])
@blp.response(200, AllocationSchema(many=True))
def list_allocations(pool_id: int):  # type: ignore[no-untyped-def]
    """The award's shares: one order per purchaser and winner."""
    actor = require_actor()
    return service.allocations(db.session, actor, service.get_pool(db.session, actor, pool_id))
