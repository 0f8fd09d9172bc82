"""What every change to a framework agreement shares (``mall.agreements.changes``): reading an
agreement's changes and checking their signatures; the agreement under its lock, the new change
document, its signature, its ledger entry and its notices; the new prices applied.

Refusal codes raised here: ``solicitor_only`` (403); ``agreement_not_active`` (409);
``rationale_required``, ``prices_required``, ``items_not_in_agreement`` (422).
"""

from __future__ import annotations

import hashlib
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from core import canonical, clock, signatures
from core.accounts.auth import Actor
from core.errors import Conflict, Forbidden, NotFound, ValidationFailed
from core.messages import en_zh
from core.notifications.service import Message, notify
from mall.agreements.access import is_solicitor
from mall.agreements.change_models import AgreementChange, AgreementPriceChange
from mall.agreements.models import Agreement, AgreementEntrant, EntrantPrice, SolicitationItem
from mall.agreements.queries import get_agreement
from mall.locks import lock
from supervision.ledger import record

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


def _where(rows: list[dict[str, Any]]) -> dict[str, Any]:
    return {"prices": [{"entrant_id": r["entrant_id"], "item_id": r["item_id"]} for r in rows]}
