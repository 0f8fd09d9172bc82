"""纠纷化解 (MALL-9): mediation (调解) — the handler proposes terms, and the dispute is settled
when both parties accept them."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from core import clock
from core.accounts.auth import SYSTEM, Actor
from core.errors import Conflict
from core.messages import en_zh
from core.money import cny
from mall.disputes.common import (
    back_to_handler,
    clean_text,
    due_in,
    expect_status,
    get_dispute,
    need_role,
    pending_proposal,
    record_step,
    settings,
    tell_handler,
    tell_parties,
    to_parties,
)
from mall.disputes.effects import (
    check_effect_terms,
    order_effects,
)
from mall.disputes.filing import submit
from mall.disputes.models import (
    Dispute,
    MediationProposal,
)
from mall.locks import lock
from mall.orders.models import Order


def propose(session: Session, actor: Actor, dispute_id: int, data: dict[str, Any]) -> Dispute:
    """调解: the handler proposes terms (and what the system is to carry out if both accept)."""
    dispute, role = get_dispute(session, actor, dispute_id, for_update=True)
    need_role(role, "handler")
    expect_status(dispute, "under_review", doing=en_zh("put to mediation"))
    terms = clean_text(data.get("terms"), "terms")
    refund = data.get("refund_amount")
    reopen = bool(data.get("reopen"))
    order = lock(session, Order, dispute.order_id)
    assert order is not None
    check_effect_terms(session, order, refund, reopen)
    now = clock.now()
    proposal = MediationProposal(
        terms=terms,
        refund_amount=None if refund is None else cny(refund),
        reopen=reopen,
        status="pending",
        due_at=due_in(settings().dispute_mediation_days, now),
        created_by=actor.user_id,
    )
    dispute.proposals.append(proposal)
    submit(session, actor, dispute, "handler", "proposal", terms)
    to_parties(dispute, "mediation")
    session.flush()
    record_step(
        session,
        actor,
        "dispute.mediation_proposed",
        dispute,
        proposal_id=proposal.id,
        terms=terms,
        refund_amount=proposal.refund_amount,
        reopen=reopen,
        due_at=proposal.due_at,
    )
    tell_parties(
        session,
        dispute,
        "mediation",
        *en_zh(
            "the handler proposes terms; answer by %(due)s",
            due=f"{clock.local(proposal.due_at):%Y-%m-%d}",
        ),
    )
    return dispute


def answer_proposal(
    session: Session, actor: Actor, dispute_id: int, accept: bool, reason: str | None = None
) -> Dispute:
    """A party accepts or declines the pending proposal; both accepting settles the dispute."""
    dispute, role = get_dispute(session, actor, dispute_id, for_update=True)
    need_role(role, "purchaser", "supplier")
    expect_status(dispute, "mediation", doing=en_zh("answered"))
    proposal = pending_proposal(dispute)
    assert proposal is not None
    now = clock.now()
    if now >= proposal.due_at:
        raise Conflict("The time to answer is over.", code="deadline_passed")
    field = f"{role}_accepted_at"
    if getattr(proposal, field) is not None:
        raise Conflict("You have accepted already.", code="already_answered")
    text = clean_text(reason, "reason", required=not accept)
    submit(
        session,
        actor,
        dispute,
        role,
        "proposal_answer",
        ("接受调解方案" if accept else "不接受调解方案") + (f"：{text}" if text else ""),
    )
    if not accept:
        proposal.status = "declined"
        proposal.declined_by = role
        proposal.decline_reason = text
        back_to_handler(dispute, now)
        session.flush()
        record_step(
            session,
            actor,
            "dispute.mediation_declined",
            dispute,
            proposal_id=proposal.id,
            party=role,
            reason=text,
        )
        tell_handler(session, dispute, "declined", *en_zh("the proposal was declined"))
        return dispute
    setattr(proposal, field, now)
    session.flush()
    record_step(
        session, actor, "dispute.mediation_accepted", dispute, proposal_id=proposal.id, party=role
    )
    if proposal.purchaser_accepted_at and proposal.supplier_accepted_at:
        proposal.status = "accepted"
        dispute.status = "settled"
        dispute.outcome = "settled"
        dispute.ruling_reasons = proposal.terms
        dispute.decided_at = now
        session.flush()
        record_step(session, SYSTEM, "dispute.settled", dispute, proposal_id=proposal.id)
        order = lock(session, Order, dispute.order_id)
        assert order is not None
        loser = dispute.supplier_id
        effects = []
        if proposal.refund_amount is not None:
            effects.append(("refund", loser, {"amount": str(proposal.refund_amount)}))
        if proposal.reopen:
            effects.append(("reopen", loser, {}))
        order_effects(session, actor, dispute, order, effects, "settlement")
        tell_parties(session, dispute, "settled", *en_zh("settled by mediation"))
        tell_handler(session, dispute, "settled", *en_zh("settled by mediation"))
    return dispute
