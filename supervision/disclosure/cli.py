"""``flask ocds update`` and ``flask ocds replay --since N``."""

from __future__ import annotations

import click
from flask.cli import AppGroup

from core.db import db
from supervision import readers
from supervision.disclosure import service

ocds_cli = AppGroup("ocds", help="Disclosure: OCDS releases from the ledger.")


@ocds_cli.command("update")
def update_command() -> None:
    """Derive the OCDS releases of the ledger's new entries. The server does this by itself with
    each checkpoint and its periodic jobs."""
    read = service.update_all(db.unit_of_work)
    with db.reading() as session:
        at = readers.position(session, service.READER)
    click.echo(f"read {read} entries; releases at ledger entry {at}")


@ocds_cli.command("replay")
@click.option(
    "--since",
    type=click.IntRange(min=0),
    default=0,
    show_default=True,
    help="ledger sequence to derive again after",
)
def replay_command(since: int) -> None:
    """Derive the releases of the entries after SINCE again (none is made twice)."""
    with db.unit_of_work() as session:
        removed = service.rewind(session, since)
    read = service.update_all(db.unit_of_work)
    click.echo(f"removed {removed} releases after entry {since}; read {read} entries")
