"""价格调整 (MALL-8): the solicitor proposes new agreed unit prices, then activates or cancels
the proposal (``mall.agreements.changes``).

Refusal codes raised here: ``change_already_pending``, ``change_not_pending``,
``entrant_not_active`` (409); ``not_an_entrant``, ``price_or_factor``, ``duplicate_price``,
``above_max_price``, ``outside_price_band`` (422).
"""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

from sqlalchemy.orm import Session

from core import clock
from core.accounts.auth import Actor
from core.errors import Conflict, NotFound, ValidationFailed
from core.messages import N_
from core.money import cny
from mall.agreements.change_common import (
    _apply,
    _current,
    _given_items,
    _items,
    _locked,
    _new_change,
    _rationale,
    _record,
    _require_solicitor,
    _sign,
    _tell,
    _where,
    pending_change,
)
from mall.agreements.change_models import AgreementChange
from mall.agreements.models import Agreement, SolicitationItem

#: A price variation moves a price by at most this share of the price in force.
BAND = Decimal("0.10")

# ---------------------------------------------------------------- price variation


def _variation_rows(
    session: Session, agreement: Agreement, given: list[dict[str, Any]]
) -> list[dict[str, Any]]:
    """The posted rows as one new unit price per entrant and item, each checked."""
    items = _given_items(session, agreement, given)
    entrants = {e.id: e for e in agreement.entrants}
    rows: list[dict[str, Any]] = []
    for r in given:
        if (r.get("unit_price") is None) == (r.get("factor") is None):
            raise ValidationFailed(
                "Give each row either a new unit price or a factor.",
                code="price_or_factor",
                details={"item_id": [r["item_id"]]},
            )
        if r.get("entrant_id") is None:
            named = [e for e in agreement.entrants if e.status != "terminated"]
        else:
            entrant = entrants.get(r["entrant_id"])
            if entrant is None:
                raise ValidationFailed(
                    "Pick an entrant of this framework agreement.",
                    code="not_an_entrant",
                    details={"entrant_id": [r["entrant_id"]]},
                )
            if entrant.status == "terminated":
                raise Conflict(
                    "This entrant's place in the agreement is terminated.",
                    code="entrant_not_active",
                    details={"entrant_id": [entrant.id]},
                )
            named = [entrant]
        for entrant in named:
            current = _current(entrant)[r["item_id"]]
            price = (
                cny(r["unit_price"])
                if r.get("unit_price") is not None
                else cny(current * r["factor"])
            )
            rows.append(
                {
                    "entrant_id": entrant.id,
                    "supplier_id": entrant.supplier_id,
                    "item_id": r["item_id"],
                    "unit_price": price,
                }
            )
    pairs = [(r["entrant_id"], r["item_id"]) for r in rows]
    if len(set(pairs)) != len(pairs):
        raise ValidationFailed(
            "Each entrant's price for an item is given once.", code="duplicate_price"
        )
    _check_band(agreement, items, rows)
    return rows


def _check_band(
    agreement: Agreement, items: dict[int, SolicitationItem], rows: list[dict[str, Any]]
) -> None:
    """Each new price at most the item's maximum and within ``BAND`` of the price in force now."""
    entrants = {e.id: e for e in agreement.entrants}
    above = [r for r in rows if r["unit_price"] > items[r["item_id"]].max_unit_price]
    if above:
        raise ValidationFailed(
            "A new unit price is above the item's maximum unit price.",
            code="above_max_price",
            details=_where(above),
        )
    outside = []
    for r in rows:
        current = _current(entrants[r["entrant_id"]])[r["item_id"]]
        if r["unit_price"] <= 0 or abs(r["unit_price"] - current) > current * BAND:
            outside.append(r)
    if outside:
        raise ValidationFailed(
            "A new unit price differs from the price in force by more than %(band)s%%.",
            code="outside_price_band",
            params={"band": int(BAND * 100)},
            details=_where(outside),
        )


def propose_variation(
    session: Session, actor: Actor, agreement_id: int, data: dict[str, Any]
) -> AgreementChange:
    """价格调整: the solicitor proposes new prices; the agreement waits for them (``change_pending``)."""
    agreement = _locked(session, actor, agreement_id)
    _require_solicitor(actor, agreement)
    if agreement.status == "change_pending" or pending_change(session, agreement) is not None:
        raise Conflict(
            "A change to this framework agreement is already pending.",
            code="change_already_pending",
        )
    rationale = _rationale(data)
    rows = _variation_rows(session, agreement, data.get("prices") or [])
    change = _new_change(
        session,
        actor,
        agreement,
        "price_variation",
        rationale,
        {"prices": [r | {"current": _price_now(agreement, r)} for r in rows]},
    )
    agreement.status = "change_pending"
    session.flush()
    _record(
        session,
        actor,
        "agreement.change_created",
        agreement,
        change,
        rationale=rationale,
        prices=rows,
    )
    _tell(
        session,
        _suppliers(rows),
        agreement,
        N_("A price change to framework agreement %(number)s %(title)s is proposed"),
        "agreement.change_created",
    )
    return change


def _price_now(agreement: Agreement, row: dict[str, Any]) -> Decimal:
    entrant = next(e for e in agreement.entrants if e.id == row["entrant_id"])
    return _current(entrant)[row["item_id"]]


def _suppliers(rows: list[dict[str, Any]]) -> list[int]:
    return list(dict.fromkeys(r["supplier_id"] for r in rows))


def _locked_change(
    session: Session, actor: Actor, change_id: int
) -> tuple[Agreement, AgreementChange]:
    change = session.get(AgreementChange, change_id)
    if change is None:
        raise NotFound("No such change.")
    agreement = _locked(session, actor, change.agreement_id)
    _require_solicitor(actor, agreement)
    session.refresh(change)
    if change.status != "pending":
        raise Conflict("This change is not pending.", code="change_not_pending")
    return agreement, change


def _content_rows(change: AgreementChange) -> list[dict[str, Any]]:
    return [
        {
            "entrant_id": r["entrant_id"],
            "supplier_id": r["supplier_id"],
            "item_id": r["item_id"],
            "unit_price": Decimal(r["unit_price"]),
        }
        for r in json.loads(change.content)["prices"]
    ]


def activate(session: Session, actor: Actor, change_id: int) -> AgreementChange:
    """生效: the solicitor signs the pending variation; the new prices apply to call-offs placed
    from now on. Checked again against the prices in force now (an entrant may have lowered its
    own meanwhile) and against the entrants still in the agreement."""
    agreement, change = _locked_change(session, actor, change_id)
    rows = _content_rows(change)
    gone = {e.id for e in agreement.entrants if e.status == "terminated"}
    rows = [r for r in rows if r["entrant_id"] not in gone]
    _check_band(agreement, _items(session, agreement), rows)
    _sign(session, actor, change)
    agreement.status = "active"
    applied = _apply(session, change, rows)
    _record(
        session,
        actor,
        "agreement.change_activated",
        agreement,
        change,
        activated_at=change.activated_at,
        prices=applied,
    )
    _tell(
        session,
        _suppliers(rows),
        agreement,
        N_("New agreed prices of framework agreement %(number)s %(title)s are in force"),
        "agreement.change_activated",
    )
    return change


def cancel(session: Session, actor: Actor, change_id: int) -> AgreementChange:
    """撤销: the solicitor withdraws the pending variation; the prices stay as they are."""
    agreement, change = _locked_change(session, actor, change_id)
    change.status = "cancelled"
    change.cancelled_at = clock.now()
    agreement.status = "active"
    session.flush()
    _record(session, actor, "agreement.change_cancelled", agreement, change)
    _tell(
        session,
        _suppliers(_content_rows(change)),
        agreement,
        N_("The proposed price change to framework agreement %(number)s %(title)s is withdrawn"),
        "agreement.change_cancelled",
    )
    return change
