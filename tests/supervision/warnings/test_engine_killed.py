"""The warnings engine killed between a batch and its cursor (SUP-2): a process reads a batch,
raises its warnings, and is killed (SIGKILL) before its transaction commits. Nothing of that batch
stays — no warning, no ``warning.raised`` entry, the cursor where it was — and the next run raises
each warning once. On the test database (a schema of its own on PostgreSQL, a file on SQLite)."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

from sqlalchemy import create_engine, text

from tests import dbutil

ROOT = Path(__file__).resolve().parents[3]

PLANT_AND_DIE = textwrap.dedent(
    """
    import os, signal, sys
    from mall.app import create_app
    from core.accounts import demo as accounts_demo
    from core.accounts.auth import SYSTEM
    from core.accounts.models import Organisation
    from core.db import db
    from sqlalchemy import select
    from supervision import readers
    from supervision.ledger import record
    from supervision.warnings import engine

    app = create_app({"DATABASE_URL": sys.argv[1], "SEARCH_INDEX_PATH": None, "TESTING": True})
    with app.app_context():
        with db.unit_of_work() as s:
            accounts_demo.load(s)
            school = s.scalar(select(Organisation).where(Organisation.name_zh == "呼和浩特市第一中学"))
            for n in (1, 2, 3):
                record(s, SYSTEM, "auction.published", ("auction", 7000 + n),
                       {"number": f"JJ-KILL-{n}", "category_id": 1}, region_id=school.region_id)
                record(s, SYSTEM, "auction.awarded", ("auction", 7000 + n),
                       {"bidder_count": 1, "price": "100.00", "winner_id": None},
                       region_id=school.region_id)

        def raise_then_die(session, entries):
            engine.consume(session, entries)
            session.flush()  # the warnings and their ledger entries are written, not committed
            os.kill(os.getpid(), signal.SIGKILL)

        with db.unit_of_work() as s:
            readers.advance(s, engine.READER, raise_then_die, engine.streaming_actions())
    """
)

RUN_AGAIN = textwrap.dedent(
    """
    import sys
    from mall.app import create_app
    from core.db import db
    from supervision.warnings import engine

    app = create_app({"DATABASE_URL": sys.argv[1], "SEARCH_INDEX_PATH": None, "TESTING": True})
    with app.app_context():
        engine.update_all(db.unit_of_work)
        engine.update_all(db.unit_of_work)
    """
)


def _run(script: str, url: str, instance: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "MALL_INSTANCE_PATH": str(instance)}
    return subprocess.run(
        [sys.executable, "-c", script, url], cwd=ROOT, env=env, capture_output=True, timeout=300
    )


def _counts(url: str) -> tuple[int, int, int]:
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            warnings = conn.scalar(text("SELECT count(*) FROM warnings"))
            raised = conn.scalar(
                text("SELECT count(*) FROM ledger_entries WHERE action = 'warning.raised'")
            )
            cursor = conn.scalar(text("SELECT seq FROM ledger_cursors WHERE name = 'warnings'"))
        return warnings, raised, cursor or 0
    finally:
        engine.dispose()


def test_a_kill_between_the_batch_and_the_cursor_loses_and_doubles_nothing(tmp_path) -> None:
    url = dbutil.fresh_url(dbutil.base_url(str(tmp_path)), "warnings_killed", str(tmp_path))
    dbutil.upgrade(url)
    killed = _run(PLANT_AND_DIE, url, tmp_path)
    assert killed.returncode == -9, killed.stderr.decode()[-2000:]
    assert _counts(url) == (0, 0, 0)
    again = _run(RUN_AGAIN, url, tmp_path)
    assert again.returncode == 0, again.stderr.decode()[-2000:]
    warnings, raised, cursor = _counts(url)
    assert warnings == 3 and raised == 3 and cursor > 0
