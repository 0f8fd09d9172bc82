"""The supervision ledger: append-only, hash-chained, verifiable, one chain under concurrency (SUP-1)."""

import threading
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.exc import DBAPIError

from core import clock
from core.accounts.auth import SYSTEM
from core.db import db
from supervision.ledger import record, verify
from supervision.ledger.models import GENESIS, LedgerEntry
from supervision.ledger.service import entry_hash


def _last(session):
    return session.scalars(select(LedgerEntry).order_by(LedgerEntry.seq.desc())).first()


def test_entries_chain_by_hash(session):
    previous = _last(session)
    entry = record(
        session,
        SYSTEM,
        "test.recorded",
        ("thing", 7),
        {"price": Decimal("12.30"), "z": 1, "a": "采购"},
    )
    assert entry.seq == previous.seq + 1
    assert entry.prev_hash == previous.hash
    assert entry.hash == entry_hash(entry)
    assert entry.payload == '{"a":"采购","price":"12.30","z":1}'  # canonical JSON


def test_first_entry_links_to_genesis(session):
    first = session.scalars(select(LedgerEntry).order_by(LedgerEntry.seq)).first()
    assert first.seq == 1 and first.prev_hash == GENESIS


def test_verify_passes_on_an_untouched_ledger(app, session):
    assert verify(session).ok
    result = app.test_cli_runner().invoke(args=["ledger", "verify"])
    assert result.exit_code == 0, result.output
    assert "ledger OK" in result.output


def _drop_guards(conn):
    """What a database administrator with full rights could do; the chain must still tell."""
    if conn.dialect.name == "postgresql":
        conn.execute(text("ALTER TABLE ledger_entries DISABLE TRIGGER USER"))
    else:
        conn.execute(text("DROP TRIGGER ledger_entries_no_update"))
        conn.execute(text("DROP TRIGGER ledger_entries_no_delete"))


@pytest.mark.parametrize(
    "tamper",
    [
        'UPDATE ledger_entries SET payload = \'{"ip":"10.0.0.1"}\' WHERE seq = :seq',
        "UPDATE ledger_entries SET actor_username = 'someone' WHERE seq = :seq",
        "DELETE FROM ledger_entries WHERE seq = :seq",
    ],
    ids=["edit-payload", "edit-actor", "delete"],
)
def test_verify_fails_naming_the_tampered_entry(app, session, tamper):
    conn = session.connection()
    seq = 5
    _drop_guards(conn)
    conn.execute(text(tamper), {"seq": seq})
    result = app.test_cli_runner().invoke(args=["ledger", "verify"])
    assert result.exit_code == 1
    assert f"entry {seq}" in result.output


def test_removing_the_last_entry_is_noticed(app, session):
    conn = session.connection()
    head = _last(session).seq
    _drop_guards(conn)
    conn.execute(text("DELETE FROM ledger_entries WHERE seq = :seq"), {"seq": head})
    result = verify(session)
    assert not result.ok and result.first_bad_seq == head


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE ledger_entries SET action = 'x' WHERE seq = 1",
        "DELETE FROM ledger_entries WHERE seq = 1",
    ],
)
def test_the_database_refuses_update_and_delete(session, statement):
    conn = session.connection()
    nested = conn.begin_nested()
    with pytest.raises(DBAPIError, match="append-only"):
        conn.execute(text(statement))
    nested.rollback()
    assert verify(session).ok


def test_a_rolled_back_change_leaves_nothing_on_the_ledger(app):
    with db.unit_of_work() as s:
        before = s.scalar(select(func.count()).select_from(LedgerEntry))
    with pytest.raises(RuntimeError), db.unit_of_work() as s:
        record(s, SYSTEM, "test.doomed", ("thing", 1), {})
        raise RuntimeError("the change failed after recording")
    with db.unit_of_work() as s:
        assert s.scalar(select(func.count()).select_from(LedgerEntry)) == before


def test_a_refused_request_writes_no_entry(login, session):
    count = session.scalar(select(func.count()).select_from(LedgerEntry))
    api = login("operator")
    count = session.scalar(select(func.count()).select_from(LedgerEntry))  # after the sign-in
    response = api.post(
        "/api/organisations",
        json={
            "kind": "supplier",
            "name_zh": "重复",
            "credit_code": "91150105MA0000008X",
            "region_id": 1,
        },
    )
    assert response.status_code == 409
    assert session.scalar(select(func.count()).select_from(LedgerEntry)) == count


def test_concurrent_appends_keep_one_gap_free_chain(app):
    """8 threads append at once, each in its own committed transaction; every entry is there once."""
    threads_n, per_thread = 8, 15
    run = datetime.now(UTC).isoformat()
    errors: list[BaseException] = []
    barrier = threading.Barrier(threads_n)

    def worker(n: int) -> None:
        try:
            barrier.wait()
            for i in range(per_thread):
                with db.unit_of_work() as s:
                    record(s, SYSTEM, "test.concurrent", ("run", run), {"thread": n, "i": i})
        except BaseException as error:  # reported below
            errors.append(error)

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(threads_n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert not errors, errors
    with db.unit_of_work() as s:
        result = verify(s)
        assert result.ok, result
        rows = s.scalars(
            select(LedgerEntry).where(
                LedgerEntry.action == "test.concurrent", LedgerEntry.subject_id == run
            )
        ).all()
        seen = sorted(e.payload for e in rows)
        expected = sorted(
            f'{{"i":{i},"thread":{n}}}' for n in range(threads_n) for i in range(per_thread)
        )
        assert seen == expected
        seqs = s.scalars(select(LedgerEntry.seq).order_by(LedgerEntry.seq)).all()
        assert seqs == list(range(1, len(seqs) + 1))


# ---------------------------------------------------------------- the supervisors' API


def test_supervisor_lists_and_filters_entries(login):
    api = login("supervisor")
    page = api.get("/api/ledger/entries?action=organisation.*&per_page=100").get_json()
    assert page["total"] >= 10
    assert all(e["action"].startswith("organisation.") for e in page["items"])
    seqs = [e["seq"] for e in page["items"]]
    assert seqs == sorted(seqs, reverse=True)
    one = page["items"][0]
    by_subject = api.get(
        f"/api/ledger/entries?subject_type=organisation&subject_id={one['subject_id']}"
    ).get_json()
    assert {e["subject_id"] for e in by_subject["items"]} == {one["subject_id"]}
    by_actor = api.get("/api/ledger/entries?actor=supervisor&action=auth.signin").get_json()
    assert by_actor["total"] >= 1
    assert all(e["actor_username"] == "supervisor" for e in by_actor["items"])
    assert api.get(f"/api/ledger/entries/{one['seq']}").get_json()["hash"] == one["hash"]


def test_time_filters(login):
    api = login("supervisor")
    later = (clock.now() + timedelta(hours=1)).isoformat()
    assert api.get("/api/ledger/entries", query_string={"since": later}).get_json()["total"] == 0
    assert api.get("/api/ledger/entries", query_string={"until": later}).get_json()["total"] > 0
    naive = api.get("/api/ledger/entries", query_string={"since": "2026-01-01T00:00:00"})
    assert naive.status_code == 422


def test_a_city_supervisor_sees_only_its_region(login):
    hohhot = login("supervisor.hohhot")
    region_ids = {
        r["id"] for r in hohhot.get("/api/regions").get_json() if r["code"].startswith("1501")
    }
    entries = hohhot.get("/api/ledger/entries?per_page=100").get_json()["items"]
    assert entries and all(e["region_id"] in region_ids for e in entries)
    baotou = login("supervisor").get("/api/ledger/entries?action=organisation.created&per_page=100")
    baotou_entry = next(
        e for e in baotou.get_json()["items"] if e["payload"]["credit_code"] == "12150203MB0000006X"
    )
    assert hohhot.get(f"/api/ledger/entries/{baotou_entry['seq']}").status_code == 404


def test_non_supervisors_cannot_read_the_ledger(login):
    for username in ("purchaser", "supplier", "operator", "handler"):
        response = login(username).get("/api/ledger/entries")
        assert response.status_code == 403, username
    assert login("supervisor").get("/api/ledger/verify").get_json()["ok"] is True
    assert login("purchaser").get("/api/ledger/verify").status_code == 403


@pytest.fixture
def two_days(session):
    """Two entries either side of midnight in Asia/Shanghai (16:00 UTC): 23:30 on 1 March and
    00:30 on 2 March, local time."""
    try:
        for at, action in (
            ("2026-03-01T15:30:00", "midnight.late_evening"),
            ("2026-03-01T16:30:00", "midnight.after_midnight"),
        ):
            clock.freeze(datetime.fromisoformat(at).replace(tzinfo=UTC))
            record(session, SYSTEM, action, ("test", 1), {})
        session.flush()
    finally:
        clock.unfreeze()


def test_local_date_filters_cut_at_shanghai_midnight(login, two_days):
    """SUP-6: ``from_date``/``to_date`` are days in Asia/Shanghai, both included: an entry at
    16:30 UTC on 1 March belongs to 2 March."""
    api = login("supervisor")

    def actions(**dates):
        query = {"action": "midnight.*", "per_page": 100, **dates}
        return [
            e["action"]
            for e in api.get("/api/ledger/entries", query_string=query).get_json()["items"]
        ]

    assert actions(to_date="2026-03-01") == ["midnight.late_evening"]
    assert actions(from_date="2026-03-02") == ["midnight.after_midnight"]
    assert actions(from_date="2026-03-01", to_date="2026-03-02") == [
        "midnight.after_midnight",
        "midnight.late_evening",
    ]
    assert actions(from_date="2026-03-03") == []
    bad = api.get("/api/ledger/entries", query_string={"from_date": "2026-02-30"})
    assert bad.status_code == 422


def test_actor_organisation_filter_by_name_or_credit_code(login):
    """SUP-6: the actor's organisation, by part of its Chinese or English name (case ignored) or
    its unified credit code; a name that matches no organisation finds nothing."""
    api = login("supervisor")
    login("supervisor.hohhot")

    def actors(org: str) -> set[str]:
        query = {"actor_org": org, "action": "auth.signin", "per_page": 100}
        return {
            e["actor_username"]
            for e in api.get("/api/ledger/entries", query_string=query).get_json()["items"]
        }

    # Other tests may have signed in other users of these organisations (and committed it): each
    # answer holds the users signed in here and only users of the organisations it names.
    hohhot = {"supervisor.hohhot", "finance.admin.hohhot"}
    region = {"supervisor", "monitor"}
    assert "supervisor.hohhot" in actors("呼和浩特市财政局") <= hohhot
    assert "supervisor.hohhot" in actors("hohhot finance") <= hohhot
    assert "supervisor" in actors("11150000mb0000001x") <= region
    assert {"supervisor", "supervisor.hohhot"} <= actors("财政") <= hohhot | region
    assert actors("呼和浩特市财政局X") == set()
    assert actors("%") == set()
