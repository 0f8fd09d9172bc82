"""The case of a warning (销号): raised → given to a supervisor of the subject's region, in turn →
investigating (notes; an explanation asked of the party, due in working days, answered on the
party's own page) → closed with a finding (no violation, rectified, penalised — a penalty's
effects executed through the credit and enrolment services). A case not moved by its deadline is
escalated to the region above. Every step is on the ledger, in the step's transaction; a closed
warning is read-only until it is reopened, itself a ledgered step. Who may act: ``access``; what a
penalty carries out: ``penalties``.
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from core import clock, workdays
from core.accounts.auth import SYSTEM, Actor
from core.accounts.models import Organisation, Region, User, UserRole
from core.accounts.roles import Role
from core.errors import Conflict, ValidationFailed
from core.messages import N_, translate
from core.notifications.service import Message, notify
from supervision.ledger import record
from supervision.warnings import penalties
from supervision.warnings.access import get_for_party, get_for_supervisor
from supervision.warnings.models import FINDINGS, RiskWarning, WarningStep

#: working days a supervisor has to move a case before it goes to the region above
HANDLING_DAYS = 10


def _handling_days() -> int:
    from flask import current_app, has_app_context

    if has_app_context():
        return int(current_app.config.get("WARNINGS_HANDLING_DAYS", HANDLING_DAYS))
    return HANDLING_DAYS


def supervisors_of(session: Session, region_id: int) -> list[User]:
    """Active supervisors whose organisation is in exactly this region."""
    query = (
        select(User)
        .join(Organisation, Organisation.id == User.organisation_id)
        .join(UserRole, UserRole.user_id == User.id)
        .where(
            Organisation.region_id == region_id,
            Organisation.active.is_(True),
            User.active.is_(True),
            UserRole.role == Role.SUPERVISOR.value,
        )
        .order_by(User.id)
    )
    return list(session.scalars(query).unique())


def _pick(session: Session, region_id: int | None) -> tuple[User | None, int | None]:
    """The supervisor who takes the next case of the region (the one with the fewest open cases,
    then the one given a case longest ago), looking up the regions while one has none."""
    region = session.get(Region, region_id) if region_id else None
    while region is not None:
        people = supervisors_of(session, region.id)
        if people:
            ids = [user.id for user in people]
            open_counts = dict(
                session.execute(
                    select(RiskWarning.assignee_id, func.count())
                    .where(RiskWarning.assignee_id.in_(ids), RiskWarning.status != "closed")
                    .group_by(RiskWarning.assignee_id)
                ).all()
            )
            last_given = dict(
                session.execute(
                    select(RiskWarning.assignee_id, func.max(RiskWarning.id))
                    .where(RiskWarning.assignee_id.in_(ids))
                    .group_by(RiskWarning.assignee_id)
                ).all()
            )
            chosen = min(
                people, key=lambda u: (open_counts.get(u.id, 0), last_given.get(u.id, 0), u.id)
            )
            return chosen, region.id
        region = region.parent
    return None, region_id


def assign(session: Session, warning: RiskWarning, actor: Actor = SYSTEM) -> User | None:
    """Give a new (or escalated) warning to a supervisor of its handling region, in turn; set its
    deadline; ledger the step."""
    user, region_id = _pick(session, warning.handling_region_id)
    warning.assignee_id = user.id if user else None
    warning.handling_region_id = region_id
    warning.due_at = workdays.calendar().add_working_days(clock.now(), _handling_days())
    warning.updated_at = clock.now()
    step(
        session,
        actor,
        warning,
        "assigned",
        None,
        {"assignee_id": warning.assignee_id, "region_id": region_id, "due_at": warning.due_at},
    )
    return user


def step(
    session: Session,
    actor: Actor,
    warning: RiskWarning,
    kind: str,
    text: str | None,
    data: dict[str, Any],
) -> WarningStep:
    """Record one step of the case: a row and a ``warning.<kind>`` ledger entry."""
    session.flush()
    entry = record(
        session,
        actor,
        f"warning.{kind}",
        ("warning", warning.id),
        {"status": warning.status, "text": text, **data},
        region_id=warning.region_id,
    )
    row = WarningStep(
        warning_id=warning.id,
        kind=kind,
        at=entry.at,
        actor_user_id=actor.user_id,
        actor_org_id=actor.organisation_id,
        text=text,
        data=json.dumps(data, sort_keys=True, ensure_ascii=False, default=_plain),
        seq=entry.seq,
    )
    session.add(row)
    session.flush()
    return row


def _plain(value: Any) -> str:
    if isinstance(value, datetime):
        return value.isoformat()
    return str(value)


def _open(warning: RiskWarning, doing: str) -> None:
    if warning.status == "closed":
        raise Conflict(
            "This warning is closed; reopen it first.",
            code="warning_closed",
            details={"status": warning.status, "doing": doing},
        )


def _moved(warning: RiskWarning, status: str) -> None:
    warning.status = status
    warning.updated_at = clock.now()
    warning.due_at = workdays.calendar().add_working_days(clock.now(), _handling_days())


def _text(text: str | None, field: str = "text", required: bool = True) -> str | None:
    text = (text or "").strip()
    if not text:
        if required:
            raise ValidationFailed("Please write the text.", details={field: ["required"]})
        return None
    if len(text) > 4000:
        raise ValidationFailed(
            "The text is too long (4,000 characters at most).", details={field: ["too long"]}
        )
    return text


# ---------------------------------------------------------------- the steps


def add_note(session: Session, actor: Actor, warning_id: int, text: str) -> RiskWarning:
    """A supervisor's note on the case (研判记录); the case is then under investigation."""
    warning = get_for_supervisor(session, actor, warning_id, lock=True)
    _open(warning, "note")
    body = _text(text)
    if warning.status == "open":
        _moved(warning, "investigating")
    step(session, actor, warning, "noted", body, {})
    return warning


def request_explanation(
    session: Session, actor: Actor, warning_id: int, text: str, days: int | None = None
) -> RiskWarning:
    """Ask the party for an explanation (情况说明), due in ``days`` working days."""
    warning = get_for_supervisor(session, actor, warning_id, lock=True)
    _open(warning, "request_explanation")
    body = _text(text)
    if warning.party_org_id is None:
        raise Conflict("This warning names no party to ask.", code="no_party")
    if warning.status == "awaiting":
        raise Conflict("An explanation is already awaited.", code="explanation_awaited")
    days = days or _explanation_days()
    if not 1 <= days <= 30:
        raise ValidationFailed(
            "The deadline must be 1 to 30 working days.", details={"days": ["1..30"]}
        )
    due = workdays.calendar().add_working_days(clock.now(), days)
    _moved(warning, "awaiting")
    warning.explanation_due_at = due
    warning.due_at = due
    step(session, actor, warning, "explanation_requested", body, {"due_at": due, "days": days})
    notify(
        session,
        [warning.party_org_id],
        _message(
            warning, N_("Explanation requested on warning %(number)s"), "explanation_requested"
        ),
    )
    return warning


def answer(session: Session, actor: Actor, warning_id: int, text: str) -> RiskWarning:
    """The party's explanation; the case goes back to its supervisor."""
    warning = get_for_party(session, actor, warning_id, lock=True)
    if warning.status != "awaiting":
        raise Conflict(
            "No explanation is awaited on this warning.",
            code="no_explanation_awaited",
            details={"status": warning.status},
        )
    body = _text(text)
    late = warning.explanation_due_at is not None and clock.now() > warning.explanation_due_at
    _moved(warning, "answered")
    warning.explanation_due_at = None
    step(session, actor, warning, "answered", body, {"late": late})
    if warning.assignee_id is not None:
        notify(
            session,
            [_org_of(session, warning.assignee_id)],
            _message(warning, N_("Explanation received on warning %(number)s"), "answered"),
            user_id=warning.assignee_id,
        )
    return warning


def close(
    session: Session,
    actor: Actor,
    warning_id: int,
    finding: str,
    text: str,
    penalty: dict[str, int] | None = None,
) -> RiskWarning:
    """销号: close with a finding; ``penalised`` executes each effect of ``penalty``
    (``credit_points``, ``suspension_days``, ``restriction_days``) on the party."""
    warning = get_for_supervisor(session, actor, warning_id, lock=True)
    _open(warning, "close")
    body = _text(text)
    if finding not in FINDINGS:
        raise ValidationFailed(
            "The finding must be no violation, rectified or penalised.",
            details={"finding": [f"one of {', '.join(FINDINGS)}"]},
        )
    effects = {name: value for name, value in (penalty or {}).items() if value}
    if finding == "penalised":
        problems = penalties.problems(effects, warning)
        if problems:
            raise ValidationFailed("The penalty is not valid.", details=problems)
    elif effects:
        raise ValidationFailed(
            "Only a penalised finding carries a penalty.",
            details={"penalty": ["only when penalised"]},
        )
    warning.status = "closed"
    warning.finding = finding
    warning.closed_at = clock.now()
    warning.updated_at = clock.now()
    warning.due_at = None
    warning.explanation_due_at = None
    step(session, actor, warning, "closed", body, {"finding": finding, "penalty": effects})
    reason = _reason(warning, body or "")
    penalties.execute(session, actor, warning, effects, reason)
    if warning.party_org_id is not None and any(
        s.kind == "explanation_requested" for s in warning.steps
    ):
        notify(
            session,
            [warning.party_org_id],
            _message(warning, N_("Warning %(number)s was closed"), "closed"),
        )
    return warning


def reopen(session: Session, actor: Actor, warning_id: int, text: str) -> RiskWarning:
    """Reopen a closed warning (a new step; what was closed stays on the ledger)."""
    warning = get_for_supervisor(session, actor, warning_id, lock=True)
    if warning.status != "closed":
        raise Conflict("Only a closed warning can be reopened.", code="warning_not_closed")
    body = _text(text)
    _moved(warning, "investigating")
    warning.finding = None
    warning.closed_at = None
    step(session, actor, warning, "reopened", body, {})
    return warning


def escalate_overdue(session: Session, actor: Actor = SYSTEM) -> list[RiskWarning]:
    """Cases whose deadline passed go to the supervisors of the region above (逾期上报); a case in
    the top region stays there, and is marked overdue once."""
    now = clock.now()
    due = list(
        session.scalars(
            select(RiskWarning)
            .where(RiskWarning.status != "closed", RiskWarning.due_at < now)
            .order_by(RiskWarning.id)
            .with_for_update()
        )
    )
    moved = []
    for warning in due:
        if warning.status == "awaiting":
            # The party missed its deadline: back to the supervisor, noted.
            warning.status = "answered"
            warning.explanation_due_at = None
            warning.due_at = workdays.calendar().add_working_days(now, _handling_days())
            step(session, actor, warning, "explanation_missed", None, {})
            continue
        region = (
            session.get(Region, warning.handling_region_id) if warning.handling_region_id else None
        )
        if region is None or region.parent_id is None:
            warning.due_at = None  # nowhere higher: stays on the top region's desk, overdue
            step(
                session, actor, warning, "overdue", None, {"region_id": warning.handling_region_id}
            )
            continue
        was = warning.handling_region_id
        warning.handling_region_id = region.parent_id
        step(
            session,
            actor,
            warning,
            "escalated",
            None,
            {"from_region_id": was, "to_region_id": region.parent_id},
        )
        assign(session, warning, actor)
        moved.append(warning)
    return moved


def _reason(warning: RiskWarning, text: str) -> str:
    return f"{translate(N_('Warning'), 'zh')} {number(warning)}: {text}"[:500]


def number(warning: RiskWarning) -> str:
    """The warning's number as people read it (YJ + raised day + id)."""
    return f"YJ{clock.local(warning.raised_at).strftime('%Y%m%d')}{warning.id:06d}"


def _message(warning: RiskWarning, title: str, kind: str) -> Message:
    params = {"number": number(warning)}
    return Message(
        kind=f"warning.{kind}",
        title_zh=translate(title, "zh", params),
        title_en=translate(title, "en", params),
        link=f"/warnings/{warning.id}",
        subject=("warning", warning.id),
    )


def _org_of(session: Session, user_id: int) -> int:
    return session.get(User, user_id).organisation_id  # type: ignore[union-attr]


def _explanation_days() -> int:
    from flask import current_app, has_app_context

    if has_app_context():
        return int(current_app.config.get("WARNINGS_EXPLANATION_DAYS", 5))
    return 5
