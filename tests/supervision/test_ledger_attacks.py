"""Rewriting the ledger is caught by whoever kept a checkpoint (SUP-1).

The attacker here has the database and the log's signing key — more than an outside probe had.
Three attacks: the last 50 entries deleted and the head moved back (then new entries appended); the
history rewritten from entry 657 with every hash, the tree and a checkpoint recomputed; a middle
entry deleted and everything after it renumbered and rehashed. The independent verifier
(``tools/ledger_verifier.py``, reading the public endpoints) and ``flask ledger verify
--checkpoint`` both reject each one, given a checkpoint kept before the attack; a witness that
accepted the log before refuses it after.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import delete, func, insert, select, text, update

from core.accounts.auth import SYSTEM
from supervision.ledger import checkpoints, record, tree
from supervision.ledger.models import (
    GENESIS,
    LedgerCheckpoint,
    LedgerEntry,
    LedgerHead,
    LedgerNode,
)
from supervision.ledger.service import entry_hash
from tools import ledger_verifier as verifier

BASE = "/api/public/ledger"
ENTRIES = LedgerEntry.__table__
GUARDED = ("ledger_entries", "ledger_tree_nodes", "ledger_checkpoints")


def _head(session) -> int:
    return session.scalar(select(func.max(LedgerEntry.seq))) or 0


def _fill(session, count: int, at_least: int = 0) -> int:
    """Append ``count`` entries (more if the ledger has fewer than ``at_least``); the new head."""
    head = _head(session)
    for i in range(head, max(head + count, at_least)):
        record(session, SYSTEM, "test.filled", ("thing", i), {"price": f"{100 + i}.00"})
    return _head(session)


def _keep(app: Flask, session) -> str:
    made = checkpoints.make(session, checkpoints.signer(app.config))
    assert made is not None
    return made.note


def _guards_off(conn) -> None:
    for table in GUARDED:
        if conn.dialect.name == "postgresql":
            conn.execute(text(f"ALTER TABLE {table} DISABLE TRIGGER USER"))
        else:
            for event in ("update", "delete"):
                conn.execute(text(f"DROP TRIGGER IF EXISTS {table}_no_{event}"))


def _rewrite(app: Flask, session, start: int, change: Callable[[list[dict]], list[dict]]) -> None:
    """Replace the entries from ``start`` on with ``change(entries)``, renumbered and rehashed;
    rebuild the tree, move the head and sign a checkpoint of the result with the log's key."""
    conn = session.connection()
    _guards_off(conn)
    rows = [dict(r) for r in conn.execute(select(ENTRIES).where(ENTRIES.c.seq >= start)).mappings()]
    rows = change(sorted(rows, key=lambda r: r["seq"]))
    previous = conn.scalar(select(ENTRIES.c.hash).where(ENTRIES.c.seq == start - 1)) or GENESIS
    conn.execute(delete(ENTRIES).where(ENTRIES.c.seq >= start))
    for offset, row in enumerate(rows):
        row["seq"], row["prev_hash"] = start + offset, previous
        row["hash"] = previous = entry_hash(SimpleNamespace(**row))  # type: ignore[arg-type]
    if rows:
        conn.execute(insert(ENTRIES), rows)
    head_seq = start - 1 + len(rows)
    conn.execute(delete(LedgerNode.__table__))
    conn.execute(delete(LedgerCheckpoint.__table__))
    edge = tree.build(conn, head_seq, tree.commitment_key(session))
    conn.execute(update(LedgerHead.__table__).values(seq=head_seq, hash=previous, tree_edge=edge))
    session.info.pop("ledger_head", None)
    session.expire_all()
    checkpoints.make(session, checkpoints.signer(app.config))


def _fetch(client) -> Callable[[str], tuple[int, bytes]]:
    def fetch(url: str) -> tuple[int, bytes]:
        answer = client.get(url)
        return answer.status_code, answer.data

    return fetch


def _key(client) -> verifier.VerifierKey:
    return verifier.VerifierKey.parse(client.get(f"{BASE}/key").get_json()["verifier_key"])


def _verify_cli(app: Flask, kept: str, tmp_path: Path) -> Any:
    path = tmp_path / "kept.txt"
    path.write_text(kept, "utf-8")
    return app.test_cli_runner().invoke(args=["ledger", "verify", "--checkpoint", str(path)])


def _tool(client, kept: str, tmp_path: Path, capsys) -> tuple[int, str]:
    path = tmp_path / "kept-for-tool.txt"
    path.write_text(kept, "utf-8")
    key = client.get(f"{BASE}/key").get_json()["verifier_key"]
    code = verifier.main(
        ["--log", BASE, "--key", key, "--checkpoint", str(path)], fetch=_fetch(client)
    )
    return code, capsys.readouterr().err


def test_an_untouched_log_passes_every_check(app, session, client, tmp_path, capsys) -> None:
    kept_size = _fill(session, 20)
    kept = _keep(app, session)
    size = _fill(session, 20)
    _keep(app, session)
    assert verifier.check(verifier.Log(BASE, _fetch(client)), _key(client), kept).size == size
    assert _tool(client, kept, tmp_path, capsys)[0] == 0
    result = _verify_cli(app, kept, tmp_path)
    assert result.exit_code == 0, result.output
    assert f"extends the kept checkpoint of {kept_size}" in result.output


def test_deleting_the_last_50_entries_is_caught(app, session, client, tmp_path, capsys) -> None:
    head = _fill(session, 60)
    kept = _keep(app, session)
    _rewrite(app, session, head - 49, lambda rows: [])  # the last 50 entries gone

    with pytest.raises(verifier.VerifyError, match="the log shrank"):
        verifier.check(verifier.Log(BASE, _fetch(client)), _key(client), kept)
    code, err = _tool(client, kept, tmp_path, capsys)
    assert code == 1 and "the log shrank" in err
    result = _verify_cli(app, kept, tmp_path)
    assert result.exit_code == 1 and "entries were removed" in result.output

    # the attacker appends new entries past the kept size and signs again: still caught
    _fill(session, 80)
    checkpoints.make(session, checkpoints.signer(app.config))
    with pytest.raises(verifier.VerifyError, match="consistency proof"):
        verifier.check(verifier.Log(BASE, _fetch(client)), _key(client), kept)
    result = _verify_cli(app, kept, tmp_path)
    assert result.exit_code == 1 and "kept checkpoint's root" in result.output


def test_rewriting_history_from_entry_657_is_caught(app, session, client, tmp_path, capsys) -> None:
    _fill(session, 10, at_least=700)
    kept = _keep(app, session)

    def cheaper(rows: list[dict]) -> list[dict]:
        assert rows[0]["seq"] == 657
        rows[0]["payload"] = '{"price":"1.00"}'
        return rows

    _rewrite(app, session, 657, cheaper)
    with pytest.raises(verifier.VerifyError, match=r"consistency|two different roots"):
        verifier.check(verifier.Log(BASE, _fetch(client)), _key(client), kept)
    code, err = _tool(client, kept, tmp_path, capsys)
    assert code == 1 and "FAILED" in err
    result = _verify_cli(app, kept, tmp_path)
    assert result.exit_code == 1 and "kept checkpoint's root" in result.output
    # Without a checkpoint kept outside, an attacker holding the database and the key leaves a
    # log that is consistent in itself: that is why checkpoints are published and kept.
    full = app.test_cli_runner().invoke(args=["ledger", "verify", "--full"])
    assert full.exit_code == 0, full.output


def test_deleting_a_middle_entry_and_rewriting_after_it_is_caught(
    app, session, client, tmp_path, capsys
) -> None:
    head = _fill(session, 100)
    kept = _keep(app, session)
    _rewrite(app, session, head - 50, lambda rows: rows[1:])  # one gone, the rest renumbered
    _fill(session, 20)
    checkpoints.make(session, checkpoints.signer(app.config))
    code, err = _tool(client, kept, tmp_path, capsys)
    assert code == 1 and "consistency proof" in err
    assert _verify_cli(app, kept, tmp_path).exit_code == 1


def test_a_witness_accepts_the_log_then_refuses_its_rewrite(
    app, session, client, tmp_path, capsys
) -> None:
    head = _fill(session, 30)
    _keep(app, session)
    state = tmp_path / "witness.txt"
    key = client.get(f"{BASE}/key").get_json()["verifier_key"]
    args = ["--log", BASE, "--key", key, "--state", str(state)]
    assert verifier.main(args, fetch=_fetch(client)) == 0
    first = state.read_text()
    _fill(session, 20)
    _keep(app, session)
    assert verifier.main(args, fetch=_fetch(client)) == 0
    assert state.read_text() != first  # it moved on to the newer checkpoint
    remembered = state.read_text()

    _rewrite(app, session, head - 10, lambda rows: rows[:-1])
    assert verifier.main(args, fetch=_fetch(client)) == 1
    assert state.read_text() == remembered  # a refused log does not move the witness
    assert "the log shrank" in capsys.readouterr().err
