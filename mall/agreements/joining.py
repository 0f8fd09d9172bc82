"""加入开放式框架协议 (MALL-8): an open agreement (开放式) takes new entrants during its term — any
supplier enrolled in its categories may join at the published price.

The published price, the **joining price** (加入价格) of each item, is the highest agreed unit price
among the entrants selected at the result — the price that won entry — and never above the item's
maximum unit price (最高限制单价). A joiner takes each item at the joining price or lower.

A joiner becomes the last entrant (its rank after every other, so rotation reaches it at the end of
the order). It signs an accession document (加入书): canonical JSON naming the agreement's content
hash, its unit prices, the regions it serves and its capacity, with its Ed25519 organisation key.
That signature stands for its signature of the agreement (``signing.entrant_bound``): once it
verifies and the solicitor signed, the joiner takes call-offs like any entrant. The accession goes
on the ledger (``agreement.joined``, with the document's hash and the signature) in the same
transaction, with the solicitor's notification.

Refusals, each with its code, before anything is written: ``supplier_only``, ``not_open``,
``change_pending``, ``agreement_not_active``, ``agreement_ending``, ``already_entrant`` (a
terminated entrant does not join again), the catalog's ``not_enrolled`` / ``supplier_suspended`` /
``not_designated`` (the rule a response meets, ``responses.check_eligible``), ``no_such_region``,
``region_not_served``, ``capacity_required``, ``prices_incomplete``, ``price_invalid`` and
``above_joining_price``.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping
from datetime import timedelta
from decimal import Decimal, InvalidOperation
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from core import canonical, clock, signatures
from core.accounts.auth import Actor
from core.accounts.models import Organisation, Region
from core.errors import Conflict, DomainError, Forbidden, ValidationFailed
from core.messages import en_zh
from core.money import cny
from core.notifications.service import Message, notify
from mall.agreements.access import is_supplier
from mall.agreements.calloff_checks import ENDING_DAYS
from mall.agreements.models import (
    Agreement,
    AgreementAccession,
    AgreementEntrant,
    EntrantPrice,
)
from mall.agreements.responses import check_eligible
from mall.agreements.signing import LAW_ZH
from mall.locks import lock
from supervision.ledger import record

#: What the joiner declares in its accession document (加入声明).
DECLARATION_ZH = "本供应商接受本框架协议全部条款，按不高于加入价格的单价在协议期内履约。"


def joining_prices(agreement: Agreement) -> dict[int, Decimal]:
    """加入价格 per item id: the highest agreed unit price among the entrants selected at the
    result (those with a response), never above the item's maximum unit price."""
    selected = [e for e in agreement.entrants if e.response_id is not None]
    prices = {}
    for item in agreement.solicitation.items:
        agreed = [p.unit_price for e in selected for p in e.prices if p.item_id == item.id]
        prices[item.id] = min(max(agreed, default=item.max_unit_price), item.max_unit_price)
    return prices


def _today() -> Any:
    return clock.local(clock.now()).date()


def check_open(agreement: Agreement) -> None:
    """The agreement takes joiners now: open, active, in its term, not ending within
    ``ENDING_DAYS`` days (as for call-offs)."""
    if agreement.kind != "open":
        raise Conflict(
            "Only an open framework agreement takes new entrants during its term.",
            code="not_open",
        )
    today = _today()
    if agreement.status == "change_pending":
        raise Conflict(
            "A change to this framework agreement is pending; join once it is published.",
            code="change_pending",
        )
    if agreement.status != "active" or not agreement.term_starts <= today <= agreement.term_ends:
        raise Conflict(
            "This framework agreement is not in force; it takes no new entrants.",
            code="agreement_not_active",
        )
    if agreement.term_ends <= today + timedelta(days=ENDING_DAYS):
        raise Conflict(
            "This framework agreement ends on %(ends)s, within %(days)s days; it takes no new "
            "entrants.",
            code="agreement_ending",
            params={"ends": agreement.term_ends, "days": ENDING_DAYS},
        )


def require_supplier(actor: Actor) -> None:
    if not is_supplier(actor):
        raise Forbidden(
            "Only suppliers join a framework agreement.",
            code="supplier_only",
        )


def check_newcomer(session: Session, actor: Actor, agreement: Agreement) -> None:
    """The supplier is not in the agreement yet (a terminated entrant does not join again), and is
    enrolled in each item's category and not suspended (the catalog's rule a response meets)."""
    assert actor.organisation_id is not None
    mine = next((e for e in agreement.entrants if e.supplier_id == actor.organisation_id), None)
    if mine is not None and mine.status == "terminated":
        raise Conflict(
            "Your company's place in this framework agreement was terminated; it cannot join "
            "again.",
            code="already_entrant",
        )
    if mine is not None:
        raise Conflict(
            "Your company is already an entrant of this framework agreement.",
            code="already_entrant",
        )
    check_eligible(session, actor.organisation_id, agreement.solicitation)


def why_not(session: Session, actor: Actor, agreement: Agreement) -> DomainError | None:
    """The refusal ``join`` would answer the actor with before reading its form (its ``code``
    and message), or None when it may join."""
    try:
        require_supplier(actor)
        check_open(agreement)
        check_newcomer(session, actor, agreement)
    except DomainError as refused:
        return refused
    return None


def _regions(session: Session, agreement: Agreement, region_ids: Iterable[int]) -> list[int]:
    """The regions served: each exists, and one is the agreement's region or contains it."""
    ids = sorted(set(region_ids))
    found = {r.id: r for r in session.scalars(select(Region).where(Region.id.in_(ids)))}
    if not ids or set(found) != set(ids):
        raise ValidationFailed(
            "No such region.", code="no_such_region", details={"region_ids": ids}
        )
    served = session.get(Region, agreement.region_id)
    assert served is not None
    if not any(served.path.startswith(r.path) for r in found.values()):
        raise ValidationFailed(
            "The regions you serve must include the region this framework agreement serves.",
            code="region_not_served",
            details={"region_ids": ids, "agreement_region_id": agreement.region_id},
        )
    return ids


def _price(value: Any) -> Decimal | None:
    try:
        price = cny(value)
    except (InvalidOperation, TypeError, ValueError, ArithmeticError):
        return None
    return price if price > 0 else None


def _prices(agreement: Agreement, rows: list[Mapping[str, Any]]) -> dict[int, Decimal]:
    """One unit price per item, each above zero and at most the joining price."""
    ceiling = joining_prices(agreement)
    prices = {row.get("item_id"): row.get("unit_price") for row in rows}
    if len(prices) != len(rows) or set(prices) != set(ceiling):
        missing = sorted(set(ceiling) - set(prices))
        raise ValidationFailed(
            "Give one unit price for each item of the framework agreement.",
            code="prices_incomplete",
            details={"prices": missing, "item_ids": sorted(ceiling)},
        )
    given = {item_id: _price(value) for item_id, value in prices.items()}
    bad = sorted(i for i, p in given.items() if p is None)
    if bad:
        raise ValidationFailed(
            "A unit price must be above zero.", code="price_invalid", details={"prices": bad}
        )
    above = sorted(i for i, p in given.items() if p is not None and p > ceiling[i])
    if above:
        raise ValidationFailed(
            "A unit price is above the joining price.",
            code="above_joining_price",
            details={
                "prices": above,
                "joining_prices": {str(i): str(ceiling[i]) for i in above},
            },
        )
    return {i: p for i, p in given.items() if p is not None}


def _party(org: Organisation) -> dict[str, Any]:
    return {
        "organisation_id": org.id,
        "name_zh": org.name_zh,
        "name_en": org.name_en,
        "credit_code": org.credit_code,
    }


def document(
    session: Session, agreement: Agreement, entrant: AgreementEntrant, capacity: str, at: Any
) -> dict[str, Any]:
    """The accession document (加入书) the joiner signs."""
    ceiling = joining_prices(agreement)
    supplier = session.get(Organisation, entrant.supplier_id)
    assert supplier is not None
    return {
        "accession_to": "framework_agreement",
        "agreement": {
            "id": agreement.id,
            "agreement_no": agreement.number,
            "title": agreement.title,
            "sha256": agreement.sha256,
        },
        "supplier": _party(supplier),
        "entrant_id": entrant.id,
        "rank": entrant.rank,
        "prices": [
            {
                "item_id": p.item_id,
                "unit_price": p.unit_price,
                "joining_price": ceiling[p.item_id],
            }
            for p in entrant.prices
        ],
        "region_ids": sorted(entrant.region_ids),
        "capacity": capacity,
        "joined_at": at,
        "currency": "CNY",
        "declaration_zh": DECLARATION_ZH,
        "law_zh": LAW_ZH,
    }


def join(
    session: Session,
    actor: Actor,
    agreement: Agreement,
    prices: list[Mapping[str, Any]],
    region_ids: Iterable[int],
    capacity: str,
) -> AgreementAccession:
    """加入: the supplier becomes the last entrant of the open agreement at its ``prices``
    (``[{"item_id", "unit_price"}]``, one per item, each at most the joining price) and signs its
    accession; the caller has checked it may see the agreement. Locks the agreement, so two
    joiners never take the same rank."""
    require_supplier(actor)
    assert actor.organisation_id is not None and actor.user_id is not None
    locked = lock(session, Agreement, agreement.id)
    assert locked is not None
    session.refresh(locked, ["entrants"])
    check_open(locked)
    check_newcomer(session, actor, locked)
    regions = _regions(session, locked, region_ids)
    capacity = (capacity or "").strip()
    if not capacity:
        raise ValidationFailed(
            "Describe what your company can supply over the term.",
            code="capacity_required",
            details={"capacity": ["required"]},
        )
    agreed = _prices(locked, prices)
    now = clock.now()
    entrant = AgreementEntrant(
        agreement_id=locked.id,
        supplier_id=actor.organisation_id,
        response_id=None,
        rank=max((e.rank for e in locked.entrants), default=0) + 1,
        status="active",
        region_ids=regions,
        prices=[EntrantPrice(item_id=i, unit_price=p) for i, p in sorted(agreed.items())],
    )
    session.add(entrant)
    session.flush()
    content = canonical.dumps(document(session, locked, entrant, capacity, now))
    signature = signatures.sign(session, actor.organisation_id, content.encode("utf-8"))
    accession = AgreementAccession(
        agreement_id=locked.id,
        entrant_id=entrant.id,
        supplier_id=actor.organisation_id,
        capacity=capacity,
        content=content,
        sha256=hashlib.sha256(content.encode("utf-8")).hexdigest(),
        agreement_sha256=locked.sha256,
        key_id=signature.key_id,
        signature=signature.value,
        created_by=actor.user_id,
        created_at=now,
    )
    session.add(accession)
    session.flush()
    session.refresh(locked, ["entrants"])
    record(
        session,
        actor,
        "agreement.joined",
        ("agreement", locked.id),
        {
            "solicitation_id": locked.solicitation_id,
            "number": locked.number,
            "supplier_id": actor.organisation_id,
            "entrant_id": entrant.id,
            "accession_id": accession.id,
            "rank": entrant.rank,
            "region_ids": regions,
            "prices": {str(i): p for i, p in sorted(agreed.items())},
            "sha256": accession.sha256,
            "agreement_sha256": locked.sha256,
            "key_id": signature.key_id,
            "signature": signature.value,
        },
        region_id=locked.region_id,
    )
    _tell_solicitor(session, locked, actor.organisation_id)
    return accession


def _tell_solicitor(session: Session, agreement: Agreement, supplier_id: int) -> None:
    """站内通知 to the solicitor; a notification row, so it exists only once the join commits."""
    supplier = session.get(Organisation, supplier_id)
    title_en, title_zh = en_zh(
        "A supplier joined the framework agreement %(number)s: %(supplier)s",
        number=agreement.number,
        supplier=supplier.name_zh if supplier else supplier_id,
    )
    notify(
        session,
        [agreement.solicitor_id],
        Message(
            kind="agreement.joined",
            title_zh=title_zh,
            title_en=title_en,
            link=f"/agreements/{agreement.id}",
            subject=("agreement", agreement.id),
        ),
    )
