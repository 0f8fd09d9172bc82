"""Commands: ``flask db upgrade|downgrade|revision``, ``flask demo load``, ``flask users token``."""

from __future__ import annotations

from pathlib import Path

import click
from alembic import command
from alembic.config import Config
from flask import current_app
from flask.cli import AppGroup
from sqlalchemy import select

from core import demo
from core.accounts import service
from core.accounts.auth import actor_for
from core.accounts.models import User
from core.config import PROJECT_ROOT
from core.db import db

db_cli = AppGroup("db", help="Database migrations (Alembic).")
demo_cli = AppGroup("demo", help="Demo data.")
users_cli = AppGroup("users", help="Users and tokens.")


def alembic_config(url: str | None = None) -> Config:
    config = Config()
    config.set_main_option("script_location", str(Path(PROJECT_ROOT) / "migrations"))
    config.set_main_option("file_template", "%%(year)d_%%(month).2d_%%(day).2d_%%(rev)s_%%(slug)s")
    url = url or current_app.config["DATABASE_URL"]
    config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return config


@db_cli.command("upgrade")
@click.argument("revision", default="head")
def upgrade(revision: str) -> None:
    """Apply migrations up to REVISION (default: head)."""
    command.upgrade(alembic_config(), revision)


@db_cli.command("downgrade")
@click.argument("revision")
def downgrade(revision: str) -> None:
    """Revert migrations down to REVISION (e.g. base)."""
    command.downgrade(alembic_config(), revision)


@db_cli.command("revision")
@click.option("-m", "--message", required=True)
@click.option("--autogenerate/--empty", default=True)
def revision(message: str, autogenerate: bool) -> None:
    """Write a new migration file."""
    command.revision(alembic_config(), message=message, autogenerate=autogenerate)


@db_cli.command("current")
def current() -> None:
    command.current(alembic_config())


@demo_cli.command("load")
def load() -> None:
    """Create demo regions, organisations and users (safe to run twice) and print their passwords."""
    with db.unit_of_work() as session:
        for _, _name, loader in demo.loaders():
            for line in loader(session):
                click.echo(line)
    for _, _name, finisher in demo.finishers():
        for line in finisher(db.unit_of_work):
            click.echo(line)


@users_cli.command("token")
@click.argument("username")
@click.option("--name", default="cli")
@click.option("--days", type=int, default=30)
def token(username: str, name: str, days: int) -> None:
    """Issue an API token for USERNAME and print it."""
    with db.unit_of_work() as session:
        user = session.scalars(select(User).where(User.username == username)).first()
        if user is None:
            raise click.ClickException(f"no user {username!r}")
        _, plain = service.issue_token(session, actor_for(user, "token"), name, days)
    click.echo(plain)


@users_cli.command("reset-link")
@click.argument("username")
def reset_link(username: str) -> None:
    """Issue a one-time password link for USERNAME and print it: the way back in for an
    organisation whose only admin is locked out. Pass it on to the user in person."""
    from core.errors import DomainError

    try:
        with db.unit_of_work() as session:
            row, plain = service.issue_recovery_reset(session, username)
            expires = row.expires_at
    except DomainError as error:
        raise click.ClickException(error.message) from error
    click.echo(f"token: {plain}")
    click.echo(f"POST the new password to /api/auth/password-reset/{plain}")
    click.echo(f"expires at {expires.isoformat()} (UTC)")
