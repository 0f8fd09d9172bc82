"""``flask prices update`` and ``flask prices replay --since N``."""

from __future__ import annotations

import click
from flask.cli import AppGroup

from core.db import db
from supervision import readers
from supervision.prices import service

prices_cli = AppGroup("prices", help="Price statistics from the ledger.")


@prices_cli.command("update")
def update_command() -> None:
    """Read the ledger's new transactions into the price statistics (and record the anomalies
    among them). The server does this by itself with its periodic jobs."""
    read = service.update_all(db.unit_of_work)
    with db.reading() as session:
        at = readers.position(session, service.READER)
    click.echo(f"read {read} transaction entries; statistics at ledger entry {at}")


@prices_cli.command("replay")
@click.option(
    "--since",
    type=click.IntRange(min=0),
    default=0,
    show_default=True,
    help="ledger sequence to derive again after",
)
def replay_command(since: int) -> None:
    """Derive the samples and statistics of the entries after SINCE again from the ledger (no
    sample or anomaly is made twice)."""
    with db.unit_of_work() as session:
        removed = service.rewind(session, since)
    read = service.update_all(db.unit_of_work)
    click.echo(f"removed {removed} samples after entry {since}; read {read} transaction entries")
