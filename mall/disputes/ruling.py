"""纠纷化解 (MALL-9): the ruling (裁决) and its preview — one plan, worked out from the draft,
previews what a ruling would do and then carries it out."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy.orm import Session

from catalog.enrolment.models import SupplierProfile
from core import clock
from core.accounts.auth import Actor
from core.accounts.models import Organisation
from core.errors import ValidationFailed
from core.messages import N_, en_zh, translate
from core.money import cny
from mall.disputes.common import (
    MAX_SUSPENSION_DAYS,
    clean_text,
    expect_status,
    get_dispute,
    need_role,
    record_step,
    tell_parties,
)
from mall.disputes.effects import (
    check_effect_terms,
    order_effects,
)
from mall.disputes.filing import submit
from mall.disputes.models import (
    OUTCOMES,
    Dispute,
)
from mall.locks import lock
from mall.orders.models import Order
from mall.payments import refunds
from supervision.credit.service import MAX_PENALTY_POINTS


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
    need_role(role, "handler")
    expect_status(dispute, "under_review", doing=en_zh("ruled on"))
    outcome = data.get("outcome")
    if outcome not in ("upheld", "rejected_no_violation", "rejected_insufficient_evidence"):
        raise ValidationFailed(
            "Choose the outcome.",
            details={
                "outcome": ["upheld | rejected_no_violation | rejected_insufficient_evidence"]
            },
        )
    reasons = clean_text(data.get("reasons"), "reasons")
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
            code="bad_effects",
            details=problems,
        )
    order = session.get(Order, dispute.order_id)
    assert order is not None
    check_effect_terms(session, order, refund, reopen)
    refundable = refunds.refundable(session, order) if order.status in ("paid", "closed") else None
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
    need_role(role, "handler")
    order = lock(session, Order, dispute.order_id)
    assert order is not None
    plan = _plan_ruling(session, actor, dispute, role, data)
    now = clock.now()
    submit(session, actor, dispute, "handler", "ruling", plan.reasons)
    dispute.status = "ruled"
    dispute.outcome = plan.outcome
    dispute.ruling_reasons = plan.reasons
    dispute.decided_at = now
    dispute.decided_by = actor.user_id
    dispute.handler_due_at = None
    session.flush()
    record_step(
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
    order_effects(session, actor, dispute, order, plan.effects, "ruling")
    zh, en = OUTCOMES[plan.outcome]
    ruled = N_("ruled: %(outcome)s")
    tell_parties(
        session,
        dispute,
        "ruled",
        translate(ruled, "en", {"outcome": en.lower()}),
        translate(ruled, "zh", {"outcome": zh}),
    )
    return dispute
