"""``flask auction tick`` and ``flask auction clock``."""

from __future__ import annotations

import click
from flask import current_app
from flask.cli import AppGroup

auction_cli = AppGroup("auction", help="The auction clock.")


@auction_cli.command("tick")
def tick() -> None:
    """Close the volume purchases' demand windows that are due, then open and close the
    auctions that are due, once."""
    from auction.clock import tick as turn

    done = turn(current_app._get_current_object())  # type: ignore[attr-defined]
    pools = done.get("pools") or {}
    click.echo(
        f"opened {done['opened']}, closed {done['closed']}; pool windows ended: "
        f"{len(pools.get('auctioned', []))} to auction, {len(pools.get('failed', []))} failed"
    )


@auction_cli.command("clock")
@click.option("--interval", default=1.0, show_default=True, help="seconds between turns")
def clock(interval: float) -> None:
    """Run the clock in the foreground (for a deployment that keeps it out of the web processes)."""
    from auction.clock import run

    run(current_app._get_current_object(), interval)  # type: ignore[attr-defined]
