"""Demo call-offs from the demo framework agreements (MALL-8, 第二阶段), through the call-off
services, each step at the time it happened: direct selections (直接选定) that became orders with
their contracts, and rotation call-offs (顺序轮候) taken in turn — one accepted by the entrant whose
turn it was, one declined by it and accepted by the next — so the turn pointer has moved. The last
rotation call-off, placed in the office hours just before the demo is loaded, waits for the demo
user ``supplier`` to answer.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from catalog.demo_steps.common import backdated
from core.accounts.models import Organisation, User
from mall.agreements import placing, rotation
from mall.agreements.calloff_models import CallOff, CallOffOffer
from mall.agreements.models import Agreement, AgreementEntrant
from mall.demo import LINES
from mall.demo_common import at, latest_office_hour, supplier_user, user_actor
from mall.demo_orders import line_for

PHONES = {
    "purchaser": "0471-6612345",
    "purchaser.hospital": "0472-5123456",
    "purchaser.banner": "0479-7321000",
}


@dataclass(frozen=True)
class Step:
    """A call-off: who places it, when (``at`` arguments; None: the latest office hours), by which
    method, the quantity of each item (0: not called off), from which budget line; a direct
    selection names the entrant (a demo username, or a rank) and why; a rotation call-off lists
    the answers in turn — ``None`` accepts, a note declines — each with its time."""

    purchaser: str
    when: tuple[int, int, str] | None
    method: str
    quantities: tuple[int, ...]
    line: str
    entrant: str | int | None = None
    reason: tuple[str, str] | None = None
    answers: tuple[tuple[tuple[int, int, str], str | None], ...] = ()


DESKTOP_CALLOFFS = (
    Step(
        "purchaser",
        (6, 1, "10:30"),
        "direct",
        (12, 0),
        "ZC-001",
        entrant="supplier",
        reason=("service", "本地供应商，24 小时上门安装调试，保障计算机教室按期使用"),
    ),
    Step(
        "purchaser.hospital",
        (4, 2, "09:40"),
        "rotation",
        (0, 10),
        "ZC-001",
        answers=(((4, 2, "14:20"), None),),
    ),
    Step(
        "purchaser.banner",
        (2, 1, "10:10"),
        "rotation",
        (8, 0),
        "ZC-001",
        answers=(
            ((2, 1, "11:30"), "本月库存已排满，无法按期交货，谢绝本次轮候。"),
            ((2, 2, "09:20"), None),
        ),
    ),
    Step("purchaser", None, "rotation", (5, 2), "ZC-001"),
)

PAPER_CALLOFFS = (
    Step(
        "purchaser.hospital",
        (5, 3, "10:00"),
        "direct",
        (200, 30),
        "ZC-002",
        entrant=1,
        reason=("quality", "综合评分第一，纸张质量稳定，适用于病历打印"),
    ),
    Step(
        "purchaser",
        (3, 0, "09:50"),
        "rotation",
        (100, 0),
        "ZC-002",
        answers=(((3, 0, "16:00"), None),),
    ),
)


def _entrant(session: Session, agreement: Agreement, which: str | int) -> AgreementEntrant:
    if isinstance(which, int):
        return next(e for e in agreement.entrants if e.rank == which)
    org_id = session.scalars(select(User.organisation_id).where(User.username == which)).one()
    return next(e for e in agreement.entrants if e.supplier_id == org_id)


def _when(step_time: tuple[int, int, str] | None) -> datetime | None:
    return at(*step_time) if step_time else None


def call_off(session: Session, agreement: Agreement, step: Step) -> CallOff:
    """One call-off as ``step`` says, placed and answered at its times."""
    buyer = user_actor(session, step.purchaser)
    unit = session.get(Organisation, buyer.organisation_id)
    assert unit is not None
    user = session.get(User, buyer.user_id)
    assert user is not None
    items = agreement.solicitation.items
    data = {
        "method": step.method,
        "items": [
            {"item_id": item.id, "quantity": q}
            for item, q in zip(items, step.quantities, strict=True)
            if q
        ],
        "delivery_address": f"{unit.name_zh} 办公室",
        "contact_name": user.display_name,
        "contact_phone": PHONES.get(step.purchaser, "0471-6600000"),
    }
    if step.entrant is not None and step.reason is not None:
        data |= {
            "entrant_id": _entrant(session, agreement, step.entrant).id,
            "reason": step.reason[0],
            "reason_note": step.reason[1],
        }
    with backdated(_when(step.when) or latest_office_hour()):
        data["budget_line_id"] = line_for(
            session, unit, next(x for x in LINES if x[0] == step.line)
        ).id
        calloff = placing.place(session, buyer, agreement.id, data)
    for when, note in step.answers:
        offer = session.scalars(
            select(CallOffOffer).where(
                CallOffOffer.calloff_id == calloff.id, CallOffOffer.status == "offered"
            )
        ).one()
        org = session.get(Organisation, offer.supplier_id)
        assert org is not None
        supplier = supplier_user(session, org)
        with backdated(at(*when)):
            if note is None:
                rotation.accept(session, supplier, offer.id)
            else:
                rotation.decline(session, supplier, offer.id, note)
    return calloff


def load_calloffs(session: Session, agreement: Agreement, steps: tuple[Step, ...]) -> int:
    """The call-offs of ``steps`` from ``agreement``; how many."""
    session.refresh(agreement, ["entrants"])
    for step in steps:
        call_off(session, agreement, step)
    return len(steps)
