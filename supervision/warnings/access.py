"""Who may see and act on a warning (SUP-2, SUP-6): supervisors on their region and below; a
party only on the warnings on which an explanation was asked of it."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.accounts.auth import Actor
from core.accounts.roles import Role
from core.errors import Forbidden, NotFound
from supervision.warnings.models import RiskWarning


def require_supervisor(actor: Actor) -> None:
    if not actor.has(Role.SUPERVISOR) or not actor.region_path:
        raise Forbidden("Only supervisors handle warnings.", code="supervisor_only")


def visible(actor: Actor) -> Any:
    """The condition on ``RiskWarning`` for what a supervisor sees: its region and below."""
    require_supervisor(actor)
    return RiskWarning.region_path.startswith(actor.region_path or "/")


def get_for_supervisor(
    session: Session, actor: Actor, warning_id: int, lock: bool = False
) -> RiskWarning:
    require_supervisor(actor)
    query = select(RiskWarning).where(RiskWarning.id == warning_id)
    if lock:
        query = query.with_for_update()
    warning = session.scalars(query).first()
    if warning is None or not actor.sees_region(warning.region_path):
        raise NotFound("No such warning.", code="no_such_warning")
    return warning


def get_for_party(
    session: Session, actor: Actor, warning_id: int, lock: bool = False
) -> RiskWarning:
    """A warning about the actor's organisation on which an explanation was asked of it."""
    query = select(RiskWarning).where(RiskWarning.id == warning_id)
    if lock:
        query = query.with_for_update()
    warning = session.scalars(query).first()
    asked = warning is not None and any(s.kind == "explanation_requested" for s in warning.steps)
    if (
        warning is None
        or actor.organisation_id is None
        or warning.party_org_id != actor.organisation_id
        or not asked
    ):
        raise NotFound("No such warning.", code="no_such_warning")
    return warning
