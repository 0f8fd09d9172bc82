"""``flask ledger verify | checkpoint | tree``."""

from __future__ import annotations

import sys
from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup

from core.db import db
from supervision.ledger import checkpoints, verification
from supervision.ledger.service import build_tree

ledger_cli = AppGroup("ledger", help="Supervision ledger.")


@ledger_cli.command("verify")
@click.option("--full", is_flag=True, help="Re-check every entry, not only those added since.")
@click.option(
    "--checkpoint",
    "kept",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="A checkpoint kept outside the mall (signed note) that the ledger must still extend.",
)
def verify_command(full: bool, kept: Path | None) -> None:
    """Verify the hash chain, the Merkle tree and the signed checkpoints from where the last
    verification stopped (or from the first entry with --full); exit 1 naming the first fault."""
    session = db.new_session(write=False)
    try:
        report = verification.verify_log(
            session,
            current_app.config,
            full=full,
            kept=kept.read_text("utf-8") if kept else None,
        )
    finally:
        session.close()
    if not report.ok:
        click.echo(f"ledger BROKEN at entry {report.first_bad_seq}: {report.reason}", err=True)
        sys.exit(1)
    with db.unit_of_work() as session:
        verification.save(session, report)
    walked = report.entries - report.started_after
    click.echo(
        f"ledger OK: {report.entries} entries (this walk: {walked} after entry "
        f"{report.started_after}), {report.checkpoints} checkpoints checked, root {report.root}"
        + (f"; extends the kept checkpoint of {report.kept_size}" if kept else "")
    )


@ledger_cli.command("checkpoint")
def checkpoint_command() -> None:
    """Sign a checkpoint of the tree now, if it grew since the last one."""
    try:
        made = checkpoints.make_now(db.unit_of_work, current_app.config)
    except checkpoints.LedgerAlarm as alarm:
        click.echo(f"ALARM: nothing signed: {alarm}", err=True)
        sys.exit(2)
    if made is None:
        click.echo("nothing new to sign")
        return
    click.echo(made.note, nl=False)


@ledger_cli.command("tree")
def tree_command() -> None:
    """Build the Merkle tree over entries written before it existed (the next append would)."""
    with db.unit_of_work() as session:
        built = build_tree(session)
    click.echo(f"tree built over {built} entries" if built else "the tree is up to date")
