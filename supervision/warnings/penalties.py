"""Penalties a closed warning carries out (SUP-2, SUP-4): credit points and restrictions are
supervision's own; a suspension belongs to the catalog's enrolment, which ``mall.app`` registers
(supervision imports nothing above it). ``problems`` checks a penalty before anything is done."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy.orm import Session, object_session

from core.accounts.auth import Actor
from core.accounts.models import Organisation
from supervision.warnings.models import RiskWarning

#: effect name → executor(session, actor, org_id, value, reason, warning_id); the credit penalty is
#: supervision's own, the others are registered by the packages that own them (``mall.app``), as
#: supervision imports nothing above it
Effect = Callable[[Session, Actor, int, int, str, int], Any]
_EFFECTS: dict[str, Effect] = {}
#: effect name → (minimum, maximum) of its value (points or days)
EFFECT_RANGES = {
    "credit_points": (1, 100),
    "suspension_days": (1, 365),
    "restriction_days": (1, 1095),
}


def register_effect(name: str, executor: Effect) -> None:
    """Let a closing penalty execute ``name`` (``suspension_days``, ``restriction_days``)."""
    if name not in EFFECT_RANGES:
        raise KeyError(name)
    _EFFECTS[name] = executor


def _credit_points(
    session: Session, actor: Actor, org_id: int, points: int, reason: str, warning_id: int
) -> Any:
    from supervision.credit.service import record_penalty

    return record_penalty(session, actor, org_id, points, reason, warning_id=warning_id)


def _restriction(
    session: Session, actor: Actor, org_id: int, days: int, reason: str, warning_id: int
) -> Any:
    from supervision.credit import restrictions

    return restrictions.impose(
        session, actor, org_id, days, reason, source="warning", warning_id=warning_id
    )


_EFFECTS["credit_points"] = _credit_points
_EFFECTS["restriction_days"] = _restriction


def problems(effects: dict[str, int], warning: RiskWarning) -> dict[str, list[str]]:
    problems: dict[str, list[str]] = {}
    if not effects:
        problems["penalty"] = ["a penalised finding needs at least one effect"]
    if warning.party_org_id is None:
        problems["penalty"] = ["this warning names no party to penalise"]
    for name, value in effects.items():
        if name not in EFFECT_RANGES:
            problems[name] = ["unknown effect"]
            continue
        low, high = EFFECT_RANGES[name]
        if not isinstance(value, int) or not low <= value <= high:
            problems[name] = [f"{low}..{high}"]
        elif name not in _EFFECTS:
            problems[name] = ["not available"]
    if "suspension_days" in effects and warning.party_org_id is not None:
        party = _session_of(warning).get(Organisation, warning.party_org_id)
        if party is None or party.kind != "supplier":
            problems["suspension_days"] = ["only a supplier can be suspended"]
    return problems


def _session_of(warning: RiskWarning) -> Session:

    session = object_session(warning)
    assert session is not None
    return session


def execute(
    session: Session, actor: Actor, warning: RiskWarning, effects: dict[str, int], reason: str
) -> None:
    """Carry out each effect on the warning's party (checked by ``problems`` first)."""
    for name, value in effects.items():
        _EFFECTS[name](session, actor, warning.party_org_id, value, reason, warning.id)  # type: ignore[arg-type]
