"""Planting what the mall records, for the warning rules: the rules read the ledger alone, so a
planted case is the ledger entries the mall writes for it, in the shapes the domain packages write.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import select

from core import clock
from core.accounts.auth import SYSTEM, Actor
from core.accounts.models import Organisation, Region, User
from core.db import db
from supervision.ledger import record
from supervision.warnings import engine
from supervision.warnings.models import RiskWarning
from tests.catalog.conftest import cat  # noqa: F401  (categories and enrolled suppliers)

#: 10:00 in Shanghai on 2026-11-02 (a Monday)
MORNING = datetime(2026, 11, 2, 2, 0, tzinfo=UTC)


@pytest.fixture
def frozen() -> Iterator[None]:
    clock.freeze(MORNING)
    yield
    clock.unfreeze()


@pytest.fixture
def regions(session) -> dict[str, int]:
    return {code: rid for code, rid in session.execute(select(Region.code, Region.id))}


@pytest.fixture
def orgs(session) -> dict[str, Organisation]:
    """The demo organisations by their user's name (``purchaser``, ``supplier`` …)."""
    found = {}
    for user in session.scalars(select(User)):
        found.setdefault(user.username, user.organisation)
    return found


def actor_of(org: Organisation, ip: str | None = None, device: str | None = None) -> Actor:
    return Actor(
        user_id=None,
        username=f"org{org.id}",
        organisation_id=org.id,
        region_id=org.region_id,
        ip=ip,
        device_id=device,
    )


def plant(
    session,
    action: str,
    subject: tuple[str, Any],
    payload: dict[str, Any],
    *,
    actor: Actor = SYSTEM,
    region_id: int | None = None,
    at: datetime | None = None,
):
    """One ledger entry, as the mall records it (at ``at`` on the clock when given)."""
    if at is not None:
        clock.freeze(at)
    return record(session, actor, action, subject, payload, region_id=region_id)


def run(session) -> list[RiskWarning]:
    """Let the engine read up to the head and run its screens; the warnings there are now."""
    engine.update_all(db.unit_of_work)
    engine.screen_all(db.unit_of_work)
    return list(session.scalars(select(RiskWarning).order_by(RiskWarning.id)))


def of_rule(session, rule: str) -> list[RiskWarning]:
    return list(
        session.scalars(
            select(RiskWarning).where(RiskWarning.rule == rule).order_by(RiskWarning.id)
        )
    )


def later(days: float = 0, hours: float = 0) -> datetime:
    return MORNING + timedelta(days=days, hours=hours)
