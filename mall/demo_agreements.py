"""Demo framework agreements (MALL-8): one closed agreement (封闭式, price priority) for desktop
computers and one open agreement (开放式, quality priority) for copy paper, in force today, each
concluded through the services — the operator's solicitation, the sealed responses of suppliers
enrolled in the category, the opening, evaluation and selection (one responder eliminated), the
published result — with every step on the ledger at the time it happened, weeks ago. Then the
purchasers call off from them (``mall.demo_calloffs``), and one more supplier enrolled in copy paper
joins the open agreement last week, below the joining price (``JOINER``).

Loading twice adds nothing: an agreement whose solicitation (by its title) exists is left alone,
its call-offs with it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from catalog.categories.models import Category, StandardProduct
from catalog.demo_steps.common import backdated
from catalog.demo_steps.suppliers import DEMO_CODES
from catalog.enrolment.eligibility import suppliers_in
from core.accounts.auth import Actor
from core.accounts.models import Organisation, Region
from mall.agreements import evaluation, joining, responses, result, signing, solicitation
from mall.agreements.models import Agreement, AgreementResponse, Solicitation
from mall.demo_calloffs import DESKTOP_CALLOFFS, PAPER_CALLOFFS, load_calloffs
from mall.demo_common import at, supplier_user, user_actor

#: The region the demo agreements serve: the whole autonomous region, so every demo purchaser unit
#: (in Hohhot, Baotou and Xilingol) calls off from them.
REGION_CODE = "15"
#: The demo users among the responders, by username; the others are suppliers of the demo catalog
#: enrolled in the category (a sales user is added to each, to sign their responses).
DEMO_SUPPLIERS = ("supplier", "supplier.office")


@dataclass(frozen=True)
class Item:
    category_code: str
    product_zh: str  # the standard product's name; the category alone when the catalog lacks it
    unit: str
    estimated_quantity: int
    max_unit_price: str


@dataclass(frozen=True)
class Response:
    """A responder: a demo user by username, or the n-th other supplier enrolled in the category;
    its unit price per item, and (quality priority) the solicitor's scores."""

    who: str | int
    prices: tuple[str, ...]
    capacity: str
    scores: tuple[int, ...] = ()


@dataclass(frozen=True)
class Plan:
    title: str
    kind: str
    evaluation: str
    criteria: tuple[tuple[str, int], ...]
    call_off_methods: tuple[str, ...]
    items: tuple[Item, ...]
    responses: tuple[Response, ...]
    #: weeks before this one of the publication; the deadline is two weeks after it
    weeks_back: int
    #: the other responders are chosen from suppliers of these trades first
    trades: tuple[str, ...] = ()


DESKTOPS = Plan(
    title="内蒙古自治区台式计算机框架协议采购项目",
    kind="closed",
    evaluation="price_priority",
    criteria=(),
    call_off_methods=("direct", "rotation", "secondary_competition"),
    items=(
        Item("A02010104", "办公台式计算机 i5/8GB/512GB/Windows", "台", 300, "5200.00"),
        Item("A02010104", "国产台式计算机 鲲鹏920/16GB/512GB/统信UOS", "台", 120, "6800.00"),
    ),
    # Ranked by Σ price × quantity: the first generated supplier, the second, supplier.office,
    # supplier; the third generated supplier, dearest, is eliminated.
    responses=(
        Response(0, ("4280.00", "5650.00"), "月供货能力 300 台，区内 72 小时送达，三年上门保修"),
        Response(1, ("4350.00", "5590.00"), "月供货能力 200 台，区内 5 日内送达"),
        Response("supplier.office", ("4390.00", "5720.00"), "包头、呼和浩特两地仓储，48 小时送达"),
        Response("supplier", ("4460.00", "5760.00"), "呼和浩特本地服务，24 小时上门安装"),
        Response(2, ("4690.00", "5980.00"), "月供货能力 100 台，7 日内送达"),
    ),
    weeks_back=16,
    trades=("信息技术", "电子", "科技", "办公设备"),
)

COPY_PAPER = Plan(
    title="内蒙古自治区办公用纸框架协议采购项目（开放式）",
    kind="open",
    evaluation="quality_priority",
    criteria=(("产品质量", 50), ("供货能力", 30), ("售后服务", 20)),
    call_off_methods=("direct", "rotation"),
    items=(
        Item("A09010101", "A4复印纸 80g 500张", "包", 20000, "32.00"),
        Item("A09010101", "A3复印纸 80g 500张", "包", 3000, "66.00"),
    ),
    responses=(
        Response(
            "supplier", ("27.50", "56.00"), "自有仓库常备 5000 包，全区 3 日送达", (92, 88, 90)
        ),
        Response(0, ("26.80", "55.00"), "常备库存 3000 包，5 日内送达", (85, 90, 84)),
        Response(1, ("28.00", "57.50"), "常备库存 2000 包，7 日内送达", (88, 80, 86)),
        Response(2, ("25.90", "54.00"), "按单采购，10 日内送达", (72, 70, 75)),
        Response(3, ("29.50", "58.00"), "常备库存 8000 包，48 小时送达", (90, 92, 80)),
    ),
    weeks_back=12,
    trades=("办公设备", "商贸", "供应链", "实业"),
)

PLANS = (DESKTOPS, COPY_PAPER)

#: The supplier that joins the open agreement after the result (加入开放式框架协议): the next
#: supplier enrolled in copy paper after the responders, last Tuesday, at these unit prices
#: (below the joining prices 29.50 and 58.00), with its capacity.
JOINER = (("28.90", "57.00"), "常备库存 4000 包，全区 4 日内送达", (1, 1, "10:30"))


def _others(session: Session, plan: Plan, category: Category) -> list[Organisation]:
    """The catalog's demo suppliers enrolled in the category, besides the demo users' companies,
    those of the plan's trades first."""
    enrolled = set(suppliers_in(session, category))
    others = session.scalars(
        select(Organisation)
        .where(Organisation.id.in_(enrolled), Organisation.credit_code.in_(DEMO_CODES))
        .order_by(Organisation.id)
    ).all()
    demo_orgs = {user_actor(session, name).organisation_id for name in DEMO_SUPPLIERS}
    return sorted(
        (o for o in others if o.id not in demo_orgs),
        key=lambda o: (not any(trade in o.name_zh for trade in plan.trades), o.id),
    )


def _responders(session: Session, plan: Plan, category: Category) -> list[Actor] | None:
    """The responders' users in the plan's order; None when the catalog has too few suppliers."""
    enrolled = set(suppliers_in(session, category))
    others = _others(session, plan, category)
    demo = {name: user_actor(session, name) for name in DEMO_SUPPLIERS}
    actors = []
    for response in plan.responses:
        if isinstance(response.who, str):
            actor = demo[response.who]
            if actor.organisation_id not in enrolled:
                return None
        elif response.who < len(others):
            actor = supplier_user(session, others[response.who])
        else:
            return None
        actors.append(actor)
    return actors


def _item(session: Session, item: Item) -> dict:
    category = session.scalars(select(Category).where(Category.code == item.category_code)).one()
    product = session.scalars(
        select(StandardProduct).where(
            StandardProduct.category_id == category.id,
            StandardProduct.name_zh == item.product_zh,
            StandardProduct.active.is_(True),
        )
    ).first()
    return {
        "category_id": category.id,
        "standard_product_id": product.id if product else None,
        "unit": item.unit,
        "estimated_quantity": item.estimated_quantity,
        "max_unit_price": item.max_unit_price,
    }


def solicited(session: Session, plan: Plan) -> bool:
    """Whether a solicitation of the plan's title exists (concluded or not: then left alone)."""
    return bool(session.scalar(select(Solicitation.id).where(Solicitation.title == plan.title)))


def conclude(session: Session, plan: Plan) -> Agreement | None:
    """The plan's agreement, from solicitation to published result, each step at its past time;
    None when the catalog has too few suppliers enrolled in the category."""
    operator = user_actor(session, "operator")
    category = session.scalars(
        select(Category).where(Category.code == plan.items[0].category_code)
    ).first()
    if category is None:
        return None
    suppliers = _responders(session, plan, category)
    if suppliers is None:
        return None
    region = session.scalars(select(Region).where(Region.code == REGION_CODE)).one()
    weeks = plan.weeks_back
    deadline = at(weeks - 2, 0, "09:30")
    with backdated(at(weeks, 0, "10:00")):
        draft = solicitation.create_solicitation(
            session,
            operator,
            {
                "title": plan.title,
                "region_id": region.id,
                "kind": plan.kind,
                "evaluation": plan.evaluation,
                "criteria": [{"name": n, "weight": w} for n, w in plan.criteria],
                "call_off_methods": list(plan.call_off_methods),
                "response_deadline": deadline,
                "items": [_item(session, item) for item in plan.items],
            },
        )
    with backdated(at(weeks, 0, "15:00")):
        solicitation.publish(session, operator, draft.id)
    items = [item.id for item in draft.items]
    made = {}
    for n, (response, supplier) in enumerate(zip(plan.responses, suppliers, strict=True)):
        with backdated(at(weeks - 1, n % 5, f"{10 + n // 5}:{15 + 7 * n:02d}")):
            made[n] = responses.respond(
                session,
                supplier,
                draft.id,
                {
                    "prices": [
                        {"item_id": i, "unit_price": p}
                        for i, p in zip(items, response.prices, strict=True)
                    ],
                    "capacity": response.capacity,
                    "region_ids": [region.id],
                },
            )
    with backdated(at(weeks - 2, 0, "10:00")):
        evaluation.open_responses(session, operator, draft.id)
    names = [name for name, _ in plan.criteria]
    scores = [
        {"response_id": made[n].id, "scores": dict(zip(names, r.scores, strict=True))}
        for n, r in enumerate(plan.responses)
    ]
    with backdated(at(weeks - 2, 1, "15:00")):
        evaluation.evaluate(session, operator, draft.id, {"scores": scores if names else []})
        evaluation.select_entrants(session, operator, draft.id)
    published = at(weeks - 2, 2, "10:00")
    with backdated(published):
        agreement = result.publish_result(session, operator, draft.id)
    users = {a.organisation_id: a for a in suppliers}
    entrants = [users[e.supplier_id] for e in agreement.entrants]
    sign_agreement(session, agreement, operator, entrants, published)
    return agreement


def sign_agreement(
    session: Session,
    agreement: Agreement,
    solicitor: Actor,
    entrants: list[Actor],
    published: datetime,
) -> None:
    """The step after the result is published: the solicitor signs the agreement the next
    morning, then each entrant (a user of each, in rank order) an hour apart, so that every
    entrant takes call-offs from then on."""
    first = published.replace(hour=1, minute=30, second=0, microsecond=0) + timedelta(days=1)
    for number, actor in enumerate([solicitor, *entrants]):
        with backdated(first + timedelta(hours=number)):
            signing.sign(session, actor, agreement)


def join_later(session: Session, plan: Plan, agreement: Agreement) -> bool:
    """The next enrolled supplier that did not respond joins the open agreement (``JOINER``);
    False when the catalog has none."""
    category = session.get(Category, agreement.solicitation.items[0].category_id)
    assert category is not None
    inside = {e.supplier_id for e in agreement.entrants}
    responded = {
        r.supplier_id
        for r in session.scalars(
            select(AgreementResponse).where(
                AgreementResponse.solicitation_id == agreement.solicitation_id
            )
        )
    }
    newcomer = next(
        (o for o in _others(session, plan, category) if o.id not in inside | responded), None
    )
    if newcomer is None:
        return False
    prices, capacity, when = JOINER
    rows = [
        {"item_id": item.id, "unit_price": price}
        for item, price in zip(agreement.solicitation.items, prices, strict=True)
    ]
    with backdated(at(*when)):
        joining.join(
            session,
            supplier_user(session, newcomer),
            agreement,
            rows,
            [agreement.region_id],
            capacity,
        )
    return True


def load(session: Session) -> list[str]:
    """The demo agreements and their call-offs, unless a solicitation of the same title exists."""
    lines = []
    for plan, steps in ((DESKTOPS, DESKTOP_CALLOFFS), (COPY_PAPER, PAPER_CALLOFFS)):
        if solicited(session, plan):
            lines.append(f"framework agreement {plan.title}: already")
            continue
        agreement = conclude(session, plan)
        if agreement is None:
            lines.append(f"framework agreement {plan.title}: none (too few suppliers enrolled)")
            continue
        made = load_calloffs(session, agreement, steps)
        joined = plan.kind == "open" and join_later(session, plan, agreement)
        lines.append(
            f"framework agreement {agreement.number} {plan.title}: "
            f"{len(agreement.entrants)} entrants, {made} call-offs"
            + (", 1 joined after the result" if joined else "")
        )
    return lines
