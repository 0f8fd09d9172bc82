"""Volume purchases (带量采购, AUC-2): open a pool, add and withdraw demand, close the window into a
reverse auction, declare capacity, and read what each party may see.

Every use case takes ``(session, actor, …)``, records on the ledger and flushes; the caller's unit
of work commits. Adding or withdrawing demand and closing the window lock the pool's row, so the
pooled quantity is exact and no demand arrives after the close. A demand's funds are reserved on
the purchaser's own budget line at the pool's ceiling when it is added, and released when it is
withdrawn; the pool's auction reserves nothing more.
"""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from auction import announce, eligibility, rules
from auction import service as auctions
from auction.closing import CLOCK
from auction.models import Auction, AuctionBidder
from auction.pools.models import DEMAND_REF, Pool, PoolAllocation, PoolCapacity, PoolDemand
from catalog.categories.models import Category, StandardProduct
from catalog.enrolment.models import SupplierCategory
from core import clock
from core.accounts.auth import Actor
from core.accounts.models import Organisation, Region
from core.accounts.roles import OrgKind, Role
from core.errors import Conflict, Forbidden, NotFound, ValidationFailed
from core.money import cny
from mall import policy
from mall.budgets import service as budgets
from mall.locks import lock
from mall.orders.access import require_purchaser
from supervision.ledger import record

#: The longest demand window, and the most suppliers that may share one award.
MAX_WINDOW = timedelta(days=60)
MAX_WINNERS = 10
#: Where a pool auction's lot is delivered: to each purchaser, as its demand says.
DELIVERY_EACH = "按各采购单位需求分别交货 / to each purchaser unit's own address"


def _record(session: Session, actor: Actor, action: str, pool: Pool, **payload: Any) -> None:
    record(
        session,
        actor,
        action,
        ("pool", pool.id),
        {"status": pool.status, **payload},
        region_id=pool.region_id,
    )


def _invalid(field: str, problem: str, en: str, zh: str) -> ValidationFailed:
    return ValidationFailed(en, zh, details={field: [problem]})


# ---------------------------------------------------------------- who may do what


def may_organise(actor: Actor | None) -> bool:
    """Operators, and purchasers of a purchaser unit as lead purchaser (牵头采购人)."""
    if actor is None or not actor.user_id:
        return False
    if actor.has(Role.OPERATOR):
        return True
    return actor.org_kind == OrgKind.PURCHASER and actor.has(Role.PURCHASER)


def may_add_demand(actor: Actor | None) -> bool:
    return bool(
        actor
        and actor.user_id
        and actor.org_kind == OrgKind.PURCHASER
        and actor.has(Role.PURCHASER)
    )


def _require_organiser(actor: Actor) -> None:
    if not may_organise(actor):
        raise Forbidden(
            "Only operators and lead purchasers open volume purchases.",
            "仅运营机构或牵头采购单位可以发起带量采购。",
            code="organiser_only",
        )


def is_organiser(actor: Actor, pool: Pool) -> bool:
    return actor.organisation_id == pool.organiser_id and actor.has(
        Role.PURCHASER, Role.ORG_ADMIN, Role.OPERATOR
    )


def enrolled_category_ids(session: Session, supplier_id: int) -> set[int]:
    """The categories a supplier may bid in: those it enrolled in and everything below them."""
    roots = set(
        session.scalars(
            select(SupplierCategory.category_id).where(SupplierCategory.supplier_id == supplier_id)
        )
    )
    if not roots:
        return set()
    return {
        category.id
        for category in session.scalars(select(Category))
        if roots.intersection(category.path_ids)
    }


def role_of(session: Session, actor: Actor, pool: Pool) -> str | None:
    """How the actor sees the pool: organiser, operator, purchaser (any unit may join), supplier
    (enrolled in its category), supervisor (of its region) — or not at all."""
    if is_organiser(actor, pool):
        return "organiser"
    if actor.has(Role.OPERATOR):
        return "operator"
    if actor.org_kind == OrgKind.PURCHASER and actor.has(Role.PURCHASER, Role.ORG_ADMIN):
        return "purchaser"
    if actor.org_kind == OrgKind.SUPPLIER and actor.has(Role.SUPPLIER):
        assert actor.organisation_id is not None
        if pool.category_id in enrolled_category_ids(session, actor.organisation_id):
            return "supplier"
        return None
    if actor.has(Role.SUPERVISOR):
        region = session.get(Region, pool.region_id)
        if region is not None and actor.sees_region(region.path):
            return "supervisor"
    return None


def visible_ceiling(session: Session, actor: Actor | None, pool: Pool) -> Decimal | None:
    """The ceiling as ``actor`` may see it: when it is shown, or to the organiser, the purchaser
    units, supervisors and operators; hidden from suppliers and from anyone the pool is not for."""
    if pool.show_ceiling:
        return pool.ceiling
    if actor is not None and role_of(session, actor, pool) in (
        "organiser",
        "operator",
        "purchaser",
        "supervisor",
    ):
        return pool.ceiling
    return None


def has_demand(session: Session, pool_id: int, purchaser_id: int | None) -> bool:
    """Whether the unit has (or had, until the award) demand in the pool: it then follows the
    pool's auction as one of its purchasers."""
    return (
        purchaser_id is not None
        and session.scalar(
            select(PoolDemand.id).where(
                PoolDemand.pool_id == pool_id,
                PoolDemand.purchaser_id == purchaser_id,
                PoolDemand.status.in_(("active", "awarded", "released")),
            )
        )
        is not None
    )


# ---------------------------------------------------------------- opening a pool


def announcement(pool: Pool) -> dict[str, Any]:
    """The terms every party sees (the ceiling only if shown)."""
    return {
        "number": pool.number,
        "title": pool.title,
        "category_id": pool.category_id,
        "standard_product_id": pool.standard_product_id,
        "required_params": pool.required_params,
        "unit": pool.unit,
        "ceiling": pool.ceiling if pool.show_ceiling else None,
        "opens_at": pool.opens_at,
        "closes_at": pool.closes_at,
        "delivery_date": pool.delivery_date.isoformat(),
        "auction_starts_at": pool.auction_starts_at,
        "auction_ends_at": pool.auction_ends_at,
        "decrement_mode": pool.decrement_mode,
        "decrement_value": pool.decrement_value,
        "must_beat": pool.must_beat,
        "snipe_window_seconds": pool.snipe_window_seconds,
        "extension_seconds": pool.extension_seconds,
        "max_extensions": pool.max_extensions,
        "visibility": pool.visibility,
        "min_bidders": pool.min_bidders,
        "max_winners": pool.max_winners,
    }


def open_pool(session: Session, actor: Actor, data: dict[str, Any]) -> Pool:
    """发起带量采购: an operator or a lead purchaser opens a window for demand."""
    _require_organiser(actor)
    category = session.get(Category, data["category_id"])
    if category is None or not category.active:
        raise _invalid("category_id", "no such category", "No such category.", "没有该品目。")
    product_id = data.get("standard_product_id")
    required = data.get("required_params") or {}
    if product_id is not None:
        product = session.get(StandardProduct, product_id)
        if product is None or not product.active or product.category_id != category.id:
            raise _invalid(
                "standard_product_id",
                "not a standard product of the category",
                "The standard product is not in the category.",
                "标准商品不属于该品目。",
            )
        required = {**product.params, **required}
    now = clock.now()
    opens = data.get("opens_at") or now
    closes = data["closes_at"]
    if opens < now - timedelta(minutes=1):
        raise _invalid(
            "opens_at", "in the past", "The window opens in the past.", "征集开始时间已过。"
        )
    shortest = auctions.shortest_run()
    minutes = int(shortest.total_seconds() // 60)
    if not shortest <= closes - opens <= MAX_WINDOW:
        raise _invalid(
            "closes_at",
            f"{minutes} minutes to 60 days after the opening",
            f"The demand window runs from {minutes} minutes to 60 days.",
            f"需求征集期须在 {minutes} 分钟至 60 天之间。",
        )
    starts, ends = data["auction_starts_at"], data["auction_ends_at"]
    if starts < closes:
        raise _invalid(
            "auction_starts_at",
            "before the window closes",
            "The auction cannot start before the demand window closes.",
            "竞价开始时间不能早于需求征集截止时间。",
        )
    auctions.check_run_terms(
        starts,
        ends,
        data["delivery_date"],
        data["decrement_mode"],
        data["decrement_value"],
        ends_field="auction_ends_at",
    )
    if cny(data["ceiling"]) <= 0:
        raise _invalid(
            "ceiling", "above zero", "The ceiling must be above zero.", "最高限价须大于零。"
        )
    pool = Pool(
        organiser_id=actor.organisation_id,
        opened_by=actor.user_id,
        region_id=actor.region_id,
        status="open",
        title=data["title"].strip(),
        category_id=category.id,
        standard_product_id=product_id,
        required_params=required,
        unit=(data.get("unit") or "台").strip(),
        ceiling=cny(data["ceiling"]),
        show_ceiling=data.get("show_ceiling", True),
        opens_at=opens,
        closes_at=closes,
        delivery_date=data["delivery_date"],
        contact_name=data["contact_name"].strip(),
        contact_phone=data["contact_phone"].strip(),
        auction_starts_at=starts,
        auction_ends_at=ends,
        decrement_mode=data["decrement_mode"],
        decrement_value=cny(data["decrement_value"]),
        must_beat=data.get("must_beat", "best"),
        snipe_window_seconds=data.get("snipe_window_seconds", 120),
        extension_seconds=data.get("extension_seconds", 180),
        max_extensions=data.get("max_extensions", 5),
        visibility=data.get("visibility", "best"),
        min_bidders=data.get("min_bidders", 3),
        max_winners=data.get("max_winners", 1),
        quantity=0,
        demand_count=0,
        created_at=now,
        updated_at=now,
    )
    session.add(pool)
    session.flush()
    _record(
        session, actor, "pool.opened", pool, organiser_id=pool.organiser_id, **announcement(pool)
    )
    announce.pool_opened(session, pool)
    return pool


def _locked(session: Session, pool_id: int) -> Pool:
    pool = lock(session, Pool, pool_id)
    if pool is None:
        raise NotFound("No such volume purchase.", "没有该带量采购项目。")
    return pool


def _window_open(pool: Pool, doing: tuple[str, str]) -> None:
    now = clock.now()
    if pool.status != "open" or now >= pool.closes_at:
        raise Conflict(
            f"The demand window is closed: demand cannot be {doing[0]}.",
            f"需求征集已截止，不能{doing[1]}需求。",
            code="window_closed",
            details={"status": pool.status},
        )
    if now < pool.opens_at:
        raise Conflict(
            "The demand window has not opened yet.", "需求征集尚未开始。", code="window_not_open"
        )


# ---------------------------------------------------------------- demand


def add_demand(session: Session, actor: Actor, pool_id: int, data: dict[str, Any]) -> PoolDemand:
    """报送需求: the purchaser unit's quantity, delivery and budget line; the line holds quantity ×
    ceiling until the award or the withdrawal."""
    require_purchaser(actor)
    pool = _locked(session, pool_id)
    _window_open(pool, ("added", "报送"))
    quantity = data["quantity"]
    if not 1 <= quantity <= auctions.MAX_QUANTITY:
        raise _invalid("quantity", "1 or more", "Give a quantity of 1 or more.", "数量须至少为 1。")
    region = session.get(Region, data["delivery_region_id"])
    if region is None:
        raise _invalid("delivery_region_id", "no such region", "No such region.", "没有该地区。")
    held = rules.lot_total(pool.ceiling, quantity)
    settings = policy.settings()
    if held >= settings.purchase_limit:
        raise Conflict(
            f"At the ceiling the demand comes to {held} CNY, at or above the e-mall's limit of "
            f"{settings.purchase_limit} CNY: it must go to tendering.",
            f"按最高限价计算需求金额 {held} 元，达到电子卖场限额 {settings.purchase_limit} 元，"
            "须采用招标等方式采购。",
            code="over_mall_limit",
            details={"total": str(held), "limit": str(settings.purchase_limit)},
        )
    line = budgets.get_line(session, actor, data["budget_line_id"])
    budgets.check_reservable(actor, line, held)
    demand = session.scalars(
        select(PoolDemand).where(
            PoolDemand.pool_id == pool.id, PoolDemand.purchaser_id == actor.organisation_id
        )
    ).first()
    if demand is not None and demand.status == "active":
        raise Conflict(
            "Your unit already has demand in this pool: withdraw it to change it.",
            "本单位已报送需求；如需修改，请先撤回。",
            code="demand_exists",
            details={"demand_id": demand.id},
        )
    now = clock.now()
    values = {
        "placed_by": actor.user_id,
        "region_id": actor.region_id,
        "status": "active",
        "quantity": quantity,
        "budget_line_id": line.id,
        "held": held,
        "delivery_region_id": region.id,
        "delivery_address": data["delivery_address"].strip(),
        "contact_name": data["contact_name"].strip(),
        "contact_phone": data["contact_phone"].strip(),
        "updated_at": now,
    }
    if demand is None:
        demand = PoolDemand(pool_id=pool.id, purchaser_id=actor.organisation_id, created_at=now)
        session.add(demand)
    for key, value in values.items():
        setattr(demand, key, value)
    session.flush()
    budgets.reserve(session, actor, line.id, held, (DEMAND_REF, demand.id))
    pool.quantity += quantity
    pool.demand_count += 1
    pool.updated_at = now
    session.flush()
    _record(
        session,
        actor,
        "pool.demand_added",
        pool,
        demand_id=demand.id,
        purchaser_id=demand.purchaser_id,
        quantity=quantity,
        budget_line_id=line.id,
        held=held,
        delivery_region_id=region.id,
        pooled_quantity=pool.quantity,
        demand_count=pool.demand_count,
    )
    return demand


def withdraw_demand(session: Session, actor: Actor, pool_id: int) -> PoolDemand:
    """撤回需求: before the window closes; the funds held are released."""
    require_purchaser(actor)
    pool = _locked(session, pool_id)
    _window_open(pool, ("withdrawn", "撤回"))
    demand = session.scalars(
        select(PoolDemand).where(
            PoolDemand.pool_id == pool.id,
            PoolDemand.purchaser_id == actor.organisation_id,
            PoolDemand.status == "active",
        )
    ).first()
    if demand is None:
        raise NotFound("Your unit has no demand in this pool.", "本单位在该项目中没有需求。")
    budgets.release(session, actor, demand.budget_line_id, demand.held, (DEMAND_REF, demand.id))
    released = demand.held
    demand.status = "withdrawn"
    demand.held = cny(0)
    demand.updated_at = pool.updated_at = clock.now()
    pool.quantity -= demand.quantity
    pool.demand_count -= 1
    session.flush()
    _record(
        session,
        actor,
        "pool.demand_withdrawn",
        pool,
        demand_id=demand.id,
        purchaser_id=demand.purchaser_id,
        quantity=demand.quantity,
        released=released,
        pooled_quantity=pool.quantity,
        demand_count=pool.demand_count,
    )
    return demand


def _release_all(session: Session, actor: Actor, pool: Pool, status: str) -> list[int]:
    """Give back the funds of every active demand; returns their ids."""
    released = []
    for demand in session.scalars(
        select(PoolDemand)
        .where(PoolDemand.pool_id == pool.id, PoolDemand.status == "active")
        .order_by(PoolDemand.id)
    ):
        if demand.held > 0:
            budgets.release(
                session, actor, demand.budget_line_id, demand.held, (DEMAND_REF, demand.id)
            )
        demand.status = status
        demand.held = cny(0)
        demand.updated_at = clock.now()
        released.append(demand.id)
    return released


def held_by_demands(session: Session, pool_id: int) -> tuple[int, Decimal]:
    """How many active demands the pool holds funds for, and how much in all: what withdrawing
    the pool releases."""
    count, total = session.execute(
        select(func.count(PoolDemand.id), func.coalesce(func.sum(PoolDemand.held), 0)).where(
            PoolDemand.pool_id == pool_id, PoolDemand.status == "active"
        )
    ).one()
    return int(count), cny(Decimal(total))


def cancel_pool(session: Session, actor: Actor, pool_id: int, reason: str) -> Pool:
    """撤销: the organiser (or an operator) withdraws a pool while its window is open; every
    demand's funds are released."""
    pool = _locked(session, pool_id)
    if not (is_organiser(actor, pool) or actor.has(Role.OPERATOR)):
        raise Forbidden(
            "Only the organiser or an operator withdraws a volume purchase.",
            "仅发起单位或运营机构可以撤销带量采购。",
            code="other_organisation",
        )
    if pool.status != "open":
        raise Conflict(
            "Only a pool whose window is open can be withdrawn.",
            "仅需求征集中的项目可以撤销。",
            code="bad_status",
            details={"status": pool.status},
        )
    reason = (reason or "").strip()
    if not reason:
        raise _invalid("reason", "required", "Give a reason.", "请填写撤销原因。")
    released = _release_all(session, actor, pool, "released")
    pool.status = "cancelled"
    pool.failure_reason = reason
    pool.closed_at = pool.updated_at = clock.now()
    session.flush()
    _record(session, actor, "pool.cancelled", pool, reason=reason, released_demands=released)
    return pool


# ---------------------------------------------------------------- the window closes


def windows_due(session: Session, now: Any) -> list[int]:
    return list(
        session.scalars(
            select(Pool.id)
            .where(Pool.status == "open", Pool.closes_at <= now)
            .order_by(Pool.closes_at)
        )
    )


def close_window(session: Session, pool_id: int) -> Pool | None:
    """The clock closes the demand window, once (under the pool's row lock): the pooled lot goes to
    a published reverse auction on the unit price, or — with no demand — the pool fails. None if
    there was nothing to do."""
    pool = lock(session, Pool, pool_id)
    now = clock.now()
    if pool is None or pool.status != "open" or now < pool.closes_at:
        return None
    pool.status = "closed"
    pool.closed_at = pool.updated_at = now
    session.flush()
    _record(
        session,
        CLOCK,
        "pool.closed",
        pool,
        quantity=pool.quantity,
        demand_count=pool.demand_count,
        closes_at=pool.closes_at,
    )
    if pool.demand_count == 0 or pool.quantity <= 0:
        pool.status = "failed"
        pool.failure_reason = "需求征集期内没有采购单位报送需求，流标。"
        session.flush()
        _record(session, CLOCK, "pool.failed", pool, reason=pool.failure_reason)
        return pool
    auction = _auction_for(session, pool, now)
    pool.auction_id = auction.id
    pool.status = "auctioned"
    session.flush()
    _record(
        session,
        CLOCK,
        "pool.auctioned",
        pool,
        auction_id=auction.id,
        auction_number=auction.number,
        quantity=auction.quantity,
        starts_at=auction.starts_at,
        ends_at=auction.ends_at,
    )
    return pool


def _auction_for(session: Session, pool: Pool, now: Any) -> Auction:
    """The pool's reverse auction, published at once. Its funds are already held by the demands,
    so it reserves nothing. A clock that turned late keeps the auction's length."""
    starts, ends = pool.auction_starts_at, pool.auction_ends_at
    if now > starts:
        starts, ends = now, ends + (now - starts)
    category = session.get(Category, pool.category_id)
    assert category is not None
    settings = policy.settings()
    lot = rules.lot_total(pool.ceiling, pool.quantity)
    auction = Auction(
        purchaser_id=pool.organiser_id,
        created_by=pool.opened_by,
        region_id=pool.region_id,
        status="published",
        title=pool.title,
        category_id=pool.category_id,
        standard_product_id=pool.standard_product_id,
        required_params=dict(pool.required_params or {}),
        quantity=pool.quantity,
        unit=pool.unit,
        delivery_region_id=pool.region_id,
        delivery_address=DELIVERY_EACH,
        contact_name=pool.contact_name,
        contact_phone=pool.contact_phone,
        delivery_date=pool.delivery_date,
        budget_line_id=None,
        pool_id=pool.id,
        ceiling=pool.ceiling,
        show_ceiling=pool.show_ceiling,
        starts_at=starts,
        ends_at=ends,
        scheduled_end=ends,
        decrement_mode=pool.decrement_mode,
        decrement_value=pool.decrement_value,
        must_beat=pool.must_beat,
        snipe_window_seconds=pool.snipe_window_seconds,
        extension_seconds=pool.extension_seconds,
        max_extensions=pool.max_extensions,
        extensions_used=0,
        visibility=pool.visibility,
        min_bidders=pool.min_bidders,
        sme_only=category.sme_suitable and policy.sme_reserved(category.kind, lot, settings),
        bid_count=0,
        bidder_count=0,
        published_at=now,
        created_at=now,
        updated_at=now,
    )
    session.add(auction)
    session.flush()
    record(
        session,
        CLOCK,
        "auction.published",
        ("auction", auction.id),
        {
            "status": auction.status,
            "pool_id": pool.id,
            "max_winners": pool.max_winners,
            **auctions.announcement(auction),
        },
        region_id=auction.region_id,
    )
    announce.auction_published(session, auction)
    return auction


def tick(session_factory: Any) -> dict[str, Any]:
    """Close every window that is due, each in its own unit of work."""
    now = clock.now()
    with session_factory() as session:
        due = windows_due(session, now)
    auctioned: list[int] = []
    failed: list[int] = []
    for pool_id in due:
        with session_factory() as session:
            pool = close_window(session, pool_id)
            if pool is not None:
                (auctioned if pool.status == "auctioned" else failed).append(pool.id)
    return {"auctioned": auctioned, "failed": failed}


# ---------------------------------------------------------------- capacity


def declare_capacity(session: Session, actor: Actor, pool_id: int, quantity: int) -> PoolCapacity:
    """供货能力: a bidder in a pool auction with several winners says how many units it can supply.
    Until the auction closes; once it has bid it may raise the figure but not lower it."""
    auctions.require_bidder(actor)
    pool = session.get(Pool, pool_id)
    if pool is None or role_of(session, actor, pool) != "supplier":
        raise NotFound("No such volume purchase.", "没有该带量采购项目。")
    if pool.max_winners <= 1:
        raise Conflict(
            "This volume purchase has a single winner, who supplies the whole lot.",
            "本项目仅一家成交供应商，须供应全部数量，无需申报供货能力。",
            code="single_winner",
        )
    if pool.auction_id is None:
        raise Conflict(
            "The auction has not been set up yet.", "竞价尚未生成。", code="no_auction_yet"
        )
    auction = lock(session, Auction, pool.auction_id)
    assert auction is not None
    if auction.status != "published" or clock.now() >= auction.ends_at:
        raise Conflict("The auction is closed.", "竞价已结束。", code="closed")
    if not 1 <= quantity <= auctions.MAX_QUANTITY:
        raise _invalid("quantity", "1 or more", "Give a quantity of 1 or more.", "数量须至少为 1。")
    supplier_id = actor.organisation_id
    assert supplier_id is not None
    why = eligibility.reason(session, supplier_id, auction.category, auction.sme_only)
    if why is not None:
        en, zh = eligibility.message(why)
        raise Forbidden(en, zh, code=why, details={"category_id": auction.category_id})
    row = session.scalars(
        select(PoolCapacity).where(
            PoolCapacity.pool_id == pool.id, PoolCapacity.supplier_id == supplier_id
        )
    ).first()
    has_bid = session.scalar(
        select(AuctionBidder.id).where(
            AuctionBidder.auction_id == auction.id, AuctionBidder.supplier_id == supplier_id
        )
    )
    previous = row.quantity if row else None
    if row is not None and has_bid and quantity < row.quantity:
        raise Conflict(
            f"After bidding, the capacity can only be raised (now {row.quantity}).",
            f"报价后供货能力只能调高（当前 {row.quantity}）。",
            code="capacity_lowered",
            details={"quantity": row.quantity},
        )
    now = clock.now()
    if row is None:
        row = PoolCapacity(pool_id=pool.id, supplier_id=supplier_id, quantity=quantity)
        session.add(row)
    row.quantity = quantity
    row.declared_at = now
    session.flush()
    _record(
        session,
        actor,
        "pool.capacity_declared",
        pool,
        auction_id=auction.id,
        supplier_id=supplier_id,
        quantity=quantity,
        previous=previous,
        ip=actor.ip,
        device_id=actor.device_id,
    )
    return row


def capacity_of(session: Session, pool_id: int, supplier_id: int | None) -> int | None:
    if supplier_id is None:
        return None
    return session.scalar(
        select(PoolCapacity.quantity).where(
            PoolCapacity.pool_id == pool_id, PoolCapacity.supplier_id == supplier_id
        )
    )


# ---------------------------------------------------------------- reading


def get_pool(session: Session, actor: Actor, pool_id: int) -> Pool:
    pool = session.get(Pool, pool_id)
    if pool is None:
        raise NotFound("No such volume purchase.", "没有该带量采购项目。")
    if role_of(session, actor, pool) is None:
        if actor.org_kind == OrgKind.SUPPLIER:
            raise NotFound("No such volume purchase.", "没有该带量采购项目。")
        raise Forbidden(
            "This volume purchase is not yours to see.",
            "您无权查看该带量采购项目。",
            code="other_organisation",
        )
    return pool


def pools_query(session: Session, actor: Actor, filters: dict[str, Any]):  # type: ignore[no-untyped-def]
    """Operators and purchaser units see every pool (a unit joins by adding demand; ``mine`` keeps
    the ones it organised or added demand to); suppliers those of their categories; supervisors
    those of their region and below. Newest first."""
    query = select(Pool)
    if actor.has(Role.OPERATOR):
        pass
    elif actor.org_kind == OrgKind.PURCHASER and actor.has(Role.PURCHASER, Role.ORG_ADMIN):
        if filters.get("mine"):
            query = query.where(
                (Pool.organiser_id == actor.organisation_id)
                | Pool.id.in_(
                    select(PoolDemand.pool_id).where(
                        PoolDemand.purchaser_id == actor.organisation_id,
                        PoolDemand.status != "withdrawn",
                    )
                )
            )
    elif actor.org_kind == OrgKind.SUPPLIER and actor.has(Role.SUPPLIER):
        assert actor.organisation_id is not None
        ids = enrolled_category_ids(session, actor.organisation_id)
        query = query.where(Pool.category_id.in_(ids or {0}), Pool.status != "cancelled")
    elif actor.has(Role.SUPERVISOR) and actor.region_path:
        query = query.join(Region, Region.id == Pool.region_id).where(
            Region.path.startswith(actor.region_path)
        )
    else:
        raise Forbidden("You have no volume purchases to see.", "您无权查看带量采购项目。")
    if filters.get("status"):
        query = query.where(Pool.status == filters["status"])
    return query.order_by(Pool.id.desc())


def demands(session: Session, actor: Actor, pool: Pool) -> list[PoolDemand]:
    """The demands the actor may see: all of them for the organiser, operators and supervisors;
    a purchaser unit its own; suppliers none (they see the pooled total)."""
    role = role_of(session, actor, pool)
    query = select(PoolDemand).where(PoolDemand.pool_id == pool.id).order_by(PoolDemand.id)
    if role in ("organiser", "operator", "supervisor"):
        return list(session.scalars(query))
    if role == "purchaser":
        return list(session.scalars(query.where(PoolDemand.purchaser_id == actor.organisation_id)))
    return []


def own_demand(session: Session, actor: Actor, pool: Pool) -> PoolDemand | None:
    if actor.org_kind != OrgKind.PURCHASER:
        return None
    return session.scalars(
        select(PoolDemand).where(
            PoolDemand.pool_id == pool.id, PoolDemand.purchaser_id == actor.organisation_id
        )
    ).first()


def allocations(session: Session, actor: Actor, pool: Pool) -> list[PoolAllocation]:
    """The award's shares the actor may see: all for the organiser, operators and supervisors; a
    purchaser's or a supplier's own."""
    role = role_of(session, actor, pool)
    query = select(PoolAllocation).where(PoolAllocation.pool_id == pool.id)
    if role == "purchaser":
        query = query.where(PoolAllocation.purchaser_id == actor.organisation_id)
    elif role == "supplier":
        query = query.where(PoolAllocation.supplier_id == actor.organisation_id)
    elif role not in ("organiser", "operator", "supervisor"):
        return []
    return list(session.scalars(query.order_by(PoolAllocation.rank, PoolAllocation.id)))


def org_names(session: Session, ids: set[int]) -> dict[int, Organisation]:
    if not ids:
        return {}
    return {o.id: o for o in session.scalars(select(Organisation).where(Organisation.id.in_(ids)))}
