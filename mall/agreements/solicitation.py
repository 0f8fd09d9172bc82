"""征集公告 (MALL-8): an operator or a lead purchaser drafts a solicitation — items with a maximum
unit price each, the term, the region served, closed or open, the evaluation method, the share
eliminated, the response deadline and the call-off methods — and publishes it; the suppliers
enrolled in its categories are told."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from sqlalchemy.orm import Session

from catalog.categories.models import Category, StandardProduct
from catalog.categories.service import is_leaf
from catalog.enrolment.eligibility import suppliers_in
from core import clock
from core.accounts.auth import Actor
from core.accounts.models import Region
from core.errors import Conflict, ValidationFailed
from core.messages import en_zh
from core.money import cny
from core.notifications.service import Message, notify
from mall.agreements.access import locked, record_step, require_solicitor, require_solicitor_role
from mall.agreements.models import Solicitation, SolicitationItem

#: The longest term of a framework agreement (框架协议期限), in years.
MAX_TERM_YEARS = 4
#: The default term: goods one year, services two.
DEFAULT_TERM_YEARS = {"goods": 1, "services": 2}
DEFAULT_ELIMINATION_PERCENT = 20


def invalid(
    field: str,
    problem: str,
    en: str,
    zh: str | None = None,
    *,
    code: str = "validation_failed",
    params: dict[str, object] | None = None,
) -> ValidationFailed:
    """A refusal of one field (the Chinese from the services' catalog)."""
    return ValidationFailed(en, zh, code=code, details={field: [problem]}, params=params)


def years_after(start: date, years: int) -> date:
    """The last day of a term of ``years`` starting on ``start`` (29 February → 28 February)."""
    try:
        anniversary = start.replace(year=start.year + years)
    except ValueError:
        anniversary = start.replace(year=start.year + years, day=28)
    return anniversary - timedelta(days=1)


def _item(session: Session, position: int, data: dict[str, Any]) -> SolicitationItem:
    field = f"items.{position}"
    product_id = data.get("standard_product_id")
    product = session.get(StandardProduct, product_id) if product_id is not None else None
    if product_id is not None and (product is None or not product.active):
        raise invalid(field, "no such standard product", "No such standard product.")
    category_id = data.get("category_id") or (product.category_id if product else None)
    category = session.get(Category, category_id) if category_id is not None else None
    if category is None or not category.active:
        raise invalid(field, "no such category", "No such category.")
    if not is_leaf(session, category):
        raise invalid(
            field,
            "not a leaf category",
            "Choose a category at the lowest level.",
        )
    if product is not None and product.category_id != category.id:
        raise invalid(
            field,
            "not a standard product of the category",
            "The standard product is not in the category.",
        )
    if cny(data["max_unit_price"]) <= 0:
        raise invalid(
            field,
            "maximum unit price above zero",
            "The maximum unit price must be above zero.",
        )
    required = {**(product.params if product else {}), **(data.get("required_params") or {})}
    return SolicitationItem(
        position=position,
        category_id=category.id,
        standard_product_id=product.id if product else None,
        required_params=required,
        unit=(data.get("unit") or "件").strip(),
        estimated_quantity=data["estimated_quantity"],
        max_unit_price=cny(data["max_unit_price"]),
    )


def _term(
    session: Session, items: list[SolicitationItem], data: dict[str, Any]
) -> tuple[date, date]:
    """The term: from the day after the deadline by default, one year for goods and two for
    services by default, never over four years."""
    deadline_day = clock.local(data["response_deadline"]).date()
    starts = data.get("term_starts") or deadline_day + timedelta(days=1)
    if starts <= deadline_day:
        raise invalid(
            "term_starts",
            "after the response deadline",
            "The term starts after the response deadline.",
            code="term_before_deadline",
        )
    kinds = {session.get(Category, item.category_id).kind for item in items}  # type: ignore[union-attr]
    years = DEFAULT_TERM_YEARS["services"] if kinds == {"services"} else DEFAULT_TERM_YEARS["goods"]
    ends = data.get("term_ends") or years_after(starts, years)
    if ends <= starts:
        raise invalid(
            "term_ends",
            "after the start",
            "The term ends after it starts.",
        )
    longest = years_after(starts, MAX_TERM_YEARS)
    if ends > longest:
        raise invalid(
            "term_ends",
            f"at most {MAX_TERM_YEARS} years",
            "A framework agreement runs for at most %(years)s years (until %(longest)s).",
            code="term_too_long",
            params={"years": MAX_TERM_YEARS, "longest": longest},
        )
    return starts, ends


def _criteria(data: dict[str, Any]) -> list[dict[str, Any]]:
    criteria = [
        {"name": c["name"].strip(), "weight": c["weight"]} for c in data.get("criteria") or []
    ]
    if data["evaluation"] == "price_priority":
        if criteria:
            raise invalid(
                "criteria",
                "only with quality priority",
                "Criteria are scored only under quality priority.",
            )
        return []
    names = [c["name"] for c in criteria]
    if not criteria or sum(c["weight"] for c in criteria) != 100 or len(set(names)) != len(names):
        raise invalid(
            "criteria",
            "distinct criteria whose weights sum to 100",
            "Quality priority needs distinct criteria whose weights sum to 100.",
            code="criteria_weights",
        )
    return criteria


def _deadline_ahead(deadline) -> None:  # type: ignore[no-untyped-def]
    if deadline <= clock.now():
        raise invalid(
            "response_deadline",
            "in the future",
            "The response deadline has passed.",
            code="deadline_passed",
        )


def create_solicitation(session: Session, actor: Actor, data: dict[str, Any]) -> Solicitation:
    """起草征集公告: a draft the solicitor alone sees until it is published."""
    require_solicitor_role(actor)
    _deadline_ahead(data["response_deadline"])
    region = session.get(Region, data["region_id"])
    if region is None:
        raise invalid("region_id", "no such region", "No such region.")
    if not actor.has("operator") and not (
        actor.region_path and region.path.startswith(actor.region_path)
    ):
        raise invalid(
            "region_id",
            "your region or below",
            "A lead purchaser solicits for its own region or one below it.",
            code="region_outside",
        )
    items = [_item(session, i, item) for i, item in enumerate(data["items"])]
    starts, ends = _term(session, items, data)
    now = clock.now()
    solicitation = Solicitation(
        solicitor_id=actor.organisation_id,
        created_by=actor.user_id,
        region_id=region.id,
        status="draft",
        title=data["title"].strip(),
        kind=data["kind"],
        evaluation=data["evaluation"],
        criteria=_criteria(data),
        elimination_percent=data.get("elimination_percent") or DEFAULT_ELIMINATION_PERCENT,
        call_off_methods=sorted(set(data["call_off_methods"])),
        term_starts=starts,
        term_ends=ends,
        response_deadline=data["response_deadline"],
        created_at=now,
        updated_at=now,
    )
    solicitation.items = items
    session.add(solicitation)
    session.flush()
    record_step(
        session, actor, "agreement.solicitation_created", solicitation, **terms(solicitation)
    )
    return solicitation


def terms(solicitation: Solicitation) -> dict[str, Any]:
    """The terms every party sees, as they go on the ledger."""
    return {
        "number": solicitation.number,
        "title": solicitation.title,
        "solicitor_id": solicitation.solicitor_id,
        "kind": solicitation.kind,
        "evaluation": solicitation.evaluation,
        "criteria": solicitation.criteria,
        "elimination_percent": solicitation.elimination_percent,
        "call_off_methods": solicitation.call_off_methods,
        "term_starts": solicitation.term_starts,
        "term_ends": solicitation.term_ends,
        "response_deadline": solicitation.response_deadline,
        "items": [
            {
                "item_id": item.id,
                "category_id": item.category_id,
                "standard_product_id": item.standard_product_id,
                "required_params": item.required_params,
                "unit": item.unit,
                "estimated_quantity": item.estimated_quantity,
                "max_unit_price": item.max_unit_price,
            }
            for item in solicitation.items
        ],
    }


def publish(session: Session, actor: Actor, solicitation_id: int) -> Solicitation:
    """发布征集公告: the draft becomes visible to suppliers, who may respond until the deadline."""
    solicitation = locked(session, actor, solicitation_id)
    require_solicitor(actor, solicitation)
    if solicitation.status != "draft":
        raise Conflict(
            "The solicitation is already published.",
            code="not_draft",
            details={"status": solicitation.status},
        )
    _deadline_ahead(solicitation.response_deadline)
    solicitation.status = "published"
    solicitation.published_at = solicitation.updated_at = clock.now()
    session.flush()
    # The published terms with each item's name: disclosure's tender notice is read from this
    # entry (SUP-5).
    published = terms(solicitation)
    for row, item in zip(published["items"], solicitation.items, strict=True):
        row["name_zh"] = _item_name(session, item)
    record_step(session, actor, "agreement.solicitation_published", solicitation, **published)
    tell_suppliers(session, solicitation)
    return solicitation


def _item_name(session: Session, item: SolicitationItem) -> str | None:
    """The item's standard product's name, else its category's."""
    named = (
        session.get(StandardProduct, item.standard_product_id)
        if item.standard_product_id is not None
        else None
    ) or session.get(Category, item.category_id)
    return named.name_zh if named is not None else None


def tell_suppliers(session: Session, solicitation: Solicitation) -> int:
    """信息订阅 (MALL-12): the suppliers enrolled in any of its categories are told, once each."""
    ids: set[int] = set()
    for item in solicitation.items:
        category = session.get(Category, item.category_id)
        if category is not None:
            ids.update(suppliers_in(session, category))
    title_en, title_zh = en_zh(
        "Framework agreement solicitation: %(title)s (responses until %(deadline)s)",
        title=solicitation.title,
        deadline=f"{clock.local(solicitation.response_deadline):%m-%d %H:%M}",
    )
    notify(
        session,
        sorted(ids),
        Message(
            kind="agreement.solicitation_published",
            title_zh=title_zh,
            title_en=title_en,
            link=f"/agreements/solicitations/{solicitation.id}",
            subject=("agreement_solicitation", solicitation.id),
        ),
    )
    return len(ids)
