"""``flask ledger verify``."""

from __future__ import annotations

import sys

import click
from flask.cli import AppGroup

from core.db import db
from supervision.ledger.service import verify

ledger_cli = AppGroup("ledger", help="Supervision ledger.")


@ledger_cli.command("verify")
def verify_command() -> None:
    """Walk the hash chain; exit 1 naming the first entry that does not verify."""
    session = db.new_session(write=False)
    try:
        result = verify(session)
    finally:
        session.close()
    if result.ok:
        click.echo(f"ledger OK: {result.entries} entries, head at {result.head_seq}")
        return
    click.echo(f"ledger BROKEN at entry {result.first_bad_seq}: {result.reason}", err=True)
    sys.exit(1)
