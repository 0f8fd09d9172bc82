"""Reverse auctions (AUC-1, AUC-3): create and publish, bid, and close on time.

Every use case takes ``(session, actor, …)``, records on the ledger and flushes; the caller's unit
of work commits. A bid locks the auction's row, so the bids of one auction run one after another; a
rejected bid is recorded on the ledger with its reason and returned, not raised, so the caller can
keep that record while it tells the bidder why.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any, NamedTuple

from flask import current_app
from sqlalchemy import bindparam, insert, select, update
from sqlalchemy.orm import Session, object_session
from sqlalchemy.orm.attributes import set_committed_value

from auction import announce, eligibility, rules
from auction.models import Auction, AuctionBidder, Bid
from auction.pools.models import PoolDemand
from catalog.categories.models import Category, StandardProduct
from catalog.enrolment.models import SupplierProfile
from core import clock
from core.accounts.auth import Actor
from core.accounts.models import Region
from core.accounts.roles import OrgKind, Role
from core.errors import Conflict, DomainError, Forbidden, NotFound, ValidationFailed
from core.money import cny
from mall import policy
from mall.budgets import service as budgets
from mall.locks import lock
from mall.orders.access import require_purchaser
from supervision.ledger import Entry, record, record_many

#: Bounds of an auction's terms (the shortest run is ``AUCTION_MIN_MINUTES``, 5 by default).
MAX_DURATION = timedelta(days=7)
MAX_SNIPE_WINDOW = 600
MAX_EXTENSION = 1800
MAX_EXTENSIONS = 50
MAX_QUANTITY = 1_000_000


def terms_of(auction: Auction) -> rules.Terms:
    return rules.Terms(
        starts_at=auction.starts_at,
        ends_at=auction.ends_at,
        ceiling=auction.ceiling,
        decrement_mode=auction.decrement_mode,
        decrement_value=auction.decrement_value,
        must_beat=auction.must_beat,
        snipe_window=timedelta(seconds=auction.snipe_window_seconds),
        extension=timedelta(seconds=auction.extension_seconds),
        max_extensions=auction.max_extensions,
        extensions_used=auction.extensions_used,
    )


def _record(session: Session, actor: Actor, action: str, auction: Auction, **payload: Any) -> None:
    record(
        session,
        actor,
        action,
        ("auction", auction.id),
        {"status": auction.status, **payload},
        region_id=auction.region_id,
    )


def _invalid(field: str, problem: str, en: str, zh: str) -> ValidationFailed:
    return ValidationFailed(en, zh, details={field: [problem]})


# ---------------------------------------------------------------- setting up


def shortest_run() -> timedelta:
    """The shortest an auction may run (``AUCTION_MIN_MINUTES``, 5 by default)."""
    return timedelta(minutes=int(current_app.config.get("AUCTION_MIN_MINUTES", 5)))


def check_run_terms(
    starts: datetime,
    ends: datetime,
    delivery_date: date,
    decrement_mode: str,
    decrement_value: Decimal,
    ends_field: str = "ends_at",
) -> None:
    """The terms every auction keeps, whoever sets them (a purchaser, or a volume purchase for its
    pooled lot): it runs from ``shortest_run`` to 7 days, delivery is not before its end, and the
    minimum decrement is within bounds. ``ends_field`` names the end in the refusal."""
    minutes = int(shortest_run().total_seconds() // 60)
    if not shortest_run() <= ends - starts <= MAX_DURATION:
        raise _invalid(
            ends_field,
            f"{minutes} minutes to 7 days after the start",
            f"An auction runs from {minutes} minutes to 7 days.",
            f"竞价时长须在 {minutes} 分钟至 7 天之间。",
        )
    if delivery_date < clock.local(ends).date():
        raise _invalid(
            "delivery_date",
            "before the auction ends",
            "Delivery cannot be before the auction ends.",
            "交货日期不能早于竞价结束。",
        )
    problem = rules.check_decrement_terms(decrement_mode, decrement_value)
    if problem:
        raise _invalid(
            "decrement_value",
            problem,
            "The minimum decrement is out of bounds.",
            "最小降价幅度不符合要求（百分比须在 0.5%–3% 之间）。",
        )


#: The terms a purchaser sets, as the create form and ``edit_draft`` name them.
TERMS = (
    "title",
    "category_id",
    "standard_product_id",
    "required_params",
    "quantity",
    "unit",
    "delivery_region_id",
    "delivery_address",
    "delivery_date",
    "contact_name",
    "contact_phone",
    "budget_line_id",
    "ceiling",
    "show_ceiling",
    "starts_at",
    "ends_at",
    "decrement_mode",
    "decrement_value",
    "must_beat",
    "snipe_window_seconds",
    "extension_seconds",
    "max_extensions",
    "visibility",
    "min_bidders",
)


def _checked_terms(session: Session, actor: Actor, data: dict[str, Any]) -> dict[str, Any]:
    """The auction's columns from a purchaser's terms, once they are checked against the rules:
    the category and product, the times, the decrement, the e-mall's limit and the budget."""
    category = session.get(Category, data["category_id"])
    if category is None or not category.active:
        raise _invalid("category_id", "no such category", "No such category.", "没有该品目。")
    product_id = data.get("standard_product_id")
    if product_id is not None:
        product = session.get(StandardProduct, product_id)
        if product is None or product.category_id != category.id:
            raise _invalid(
                "standard_product_id",
                "not a standard product of the category",
                "The standard product is not in the category.",
                "标准商品不属于该品目。",
            )
    region = session.get(Region, data["delivery_region_id"])
    if region is None:
        raise _invalid("delivery_region_id", "no such region", "No such region.", "没有该地区。")
    now = clock.now()
    starts, ends = data["starts_at"], data["ends_at"]
    if starts < now - timedelta(minutes=1):
        raise _invalid("starts_at", "in the past", "The start is in the past.", "开始时间已过。")
    check_run_terms(
        starts, ends, data["delivery_date"], data["decrement_mode"], data["decrement_value"]
    )
    settings = policy.settings()
    lot = rules.lot_total(data["ceiling"], data["quantity"])
    if lot >= settings.purchase_limit:
        raise Conflict(
            f"At the ceiling the lot comes to {lot} CNY, at or above the e-mall's limit of "
            f"{settings.purchase_limit} CNY: it must go to tendering.",
            f"按最高限价计算采购金额 {lot} 元，达到电子卖场限额 {settings.purchase_limit} 元，"
            "须采用招标等方式采购。",
            code="over_mall_limit",
            details={"total": str(lot), "limit": str(settings.purchase_limit)},
        )
    line = budgets.get_line(session, actor, data["budget_line_id"])
    budgets.check_reservable(actor, line, lot)
    return {
        "title": data["title"].strip(),
        "category_id": category.id,
        "standard_product_id": product_id,
        "required_params": data.get("required_params") or {},
        "quantity": data["quantity"],
        "unit": data.get("unit") or "台",
        "delivery_region_id": region.id,
        "delivery_address": data["delivery_address"].strip(),
        "contact_name": data["contact_name"].strip(),
        "contact_phone": data["contact_phone"].strip(),
        "delivery_date": data["delivery_date"],
        "budget_line_id": line.id,
        "ceiling": cny(data["ceiling"]),
        "show_ceiling": data.get("show_ceiling", True),
        "starts_at": starts,
        "ends_at": ends,
        "scheduled_end": ends,
        "decrement_mode": data["decrement_mode"],
        "decrement_value": cny(data["decrement_value"]),
        "must_beat": data.get("must_beat", "best"),
        "snipe_window_seconds": data.get("snipe_window_seconds", 120),
        "extension_seconds": data.get("extension_seconds", 180),
        "max_extensions": data.get("max_extensions", 5),
        "visibility": data.get("visibility", "best"),
        "min_bidders": data.get("min_bidders", 3),
        # The SME rule (MALL-10) applies by itself: small lots in SME-suitable categories.
        "sme_only": eligibility.sme_reserved(category, lot, settings),
    }


def create(session: Session, actor: Actor, data: dict[str, Any]) -> Auction:
    """发起竞价: a purchaser's draft auction, checked against the rules before anyone sees it."""
    require_purchaser(actor)
    auction = Auction(
        purchaser_id=actor.organisation_id,
        created_by=actor.user_id,
        region_id=actor.region_id,
        status="draft",
        bid_count=0,
        bidder_count=0,
        extensions_used=0,
        **_checked_terms(session, actor, data),
    )
    session.add(auction)
    session.flush()
    _record(session, actor, "auction.created", auction, **announcement(auction))
    return auction


def edit_draft(session: Session, actor: Actor, auction_id: int, changes: dict[str, Any]) -> Auction:
    """修改: the purchaser changes its draft before publishing it (new times after the start has
    passed, a corrected quantity). The terms are checked again as a whole, as at creation; the
    change is on the ledger with the fields it touched."""
    require_purchaser(actor)
    auction = _own(session, actor, auction_id)
    _expect(auction, "draft", doing=("changed", "修改"))
    _change_terms(session, actor, auction, changes)
    return auction


def _change_terms(
    session: Session, actor: Actor, auction: Auction, changes: dict[str, Any]
) -> list[str]:
    """Apply ``changes`` to the draft once its terms pass as a whole; on the ledger with the
    fields they touched. Returns those fields."""
    data = {name: getattr(auction, name) for name in TERMS} | changes
    values = _checked_terms(session, actor, data)
    changed = sorted(name for name, value in values.items() if getattr(auction, name) != value)
    if not changed:
        return []
    for name in changed:
        setattr(auction, name, values[name])
    auction.updated_at = clock.now()
    session.flush()
    _record(session, actor, "auction.updated", auction, changed=changed, **announcement(auction))
    return changed


def announcement(auction: Auction) -> dict[str, Any]:
    """The terms every bidder sees (the ceiling only if shown)."""
    return {
        "number": auction.number,
        "title": auction.title,
        "category_id": auction.category_id,
        "standard_product_id": auction.standard_product_id,
        "required_params": auction.required_params,
        "quantity": auction.quantity,
        "unit": auction.unit,
        "delivery_region_id": auction.delivery_region_id,
        "delivery_date": auction.delivery_date.isoformat(),
        "ceiling": auction.ceiling if auction.show_ceiling else None,
        "starts_at": auction.starts_at,
        "ends_at": auction.scheduled_end,
        "decrement_mode": auction.decrement_mode,
        "decrement_value": auction.decrement_value,
        "must_beat": auction.must_beat,
        "snipe_window_seconds": auction.snipe_window_seconds,
        "extension_seconds": auction.extension_seconds,
        "max_extensions": auction.max_extensions,
        "visibility": auction.visibility,
        "min_bidders": auction.min_bidders,
        "sme_only": auction.sme_only,
    }


def _own(session: Session, actor: Actor, auction_id: int) -> Auction:
    auction = lock(session, Auction, auction_id)
    if auction is None:
        raise NotFound("No such auction.", "没有该竞价项目。")
    if auction.purchaser_id != actor.organisation_id or not actor.has(
        Role.PURCHASER, Role.ORG_ADMIN
    ):
        raise Forbidden(
            "This is another unit's auction.", "这是其他单位的竞价项目。", code="other_organisation"
        )
    return auction


def _expect(auction: Auction, *statuses: str, doing: tuple[str, str]) -> None:
    if auction.status not in statuses:
        raise Conflict(
            f"An auction that is {auction.status} cannot be {doing[0]}.",
            f"竞价项目当前状态不能{doing[1]}。",
            code="bad_status",
            details={"status": auction.status, "allowed": list(statuses)},
        )


#: A start that passed less than this long ago still counts as "now" (the time a purchaser takes
#: to save a draft and press 发布); an older one needs the purchaser's choice.
START_GRACE = timedelta(minutes=1)


def publish(
    session: Session,
    actor: Actor,
    auction_id: int,
    start_now: bool = False,
    starts_at: datetime | None = None,
) -> Auction:
    """发布公告: the auction is announced and the funds for the lot at the ceiling are reserved.

    A draft whose start has passed (by more than ``START_GRACE``) is refused with the code
    ``start_passed`` unless the purchaser chooses, in the same request, ``start_now`` (it opens
    now and runs as long as the draft said) or a new ``starts_at`` (same duration). Either way
    the terms are checked again as at creation and the change is on the ledger before the
    publication."""
    require_purchaser(actor)
    auction = _own(session, actor, auction_id)
    _expect(auction, "draft", doing=("published", "发布"))
    if start_now and starts_at is not None:
        raise _invalid(
            "starts_at",
            "either start_now or starts_at",
            "Choose either to start now or a new start, not both.",
            "请选择立即开始或新的开始时间，二者选一。",
        )
    now = clock.now()
    duration = auction.ends_at - auction.starts_at
    if start_now or starts_at is not None:
        start = now if start_now else starts_at
        assert start is not None
        _change_terms(session, actor, auction, {"starts_at": start, "ends_at": start + duration})
    elif auction.starts_at < now - START_GRACE:
        raise Conflict(
            "The start has passed: start now, or choose a new start.",
            "开始时间已过：请选择立即开始，或设定新的开始时间。",
            code="start_passed",
            details={
                "starts_at": auction.starts_at.isoformat(),
                "duration_minutes": int(duration.total_seconds() // 60),
                "choices": ["start_now", "starts_at"],
            },
        )
    budgets.reserve(
        session,
        actor,
        auction.budget_line_id,
        rules.lot_total(auction.ceiling, auction.quantity),
        ("auction", auction.id),
    )
    auction.status = "published"
    auction.published_at = auction.updated_at = clock.now()
    session.flush()
    _record(session, actor, "auction.published", auction, **announcement(auction))
    announce.auction_published(session, auction)
    return auction


def eligible_suppliers(
    session: Session,
    actor: Actor,
    category_id: int,
    sme_only: bool | None = None,
    lot: Decimal | None = None,
    region_id: int | None = None,
    min_bidders: int = 3,
) -> eligibility.Eligibility:
    """符合条件的供应商: how many suppliers may bid in an auction with these terms — a count, never
    names (bidders stay anonymous until the award). Purchasers only. ``sme_only`` as given, or as
    the SME rule sets it for a lot of ``lot`` CNY, or not reserved."""
    require_purchaser(actor)
    category = session.get(Category, category_id)
    if category is None or not category.active:
        raise _invalid("category_id", "no such category", "No such category.", "没有该品目。")
    if region_id is not None and session.get(Region, region_id) is None:
        raise _invalid("region_id", "no such region", "No such region.", "没有该地区。")
    if sme_only is None:
        sme_only = lot is not None and eligibility.sme_reserved(category, lot)
    return eligibility.Eligibility(
        category_id=category.id,
        sme_only=sme_only,
        count=eligibility.eligible_count(session, category, sme_only),
        min_bidders=min_bidders,
    )


def draft_eligibility(session: Session, actor: Actor, auction_id: int) -> eligibility.Eligibility:
    """The eligible suppliers of the purchaser's own auction, on its terms."""
    auction = get_auction(session, actor, auction_id)
    if role_of(actor, auction) != "purchaser" or auction.purchaser_id != actor.organisation_id:
        raise Forbidden(
            "This is another unit's auction.", "这是其他单位的竞价项目。", code="other_organisation"
        )
    return eligibility.Eligibility(
        category_id=auction.category_id,
        sme_only=auction.sme_only,
        count=eligibility.eligible_count(session, auction.category, auction.sme_only),
        min_bidders=auction.min_bidders,
    )


def bidder_reason(session: Session, actor: Actor, auction: Auction) -> str | None:
    """Why the supplier may not bid in the auction (a code of ``eligibility.REASONS``), or None."""
    if actor.organisation_id is None:
        return "not_enrolled"
    return eligibility.reason(session, actor.organisation_id, auction.category, auction.sme_only)


def cancel(session: Session, actor: Actor, auction_id: int, reason: str) -> Auction:
    """撤销: before it opens, the purchaser may withdraw an auction; its funds are released."""
    require_purchaser(actor)
    auction = _own(session, actor, auction_id)
    if auction.pool_id is not None:
        raise Conflict(
            "A volume purchase's auction is withdrawn with its pool.",
            "带量采购的竞价不能单独撤销。",
            code="pool_auction",
        )
    _expect(auction, "draft", "published", doing=("cancelled", "撤销"))
    if auction.status == "published" and clock.now() >= auction.starts_at:
        raise Conflict(
            "An auction cannot be withdrawn once it has opened.",
            "竞价开始后不能撤销。",
            code="already_open",
        )
    reason = (reason or "").strip()
    if not reason:
        raise _invalid("reason", "required", "Give a reason.", "请填写撤销原因。")
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
    _record(session, actor, "auction.cancelled", auction, reason=reason)
    return auction


# ---------------------------------------------------------------- bidding


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
        raise Forbidden("Only suppliers bid.", "仅供应商可以报价。", code="supplier_only")


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
        raise NotFound("No such auction.", "没有该竞价项目。")
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
    if newcomers and auction.status == "published":
        deductions.update(deductions_for(session, auction, newcomers))  # type: ignore[arg-type]
    problems = (
        eligibility.problems(
            session,
            supplier_ids,  # type: ignore[arg-type]
            Category.ids_in_path(category_path),
            auction.sme_only,
        )
        if auction.status == "published"
        else {}
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


# ---------------------------------------------------------------- what each party sees


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


# ---------------------------------------------------------------- reading


def get_auction(session: Session, actor: Actor, auction_id: int) -> Auction:
    """The auction, if the actor may see it: its purchaser unit; any supplier once it is published;
    operators; supervisors of its region."""
    auction = session.get(Auction, auction_id)
    if auction is None:
        raise NotFound("No such auction.", "没有该竞价项目。")
    if role_of(actor, auction) is None:
        if auction.status == "draft" and actor.org_kind == OrgKind.SUPPLIER:
            raise NotFound("No such auction.", "没有该竞价项目。")
        raise Forbidden(
            "This auction is not yours to see.", "您无权查看该竞价项目。", code="other_organisation"
        )
    return auction


def role_of(actor: Actor, auction: Auction) -> str | None:
    """How the actor sees the auction: purchaser, bidder, supervisor, operator — or not at all."""
    if actor.organisation_id == auction.purchaser_id and actor.has(Role.PURCHASER, Role.ORG_ADMIN):
        return "purchaser"
    if (
        auction.pool_id is not None
        and actor.org_kind == OrgKind.PURCHASER
        and actor.has(Role.PURCHASER, Role.ORG_ADMIN)
        and _in_pool(auction, actor.organisation_id)
    ):
        return "purchaser"  # a unit whose demand the volume purchase pooled (AUC-2)
    if actor.org_kind == OrgKind.SUPPLIER and actor.has(Role.SUPPLIER):
        return "bidder" if auction.status != "draft" else None
    if actor.has(Role.OPERATOR):
        return "operator"
    if actor.has(Role.SUPERVISOR) and auction.purchaser.region.path.startswith(
        actor.region_path or "\x00"
    ):
        return "supervisor"
    return None


def visible_ceiling(actor: Actor | None, auction: Auction) -> Decimal | None:
    """The ceiling as ``actor`` may see it: when it is shown, or to the purchaser, its supervisors
    and operators; hidden from bidders and from anyone the auction is not for."""
    if auction.show_ceiling:
        return auction.ceiling
    if actor is not None and role_of(actor, auction) in ("purchaser", "supervisor", "operator"):
        return auction.ceiling
    return None


def _in_pool(auction: Auction, organisation_id: int | None) -> bool:
    session = object_session(auction)
    if session is None:
        return False
    found = session.scalar(
        select(PoolDemand.id).where(
            PoolDemand.pool_id == auction.pool_id,
            PoolDemand.purchaser_id == organisation_id,
            PoolDemand.status != "withdrawn",
        )
    )
    return found is not None


def _names(session: Session, org_ids: list[int]) -> dict[int, str]:
    from core.accounts.models import Organisation

    if not org_ids:
        return {}
    rows = session.execute(
        select(Organisation.id, Organisation.name_zh).where(Organisation.id.in_(org_ids))
    )
    return {row.id: row.name_zh for row in rows}


def label_text(number: int, lang: str = "zh") -> str:
    """The anonymised label of a bidder (供应商 3) as the API carries it; pages show ``label_no``
    through their own language's text."""
    return f"供应商 {number}" if lang == "zh" else f"Supplier {number}"


def state(
    session: Session | None, actor: Actor, auction: Auction, standing: Standing | None = None
) -> dict[str, Any]:
    """What the actor may see of the auction now (AUC-1 visibility, AUC-3 same information for
    every bidder): own rank always; the best price and the anonymised ladder as the auction says;
    real names only after the award. ``standing`` is the auction's, if already read; without a
    session it must be given, and the auction not yet awarded."""
    role = role_of(actor, auction)
    now = clock.now()
    terms = terms_of(auction)
    phase = rules.phase(terms, now) if auction.status == "published" else "after"
    if standing is None:
        assert session is not None
        standing = Standing.read(session, auction.id)
    revealed = auction.status == "awarded"
    full = role in ("purchaser", "supervisor", "operator")
    out: dict[str, Any] = {
        "id": auction.id,
        "status": auction.status,
        "phase": phase,
        "now": now,
        "starts_at": auction.starts_at,
        "ends_at": auction.ends_at,
        "seconds_left": max(0, int((auction.ends_at - now).total_seconds()))
        if phase != "after"
        else 0,
        "extensions_used": auction.extensions_used,
        "bid_count": auction.bid_count if full else None,
        "bidder_count": auction.bidder_count if full else None,
        "best_price": auction.best_price if full or auction.visibility != "rank" else None,
        "ceiling": auction.ceiling if full or auction.show_ceiling else None,
        "ladder": None,
        "mine": None,
        "winner_id": auction.winner_id,
        "failure_reason": auction.failure_reason,
    }
    if full or auction.visibility == "ladder":
        out["ladder"] = ladder(
            session, auction, standing, supplier_ids=revealed or role == "supervisor"
        )
    if role == "bidder":
        supplier_id = actor.organisation_id
        assert supplier_id is not None
        bidder = standing.by_supplier.get(supplier_id)
        last = bidder.last_price if bidder else None
        out["mine"] = {
            "label": label_text(bidder.label_no) if bidder else None,
            "label_no": bidder.label_no if bidder else None,
            "best_own_price": last,
            "last_price": last,
            "rank": standing.places.get(supplier_id),
            "next_allowed": rules.highest_allowed(
                terms, auction.best_price, last, bidder.deduction_bp if bidder else 0
            )
            if phase != "after"
            else None,
            "deduction": policy.from_basis_points(bidder.deduction_bp) if bidder else None,
            "evaluated_price": policy.apply_deduction(
                last, policy.from_basis_points(bidder.deduction_bp)
            )
            if bidder and last is not None
            else None,
            "won": revealed and auction.winner_id == supplier_id,
        }
    return out


def ladder(
    session: Session | None, auction: Auction, standing: Standing, supplier_ids: bool = False
) -> list[dict[str, Any]]:
    """The ranked offers under their labels (供应商 3); real names only after the award (AUC-1),
    read then with ``session``, and supplier ids only when ``supplier_ids``."""
    real: dict[int, str] = {}
    if auction.status == "awarded":
        assert session is not None
        real = _names(session, [o.supplier_id for o in standing.ranked])
    return [
        {
            "rank": place,
            "label": label_text(standing.labels[o.supplier_id]),
            "label_no": standing.labels[o.supplier_id],
            "name": real.get(o.supplier_id),
            "supplier_id": o.supplier_id if supplier_ids else None,
            "price": o.price,
            "deduction": policy.from_basis_points(o.deduction_bp),
            "evaluated_price": o.evaluated,
            "at": o.placed_at,
        }
        for place, o in enumerate(standing.ranked, start=1)
    ]


def auctions_query(actor: Actor, filters: dict[str, Any]):  # type: ignore[no-untyped-def]
    """The purchaser unit's own auctions; for suppliers, the published ones; for operators, all;
    for supervisors, those of their region and below. Newest first."""
    from core.accounts.models import Organisation

    query = select(Auction)
    if actor.org_kind == OrgKind.PURCHASER and actor.has(Role.PURCHASER, Role.ORG_ADMIN):
        pooled = select(PoolDemand.pool_id).where(
            PoolDemand.purchaser_id == actor.organisation_id, PoolDemand.status != "withdrawn"
        )
        query = query.where(
            (Auction.purchaser_id == actor.organisation_id) | Auction.pool_id.in_(pooled)
        )
    elif actor.org_kind == OrgKind.SUPPLIER and actor.has(Role.SUPPLIER):
        query = query.where(Auction.status != "draft")
    elif actor.has(Role.OPERATOR):
        pass
    elif actor.has(Role.SUPERVISOR) and actor.region_path:
        query = (
            query.join(Organisation, Organisation.id == Auction.purchaser_id)
            .join(Region, Region.id == Organisation.region_id)
            .where(Region.path.startswith(actor.region_path))
        )
    else:
        raise Forbidden("You have no auctions to see.", "您无权查看竞价项目。")
    if filters.get("status"):
        query = query.where(Auction.status == filters["status"])
    return query.order_by(Auction.id.desc())
