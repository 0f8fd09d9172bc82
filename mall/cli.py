"""``flask mall tick``: the periodic buying jobs."""

from __future__ import annotations

import click
from flask.cli import AppGroup

from core.accounts.auth import SYSTEM
from core.db import db

mall_cli = AppGroup("mall", help="Buying jobs.")


@mall_cli.command("tick")
def tick() -> None:
    """Run the periodic jobs once: orders not confirmed by their deadline lapse, giving back their
    stock and budget funds. Run it from cron every few minutes."""
    from mall.orders.service import lapse_unconfirmed

    with db.unit_of_work() as session:
        lapsed = lapse_unconfirmed(session, SYSTEM)
    click.echo(f"lapsed {len(lapsed)} orders")
