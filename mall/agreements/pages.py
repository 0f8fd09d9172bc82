"""Reads the framework agreement pages need beyond the API's (MALL-8): the solicitations a supplier
may respond to now, the parties' names, and the table comparing entrants' agreed unit prices per
item; and for call-offs (第二阶段) the purchaser's call-offs and a supplier's rotation offers. Each goes
through the same access rules as the API (``access``, ``queries``, ``calloff_access``)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from core import clock
from core.accounts.auth import Actor
from core.accounts.models import Organisation
from core.errors import DomainError
from core.money import cny
from mall.agreements import queries
from mall.agreements.access import is_supplier, may_solicit
from mall.agreements.calloff_access import calloffs_query, offers_query
from mall.agreements.calloff_models import CallOff, CallOffOffer
from mall.agreements.models import Agreement, AgreementEntrant, Solicitation, SolicitationItem
from mall.agreements.prices import prices_at
from mall.agreements.responses import check_eligible


def why_not_respond(session: Session, actor: Actor, solicitation: Solicitation) -> str | None:
    """Why the supplier may not respond to a published solicitation before its deadline: the code
    ``responses.respond`` would refuse it with (``not_enrolled``, ``supplier_suspended``,
    ``not_designated``), or None when it may."""
    assert actor.organisation_id is not None
    try:
        check_eligible(session, actor.organisation_id, solicitation)
    except DomainError as refused:
        return refused.code
    return None


def may_respond_now(session: Session, actor: Actor, solicitation: Solicitation) -> bool:
    """Whether the supplier may respond now: published, before the deadline, and enrolled in
    every item's category (the rule ``responses.respond`` applies)."""
    if not is_supplier(actor) or actor.organisation_id is None:
        return False
    if solicitation.status != "published" or clock.now() >= solicitation.response_deadline:
        return False
    return why_not_respond(session, actor, solicitation) is None


def open_to_supplier(session: Session, actor: Actor) -> list[Solicitation]:
    """The published solicitations whose deadline is ahead and that the supplier may respond to
    (enrolled in their categories), soonest deadline first."""
    found = session.scalars(
        queries.solicitations_query(actor, {"status": "published"})
        .where(Solicitation.response_deadline > clock.now())
        .order_by(None)
        .order_by(Solicitation.response_deadline, Solicitation.id)
    ).all()
    return [s for s in found if may_respond_now(session, actor, s)]


def solicitations(session: Session, actor: Actor, status: str | None) -> list[Solicitation]:
    """The solicitor's own solicitations (drafts too); to anyone else the published ones it may
    see. ``status`` narrows them; at most 200, newest first."""
    filters: dict[str, Any] = {"status": status, "mine": may_solicit(actor)}
    return list(session.scalars(queries.solicitations_query(actor, filters).limit(200)))


def agreements(session: Session, actor: Actor) -> list[Agreement]:
    """The agreements the actor sees: a supplier those it entered; a purchaser those serving its
    region (and its own); operators all; supervisors those of their region. At most 200."""
    filters: dict[str, Any] = {}
    if is_supplier(actor):
        filters["supplier_id"] = actor.organisation_id
    return list(session.scalars(queries.agreements_query(actor, filters).limit(200)))


def org_names(session: Session, ids: set[int]) -> dict[int, Organisation]:
    if not ids:
        return {}
    return {o.id: o for o in session.scalars(select(Organisation).where(Organisation.id.in_(ids)))}


@dataclass
class PriceRow:
    """One item of an agreement and each entrant's agreed unit price (None where hidden)."""

    item: SolicitationItem
    prices: list[Decimal | None]
    lowest: Decimal | None


def price_table(
    session: Session, actor: Actor, agreement: Agreement
) -> tuple[list[AgreementEntrant], list[PriceRow]]:
    """The entrants (in rank order) whose prices the actor may see, and per item each one's agreed
    unit price with the lowest of them: the comparison a purchaser calls off from."""
    shown = [e for e in agreement.entrants if queries.sees_prices(session, actor, agreement, e)]
    rows = []
    for item in agreement.solicitation.items:
        prices = [
            next((p.unit_price for p in e.prices if p.item_id == item.id), None) for e in shown
        ]
        given = [p for p in prices if p is not None]
        rows.append(PriceRow(item=item, prices=prices, lowest=min(given) if given else None))
    return shown, rows


def agreement_of(session: Session, solicitation: Solicitation) -> Agreement | None:
    """The agreement a concluded solicitation formed."""
    return session.scalars(
        select(Agreement).where(Agreement.solicitation_id == solicitation.id)
    ).first()


# ---------------------------------------------------------------- call-offs (第二阶段)


def calloffs(session: Session, actor: Actor) -> list[CallOff]:
    """The call-offs the actor reads (``calloff_access.calloffs_query``), newest first; at most 200."""
    return list(session.scalars(calloffs_query(actor, {}).limit(200)))


def offers(session: Session, actor: Actor) -> list[CallOffOffer]:
    """The supplier's rotation offers: those awaiting its answer first (soonest deadline first),
    then the answered or passed ones, newest first. At most 200."""
    found = list(session.scalars(offers_query(actor, {}).limit(200)))
    pending = sorted((o for o in found if o.status == "offered"), key=lambda o: o.expires_at)
    return pending + [o for o in found if o.status != "offered"]


def pending_offers(session: Session, actor: Actor, agreement_id: int) -> int:
    """How many offers of this agreement's call-offs await the supplier's answer."""
    query = offers_query(actor, {"status": "offered"}).where(
        CallOffOffer.calloff_id.in_(select(CallOff.id).where(CallOff.agreement_id == agreement_id))
    )
    return len(session.scalars(query).all())


def offer_total(session: Session, offer: CallOffOffer) -> Decimal:
    """Σ the offer's entrant's agreed unit price × quantity: what accepting it orders (at the
    prices in force when the call-off was placed)."""
    calloff = session.get(CallOff, offer.calloff_id)
    entrant = session.get(AgreementEntrant, offer.entrant_id)
    assert calloff is not None and entrant is not None
    prices = prices_at(session, entrant, calloff.placed_at)
    return cny(sum((prices[i.item_id] * i.quantity for i in calloff.items), Decimal(0)))


def entrant_prices(
    session: Session, entrant_id: int, at: datetime | None = None
) -> dict[int, Decimal]:
    """The entrant's agreed unit prices: in force at ``at`` (a call-off's placing), or now."""
    entrant = session.get(AgreementEntrant, entrant_id)
    if entrant is None:
        return {}
    return (
        prices_at(session, entrant, at) if at else {p.item_id: p.unit_price for p in entrant.prices}
    )
