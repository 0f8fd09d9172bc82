"""纠纷化解 (MALL-9): the dispute desk's use cases.

A party opens a dispute on its order (from confirmation on); the order's payment is held. The other
party has ``MALL_DISPUTE_RESPONSE_DAYS`` working days to respond. A handler of the dispute office of
the order's region (the nearest office up the region tree) is assigned in turn. The handler may ask a
party for evidence by a deadline, propose mediation (settled when both parties accept) or rule. A
ruling or a settlement orders effects that the system carries out — a refund through the payment
gateway, the order re-opened for a replacement, a credit penalty, a supplier's suspension — each
ledgered with the dispute. Once they are carried out the dispute is archived, read-only, and the hold
on the order's payment is lifted. ``tick`` acts on missed deadlines.

Every function takes ``(session, actor, ...)``, checks who may act, writes, records on the ledger in
the same transaction and flushes; the caller's unit of work commits.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

from flask import current_app
from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from catalog.enrolment.models import SupplierProfile
from catalog.enrolment.service import impose_suspension
from core import clock, workdays
from core.accounts.auth import SYSTEM, Actor
from core.accounts.models import Organisation, Region, User, UserRole
from core.accounts.roles import OrgKind, Role
from core.db import after_commit, db
from core.errors import Conflict, Forbidden, NotFound, ValidationFailed
from core.money import cny
from core.notifications.service import Message, notify
from mall import policy
from mall.disputes.models import (
    ACTIVE,
    OUTCOMES,
    REASONS,
    STATUS_NAMES,
    Dispute,
    DisputeEffect,
    DisputeFile,
    DisputeSubmission,
    MediationProposal,
)
from mall.locks import lock
from mall.orders.access import party_of
from mall.orders.attachments import sniff
from mall.orders.models import Order
from mall.orders.service import record_order
from mall.payments import service as payments
from mall.payments.models import Refund
from supervision.credit.service import MAX_PENALTY_POINTS, record_penalty
from supervision.ledger.service import record

log = logging.getLogger(__name__)

#: order statuses on which a dispute may be opened: from confirmation on
OPENABLE = ("confirmed", "shipped", "delivered", "accepted", "acceptance_refused", "paid", "closed")
#: order statuses a replacement can re-open (not yet paid)
REOPENABLE = ("shipped", "delivered", "accepted", "acceptance_refused")
MAX_TEXT = 5000
MAX_FILE_BYTES = 5 * 1024 * 1024
MAX_FILES = 20
MAX_SUSPENSION_DAYS = 365
ROLE_NAMES = {
    "purchaser": ("采购人", "purchaser"),
    "supplier": ("供应商", "supplier"),
    "handler": ("承办人", "handler"),
}


# ---------------------------------------------------------------- helpers


def _text(value: str | None, field: str, required: bool = True) -> str | None:
    text = (value or "").strip()
    if not text:
        if required:
            raise ValidationFailed(
                "This field is required.", "此项为必填。", details={field: ["required"]}
            )
        return None
    if len(text) > MAX_TEXT:
        raise ValidationFailed(
            f"At most {MAX_TEXT} characters.",
            f"不能超过 {MAX_TEXT} 个字。",
            details={field: [f"longer than {MAX_TEXT}"]},
        )
    return text


def _record(session: Session, actor: Actor, action: str, dispute: Dispute, **payload: Any) -> None:
    upcoming = next_deadline(dispute)
    dispute.due_at = upcoming[1] if upcoming else None
    dispute.updated_at = clock.now()
    record(
        session,
        actor,
        action,
        ("dispute", dispute.id),
        {"order_id": dispute.order_id, "status": dispute.status, **payload},
        region_id=dispute.region_id,
    )


def _message(dispute: Dispute, kind: str, zh: str, en: str) -> Message:
    return Message(
        kind=f"dispute.{kind}",
        title_zh=f"纠纷 {dispute.number}：{zh}",
        title_en=f"Dispute {dispute.number}: {en}",
        link=f"/disputes/{dispute.id}",
        subject=("dispute", dispute.id),
    )


def _tell_parties(session: Session, dispute: Dispute, kind: str, zh: str, en: str) -> None:
    notify(session, [dispute.purchaser_id, dispute.supplier_id], _message(dispute, kind, zh, en))


def _tell_handler(session: Session, dispute: Dispute, kind: str, zh: str, en: str) -> None:
    if dispute.handler_id is not None:
        notify(
            session,
            [dispute.office_id],
            _message(dispute, kind, zh, en),
            user_id=dispute.handler_id,
        )


def settings() -> policy.Settings:
    return policy.settings()


def _due(days: int, start: datetime | None = None) -> datetime:
    return workdays.calendar().add_working_days(start or clock.now(), days)


def _to_handler(dispute: Dispute, now: datetime) -> None:
    """The case is in the handler's hands again, with a fresh deadline."""
    dispute.status = "under_review"
    dispute.evidence_from = None
    dispute.evidence_due_at = None
    dispute.handler_due_at = _due(settings().dispute_handling_days, now)
    dispute.escalated_at = None


# ---------------------------------------------------------------- access


def role_in(session: Session, actor: Actor, dispute: Dispute) -> str | None:
    """purchaser | supplier (a party), handler (the assigned one), office (another handler or the
    admin of the office, or a handler of a region above), supervisor; None for anyone else."""
    order = session.get(Order, dispute.order_id)
    assert order is not None
    party = party_of(actor, order)
    if party is not None:
        return party
    if actor.org_kind == OrgKind.DISPUTE_OFFICE:
        if actor.user_id == dispute.handler_id:
            return "handler"
        if actor.has(Role.DISPUTE_HANDLER, Role.ORG_ADMIN) and actor.sees_region(
            _region_path(session, dispute.region_id)
        ):
            return "office"
        return None
    if actor.has(Role.SUPERVISOR) and actor.sees_region(_region_path(session, dispute.region_id)):
        return "supervisor"
    return None


def _region_path(session: Session, region_id: int) -> str:
    region = session.get(Region, region_id)
    assert region is not None
    return region.path


def get_dispute(
    session: Session, actor: Actor, dispute_id: int, for_update: bool = False
) -> tuple[Dispute, str]:
    dispute = lock(session, Dispute, dispute_id) if for_update else session.get(Dispute, dispute_id)
    if dispute is None:
        raise NotFound("No such dispute.", "没有该纠纷。")
    role = role_in(session, actor, dispute)
    if role is None:
        raise Forbidden(
            "This dispute is not one you may see.",
            "您无权查看该纠纷。",
            code="other_organisation",
        )
    return dispute, role


def _need(role: str, *allowed: str) -> None:
    if role not in allowed:
        names = "、".join(ROLE_NAMES[a][0] for a in allowed if a in ROLE_NAMES)
        raise Forbidden(
            f"Only the dispute's {' or '.join(ROLE_NAMES[a][1] for a in allowed)} may do this.",
            f"仅该纠纷的{names}可执行此操作。",
            code="wrong_role",
            details={"role": role, "allowed": list(allowed)},
        )


def _expect(dispute: Dispute, *statuses: str, doing: tuple[str, str]) -> None:
    if dispute.status in statuses:
        return
    zh, en = STATUS_NAMES[dispute.status]
    code = "archived" if dispute.status == "archived" else "bad_status"
    raise Conflict(
        f"A dispute that is {en.lower()} cannot be {doing[0]}.",
        f"纠纷当前状态为“{zh}”，不能{doing[1]}。",
        code=code,
        details={"status": dispute.status, "allowed": list(statuses)},
    )


def disputes_query(actor: Actor, filters: dict[str, Any]):  # type: ignore[no-untyped-def]
    """The disputes the actor may see: a party's own; the handlers' of their office's region; a
    supervisor's region. ``queue`` (handlers) keeps the actor's open cases, soonest deadline first."""
    query = select(Dispute)
    if actor.org_kind == OrgKind.PURCHASER and actor.has(Role.PURCHASER, Role.ORG_ADMIN):
        query = query.where(Dispute.purchaser_id == actor.organisation_id)
    elif actor.org_kind == OrgKind.SUPPLIER and actor.has(Role.SUPPLIER, Role.ORG_ADMIN):
        query = query.where(Dispute.supplier_id == actor.organisation_id)
    elif (
        actor.org_kind == OrgKind.DISPUTE_OFFICE and actor.has(Role.DISPUTE_HANDLER, Role.ORG_ADMIN)
    ) or actor.has(Role.SUPERVISOR):
        query = query.join(Region, Region.id == Dispute.region_id).where(
            Region.path.startswith(actor.region_path or "\x00")
        )
    else:
        raise Forbidden("You have no disputes to see.", "您无权查看纠纷。")
    if filters.get("queue"):
        query = query.where(Dispute.handler_id == actor.user_id, Dispute.status.in_(ACTIVE))
    if filters.get("status"):
        query = query.where(Dispute.status == filters["status"])
    if filters.get("order_id"):
        query = query.where(Dispute.order_id == filters["order_id"])
    if filters.get("queue"):
        return query.order_by(
            Dispute.escalated_at.is_(None), Dispute.due_at.is_(None), Dispute.due_at, Dispute.id
        )
    return query.order_by(
        Dispute.status.in_(ACTIVE).desc(),
        Dispute.due_at.is_(None),
        Dispute.due_at,
        Dispute.id.desc(),
    )


def next_deadline(dispute: Dispute) -> tuple[str, datetime] | None:
    """What is awaited next and by when."""
    if dispute.status == "awaiting_response":
        return "response", dispute.response_due_at
    if dispute.status == "awaiting_evidence" and dispute.evidence_due_at:
        return "evidence", dispute.evidence_due_at
    if dispute.status == "mediation":
        pending = _pending_proposal(dispute)
        if pending is not None:
            return "mediation", pending.due_at
    if dispute.status == "under_review" and dispute.handler_due_at:
        return "handler", dispute.handler_due_at
    return None


# ---------------------------------------------------------------- opening


def _office_for(session: Session, region_path: str) -> Organisation:
    """The dispute office of the nearest region up from ``region_path`` that has active handlers."""
    offices = session.execute(
        select(Organisation, Region.path)
        .join(Region, Region.id == Organisation.region_id)
        .where(Organisation.kind == OrgKind.DISPUTE_OFFICE, Organisation.active.is_(True))
    ).all()
    for office, path in sorted(offices, key=lambda row: -len(row[1])):
        if region_path.startswith(path) and _handlers(session, office.id):
            return office
    raise Conflict(
        "No dispute office with a handler covers this order's region.",
        "该订单所在地区没有可受理纠纷的处理机构。",
        code="no_dispute_office",
    )


def _handlers(session: Session, office_id: int) -> list[int]:
    return list(
        session.scalars(
            select(User.id)
            .join(UserRole, UserRole.user_id == User.id)
            .where(
                User.organisation_id == office_id,
                User.active.is_(True),
                UserRole.role == Role.DISPUTE_HANDLER,
            )
            .order_by(User.id)
        )
    )


def _next_handler(session: Session, office: Organisation) -> int:
    """Round-robin: the office's handler whose latest assignment is the oldest (or who has none).
    The office row is locked so two disputes opened at once go to different handlers."""
    lock(session, Organisation, office.id)
    handlers = _handlers(session, office.id)
    latest = dict(
        session.execute(
            select(Dispute.handler_id, func.max(Dispute.id))
            .where(Dispute.handler_id.in_(handlers))
            .group_by(Dispute.handler_id)
        ).all()
    )
    return min(handlers, key=lambda uid: (latest.get(uid, 0), uid))


def open_dispute(session: Session, actor: Actor, data: dict[str, Any]) -> Dispute:
    """申请纠纷处理: a party of the order opens a dispute with a reason and a statement."""
    order = lock(session, Order, data["order_id"])
    if order is None:
        raise NotFound("No such order.", "没有该订单。")
    party = party_of(actor, order)
    if party is None:
        raise Forbidden(
            "This order is not your organisation's.",
            "这不是贵单位的订单。",
            code="other_organisation",
        )
    reason = data.get("reason")
    if reason not in REASONS:
        raise ValidationFailed(
            "Choose a reason from the list.",
            "请从列表中选择纠纷原因。",
            details={"reason": [f"one of {', '.join(REASONS)}"]},
        )
    statement = _text(data.get("statement"), "statement")
    if order.status not in OPENABLE:
        raise Conflict(
            "A dispute can be opened only on an order from its confirmation on.",
            "仅对已确认及之后状态的订单可以申请纠纷处理。",
            code="bad_status",
            details={"status": order.status, "allowed": list(OPENABLE)},
        )
    active = session.scalars(
        select(Dispute.id).where(Dispute.order_id == order.id, Dispute.status.in_(ACTIVE))
    ).first()
    if active is not None:
        raise Conflict(
            "A dispute on this order is already open.",
            "该订单已有正在处理的纠纷。",
            code="dispute_open",
            details={"dispute_id": active},
        )
    office = _office_for(session, _region_path(session, order.region_id))
    now = clock.now()
    dispute = Dispute(
        order_id=order.id,
        purchaser_id=order.purchaser_id,
        supplier_id=order.supplier_id,
        region_id=order.region_id,
        office_id=office.id,
        handler_id=_next_handler(session, office),
        opened_by=party,
        opened_by_user=actor.user_id,
        reason=reason,
        statement=statement,
        status="awaiting_response",
        opened_at=now,
        response_due_at=_due(settings().dispute_response_days, now),
        updated_at=now,
    )
    session.add(dispute)
    session.flush()
    dispute.submissions.append(
        DisputeSubmission(author=party, user_id=actor.user_id, kind="opening", text=statement)
    )
    order.payment_held = True
    order.updated_at = now
    session.flush()
    _record(
        session,
        actor,
        "dispute.opened",
        dispute,
        opened_by=party,
        reason=reason,
        statement=statement,
        office_id=office.id,
        handler_id=dispute.handler_id,
        response_due_at=dispute.response_due_at,
    )
    record_order(session, actor, "order.payment_held", order, dispute_id=dispute.id)
    other = dispute.party_org(dispute.respondent)
    notify(
        session,
        [other],
        _message(
            dispute,
            "opened",
            f"对方申请了纠纷处理，请在 {clock.local(dispute.response_due_at):%Y-%m-%d} 前答辩",
            f"the other party opened a dispute; respond by "
            f"{clock.local(dispute.response_due_at):%Y-%m-%d}",
        ),
    )
    _tell_handler(session, dispute, "assigned", "新案件已分配给您", "a new case is assigned to you")
    return dispute


# ---------------------------------------------------------------- submissions


@dataclass(frozen=True)
class Upload:
    name: str
    data: bytes


def _check_files(dispute: Dispute, files: Sequence[Upload]) -> list[tuple[Upload, str, str]]:
    checked = []
    for upload in files:
        if not upload.data or len(upload.data) > MAX_FILE_BYTES:
            raise ValidationFailed(
                f"Each file must be 1 byte to {MAX_FILE_BYTES // 1024 // 1024} MB.",
                f"每个证据文件大小须在 {MAX_FILE_BYTES // 1024 // 1024} MB 以内且不能为空。",
                code="bad_file_size",
                details={"file": [f"{upload.name}: {len(upload.data)} bytes"]},
            )
        kind = sniff(upload.data)
        if kind is None:
            raise ValidationFailed(
                "Evidence must be PDF, PNG or JPEG files.",
                "证据仅支持 PDF、PNG 或 JPEG 文件。",
                code="bad_file_type",
                details={"file": [f"{upload.name}: not a PDF, PNG or JPEG file"]},
            )
        checked.append((upload, *kind))
    count = sum(len(s.files) for s in dispute.submissions)
    if count + len(checked) > MAX_FILES:
        raise Conflict(
            f"At most {MAX_FILES} evidence files per dispute.",
            f"每件纠纷最多上传 {MAX_FILES} 个证据文件。",
            code="too_many_files",
        )
    return checked


def upload_dir() -> Path:
    return Path(current_app.config["INSTANCE_PATH"]) / "uploads" / "disputes"


def _submit(
    session: Session,
    actor: Actor,
    dispute: Dispute,
    author: str,
    kind: str,
    text: str | None,
    files: Sequence[Upload] = (),
) -> DisputeSubmission:
    checked = _check_files(dispute, files)
    submission = DisputeSubmission(author=author, user_id=actor.user_id, kind=kind, text=text)
    dispute.submissions.append(submission)
    session.flush()
    stored = []
    for upload, content_type, ext in checked:
        digest = hashlib.sha256(upload.data).hexdigest()
        row = DisputeFile(
            dispute_id=dispute.id,
            submission_id=submission.id,
            filename=f"{digest}.{ext}",
            original_name=(upload.name or "evidence")[:200],
            content_type=content_type,
            size=len(upload.data),
            sha256=digest,
            uploaded_by=actor.user_id,
        )
        submission.files.append(row)
        stored.append((row.filename, upload.data))
    dispute.updated_at = clock.now()
    session.flush()
    if stored:
        target = upload_dir()

        def _store() -> None:
            target.mkdir(parents=True, exist_ok=True)
            for name, data in stored:
                path = target / name
                if not path.exists():
                    path.write_bytes(data)

        after_commit(session, _store)
    return submission


def _files_payload(submission: DisputeSubmission) -> list[dict[str, Any]]:
    return [
        {"id": f.id, "name": f.original_name, "sha256": f.sha256, "size": f.size}
        for f in submission.files
    ]


def respond(
    session: Session, actor: Actor, dispute_id: int, statement: str, files: Sequence[Upload] = ()
) -> Dispute:
    """答辩: the other party answers with its statement and evidence, before the deadline."""
    dispute, role = get_dispute(session, actor, dispute_id, for_update=True)
    _need(role, dispute.respondent)
    _expect(dispute, "awaiting_response", doing=("responded to", "答辩"))
    now = clock.now()
    if now >= dispute.response_due_at:
        raise Conflict("The time to respond is over.", "答辩期限已过。", code="deadline_passed")
    text = _text(statement, "statement")
    submission = _submit(session, actor, dispute, role, "response", text, files)
    dispute.responded_at = now
    _to_handler(dispute, now)
    session.flush()
    _record(
        session,
        actor,
        "dispute.responded",
        dispute,
        statement=text,
        files=_files_payload(submission),
        handler_due_at=dispute.handler_due_at,
    )
    notify(
        session,
        [dispute.party_org(dispute.opened_by)],
        _message(dispute, "responded", "对方已答辩", "the other party responded"),
    )
    _tell_handler(session, dispute, "responded", "被申请人已答辩", "the respondent responded")
    return dispute


def add_evidence(
    session: Session, actor: Actor, dispute_id: int, note: str | None, files: Sequence[Upload]
) -> Dispute:
    """补充证据: a party adds evidence (files and a note) while the dispute is being handled. An
    answer to the handler's request puts the case back in the handler's hands."""
    dispute, role = get_dispute(session, actor, dispute_id, for_update=True)
    _need(role, "purchaser", "supplier")
    _expect(dispute, *ACTIVE, doing=("given evidence", "补充证据"))
    text = _text(note, "note", required=False)
    if not files and not text:
        raise ValidationFailed(
            "Add a file or a note.", "请上传证据文件或填写说明。", details={"files": ["required"]}
        )
    submission = _submit(session, actor, dispute, role, "evidence", text, files)
    answered = dispute.status == "awaiting_evidence" and dispute.evidence_from == role
    if answered:
        _to_handler(dispute, clock.now())
    session.flush()
    _record(
        session,
        actor,
        "dispute.evidence_added",
        dispute,
        party=role,
        note=text,
        files=_files_payload(submission),
        answers_request=answered,
    )
    _tell_handler(session, dispute, "evidence", "当事人补充了证据", "a party added evidence")
    return dispute


def request_evidence(
    session: Session, actor: Actor, dispute_id: int, party: str, note: str, days: int | None
) -> Dispute:
    """要求补充证据: the handler asks a party for more evidence by a deadline (working days)."""
    dispute, role = get_dispute(session, actor, dispute_id, for_update=True)
    _need(role, "handler")
    _expect(dispute, "under_review", doing=("sent an evidence request", "要求补充证据"))
    if party not in ("purchaser", "supplier"):
        raise ValidationFailed(
            "Ask the purchaser or the supplier.",
            "请选择采购人或供应商。",
            details={"party": ["purchaser | supplier"]},
        )
    days = days or settings().dispute_mediation_days
    if not 1 <= days <= 30:
        raise ValidationFailed(
            "Give 1 to 30 working days.", "期限须为 1 至 30 个工作日。", details={"days": ["1..30"]}
        )
    text = _text(note, "note")
    now = clock.now()
    _submit(session, actor, dispute, "handler", "evidence_request", text)
    dispute.status = "awaiting_evidence"
    dispute.evidence_from = party
    dispute.evidence_due_at = _due(days, now)
    dispute.handler_due_at = None
    dispute.escalated_at = None
    session.flush()
    _record(
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
        _message(
            dispute,
            "evidence_requested",
            f"承办人要求补充证据，截止 {clock.local(dispute.evidence_due_at):%Y-%m-%d}",
            f"the handler asks for evidence by {clock.local(dispute.evidence_due_at):%Y-%m-%d}",
        ),
    )
    return dispute


def withdraw(session: Session, actor: Actor, dispute_id: int, reason: str) -> Dispute:
    """撤回: the party that opened the dispute withdraws it before a decision."""
    dispute, role = get_dispute(session, actor, dispute_id, for_update=True)
    _need(role, dispute.opened_by)
    _expect(dispute, *ACTIVE, doing=("withdrawn", "撤回"))
    text = _text(reason, "reason")
    _submit(session, actor, dispute, role, "note", text)
    for proposal in dispute.proposals:
        if proposal.status == "pending":
            proposal.status = "lapsed"
    dispute.outcome = "withdrawn"
    dispute.ruling_reasons = text
    dispute.decided_at = clock.now()
    dispute.decided_by = actor.user_id
    dispute.status = "ruled"
    session.flush()
    _record(session, actor, "dispute.withdrawn", dispute, reason=text)
    _tell_handler(session, dispute, "withdrawn", "申请人已撤回", "the applicant withdrew")
    _archive_if_done(session, actor, dispute)
    return dispute


def reassign(session: Session, actor: Actor, dispute_id: int, handler_id: int) -> Dispute:
    """改派: the office's admin gives the case to another of its handlers (e.g. after escalation)."""
    dispute, role = get_dispute(session, actor, dispute_id, for_update=True)
    if not (
        role in ("office", "handler")
        and actor.organisation_id == dispute.office_id
        and actor.has(Role.ORG_ADMIN)
    ):
        raise Forbidden(
            "Only the admin of the dispute's office may reassign it.",
            "仅受理机构的管理员可以改派。",
            code="wrong_role",
        )
    _expect(dispute, *ACTIVE, doing=("reassigned", "改派"))
    if handler_id not in _handlers(session, dispute.office_id):
        raise ValidationFailed(
            "Choose an active handler of the office.",
            "请选择本机构在职的承办人。",
            details={"handler_id": ["not a handler of the office"]},
        )
    before = dispute.handler_id
    dispute.handler_id = handler_id
    if dispute.status == "under_review":
        _to_handler(dispute, clock.now())
    session.flush()
    _record(session, actor, "dispute.reassigned", dispute, handler_id=handler_id, before=before)
    _tell_handler(session, dispute, "assigned", "案件已改派给您", "the case is reassigned to you")
    return dispute


# ---------------------------------------------------------------- mediation


def _pending_proposal(dispute: Dispute) -> MediationProposal | None:
    return next((p for p in dispute.proposals if p.status == "pending"), None)


def _check_effect_terms(
    session: Session, order: Order, refund: Decimal | None, reopen: bool
) -> None:
    if refund is not None:
        refund = cny(refund)
        left = payments.refundable(session, order) if order.status in ("paid", "closed") else None
        if left is None or refund <= 0 or refund > left:
            raise ValidationFailed(
                "A refund needs a paid order and an amount above zero, at most what is left to "
                "refund.",
                "退款须针对已付款订单，金额须大于零且不超过可退金额。",
                code="bad_refund_amount",
                details={"refund_amount": [f"0 < amount <= {left or 0}"]},
            )
    if reopen and order.status not in REOPENABLE:
        raise ValidationFailed(
            "Only an order shipped but not yet paid can be re-opened for a replacement.",
            "仅已发货且尚未付款的订单可以重新履约（换货）。",
            code="cannot_reopen",
            details={"reopen": [f"order status {order.status}"]},
        )


def propose(session: Session, actor: Actor, dispute_id: int, data: dict[str, Any]) -> Dispute:
    """调解: the handler proposes terms (and what the system is to carry out if both accept)."""
    dispute, role = get_dispute(session, actor, dispute_id, for_update=True)
    _need(role, "handler")
    _expect(dispute, "under_review", doing=("put to mediation", "调解"))
    terms = _text(data.get("terms"), "terms")
    refund = data.get("refund_amount")
    reopen = bool(data.get("reopen"))
    order = lock(session, Order, dispute.order_id)
    assert order is not None
    _check_effect_terms(session, order, refund, reopen)
    now = clock.now()
    proposal = MediationProposal(
        terms=terms,
        refund_amount=None if refund is None else cny(refund),
        reopen=reopen,
        status="pending",
        due_at=_due(settings().dispute_mediation_days, now),
        created_by=actor.user_id,
    )
    dispute.proposals.append(proposal)
    _submit(session, actor, dispute, "handler", "proposal", terms)
    dispute.status = "mediation"
    dispute.handler_due_at = None
    dispute.escalated_at = None
    session.flush()
    _record(
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
    _tell_parties(
        session,
        dispute,
        "mediation",
        f"承办人提出调解方案，请在 {clock.local(proposal.due_at):%Y-%m-%d} 前答复",
        f"the handler proposes terms; answer by {clock.local(proposal.due_at):%Y-%m-%d}",
    )
    return dispute


def answer_proposal(
    session: Session, actor: Actor, dispute_id: int, accept: bool, reason: str | None = None
) -> Dispute:
    """A party accepts or declines the pending proposal; both accepting settles the dispute."""
    dispute, role = get_dispute(session, actor, dispute_id, for_update=True)
    _need(role, "purchaser", "supplier")
    _expect(dispute, "mediation", doing=("answered", "答复调解方案"))
    proposal = _pending_proposal(dispute)
    assert proposal is not None
    now = clock.now()
    if now >= proposal.due_at:
        raise Conflict("The time to answer is over.", "答复期限已过。", code="deadline_passed")
    field = f"{role}_accepted_at"
    if getattr(proposal, field) is not None:
        raise Conflict("You have accepted already.", "贵方已接受该方案。", code="already_answered")
    text = _text(reason, "reason", required=not accept)
    _submit(
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
        _to_handler(dispute, now)
        session.flush()
        _record(
            session,
            actor,
            "dispute.mediation_declined",
            dispute,
            proposal_id=proposal.id,
            party=role,
            reason=text,
        )
        _tell_handler(session, dispute, "declined", "调解方案被拒绝", "the proposal was declined")
        return dispute
    setattr(proposal, field, now)
    session.flush()
    _record(
        session, actor, "dispute.mediation_accepted", dispute, proposal_id=proposal.id, party=role
    )
    if proposal.purchaser_accepted_at and proposal.supplier_accepted_at:
        proposal.status = "accepted"
        dispute.status = "settled"
        dispute.outcome = "settled"
        dispute.ruling_reasons = proposal.terms
        dispute.decided_at = now
        session.flush()
        _record(session, SYSTEM, "dispute.settled", dispute, proposal_id=proposal.id)
        order = lock(session, Order, dispute.order_id)
        assert order is not None
        loser = dispute.supplier_id
        effects = []
        if proposal.refund_amount is not None:
            effects.append(("refund", loser, {"amount": str(proposal.refund_amount)}))
        if proposal.reopen:
            effects.append(("reopen", loser, {}))
        _order_effects(session, actor, dispute, order, effects, "settlement")
        _tell_parties(session, dispute, "settled", "调解成功", "settled by mediation")
        _tell_handler(session, dispute, "settled", "调解成功", "settled by mediation")
    return dispute


# ---------------------------------------------------------------- ruling and effects


@dataclass(frozen=True)
class RulingPlan:
    """What a ruling does, worked out from the draft before anything is written: the same plan
    previews the ruling and then carries it out, so the two cannot differ."""

    outcome: str
    reasons: str
    losing_party: str
    losing_org_id: int
    refund_amount: Decimal | None
    reopen: bool
    penalty_points: int | None
    suspension_days: int | None
    order_status: str
    refundable: Decimal | None

    @property
    def effects(self) -> list[tuple[str, int, dict[str, Any]]]:
        loser = self.losing_org_id
        effects: list[tuple[str, int, dict[str, Any]]] = []
        if self.refund_amount is not None:
            effects.append(("refund", loser, {"amount": str(self.refund_amount)}))
        if self.reopen:
            effects.append(("reopen", loser, {}))
        if self.penalty_points is not None:
            effects.append(("credit_penalty", loser, {"points": self.penalty_points}))
        if self.suspension_days is not None:
            effects.append(("suspension", loser, {"days": self.suspension_days}))
        return effects


def _plan_ruling(
    session: Session, actor: Actor, dispute: Dispute, role: str, data: dict[str, Any]
) -> RulingPlan:
    """Check a draft ruling against the dispute and the order; raise as ``rule`` would."""
    _need(role, "handler")
    _expect(dispute, "under_review", doing=("ruled on", "裁决"))
    outcome = data.get("outcome")
    if outcome not in ("upheld", "rejected_no_violation", "rejected_insufficient_evidence"):
        raise ValidationFailed(
            "Choose the outcome.",
            "请选择裁决结果。",
            details={
                "outcome": ["upheld | rejected_no_violation | rejected_insufficient_evidence"]
            },
        )
    reasons = _text(data.get("reasons"), "reasons")
    assert reasons is not None
    loser_party = dispute.respondent if outcome == "upheld" else dispute.opened_by
    loser = dispute.party_org(loser_party)
    refund = data.get("refund_amount")
    reopen = bool(data.get("reopen"))
    points = data.get("penalty_points")
    days = data.get("suspension_days")
    problems: dict[str, list[str]] = {}
    if (refund is not None or reopen) and not (outcome == "upheld" and loser_party == "supplier"):
        problems["refund_amount"] = ["only when a purchaser's dispute against a supplier is upheld"]
    if days is not None and loser_party != "supplier":
        problems["suspension_days"] = ["only a losing supplier can be suspended"]
    if points is not None and not 1 <= points <= MAX_PENALTY_POINTS:
        problems["penalty_points"] = [f"1..{MAX_PENALTY_POINTS}"]
    if days is not None and not 1 <= days <= MAX_SUSPENSION_DAYS:
        problems["suspension_days"] = [f"1..{MAX_SUSPENSION_DAYS}"]
    if days is not None and session.get(SupplierProfile, loser) is None:
        problems["suspension_days"] = ["the supplier is not enrolled"]
    if problems:
        raise ValidationFailed(
            "Some effects do not fit the ruling.",
            "部分处理措施与裁决结果不符。",
            code="bad_effects",
            details=problems,
        )
    order = session.get(Order, dispute.order_id)
    assert order is not None
    _check_effect_terms(session, order, refund, reopen)
    refundable = payments.refundable(session, order) if order.status in ("paid", "closed") else None
    return RulingPlan(
        outcome=outcome,
        reasons=reasons,
        losing_party=loser_party,
        losing_org_id=loser,
        refund_amount=None if refund is None else cny(refund),
        reopen=reopen,
        penalty_points=points,
        suspension_days=days,
        order_status=order.status,
        refundable=refundable,
    )


def preview_ruling(
    session: Session, actor: Actor, dispute_id: int, data: dict[str, Any]
) -> dict[str, Any]:
    """What the draft ruling would do — the losing party, the refund, the order re-opened, the
    credit penalty, the suspension and its end, whether the dispute is archived at once or once
    the refund completes — without writing anything. Only the handler who may rule sees it, and a
    draft that ``rule`` would refuse is refused the same way."""
    dispute, role = get_dispute(session, actor, dispute_id)
    plan = _plan_ruling(session, actor, dispute, role, data)
    now = clock.now()
    loser = session.get(Organisation, plan.losing_org_id)
    refund_pending = plan.refund_amount is not None
    return {
        "dispute_id": dispute.id,
        "number": dispute.number,
        "outcome": plan.outcome,
        "losing_party": plan.losing_party,
        "losing_organisation": {
            "id": plan.losing_org_id,
            "name_zh": loser.name_zh if loser else "",
            "name_en": loser.name_en if loser else "",
        },
        "refund_amount": plan.refund_amount,
        "refundable": plan.refundable,
        "reopen": plan.reopen,
        "order_status": plan.order_status,
        "order_status_after": "confirmed" if plan.reopen else plan.order_status,
        "penalty_points": plan.penalty_points,
        "suspension_days": plan.suspension_days,
        "suspended_until": None
        if plan.suspension_days is None
        else now + timedelta(days=plan.suspension_days),
        "effects": [
            {"kind": kind, "target_org_id": target, "params": params}
            for kind, target, params in plan.effects
        ],
        "archive": "after_refund" if refund_pending else "now",
        "status_after": "ruled" if refund_pending else "archived",
        "releases_payment_hold": True,
    }


def rule(session: Session, actor: Actor, dispute_id: int, data: dict[str, Any]) -> Dispute:
    """裁决: upheld, rejected (no violation) or rejected (insufficient evidence), with written
    reasons, and the effects on the losing party. While the respondent's time to respond runs,
    the handler cannot rule; once it has passed unanswered, the handler may rule on the record."""
    dispute, role = get_dispute(session, actor, dispute_id, for_update=True)
    _need(role, "handler")
    order = lock(session, Order, dispute.order_id)
    assert order is not None
    plan = _plan_ruling(session, actor, dispute, role, data)
    now = clock.now()
    _submit(session, actor, dispute, "handler", "ruling", plan.reasons)
    dispute.status = "ruled"
    dispute.outcome = plan.outcome
    dispute.ruling_reasons = plan.reasons
    dispute.decided_at = now
    dispute.decided_by = actor.user_id
    dispute.handler_due_at = None
    session.flush()
    _record(
        session,
        actor,
        "dispute.ruled",
        dispute,
        outcome=plan.outcome,
        reasons=plan.reasons,
        losing_party=plan.losing_party,
        refund_amount=plan.refund_amount,
        reopen=plan.reopen,
        penalty_points=plan.penalty_points,
        suspension_days=plan.suspension_days,
        respondent_defaulted=dispute.respondent_defaulted,
    )
    _order_effects(session, actor, dispute, order, plan.effects, "ruling")
    zh, en = OUTCOMES[plan.outcome]
    _tell_parties(session, dispute, "ruled", f"已裁决：{zh}", f"ruled: {en.lower()}")
    return dispute


def _order_effects(
    session: Session,
    actor: Actor,
    dispute: Dispute,
    order: Order,
    effects: list[tuple[str, int, dict[str, Any]]],
    source: str,
) -> None:
    """Carry out the effects now — all but refunds, which the gateway completes after the commit —
    then archive the dispute if nothing is left pending."""
    now = clock.now()
    link = {"dispute_id": dispute.id, "decision": source, "outcome": dispute.outcome}
    for kind, target, params in effects:
        effect = DisputeEffect(kind=kind, target_org_id=target, params=params, status="pending")
        dispute.effects.append(effect)
        session.flush()
        link_effect = {**link, "effect_id": effect.id}
        if kind == "refund":
            refund = payments.new_refund(
                session,
                actor,
                order,
                Decimal(params["amount"]),
                f"纠纷 {dispute.number} 处理结果退款 / refund ordered by dispute {dispute.number}",
                **link_effect,
            )
            effect.ref_id = refund.id
        elif kind == "reopen":
            before = order.status
            order.status = "confirmed"
            order.shipped_at = order.delivered_at = order.accepted_at = None
            order.accepted_total = None
            order.updated_at = now
            session.flush()
            record_order(session, actor, "order.reopened", order, before=before, **link_effect)
            effect.status, effect.done_at = "done", now
        elif kind == "credit_penalty":
            record_penalty(
                session,
                actor,
                target,
                params["points"],
                f"纠纷 {dispute.number}：{OUTCOMES[dispute.outcome][0]}",
                **link_effect,
            )
            effect.status, effect.done_at = "done", now
        elif kind == "suspension":
            suspension = impose_suspension(
                session,
                actor,
                target,
                f"纠纷 {dispute.number} 裁决暂停 / suspended by the ruling on dispute {dispute.number}",
                now + timedelta(days=params["days"]),
                **link_effect,
            )
            effect.ref_id = suspension.id
            effect.status, effect.done_at = "done", now
        session.flush()
        _record(
            session,
            actor,
            "dispute.effect",
            dispute,
            effect_id=effect.id,
            kind=kind,
            target_org_id=target,
            params=params,
            effect_status=effect.status,
        )
    _archive_if_done(session, actor, dispute)


def pending_refunds(dispute: Dispute) -> list[int]:
    return [e.ref_id for e in dispute.effects if e.kind == "refund" and e.status == "pending"]


def _archive_if_done(session: Session, actor: Actor, dispute: Dispute) -> bool:
    if dispute.status not in ("ruled", "settled"):
        return False
    if any(e.status == "pending" for e in dispute.effects):
        return False
    now = clock.now()
    dispute.status = "archived"
    dispute.archived_at = dispute.updated_at = now
    order = lock(session, Order, dispute.order_id)
    assert order is not None
    order.payment_held = False
    order.updated_at = now
    session.flush()
    failed = [e.id for e in dispute.effects if e.status == "failed"]
    _record(
        session, actor, "dispute.archived", dispute, outcome=dispute.outcome, failed_effects=failed
    )
    record_order(session, actor, "order.payment_released", order, dispute_id=dispute.id)
    return True


def settle_effects(session: Session, dispute_id: int, actor: Actor = SYSTEM) -> Dispute | None:
    """Mark refunds the gateway has finished as done (or failed) and archive when all are."""
    dispute = lock(session, Dispute, dispute_id)
    if dispute is None or dispute.status not in ("ruled", "settled"):
        return dispute
    now = clock.now()
    for effect in dispute.effects:
        if effect.kind != "refund" or effect.status != "pending" or effect.ref_id is None:
            continue
        refund = session.get(Refund, effect.ref_id)
        if refund is None or refund.status not in ("succeeded", "failed"):
            continue
        effect.status = "done" if refund.status == "succeeded" else "failed"
        effect.done_at = now
        session.flush()
        _record(
            session,
            actor,
            "dispute.effect_settled",
            dispute,
            effect_id=effect.id,
            kind="refund",
            refund_id=refund.id,
            effect_status=effect.status,
        )
    _archive_if_done(session, actor, dispute)
    return dispute


def carry_out_refunds(dispute_id: int) -> None:
    """After the decision has committed: send its refunds to the gateway, then settle what the
    gateway answered (a refund still processing is settled later by ``tick``)."""
    with db.unit_of_work() as session:
        dispute = session.get(Dispute, dispute_id)
        refund_ids = pending_refunds(dispute) if dispute else []
    for refund_id in refund_ids:
        payments.submit_refund(refund_id)
    if refund_ids:
        with db.unit_of_work() as session:
            settle_effects(session, dispute_id)


# ---------------------------------------------------------------- deadlines


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
            _to_handler(dispute, now)
            session.flush()
            _record(
                session,
                actor,
                "dispute.response_missed",
                dispute,
                due_at=dispute.response_due_at,
                handler_due_at=dispute.handler_due_at,
            )
            _tell_parties(
                session,
                dispute,
                "response_missed",
                "答辩期限已过，承办人可依现有材料裁决",
                "the response deadline passed; the handler may rule on the record",
            )
            _tell_handler(
                session,
                dispute,
                "response_missed",
                "被申请人逾期未答辩",
                "the respondent did not respond in time",
            )
            counts["response_missed"] += 1
        elif dispute.status == "awaiting_evidence" and dispute.evidence_due_at <= now:
            party, due = dispute.evidence_from, dispute.evidence_due_at
            _to_handler(dispute, now)
            session.flush()
            _record(session, actor, "dispute.evidence_missed", dispute, party=party, due_at=due)
            _tell_handler(
                session,
                dispute,
                "evidence_missed",
                "当事人逾期未补充证据",
                "the requested evidence did not come in time",
            )
            counts["evidence_missed"] += 1
        elif dispute.status == "mediation":
            proposal = _pending_proposal(dispute)
            if proposal is None or proposal.due_at > now:
                continue
            proposal.status = "lapsed"
            _to_handler(dispute, now)
            session.flush()
            _record(session, actor, "dispute.mediation_lapsed", dispute, proposal_id=proposal.id)
            _tell_handler(
                session,
                dispute,
                "mediation_lapsed",
                "调解方案逾期未获双方接受",
                "the proposal was not accepted in time",
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
            _record(
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
                _message(
                    dispute,
                    "escalated",
                    "承办人逾期未处理，已提交机构督办",
                    "the handler's deadline passed; escalated to the office",
                ),
                role=Role.ORG_ADMIN,
            )
            _tell_handler(
                session,
                dispute,
                "escalated",
                "案件已逾期并提交督办",
                "the case is overdue and escalated",
            )
            counts["escalated"] += 1
        elif dispute.status in ("ruled", "settled"):
            settle_effects(session, dispute.id, actor)
            if dispute.status == "archived":
                counts["archived"] += 1
    return counts


# ---------------------------------------------------------------- reading


def evidence_file(
    session: Session, actor: Actor, dispute_id: int, file_id: int
) -> tuple[DisputeFile, Path]:
    dispute, _ = get_dispute(session, actor, dispute_id)
    row = session.get(DisputeFile, file_id)
    if row is None or row.dispute_id != dispute.id:
        raise NotFound("No such file.", "没有该文件。")
    return row, upload_dir() / row.filename


def allowed_actions(session: Session, actor: Actor, dispute: Dispute, role: str) -> list[str]:
    """What the actor may do now (the page shows these forms)."""
    now = clock.now()
    acts: list[str] = []
    if role in ("purchaser", "supplier"):
        if (
            dispute.status == "awaiting_response"
            and role == dispute.respondent
            and now < dispute.response_due_at
        ):
            acts.append("respond")
        if dispute.status in ACTIVE:
            acts.append("evidence")
            if role == dispute.opened_by:
                acts.append("withdraw")
        if dispute.status == "mediation":
            proposal = _pending_proposal(dispute)
            if (
                proposal
                and getattr(proposal, f"{role}_accepted_at") is None
                and now < proposal.due_at
            ):
                acts.append("answer_proposal")
    if role == "handler" and dispute.status == "under_review":
        acts += ["request_evidence", "propose", "rule"]
    if (
        role in ("handler", "office")
        and actor.organisation_id == dispute.office_id
        and actor.has(Role.ORG_ADMIN)
        and dispute.status in ACTIVE
    ):
        acts.append("reassign")
    return acts


def handlers_of(session: Session, dispute: Dispute) -> list[dict[str, Any]]:
    users = session.scalars(
        select(User).where(User.id.in_(_handlers(session, dispute.office_id))).order_by(User.id)
    )
    return [{"id": u.id, "display_name": u.display_name} for u in users]
