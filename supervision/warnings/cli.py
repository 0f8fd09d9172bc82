"""``flask warnings run | replay RULE --since N | rules``."""

from __future__ import annotations

import click
from flask.cli import AppGroup

from core.db import db
from supervision import readers
from supervision.warnings import engine
from supervision.warnings.rules import RULES

warnings_cli = AppGroup("warnings", help="Warnings (预警) from the ledger.")


@warnings_cli.command("run")
def run_command() -> None:
    """Read the ledger's new entries through the rules and run the screens once (the server does
    this by itself on its clock)."""
    read = engine.update_all(db.unit_of_work)
    raised = engine.screen_all(db.unit_of_work)
    with db.reading() as session:
        at = readers.position(session, engine.READER)
    click.echo(f"read {read} entries (rules at ledger entry {at}); screens raised {raised}")


@warnings_cli.command("replay")
@click.argument("rule", type=click.Choice([rule.code for rule in RULES]))
@click.option(
    "--since",
    type=click.IntRange(min=0),
    default=0,
    show_default=True,
    help="ledger sequence to read again after",
)
def replay_command(rule: str, since: int) -> None:
    """Run RULE again over the ledger after SINCE: it finds the same warnings again and raises
    none twice."""
    read, raised = engine.replay(db.unit_of_work, rule, since)
    click.echo(f"{rule}: read {read} entries after {since}; raised {raised} new warnings")


@warnings_cli.command("rules")
@click.option("--lang", type=click.Choice(["zh", "en"]), default="zh", show_default=True)
def rules_command(lang: str) -> None:
    """List the rules, their level, basis and parameters."""
    for rule in RULES:
        text = engine.rule_text(rule, lang)
        click.echo(f"{rule.code} [{rule.level}] {text['name']}")
        click.echo(f"    {text['basis']}")
        for param in text["params"]:
            click.echo(f"    {param['config_key']} = {param['value']}  ({param['description']})")
