"""协议变更: changes to a framework agreement in force (MALL-8), after Prozorro's agreement changes.

Three kinds, each a document of its own (``AgreementChange``: canonical JSON, its SHA-256 and the
Ed25519 signature of the organisation that makes it); the agreement's original signed content is
never touched, and its current terms are the original plus its active changes in order.

- ``price_variation`` (价格调整): the solicitor (征集人) proposes new agreed unit prices for some
  items, for every entrant or named ones — a market fall, a tax-rate change. Each new price is at
  most the item's maximum unit price (最高限制单价) and within ``BAND`` (±10 %) of the price in force
  (Prozorro's ``itemPriceVariation`` factor 0.9–1.1). The proposal leaves the agreement
  ``change_pending``, and call-offs wait (``calloff_checks``: ``change_pending``); the solicitor
  activates it — signs it, the prices change from that moment — or cancels it; either way the
  agreement is ``active`` again. One change is pending at a time.
- ``price_reduction`` (降价): an entrant lowers its own agreed prices; always allowed, at once,
  signed by the entrant; never a rise.
- ``party_withdrawal`` (终止入围供应商): the solicitor terminates an entrant, for a reason, at once:
  rotation passes it by and it cannot be chosen or invited.

A price change applies only to call-offs placed after it: each replaced price is kept with the
moment it was replaced (``AgreementPriceChange``) and call-offs are priced as at their placing
(``mall.agreements.prices``).

Refusal codes: ``solicitor_only``, ``entrant_only`` (403); ``agreement_not_active``,
``change_already_pending``, ``change_not_pending``, ``entrant_not_active``, ``already_terminated``
(409); ``rationale_required``, ``prices_required``, ``items_not_in_agreement``, ``not_an_entrant``,
``price_or_factor`` (a row gives a new unit price or a factor, not both, not neither),
``duplicate_price``, ``above_max_price``, ``outside_price_band``, ``not_a_reduction`` (422).

Every step is one transaction with its ledger entry on the agreement (``agreement.change_created``,
``agreement.change_activated``, ``agreement.change_cancelled``, ``agreement.prices_reduced``,
``agreement.entrant_terminated``); the entrants concerned (or, for a reduction, the solicitor) are
notified in the same transaction, so the message exists exactly when the change does.
"""

from __future__ import annotations

import hashlib
import json
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from core import canonical, clock, signatures
from core.accounts.auth import Actor
from core.errors import Conflict, Forbidden, NotFound, ValidationFailed
from core.messages import N_, en_zh
from core.money import cny
from core.notifications.service import Message, notify
from mall.agreements.access import is_solicitor, is_supplier
from mall.agreements.change_models import AgreementChange, AgreementPriceChange
from mall.agreements.models import Agreement, AgreementEntrant, EntrantPrice, SolicitationItem
from mall.agreements.queries import get_agreement
from mall.locks import lock
from supervision.ledger import record

#: A price variation moves a price by at most this share of the price in force.
BAND = Decimal("0.10")


# ---------------------------------------------------------------- reading


def changes_of(session: Session, agreement: Agreement) -> list[AgreementChange]:
    """The agreement's changes, oldest first."""
    return list(
        session.scalars(
            select(AgreementChange)
            .where(AgreementChange.agreement_id == agreement.id)
            .order_by(AgreementChange.id)
        )
    )


def pending_change(session: Session, agreement: Agreement) -> AgreementChange | None:
    return session.scalars(
        select(AgreementChange).where(
            AgreementChange.agreement_id == agreement.id, AgreementChange.status == "pending"
        )
    ).first()


def content_intact(change: AgreementChange) -> bool:
    return hashlib.sha256(change.content.encode("utf-8")).hexdigest() == change.sha256


def verified(session: Session, change: AgreementChange) -> bool:
    """The change's signature verifies over its content with a key of the organisation making it."""
    if change.signature is None or change.key_id is None or not content_intact(change):
        return False
    return signatures.verify(
        session,
        signatures.Signature(change.key_id, change.signature),
        change.content.encode("utf-8"),
        change.organisation_id,
    )


# ---------------------------------------------------------------- shared steps


def _locked(session: Session, actor: Actor, agreement_id: int) -> Agreement:
    """The agreement as the actor may see it, under its row lock, taking changes."""
    get_agreement(session, actor, agreement_id)
    agreement = lock(session, Agreement, agreement_id)
    if agreement is None:
        raise NotFound("No such framework agreement.")
    session.refresh(agreement, ["entrants"])
    today = clock.local(clock.now()).date()
    if agreement.status == "ended" or today > agreement.term_ends:
        raise Conflict("This framework agreement is not in force.", code="agreement_not_active")
    return agreement


def _require_solicitor(actor: Actor, agreement: Agreement) -> None:
    if not is_solicitor(actor, agreement):
        raise Forbidden("Only the solicitor may do this.", code="solicitor_only")


def _rationale(data: dict[str, Any], key: str = "rationale") -> str:
    text = (data.get(key) or "").strip()
    if not text:
        raise ValidationFailed(
            "Say why the agreement changes.",
            code="rationale_required",
            details={key: ["required"]},
        )
    return text


def _sign(session: Session, actor: Actor, change: AgreementChange) -> None:
    assert actor.organisation_id == change.organisation_id
    made = signatures.sign(session, change.organisation_id, change.content.encode("utf-8"))
    change.key_id = made.key_id
    change.signature = made.value
    change.signed_by = actor.user_id
    change.activated_at = clock.now()
    change.status = "active"


def _new_change(
    session: Session,
    actor: Actor,
    agreement: Agreement,
    kind: str,
    rationale: str,
    body: dict[str, Any],
    entrant: AgreementEntrant | None = None,
) -> AgreementChange:
    now = clock.now()
    content = canonical.dumps(
        {
            "agreement_no": agreement.number,
            "agreement_sha256": agreement.sha256,
            "kind": kind,
            "rationale": rationale,
            "made_by": actor.organisation_id,
            "created_at": now,
            "currency": "CNY",
            **body,
        }
    )
    assert actor.organisation_id is not None and actor.user_id is not None
    change = AgreementChange(
        agreement_id=agreement.id,
        kind=kind,
        status="pending",
        rationale=rationale,
        organisation_id=actor.organisation_id,
        entrant_id=entrant.id if entrant else None,
        created_by=actor.user_id,
        created_at=now,
        content=content,
        sha256=hashlib.sha256(content.encode("utf-8")).hexdigest(),
    )
    session.add(change)
    return change


def _record(
    session: Session,
    actor: Actor,
    action: str,
    agreement: Agreement,
    change: AgreementChange,
    **payload: Any,
) -> None:
    record(
        session,
        actor,
        action,
        ("agreement", agreement.id),
        {
            "number": agreement.number,
            "status": agreement.status,
            "change_id": change.id,
            "kind": change.kind,
            "change_status": change.status,
            "sha256": change.sha256,
            **(
                {"key_id": change.key_id, "signature": change.signature} if change.signature else {}
            ),
            **payload,
        },
        region_id=agreement.region_id,
    )


def _tell(
    session: Session, organisation_ids: list[int], agreement: Agreement, msgid: str, kind: str
) -> None:
    title_en, title_zh = en_zh(msgid, number=agreement.number, title=agreement.title)
    notify(
        session,
        organisation_ids,
        Message(
            kind=kind,
            title_zh=title_zh[:200],
            title_en=title_en[:200],
            link=f"/agreements/{agreement.id}",
            subject=("agreement", agreement.id),
        ),
    )


def _apply(
    session: Session, change: AgreementChange, rows: list[dict[str, Any]]
) -> list[dict[str, Any]]:
    """Set each entrant's agreed price, keeping the one it replaces; the rows as applied."""
    assert change.activated_at is not None
    applied = []
    for row in rows:
        price = session.scalars(
            select(EntrantPrice).where(
                EntrantPrice.entrant_id == row["entrant_id"],
                EntrantPrice.item_id == row["item_id"],
            )
        ).one()
        previous = price.unit_price
        price.unit_price = row["unit_price"]
        session.add(
            AgreementPriceChange(
                change_id=change.id,
                entrant_id=row["entrant_id"],
                item_id=row["item_id"],
                previous=previous,
                unit_price=row["unit_price"],
                effective_at=change.activated_at,
            )
        )
        applied.append(row | {"previous": previous})
    session.flush()
    return applied


def _items(session: Session, agreement: Agreement) -> dict[int, SolicitationItem]:
    return {
        i.id: i
        for i in session.scalars(
            select(SolicitationItem).where(
                SolicitationItem.solicitation_id == agreement.solicitation_id
            )
        )
    }


def _current(entrant: AgreementEntrant) -> dict[int, Decimal]:
    return {p.item_id: p.unit_price for p in entrant.prices}


def _given_items(session: Session, agreement: Agreement, given: list[dict[str, Any]]) -> Any:
    """The agreement's items, once the posted rows are checked to be some and all of them."""
    if not given:
        raise ValidationFailed("Give at least one new price.", code="prices_required")
    items = _items(session, agreement)
    strangers = [r.get("item_id") for r in given if r.get("item_id") not in items]
    if strangers:
        raise ValidationFailed(
            "These items are not in the framework agreement.",
            code="items_not_in_agreement",
            details={"item_id": strangers},
        )
    return items


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


def _where(rows: list[dict[str, Any]]) -> dict[str, Any]:
    return {"prices": [{"entrant_id": r["entrant_id"], "item_id": r["item_id"]} for r in rows]}


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


# ---------------------------------------------------------------- termination


def terminate(
    session: Session, actor: Actor, agreement_id: int, entrant_id: int, data: dict[str, Any]
) -> AgreementChange:
    """终止: the solicitor ends an entrant's place, for a reason, at once."""
    agreement = _locked(session, actor, agreement_id)
    _require_solicitor(actor, agreement)
    entrant = next((e for e in agreement.entrants if e.id == entrant_id), None)
    if entrant is None:
        raise ValidationFailed(
            "Pick an entrant of this framework agreement.",
            code="not_an_entrant",
            details={"entrant_id": [entrant_id]},
        )
    if entrant.status == "terminated":
        raise Conflict("This entrant is already terminated.", code="already_terminated")
    rationale = _rationale(data)
    reason = data["reason"]
    change = _new_change(
        session,
        actor,
        agreement,
        "party_withdrawal",
        rationale,
        {
            "entrant_id": entrant.id,
            "supplier_id": entrant.supplier_id,
            "rank": entrant.rank,
            "reason": reason,
        },
        entrant,
    )
    previous = entrant.status
    entrant.status = "terminated"
    session.flush()
    _sign(session, actor, change)
    session.flush()
    _record(
        session,
        actor,
        "agreement.entrant_terminated",
        agreement,
        change,
        entrant_id=entrant.id,
        supplier_id=entrant.supplier_id,
        rank=entrant.rank,
        previous_status=previous,
        reason=reason,
        rationale=rationale,
    )
    _tell(
        session,
        [entrant.supplier_id],
        agreement,
        N_("Your place in framework agreement %(number)s %(title)s is terminated"),
        "agreement.entrant_terminated",
    )
    return change
