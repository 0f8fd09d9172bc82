"""The supervision ledger as a transparency log (SUP-1, SUP-5): the Merkle tree grows with the
entries in their transaction, proofs served without sign-in verify with the independent verifier,
checkpoints are C2SP signed notes that the verifier accepts, the log refuses to sign a checkpoint
its stored tree does not extend, no personal data is in a leaf, and bad requests get 4xx codes."""

from __future__ import annotations

import base64
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import select, text

from core.accounts.auth import Actor
from core.accounts.roles import Role
from core.db import db
from supervision.ledger import checkpoints, merkle, record, tree
from supervision.ledger.models import LedgerEntry
from tools import ledger_verifier as verifier

BASE = "/api/public/ledger"


def _actor() -> Actor:
    return Actor(
        user_id=1,
        username="zhang.san",
        organisation_id=1,
        region_id=None,
        roles=frozenset({Role.OPERATOR}),
        ip="203.0.113.77",
        device_id="device-4f2a",
    )


def _record(session, n: int, action: str = "test.log") -> list[LedgerEntry]:
    return [record(session, _actor(), action, ("thing", i), {"i": i}) for i in range(n)]


def _sign(app: Flask, session) -> Any:
    return checkpoints.make(session, checkpoints.signer(app.config))


def _fetch(client):
    def fetch(url: str) -> tuple[int, bytes]:
        answer = client.get(url)
        return answer.status_code, answer.data

    return fetch


def test_the_tree_holds_every_entry_as_a_leaf_in_order(app, session) -> None:
    _record(session, 5)
    key = tree.commitment_key(session)
    entries = session.scalars(select(LedgerEntry).order_by(LedgerEntry.seq)).all()
    leaves = [tree.leaf_of(e, key) for e in entries]
    size = tree.size(session)
    assert size == len(entries) == entries[-1].seq
    _, edge = merkle.append(0, [], leaves)
    assert tree.root(session, size) == merkle.fold(edge)
    assert tree.nodes(session, [(0, size - 1)])[(0, size - 1)] == leaves[-1]


def test_a_leaf_carries_no_personal_data(app, session) -> None:
    first, second = _record(session, 2)
    key = tree.commitment_key(session)
    public = tree.entry_bytes(first, key).decode()
    for private in ("zhang.san", "203.0.113.77", "device-4f2a"):
        assert private not in public
    # the same person at the same address gives unlinkable commitments
    commitment = tree.public_entry(first, key)["actor"]["commitment"]
    assert commitment != tree.public_entry(second, key)["actor"]["commitment"]
    # RFC 8785: sorted keys, no whitespace
    assert public.startswith('{"action":"test.log","actor":{"commitment":"')


def test_proofs_served_without_sign_in_verify(app, session, client) -> None:
    _record(session, 40)
    log = verifier.Log(BASE, _fetch(client))
    size = tree.size(session)
    root = tree.root(session, size)
    key = tree.commitment_key(session)
    entries = session.scalars(select(LedgerEntry).order_by(LedgerEntry.seq)).all()
    for entry in entries[-40::7]:
        leaf = tree.leaf_of(entry, key)
        index, proof = log.inclusion(leaf, size)
        assert index == entry.seq - 1
        verifier.verify_inclusion(index, size, leaf, proof, root)
        by_index = client.get(f"{BASE}/proof/inclusion?tree_size={size}&leaf_index={index}")
        assert by_index.get_json()["proof"] == [base64.b64encode(p).decode() for p in proof]
    for older in (1, 2, size // 2, size - 1, size):
        proof = log.consistency(older, size)
        verifier.verify_consistency(older, size, proof, tree.root(session, older), root)


def test_checkpoints_are_signed_notes_the_verifier_accepts(app, session, client) -> None:
    _record(session, 3)
    made = _sign(app, session)
    lines = made.note.split("\n")
    assert lines[0] == app.config["LEDGER_ORIGIN"]
    assert lines[1] == str(tree.size(session))
    assert base64.b64decode(lines[2]) == tree.root(session, tree.size(session))
    assert lines[3] == "" and lines[4].startswith("\u2014 " + app.config["LEDGER_ORIGIN"] + " ")
    assert _sign(app, session) is None  # nothing new, nothing signed

    published = client.get(f"{BASE}/key").get_json()
    key = verifier.VerifierKey.parse(published["verifier_key"])
    served = client.get(f"{BASE}/checkpoint")
    assert served.status_code == 200 and served.mimetype == "text/plain"
    first = verifier.open_note(served.get_data(as_text=True), key)
    assert first.size == made.tree_size

    _record(session, 4)
    later = _sign(app, session)
    latest = verifier.check(verifier.Log(BASE, _fetch(client)), key, made.note)
    assert latest.size == later.tree_size == first.size + 4
    listed = client.get(f"{BASE}/checkpoints?since={first.size}").get_json()["items"]
    assert [c["tree_size"] for c in listed] == [first.size, later.tree_size]

    other = checkpoints.Signer(
        app.config["LEDGER_ORIGIN"], checkpoints.Ed25519PrivateKey.generate()
    )
    forged = other.sign(checkpoints.body(other.origin, later.tree_size, bytes(later.root)))
    with pytest.raises(verifier.VerifyError, match="no signature by"):
        verifier.open_note(forged, key)


def test_the_log_signs_nothing_its_tree_does_not_extend(app, session) -> None:
    _record(session, 6)
    _sign(app, session)
    _record(session, 3)
    conn = session.connection()
    if conn.dialect.name == "postgresql":
        conn.execute(text("ALTER TABLE ledger_tree_nodes DISABLE TRIGGER USER"))
    else:
        conn.execute(text("DROP TRIGGER ledger_tree_nodes_no_update"))
    # the stored tree is rewritten above its leaves
    conn.execute(
        text("UPDATE ledger_tree_nodes SET hash = :h WHERE key >= 1099511627776"),
        {"h": b"\x07" * 32},
    )
    with pytest.raises(checkpoints.LedgerAlarm):
        _sign(app, session)


def test_the_stored_tree_and_checkpoints_refuse_changes(session) -> None:
    _record(session, 2)
    conn = session.connection()
    for statement in (
        "UPDATE ledger_tree_nodes SET hash = hash WHERE key < 10",
        "DELETE FROM ledger_tree_nodes WHERE key < 10",
    ):
        nested = conn.begin_nested()
        with pytest.raises(Exception, match="append-only"):
            conn.execute(text(statement))
        nested.rollback()


@pytest.mark.parametrize(
    ("query", "status", "code"),
    [
        ("/proof/inclusion?tree_size=1", 422, "leaf_unnamed"),
        ("/proof/inclusion?tree_size=1&leaf_index=0&leaf_hash=AA==", 422, "leaf_unnamed"),
        ("/proof/inclusion?tree_size=999999999&leaf_index=0", 422, "tree_size_too_large"),
        ("/proof/inclusion?tree_size=2&leaf_index=2", 422, "leaf_outside_tree"),
        ("/proof/inclusion?tree_size=2&leaf_hash=AAAA", 422, "bad_leaf_hash"),
        ("/proof/inclusion?tree_size=2&leaf_hash=" + "A" * 43 + "=", 404, "no_such_leaf"),
        ("/proof/consistency?from=0&to=2", 422, "bad_sizes"),
        ("/proof/consistency?from=3&to=2", 422, "bad_sizes"),
        ("/proof/consistency?from=1&to=999999999", 422, "tree_size_too_large"),
        ("/proof/consistency?from=x&to=2", 422, "validation_failed"),
    ],
)
def test_bad_requests_get_a_code(session, client, query, status, code) -> None:
    _record(session, 2)
    answer = client.get(BASE + query)
    assert answer.status_code == status, answer.get_json()
    body = answer.get_json()
    assert body["code"] == code and body["message"] and body["message_zh"]


def test_no_checkpoint_yet_is_a_404_with_a_code(app) -> None:
    with db.unit_of_work() as session:
        if checkpoints.latest(session) is not None:
            pytest.skip("a checkpoint was committed by an earlier test")
    answer = app.test_client().get(f"{BASE}/checkpoint")
    assert answer.status_code == 404 and answer.get_json()["code"] == "no_checkpoint"


def test_the_verify_command_checks_the_tree_and_checkpoints(app, session) -> None:
    _record(session, 12)
    _sign(app, session)
    _record(session, 5)
    runner = app.test_cli_runner()
    first = runner.invoke(args=["ledger", "verify"])
    assert first.exit_code == 0, first.output
    assert "1 checkpoints checked" in first.output
    _record(session, 3)
    again = runner.invoke(args=["ledger", "verify"])
    assert again.exit_code == 0, again.output
    assert "this walk: 3 after entry" in again.output  # only what was added since
    full = runner.invoke(args=["ledger", "verify", "--full"])
    assert full.exit_code == 0 and "after entry 0" in full.output


def test_a_ledger_older_than_the_tree_gets_its_tree_on_the_next_append(app, session) -> None:
    """What the migration leaves on a ledger with entries: no tree yet (``tree_edge`` NULL)."""
    _record(session, 3)
    conn = session.connection()
    if conn.dialect.name == "postgresql":
        conn.execute(text("ALTER TABLE ledger_tree_nodes DISABLE TRIGGER USER"))
    else:
        conn.execute(text("DROP TRIGGER ledger_tree_nodes_no_delete"))
    conn.execute(text("DELETE FROM ledger_tree_nodes"))
    conn.execute(text("UPDATE ledger_head SET tree_edge = NULL"))
    session.info.pop("ledger_head", None)
    assert tree.size(session) == 0
    _record(session, 2)
    key = tree.commitment_key(session)
    entries = session.scalars(select(LedgerEntry).order_by(LedgerEntry.seq)).all()
    _, edge = merkle.append(0, [], [tree.leaf_of(e, key) for e in entries])
    assert tree.size(session) == len(entries)
    assert tree.root(session, len(entries)) == merkle.fold(edge)
    result = app.test_cli_runner().invoke(args=["ledger", "verify", "--full"])
    assert result.exit_code == 0, result.output
