"""``flask mall tick`` and ``flask mall reconcile-payments``: the periodic buying jobs."""

from __future__ import annotations

import click
from flask.cli import AppGroup

mall_cli = AppGroup("mall", help="Buying jobs.")


@mall_cli.command("tick")
def tick() -> None:
    """Run the periodic jobs once: orders not confirmed by their deadline lapse, giving back their
    stock and budget funds; paid orders whose supplier has not confirmed the funds within
    MALL_AUTO_CLOSE_DAYS close; disputes whose deadlines passed move on (a missed response lets
    the handler rule, an overdue handler is escalated); framework agreement rotation offers not
    answered in time pass the turn on. The server runs them by itself every
    MALL_TICK_SECONDS; run this from cron when it does not (MALL_TICK_SECONDS=0)."""
    from mall.jobs import run_once

    counts = run_once()
    click.echo(
        f"lapsed {counts['lapsed']} orders, closed {counts['closed']} paid orders; disputes: "
        + ", ".join(
            f"{k.removeprefix('disputes_')} {v}"
            for k, v in counts.items()
            if k.startswith("disputes_")
        )
        + f"; rotation offers timed out {counts['offers_timed_out']}"
    )


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
