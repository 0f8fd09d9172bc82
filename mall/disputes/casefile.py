"""案卷: what the dispute desk shows beside the parties' evidence — the order with its contract and
signatures, acceptance, payments and refunds, and the ledger trail of the order and the dispute."""

from __future__ import annotations

from typing import Any

from sqlalchemy import and_, or_, select
from sqlalchemy.orm import Session

from core import clock
from core.accounts.models import Organisation, User
from mall.contracts import service as contracts
from mall.contracts.models import Contract
from mall.disputes.common import next_deadline
from mall.disputes.models import (
    EFFECT_KINDS,
    OUTCOMES,
    REASONS,
    STATUS_NAMES,
    SUBMISSION_KINDS,
    Dispute,
)
from mall.orders.models import Order
from mall.payments.models import Payment
from supervision.ledger.models import LedgerEntry

TRAIL_LIMIT = 200


def summary(session: Session, dispute: Dispute) -> dict[str, Any]:
    """The dispute's own fields with names and labels, as lists and the queue show them."""
    orgs = {
        o.id: o
        for o in session.scalars(
            select(Organisation).where(
                Organisation.id.in_((dispute.purchaser_id, dispute.supplier_id, dispute.office_id))
            )
        )
    }
    handler = session.get(User, dispute.handler_id) if dispute.handler_id else None
    order = session.get(Order, dispute.order_id)
    assert order is not None
    upcoming = next_deadline(dispute)
    outcome = OUTCOMES.get(dispute.outcome or "")
    return {
        **{c.key: getattr(dispute, c.key) for c in Dispute.__table__.columns},
        "number": dispute.number,
        "order_number": order.number,
        "purchaser_name": orgs[dispute.purchaser_id].name_zh,
        "supplier_name": orgs[dispute.supplier_id].name_zh,
        "office_name": orgs[dispute.office_id].name_zh,
        "handler_name": handler.display_name if handler else None,
        "reason_zh": REASONS[dispute.reason][0],
        "reason_en": REASONS[dispute.reason][1],
        "status_zh": STATUS_NAMES[dispute.status][0],
        "status_en": STATUS_NAMES[dispute.status][1],
        "awaiting": upcoming[0] if upcoming else None,
        "outcome_zh": outcome[0] if outcome else None,
        "outcome_en": outcome[1] if outcome else None,
    }


def detail(session: Session, dispute: Dispute) -> dict[str, Any]:
    """Summary plus the record: submissions with files, proposals, effects."""
    return {
        **summary(session, dispute),
        "submissions": [
            {
                "id": s.id,
                "author": s.author,
                "kind": s.kind,
                "kind_zh": SUBMISSION_KINDS[s.kind][0],
                "kind_en": SUBMISSION_KINDS[s.kind][1],
                "text": s.text,
                "created_at": s.created_at,
                "files": s.files,
            }
            for s in dispute.submissions
        ],
        "proposals": dispute.proposals,
        "effects": [
            {
                **{c.key: getattr(e, c.key) for c in e.__table__.columns},
                "kind_zh": EFFECT_KINDS[e.kind][0],
                "kind_en": EFFECT_KINDS[e.kind][1],
            }
            for e in dispute.effects
        ],
    }


def case_file(session: Session, dispute: Dispute) -> dict[str, Any]:
    order = session.get(Order, dispute.order_id)
    assert order is not None
    contract = session.scalars(select(Contract).where(Contract.order_id == order.id)).first()
    payments = list(
        session.scalars(select(Payment).where(Payment.order_id == order.id).order_by(Payment.id))
    )
    subjects = [("order", str(order.id)), ("dispute", str(dispute.id))]
    if contract is not None:
        subjects.append(("contract", str(contract.id)))
    subjects += [("payment", str(p.id)) for p in payments]
    trail = session.scalars(
        select(LedgerEntry)
        .where(
            or_(
                *(
                    and_(LedgerEntry.subject_type == t, LedgerEntry.subject_id == i)
                    for t, i in subjects
                )
            )
        )
        .order_by(LedgerEntry.seq)
        .limit(TRAIL_LIMIT)
    )
    signatures = []
    contract_info = None
    if contract is not None:
        signatures = [
            {
                "party": s.party,
                "signed_at": s.signed_at,
                "signed_by": s.signed_by,
                "verified": s.verified,
            }
            for s in contracts.signature_status(session, contract)
        ]
        contract_info = {
            "id": contract.id,
            "number": contract.number,
            "sha256": contract.sha256,
            "content_intact": contracts.content_intact(contract),
            "signatures": signatures,
        }
    return {
        "order": {
            "id": order.id,
            "number": order.number,
            "status": order.status,
            "status_zh": order.status_zh,
            "status_en": order.status_en,
            "total": str(order.total),
            "accepted_total": None if order.accepted_total is None else str(order.accepted_total),
            "payment_held": order.payment_held,
            "delivery_address": order.delivery_address,
            "placed_at": _iso(order.placed_at),
            "confirmed_at": _iso(order.confirmed_at),
            "shipped_at": _iso(order.shipped_at),
            "delivered_at": _iso(order.delivered_at),
            "accepted_at": _iso(order.accepted_at),
            "paid_at": _iso(order.paid_at),
            "items": [
                {
                    "title_zh": item.title_zh,
                    "brand": item.brand,
                    "model": item.model,
                    "quantity": item.quantity,
                    "unit_price": str(item.unit_price),
                    "line_total": str(item.line_total),
                }
                for item in order.items
            ],
        },
        "contract": contract_info,
        "acceptances": [
            {
                "decision": a.decision,
                "notes": a.notes,
                "reasons": a.reasons,
                "accepted_total": None if a.accepted_total is None else str(a.accepted_total),
                "recorded_at": _iso(a.recorded_at),
            }
            for a in order.acceptances
        ],
        "attachments": [
            {"name": a.original_name, "sha256": a.sha256, "size": a.size} for a in order.attachments
        ],
        "payments": [
            {
                "id": p.id,
                "amount": str(p.amount),
                "status": p.status,
                "refunded": str(p.refunded),
                "refunds": [
                    {"id": r.id, "amount": str(r.amount), "status": r.status, "reason": r.reason}
                    for r in p.refunds
                ],
            }
            for p in payments
        ],
        "ledger": [
            {
                "seq": e.seq,
                "at": _iso(e.at),
                "action": e.action,
                "subject": f"{e.subject_type}:{e.subject_id}",
                "actor": e.actor_username,
                "hash": e.hash,
            }
            for e in trail
        ],
    }


def _iso(value: Any) -> str | None:
    return None if value is None else clock.local(value).isoformat()
