"""响应 (MALL-8): a supplier enrolled in every category of a published solicitation responds
before the deadline with a unit price per item — never above its maximum — its capacity and the
regions it serves. One response per supplier: a new one replaces the old before the deadline.

Sealed (密封): the ledger holds only the SHA-256 hash of the response's canonical content, salted
so it cannot be found by trying prices; the content itself goes on the ledger when the solicitor
opens the responses after the deadline (``evaluation.open_responses``), and anyone can then check
it against the hash recorded at submission.
"""

from __future__ import annotations

import hashlib
import secrets
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from catalog.categories.models import Category
from catalog.enrolment.eligibility import ineligible
from core import canonical, clock
from core.accounts.auth import Actor
from core.accounts.models import Region
from core.errors import Conflict, Forbidden, NotFound
from core.money import cny
from mall.agreements.access import is_supplier, locked, record_step
from mall.agreements.models import AgreementResponse, ResponsePrice, Solicitation
from mall.agreements.solicitation import invalid

#: Why a supplier may not respond, as it is told (English, Chinese).
REFUSALS = {
    "not_enrolled": ("Your company is not enrolled in this category.", "贵公司未入驻该品目。"),
    "supplier_suspended": ("Your company is suspended.", "贵公司已被暂停交易资格。"),
    "credit_restricted": (
        "Your company is restricted on its credit record; its credit page says why and until when.",
        "贵公司因信用记录受限（一处失信，处处受约），原因和期限见信用记录页。",
    ),
    "not_designated": (
        "Your company holds no valid designation for this service category.",
        "贵公司未取得该定点服务品目的有效定点资格。",
    ),
}


def content(response: AgreementResponse) -> dict[str, Any]:
    """The canonical content of a response: what its hash covers and what the opening reveals."""
    return {
        "solicitation_id": response.solicitation_id,
        "supplier_id": response.supplier_id,
        "prices": {str(p.item_id): p.unit_price for p in response.prices},
        "capacity": response.capacity,
        "region_ids": sorted(response.region_ids),
        "submitted_at": response.submitted_at,
        "salt": response.salt,
    }


def content_hash(response: AgreementResponse) -> str:
    return hashlib.sha256(canonical.dumps_bytes(content(response))).hexdigest()


def require_open_for_responses(solicitation: Solicitation) -> None:
    if solicitation.status != "published" or clock.now() >= solicitation.response_deadline:
        raise Conflict(
            "The response deadline has passed: responses are no longer accepted.",
            code="deadline_passed",
            details={"status": solicitation.status},
        )


def check_eligible(session: Session, supplier_id: int, solicitation: Solicitation) -> None:
    """The catalog's one rule: enrolled in each item's category (or one above it), not suspended,
    designated where the category requires it."""
    for item in solicitation.items:
        category = session.get(Category, item.category_id)
        assert category is not None
        code = ineligible(session, {supplier_id}, category.path_ids).get(supplier_id)
        if code is not None:
            en, zh = REFUSALS.get(code, REFUSALS["not_enrolled"])
            raise Forbidden(en, zh, code=code, details={"category_id": category.id})


def _prices(solicitation: Solicitation, data: dict[str, Any]) -> dict[int, Any]:
    items = {item.id: item for item in solicitation.items}
    given = {p["item_id"]: cny(p["unit_price"]) for p in data["prices"]}
    if len(given) != len(data["prices"]) or set(given) != set(items):
        raise invalid(
            "prices",
            "one price for each item",
            "Give one unit price for each item of the solicitation.",
            code="prices_incomplete",
        )
    for item_id, price in given.items():
        item = items[item_id]
        if price <= 0:
            raise invalid("prices", "above zero", "A unit price must be above zero.")
        if price > item.max_unit_price:
            raise invalid(
                "prices",
                f"item {item_id}: at most {item.max_unit_price}",
                "The unit price %(price)s is above the maximum unit price %(maximum)s.",
                code="above_max_price",
                params={"price": price, "maximum": item.max_unit_price},
            )
    return given


def respond(
    session: Session, actor: Actor, solicitation_id: int, data: dict[str, Any]
) -> AgreementResponse:
    """提交响应: the supplier's prices, capacity and regions, sealed until the deadline; a new
    response replaces the supplier's earlier one."""
    if not is_supplier(actor):
        raise Forbidden(
            "Only suppliers respond to a solicitation.",
            code="supplier_only",
        )
    solicitation = locked(session, actor, solicitation_id)
    require_open_for_responses(solicitation)
    assert actor.organisation_id is not None and actor.user_id is not None
    check_eligible(session, actor.organisation_id, solicitation)
    prices = _prices(solicitation, data)
    region_ids = sorted(set(data["region_ids"]))
    found = set(session.scalars(select(Region.id).where(Region.id.in_(region_ids))))
    if found != set(region_ids):
        raise invalid("region_ids", "no such region", "No such region.")
    quantities = {item.id: item.estimated_quantity for item in solicitation.items}
    response = session.scalars(
        select(AgreementResponse).where(
            AgreementResponse.solicitation_id == solicitation.id,
            AgreementResponse.supplier_id == actor.organisation_id,
        )
    ).first()
    replaced = response.content_hash if response is not None else None
    now = clock.now()
    if response is None:
        response = AgreementResponse(
            solicitation_id=solicitation.id, supplier_id=actor.organisation_id, created_at=now
        )
        session.add(response)
    response.submitted_by = actor.user_id
    response.status = "submitted"
    response.capacity = data["capacity"].strip()
    response.region_ids = region_ids
    response.total = cny(sum(price * quantities[i] for i, price in prices.items()))
    response.submitted_at = now
    response.salt = secrets.token_hex(16)
    response.content_hash = ""
    # The old prices go first, so the new ones never meet them in the unique constraint.
    response.prices.clear()
    session.flush()
    response.prices.extend(
        ResponsePrice(item_id=item_id, unit_price=price)
        for item_id, price in sorted(prices.items())
    )
    response.content_hash = content_hash(response)
    session.flush()
    record_step(
        session,
        actor,
        "agreement.response_submitted",
        solicitation,
        response_id=response.id,
        supplier_id=response.supplier_id,
        content_hash=response.content_hash,
        replaces=replaced,
    )
    return response


def own_response(session: Session, actor: Actor, solicitation_id: int) -> AgreementResponse:
    """The supplier's own response to the solicitation."""
    response = session.scalars(
        select(AgreementResponse).where(
            AgreementResponse.solicitation_id == solicitation_id,
            AgreementResponse.supplier_id == actor.organisation_id,
        )
    ).first()
    if response is None or not is_supplier(actor):
        raise NotFound("Your company has not responded.")
    return response
