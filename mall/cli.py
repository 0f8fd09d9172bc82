"""``flask mall tick`` and ``flask mall reconcile-payments``: the periodic buying jobs."""

from __future__ import annotations

import click
from flask.cli import AppGroup

from core.accounts.auth import SYSTEM
from core.db import db

mall_cli = AppGroup("mall", help="Buying jobs.")


@mall_cli.command("tick")
def tick() -> None:
    """Run the periodic jobs once: orders not confirmed by their deadline lapse, giving back their
    stock and budget funds; paid orders whose supplier has not confirmed the funds within
    MALL_AUTO_CLOSE_DAYS close. Run it from cron every few minutes."""
    from mall import policy
    from mall.orders.service import lapse_unconfirmed
    from mall.payments.service import close_overdue

    with db.unit_of_work() as session:
        lapsed = lapse_unconfirmed(session, SYSTEM)
    with db.unit_of_work() as session:
        closed = close_overdue(session, SYSTEM, policy.settings().auto_close_days)
    click.echo(f"lapsed {len(lapsed)} orders, closed {len(closed)} paid orders")


@mall_cli.command("reconcile-payments")
def reconcile_payments() -> None:
    """Ask the payment gateway about every payment and refund still open and apply its answers;
    payments it never received are sent again with their idempotency key. Run it from cron."""
    from mall.payments.service import reconcile

    counts = reconcile()
    click.echo(
        f"settled {counts['settled']}, still open {counts['open']}, "
        f"sent again {counts['resent']}, gateway unreachable {counts['unreachable']}"
    )
