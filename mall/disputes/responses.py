"""纠纷化解 (MALL-9): the parties' answers while a case is handled — the respondent's response
(答辩), evidence added by a party or asked for by the handler, and the applicant's withdrawal."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy.orm import Session

from core import clock
from core.accounts.auth import Actor
from core.errors import Conflict, ValidationFailed
from core.messages import en_zh
from core.notifications.service import notify
from mall.disputes.common import (
    back_to_handler,
    clean_text,
    due_in,
    expect_status,
    get_dispute,
    message,
    need_role,
    record_step,
    settings,
    tell_handler,
    to_parties,
)
from mall.disputes.effects import (
    archive_if_done,
)
from mall.disputes.filing import Upload, files_payload, submit
from mall.disputes.models import (
    ACTIVE,
    Dispute,
)


def respond(
    session: Session, actor: Actor, dispute_id: int, statement: str, files: Sequence[Upload] = ()
) -> Dispute:
    """答辩: the other party answers with its statement and evidence, before the deadline."""
    dispute, role = get_dispute(session, actor, dispute_id, for_update=True)
    need_role(role, dispute.respondent)
    expect_status(dispute, "awaiting_response", doing=en_zh("responded to"))
    now = clock.now()
    if now >= dispute.response_due_at:
        raise Conflict("The time to respond is over.", code="deadline_passed")
    text = clean_text(statement, "statement")
    submission = submit(session, actor, dispute, role, "response", text, files)
    dispute.responded_at = now
    back_to_handler(dispute, now)
    session.flush()
    record_step(
        session,
        actor,
        "dispute.responded",
        dispute,
        statement=text,
        files=files_payload(submission),
        handler_due_at=dispute.handler_due_at,
    )
    notify(
        session,
        [dispute.party_org(dispute.opened_by)],
        message(dispute, "responded", *en_zh("the other party responded")),
    )
    tell_handler(session, dispute, "responded", *en_zh("the respondent responded"))
    return dispute


def add_evidence(
    session: Session, actor: Actor, dispute_id: int, note: str | None, files: Sequence[Upload]
) -> Dispute:
    """补充证据: a party adds evidence (files and a note) while the dispute is being handled. An
    answer to the handler's request puts the case back in the handler's hands."""
    dispute, role = get_dispute(session, actor, dispute_id, for_update=True)
    need_role(role, "purchaser", "supplier")
    expect_status(dispute, *ACTIVE, doing=en_zh("given evidence"))
    text = clean_text(note, "note", required=False)
    if not files and not text:
        raise ValidationFailed("Add a file or a note.", details={"files": ["required"]})
    submission = submit(session, actor, dispute, role, "evidence", text, files)
    answered = dispute.status == "awaiting_evidence" and dispute.evidence_from == role
    if answered:
        back_to_handler(dispute, clock.now())
    session.flush()
    record_step(
        session,
        actor,
        "dispute.evidence_added",
        dispute,
        party=role,
        note=text,
        files=files_payload(submission),
        answers_request=answered,
    )
    tell_handler(session, dispute, "evidence", *en_zh("a party added evidence"))
    return dispute


def request_evidence(
    session: Session, actor: Actor, dispute_id: int, party: str, note: str, days: int | None
) -> Dispute:
    """要求补充证据: the handler asks a party for more evidence by a deadline (working days)."""
    dispute, role = get_dispute(session, actor, dispute_id, for_update=True)
    need_role(role, "handler")
    expect_status(dispute, "under_review", doing=en_zh("sent an evidence request"))
    if party not in ("purchaser", "supplier"):
        raise ValidationFailed(
            "Ask the purchaser or the supplier.",
            details={"party": ["purchaser | supplier"]},
        )
    days = days or settings().dispute_mediation_days
    if not 1 <= days <= 30:
        raise ValidationFailed("Give 1 to 30 working days.", details={"days": ["1..30"]})
    text = clean_text(note, "note")
    now = clock.now()
    submit(session, actor, dispute, "handler", "evidence_request", text)
    to_parties(dispute, "awaiting_evidence")
    dispute.evidence_from = party
    dispute.evidence_due_at = due_in(days, now)
    session.flush()
    record_step(
        session,
        actor,
        "dispute.evidence_requested",
        dispute,
        party=party,
        note=text,
        due_at=dispute.evidence_due_at,
    )
    notify(
        session,
        [dispute.party_org(party)],
        message(
            dispute,
            "evidence_requested",
            *en_zh(
                "the handler asks for evidence by %(due)s",
                due=f"{clock.local(dispute.evidence_due_at):%Y-%m-%d}",
            ),
        ),
    )
    return dispute


def withdraw(session: Session, actor: Actor, dispute_id: int, reason: str) -> Dispute:
    """撤回: the party that opened the dispute withdraws it before a decision."""
    dispute, role = get_dispute(session, actor, dispute_id, for_update=True)
    need_role(role, dispute.opened_by)
    expect_status(dispute, *ACTIVE, doing=en_zh("withdrawn"))
    text = clean_text(reason, "reason")
    submit(session, actor, dispute, role, "note", text)
    for proposal in dispute.proposals:
        if proposal.status == "pending":
            proposal.status = "lapsed"
    dispute.outcome = "withdrawn"
    dispute.ruling_reasons = text
    dispute.decided_at = clock.now()
    dispute.decided_by = actor.user_id
    dispute.status = "ruled"
    session.flush()
    record_step(session, actor, "dispute.withdrawn", dispute, reason=text)
    tell_handler(session, dispute, "withdrawn", *en_zh("the applicant withdrew"))
    archive_if_done(session, actor, dispute)
    return dispute
