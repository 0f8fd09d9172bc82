"""The warnings engine (SUP-2): rules read the ledger through one cursor that moves with the
warnings a batch raised; a crash between the two loses and doubles nothing; a replay finds the same
warnings and raises none twice; each warning is given to a supervisor of its region, in turn, and
its raising is on the ledger."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import func, select

from core.db import db
from supervision import readers
from supervision.ledger.models import LedgerEntry
from supervision.warnings import engine
from supervision.warnings.models import RiskWarning, WarningStep
from supervision.warnings.rules import RULES, by_code
from tests.supervision.warnings.conftest import actor_of, later, of_rule, plant, run


def auction(session, orgs, regions, number, bidders, *, at_day=0):
    """An auction published by the demo purchaser and awarded with ``bidders`` bidders."""
    purchaser = orgs["purchaser"]
    auction_id = 900000 + number
    plant(
        session,
        "auction.published",
        ("auction", auction_id),
        {
            "number": f"JJ2026110{number:07d}",
            "category_id": 15,
            "ceiling": "5000.00",
            "status": "published",
        },
        actor=actor_of(purchaser),
        at=later(at_day),
    )
    return plant(
        session,
        "auction.awarded",
        ("auction", auction_id),
        {
            "bidder_count": bidders,
            "bid_count": 3,
            "price": "4800.00",
            "winner_id": orgs["supplier"].id,
        },
        region_id=purchaser.region_id,
        at=later(at_day, hours=1),
    )


def test_a_single_bidder_award_raises_a_yellow_warning_and_two_bidders_do_not(
    session, app_ctx, orgs, regions, frozen
):
    """SUP-2, AUC-3 (R018): planted — one bidder; near miss — two bidders."""
    single = auction(session, orgs, regions, 1, bidders=1)
    auction(session, orgs, regions, 2, bidders=2)
    run(session)
    (warning,) = of_rule(session, "single_bidder")
    assert warning.level == "yellow"
    assert warning.subject_type == "auction" and warning.subject_id == str(900001)
    assert warning.party_org_id == orgs["purchaser"].id
    assert json.loads(warning.facts)["bidders"] == 1
    assert single.seq in {item.seq for item in warning.evidence}
    # Raised on the ledger, in the same transaction, and given to a supervisor of the region.
    raised = session.get(LedgerEntry, warning.seq)
    assert (
        raised.action == "warning.raised" and json.loads(raised.payload)["rule"] == "single_bidder"
    )
    assert warning.assignee_id is not None and warning.due_at is not None
    assert [s.kind for s in warning.steps] == ["assigned"]


def test_a_replay_finds_the_same_warnings_and_raises_none_twice(
    session, app_ctx, orgs, regions, frozen
):
    """SUP-2: ``flask warnings replay RULE --since``."""
    auction(session, orgs, regions, 3, bidders=1)
    run(session)
    before = session.scalar(select(func.count(RiskWarning.id)))
    read, raised = engine.replay(db.unit_of_work, "single_bidder", since=0)
    assert read >= 2 and raised == 0
    assert session.scalar(select(func.count(RiskWarning.id))) == before
    # Run again through the cursor: nothing new either.
    assert run(session) and session.scalar(select(func.count(RiskWarning.id))) == before


def test_a_crash_between_the_batch_and_the_cursor_loses_and_doubles_nothing(
    session, app_ctx, orgs, regions, frozen
):
    """SUP-2: the warnings of a batch and the cursor's move commit together or not at all."""
    auction(session, orgs, regions, 4, bidders=1)
    start = readers.position(session, engine.READER)

    def crashing(s, entries):
        engine.consume(s, entries)
        assert s.scalar(
            select(func.count(RiskWarning.id)).where(RiskWarning.rule == "single_bidder")
        )
        raise RuntimeError("killed between the batch and the cursor")

    with pytest.raises(RuntimeError), db.unit_of_work() as s:
        readers.advance(s, engine.READER, crashing, engine.streaming_actions())
    assert of_rule(session, "single_bidder") == []
    assert readers.position(session, engine.READER) == start
    run(session)
    assert len(of_rule(session, "single_bidder")) == 1
    assert session.scalar(
        select(func.count(LedgerEntry.seq)).where(LedgerEntry.action == "warning.raised")
    ) == session.scalar(select(func.count(RiskWarning.id)))


def test_warnings_go_to_the_regions_supervisors_in_turn(session, app_ctx, orgs, regions, frozen):
    """SUP-2, SUP-6: each new warning goes to the supervisor with the fewest open cases."""
    for n in range(5, 9):
        auction(session, orgs, regions, n, bidders=1)
    run(session)
    given = [w.assignee_id for w in of_rule(session, "single_bidder")]
    assert len(given) == 4 and None not in given
    counts = {user: given.count(user) for user in set(given)}
    assert max(counts.values()) - min(counts.values()) <= 1


def test_every_rule_names_its_basis_and_documents_its_parameters():
    """SUP-2: supervisors can read every rule's text and parameters."""
    assert len({rule.code for rule in RULES}) == len(RULES)
    for rule in RULES:
        assert rule.code and rule.name and rule.basis and rule.description and rule.summary
        assert rule.level in ("red", "orange", "yellow")
        assert rule.actions or rule.screens
        for param in rule.params:
            assert param.description and param.default is not None
        assert by_code(rule.code) is rule


def test_the_steps_are_on_the_ledger(session, app_ctx, orgs, regions, frozen):
    auction(session, orgs, regions, 9, bidders=1)
    run(session)
    for step in session.scalars(select(WarningStep)):
        entry = session.get(LedgerEntry, step.seq)
        assert entry.action == f"warning.{step.kind}" and entry.subject_id == str(step.warning_id)


def test_the_periodic_screens_run_at_most_every_so_often(session, app_ctx, frozen):
    """SUP-2: the jobs' screening (a window of the ledger each time) waits its interval; a
    screening asked for directly always runs."""
    from datetime import timedelta

    from core import clock

    with db.unit_of_work() as s:
        before = readers.lock_cursor(s, engine.SCREEN_LOCK).seq
    engine.screen_all(db.unit_of_work, every=3600)
    engine.screen_all(db.unit_of_work, every=3600)
    assert readers.position(session, engine.SCREEN_LOCK) == before + 1
    clock.freeze(clock.now() + timedelta(hours=1, seconds=1))
    engine.screen_all(db.unit_of_work, every=3600)
    assert readers.position(session, engine.SCREEN_LOCK) == before + 2
