"""降价 (MALL-8): an entrant lowers its own agreed prices (``mall.agreements.changes``).

Refusal codes raised here: ``entrant_only`` (403); ``entrant_not_active`` (409);
``duplicate_price``, ``not_a_reduction`` (422).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from core.accounts.auth import Actor
from core.errors import Conflict, Forbidden, ValidationFailed
from core.messages import N_
from core.money import cny
from mall.agreements.access import is_supplier
from mall.agreements.change_common import (
    _apply,
    _current,
    _given_items,
    _locked,
    _new_change,
    _rationale,
    _record,
    _sign,
    _tell,
    _where,
)
from mall.agreements.change_models import AgreementChange

# ---------------------------------------------------------------- an entrant's reduction


def reduce_prices(
    session: Session, actor: Actor, agreement_id: int, data: dict[str, Any]
) -> AgreementChange:
    """降价: an entrant lowers its own agreed prices, at once, signed with its key."""
    agreement = _locked(session, actor, agreement_id)
    entrant = next(
        (
            e
            for e in agreement.entrants
            if is_supplier(actor) and e.supplier_id == actor.organisation_id
        ),
        None,
    )
    if entrant is None:
        raise Forbidden(
            "Only an entrant lowers its own agreed prices.",
            code="entrant_only",
        )
    if entrant.status == "terminated":
        raise Conflict(
            "Your place in this framework agreement is terminated.",
            code="entrant_not_active",
        )
    rationale = _rationale(data)
    given = data.get("prices") or []
    _given_items(session, agreement, given)
    ids = [r["item_id"] for r in given]
    if len(set(ids)) != len(ids):
        raise ValidationFailed(
            "Each entrant's price for an item is given once.", code="duplicate_price"
        )
    current = _current(entrant)
    rows = [
        {
            "entrant_id": entrant.id,
            "supplier_id": entrant.supplier_id,
            "item_id": r["item_id"],
            "unit_price": cny(r["unit_price"]),
        }
        for r in given
    ]
    higher = [r for r in rows if r["unit_price"] >= current[r["item_id"]] or r["unit_price"] <= 0]
    if higher:
        raise ValidationFailed(
            "A new unit price must be below your agreed one.",
            code="not_a_reduction",
            details=_where(higher),
        )
    change = _new_change(
        session,
        actor,
        agreement,
        "price_reduction",
        rationale,
        {"prices": [r | {"current": current[r["item_id"]]} for r in rows]},
        entrant,
    )
    session.flush()
    _sign(session, actor, change)
    applied = _apply(session, change, rows)
    _record(
        session,
        actor,
        "agreement.prices_reduced",
        agreement,
        change,
        entrant_id=entrant.id,
        supplier_id=entrant.supplier_id,
        rationale=rationale,
        prices=applied,
    )
    _tell(
        session,
        [agreement.solicitor_id],
        agreement,
        N_("An entrant lowered its agreed prices in framework agreement %(number)s %(title)s"),
        "agreement.prices_reduced",
    )
    return change
