"""终止入围供应商 (MALL-8): the solicitor terminates an entrant (``mall.agreements.changes``).

Refusal codes raised here: ``already_terminated`` (409); ``not_an_entrant`` (422).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from core.accounts.auth import Actor
from core.errors import Conflict, ValidationFailed
from core.messages import N_
from mall.agreements import change_common as common
from mall.agreements.change_models import AgreementChange

# ---------------------------------------------------------------- termination


def terminate(
    session: Session, actor: Actor, agreement_id: int, entrant_id: int, data: dict[str, Any]
) -> AgreementChange:
    """终止: the solicitor ends an entrant's place, for a reason, at once."""
    agreement = common._locked(session, actor, agreement_id)
    common._require_solicitor(actor, agreement)
    entrant = next((e for e in agreement.entrants if e.id == entrant_id), None)
    if entrant is None:
        raise ValidationFailed(
            "Pick an entrant of this framework agreement.",
            code="not_an_entrant",
            details={"entrant_id": [entrant_id]},
        )
    if entrant.status == "terminated":
        raise Conflict("This entrant is already terminated.", code="already_terminated")
    rationale = common._rationale(data)
    reason = data["reason"]
    change = common._new_change(
        session,
        actor,
        agreement,
        "party_withdrawal",
        rationale,
        {
            "entrant_id": entrant.id,
            "supplier_id": entrant.supplier_id,
            "rank": entrant.rank,
            "reason": reason,
        },
        entrant,
    )
    previous = entrant.status
    entrant.status = "terminated"
    session.flush()
    common._sign(session, actor, change)
    session.flush()
    common._record(
        session,
        actor,
        "agreement.entrant_terminated",
        agreement,
        change,
        entrant_id=entrant.id,
        supplier_id=entrant.supplier_id,
        rank=entrant.rank,
        previous_status=previous,
        reason=reason,
        rationale=rationale,
    )
    common._tell(
        session,
        [entrant.supplier_id],
        agreement,
        N_("Your place in framework agreement %(number)s %(title)s is terminated"),
        "agreement.entrant_terminated",
    )
    return change
