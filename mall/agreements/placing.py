"""下单: a call-off from a framework agreement (MALL-8, 第二阶段), by the method the purchaser asks
for. The checks every call-off passes come first (``calloff_checks``), under the agreement's row
lock; then direct selection (``calloffs.place_direct``), rotation (``rotation.place``) or a method
another package serves (secondary competition: ``calloff_checks.register_method``) takes over.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from core.accounts.auth import Actor
from mall.agreements import rotation
from mall.agreements.calloff_checks import PLACERS, check_agreement, check_items
from mall.agreements.calloff_models import CallOff
from mall.agreements.calloffs import delivery_date, lock_agreement, place_direct
from mall.orders.checkout import check_delivery


def place(session: Session, actor: Actor, agreement_id: int, data: dict[str, Any]) -> CallOff:
    """下单: check everything, then call off by the method asked for."""
    agreement = lock_agreement(session, agreement_id)
    check_agreement(session, actor, agreement, data["method"])
    wanted = check_items(session, agreement, data["items"])
    check_delivery(data)
    delivery_date(data)
    if data["method"] == "rotation":
        return rotation.place(session, actor, agreement, data, wanted)
    if data["method"] in PLACERS:
        return PLACERS[data["method"]](session, actor, agreement, data, wanted)  # type: ignore[no-any-return]
    return place_direct(session, actor, agreement, data, wanted)
