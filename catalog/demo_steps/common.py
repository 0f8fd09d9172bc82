"""What every step of the demo loader shares: the operator who approves, a supplier acting for its
organisation, and a clock stopped in the demo's past.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime

from core import clock
from core.accounts.auth import Actor
from core.accounts.models import Organisation
from core.accounts.roles import OrgKind, Role

OPERATOR = Actor(user_id=None, username="demo-operator", roles=frozenset({Role.OPERATOR}))


def supplier_actor(org: Organisation) -> Actor:
    return Actor(
        user_id=None,
        username=f"demo-supplier-{org.id}",
        organisation_id=org.id,
        org_kind=OrgKind.SUPPLIER,
        region_id=org.region_id,
        roles=frozenset({Role.SUPPLIER}),
    )


@contextmanager
def backdated(at: datetime) -> Iterator[None]:
    """Run with the clock stopped at ``at`` (events of the demo's past are recorded when they
    happened); the clock is as it was afterwards."""
    before = clock._frozen
    clock.freeze(at)
    try:
        yield
    finally:
        if before is None:
            clock.unfreeze()
        else:
            clock.freeze(before)
