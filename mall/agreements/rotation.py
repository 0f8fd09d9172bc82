"""顺序轮候 rotation (MALL-8, 第二阶段): entrants take call-offs in their ranked order.

The agreement keeps a turn pointer, ``rotation_rank``: the rank of the entrant the last offer went
to. A call-off is offered to the next active entrant after it (wrapping round to rank 1), and the
pointer moves there under the agreement's row lock, so two call-offs placed at the same moment never
take the same turn. Suspended and terminated entrants are skipped (named on the ledger entry of the
offer).

The entrant whose turn it is accepts — the order and contract follow at its agreed unit prices —
or declines; or it lets ``OFFER_WORKING_DAYS`` working days pass (to the end of the second working
day after the offer's local day, by ``core.workdays``), when the periodic job (``mall.jobs``)
times the offer out. A decline or a timeout passes the call-off to the next entrant in turn, never
back to one that already had it; when every active entrant has had it, the call-off is unfilled and
its funds go back to the line.

The call-off reserves the most the order can cost: Σ the highest agreed unit price among the active
entrants × quantity, so whoever's turn it becomes can be ordered from; the order takes over what it
costs and the rest goes back. Locks: the call-off, then the agreement, then the budget line.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from core import clock, workdays
from core.accounts.auth import Actor
from core.accounts.roles import OrgKind, Role
from core.errors import Conflict, Forbidden, NotFound, ValidationFailed
from core.messages import en_zh
from core.notifications.service import Message, notify
from mall.agreements.calloff_checks import Wanted, agreed_total, check_funds, standing
from mall.agreements.calloff_models import CallOff, CallOffOffer
from mall.agreements.calloffs import (
    lock_agreement,
    make_order,
    new_calloff,
    record_calloff,
    wanted_of,
)
from mall.agreements.models import Agreement, AgreementEntrant
from mall.agreements.prices import prices_at
from mall.budgets import service as budgets
from mall.locks import lock

#: An entrant answers an offer within this many working days.
OFFER_WORKING_DAYS = 2


def entrants_of(session: Session, agreement: Agreement) -> list[AgreementEntrant]:
    """The agreement's entrants in rank order, as the database has them now."""
    return list(
        session.scalars(
            select(AgreementEntrant)
            .where(AgreementEntrant.agreement_id == agreement.id)
            .order_by(AgreementEntrant.rank)
            .execution_options(populate_existing=True)
        )
    )


def _no_entrant() -> Conflict:
    return Conflict(
        "No entrant of this framework agreement is active.",
        code="no_active_entrant",
    )


def place(
    session: Session, actor: Actor, agreement: Agreement, data: dict[str, Any], wanted: list[Wanted]
) -> CallOff:
    """A rotation call-off, offered at once to the entrant whose turn it is. The caller holds the
    agreement's lock and has run the checks."""
    active = [e for e in entrants_of(session, agreement) if e.status == "active"]
    if not active:
        raise _no_entrant()
    held = max(agreed_total(e, wanted) for e in active)
    check_funds(session, actor, data["budget_line_id"], held)
    calloff = new_calloff(session, actor, agreement, data, wanted, held)
    _offer_next(session, actor, agreement, calloff)
    return calloff


def _expiry(now: datetime) -> datetime:
    return workdays.calendar().add_working_days(now, OFFER_WORKING_DAYS)


def _tell_entrant(
    session: Session, agreement: Agreement, calloff: CallOff, offer: CallOffOffer
) -> None:
    """The entrant whose turn it is learns of the offer and its deadline (站内通知)."""
    title_en, title_zh = en_zh(
        "Your turn in a framework agreement: %(number)s %(title)s (answer by %(until)s)",
        number=calloff.number,
        title=agreement.title,
        until=f"{clock.local(offer.expires_at):%m-%d %H:%M}",
    )
    notify(
        session,
        [offer.supplier_id],
        Message(
            kind="agreement.calloff_offered",
            title_zh=title_zh,
            title_en=title_en,
            link=f"/agreements/{agreement.id}",
            subject=("agreement_calloff", calloff.id),
        ),
    )


def _offer_next(session: Session, actor: Actor, agreement: Agreement, calloff: CallOff) -> None:
    """Offer the call-off to the next active entrant in turn that has not had it; or, when none is
    left, leave it unfilled and give its funds back."""
    had = {
        o.entrant_id
        for o in session.scalars(select(CallOffOffer).where(CallOffOffer.calloff_id == calloff.id))
    }
    ordered = entrants_of(session, agreement)
    pointer = agreement.rotation_rank
    turn = [e for e in ordered if e.rank > pointer] + [e for e in ordered if e.rank <= pointer]
    skipped = []
    for entrant in turn:
        if entrant.id in had:
            continue
        now_standing = standing(session, entrant)
        if now_standing != "active":
            skipped.append({"entrant_id": entrant.id, "rank": entrant.rank, "status": now_standing})
            continue
        now = clock.now()
        offer = CallOffOffer(
            calloff_id=calloff.id,
            entrant_id=entrant.id,
            supplier_id=entrant.supplier_id,
            status="offered",
            offered_at=now,
            expires_at=_expiry(now),
        )
        session.add(offer)
        agreement.rotation_rank = entrant.rank
        calloff.status = "offered"
        calloff.entrant_id = entrant.id
        calloff.updated_at = now
        session.flush()
        record_calloff(
            session,
            actor,
            "agreement.calloff_offered",
            calloff,
            offer_id=offer.id,
            entrant_id=entrant.id,
            supplier_id=entrant.supplier_id,
            rank=entrant.rank,
            expires_at=offer.expires_at,
            skipped=skipped,
        )
        _tell_entrant(session, agreement, calloff, offer)
        return
    calloff.status = "unfilled"
    calloff.entrant_id = None
    calloff.updated_at = clock.now()
    session.flush()
    record_calloff(session, actor, "agreement.calloff_unfilled", calloff, skipped=skipped)
    budgets.release(session, actor, calloff.budget_line_id, calloff.held, ("calloff", calloff.id))


def _locked_offer(session: Session, actor: Actor, offer_id: int) -> tuple[CallOffOffer, CallOff]:
    """The offer, for the supplier it is addressed to, with its call-off locked."""
    offer = session.get(CallOffOffer, offer_id)
    if offer is None:
        raise NotFound("No such offer.")
    if not (
        actor.user_id
        and actor.org_kind == OrgKind.SUPPLIER
        and actor.organisation_id == offer.supplier_id
        and actor.has(Role.SUPPLIER, Role.ORG_ADMIN)
    ):
        raise Forbidden(
            "This offer is addressed to another supplier.",
            code="other_organisation",
        )
    calloff = lock(session, CallOff, offer.calloff_id)
    assert calloff is not None
    session.refresh(offer)
    if offer.status != "offered":
        raise Conflict(
            "This offer has been answered or has passed.",
            code="offer_closed",
        )
    if clock.now() >= offer.expires_at:
        raise Conflict(
            "The time to answer this offer has passed.",
            code="offer_expired",
        )
    return offer, calloff


def accept(session: Session, actor: Actor, offer_id: int) -> CallOff:
    """接受: the order and contract follow at once, at the entrant's agreed unit prices in force
    when the call-off was placed."""
    offer, calloff = _locked_offer(session, actor, offer_id)
    lock_agreement(session, calloff.agreement_id)
    entrant = session.get(AgreementEntrant, offer.entrant_id)
    assert entrant is not None
    session.refresh(entrant)
    if standing(session, entrant) != "active":
        raise Conflict(
            "Your place in this framework agreement is suspended or terminated.",
            code="entrant_not_active",
        )
    offer.status = "accepted"
    offer.answered_at = clock.now()
    session.flush()
    record_calloff(
        session,
        actor,
        "agreement.calloff_accepted",
        calloff,
        offer_id=offer.id,
        entrant_id=entrant.id,
        supplier_id=entrant.supplier_id,
    )
    wanted = wanted_of(session, calloff)
    # The prices in force when the call-off was placed: a later change applies to later ones.
    prices = prices_at(session, entrant, calloff.placed_at)
    make_order(
        session, actor, calloff, entrant, wanted, {w.item.id: prices[w.item.id] for w in wanted}
    )
    return calloff


def decline(session: Session, actor: Actor, offer_id: int, note: str | None) -> CallOff:
    """谢绝: the turn passes to the next entrant."""
    offer, calloff = _locked_offer(session, actor, offer_id)
    if not (note or "").strip():
        raise ValidationFailed("Say why the offer is declined.", code="note_required")
    _pass(session, actor, offer, calloff, "declined", note.strip() if note else None)
    return calloff


def _pass(
    session: Session,
    actor: Actor,
    offer: CallOffOffer,
    calloff: CallOff,
    status: str,
    note: str | None = None,
) -> None:
    agreement = lock_agreement(session, calloff.agreement_id)
    offer.status = status
    offer.answered_at = clock.now()
    offer.note = note
    session.flush()
    record_calloff(
        session,
        actor,
        f"agreement.calloff_{status}",
        calloff,
        offer_id=offer.id,
        entrant_id=offer.entrant_id,
        supplier_id=offer.supplier_id,
        **({"note": note} if note else {}),
    )
    _offer_next(session, actor, agreement, calloff)


def expire(session: Session, actor: Actor) -> int:
    """The periodic job: every offer not answered in time passes its turn on. Returns how many."""
    now = clock.now()
    due = session.scalars(
        select(CallOffOffer.id)
        .where(CallOffOffer.status == "offered", CallOffOffer.expires_at <= now)
        .order_by(CallOffOffer.calloff_id)
    ).all()
    done = 0
    for offer_id in due:
        offer = session.get(CallOffOffer, offer_id)
        assert offer is not None
        calloff = lock(session, CallOff, offer.calloff_id)
        assert calloff is not None
        session.refresh(offer)
        if offer.status != "offered":  # answered meanwhile
            continue
        _pass(session, actor, offer, calloff, "timed_out")
        done += 1
    return done
