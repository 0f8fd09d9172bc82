"""纠纷化解 (MALL-9): the clock's steps — ``tick`` acts on missed deadlines and settles refunds
the gateway has finished."""

from __future__ import annotations

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from core import clock
from core.accounts.auth import SYSTEM, Actor
from core.accounts.roles import Role
from core.messages import en_zh
from core.notifications.service import notify
from mall.disputes.common import (
    back_to_handler,
    message,
    pending_proposal,
    record_step,
    tell_handler,
    tell_parties,
)
from mall.disputes.effects import (
    settle_effects,
)
from mall.disputes.models import (
    Dispute,
)
from mall.locks import lock


def tick(session: Session, actor: Actor = SYSTEM) -> dict[str, int]:
    """Act on missed deadlines: no response in time → the handler may rule on the record; no
    evidence in time or no answer to a proposal → back to the handler; the handler's own deadline
    overdue → escalated to the office. Then settle refunds the gateway has finished."""
    now = clock.now()
    counts = {
        "response_missed": 0,
        "evidence_missed": 0,
        "mediation_lapsed": 0,
        "escalated": 0,
        "archived": 0,
    }
    candidates = session.scalars(
        select(Dispute.id)
        .where(
            or_(
                (Dispute.status == "awaiting_response") & (Dispute.response_due_at <= now),
                (Dispute.status == "awaiting_evidence") & (Dispute.evidence_due_at <= now),
                Dispute.status == "mediation",
                (Dispute.status == "under_review")
                & (Dispute.handler_due_at <= now)
                & Dispute.escalated_at.is_(None),
                Dispute.status.in_(("ruled", "settled")),
            )
        )
        .order_by(Dispute.id)
    ).all()
    for dispute_id in candidates:
        dispute = lock(session, Dispute, dispute_id)
        if dispute is None:
            continue
        if dispute.status == "awaiting_response" and dispute.response_due_at <= now:
            dispute.respondent_defaulted = True
            back_to_handler(dispute, now)
            session.flush()
            record_step(
                session,
                actor,
                "dispute.response_missed",
                dispute,
                due_at=dispute.response_due_at,
                handler_due_at=dispute.handler_due_at,
            )
            tell_parties(
                session,
                dispute,
                "response_missed",
                *en_zh("the response deadline passed; the handler may rule on the record"),
            )
            tell_handler(
                session,
                dispute,
                "response_missed",
                *en_zh("the respondent did not respond in time"),
            )
            counts["response_missed"] += 1
        elif dispute.status == "awaiting_evidence" and dispute.evidence_due_at <= now:
            party, due = dispute.evidence_from, dispute.evidence_due_at
            back_to_handler(dispute, now)
            session.flush()
            record_step(session, actor, "dispute.evidence_missed", dispute, party=party, due_at=due)
            tell_handler(
                session,
                dispute,
                "evidence_missed",
                *en_zh("the requested evidence did not come in time"),
            )
            counts["evidence_missed"] += 1
        elif dispute.status == "mediation":
            proposal = pending_proposal(dispute)
            if proposal is None or proposal.due_at > now:
                continue
            proposal.status = "lapsed"
            back_to_handler(dispute, now)
            session.flush()
            record_step(
                session, actor, "dispute.mediation_lapsed", dispute, proposal_id=proposal.id
            )
            tell_handler(
                session,
                dispute,
                "mediation_lapsed",
                *en_zh("the proposal was not accepted in time"),
            )
            counts["mediation_lapsed"] += 1
        elif (
            dispute.status == "under_review"
            and dispute.handler_due_at is not None
            and dispute.handler_due_at <= now
            and dispute.escalated_at is None
        ):
            dispute.escalated_at = now
            session.flush()
            record_step(
                session,
                actor,
                "dispute.escalated",
                dispute,
                handler_id=dispute.handler_id,
                due_at=dispute.handler_due_at,
            )
            notify(
                session,
                [dispute.office_id],
                message(
                    dispute,
                    "escalated",
                    *en_zh("the handler's deadline passed; escalated to the office"),
                ),
                role=Role.ORG_ADMIN,
            )
            tell_handler(
                session,
                dispute,
                "escalated",
                *en_zh("the case is overdue and escalated"),
            )
            counts["escalated"] += 1
        elif dispute.status in ("ruled", "settled"):
            settle_effects(session, dispute.id, actor)
            if dispute.status == "archived":
                counts["archived"] += 1
    return counts
