"""Test database helpers: which database, fresh schemas, running the migrations."""

from __future__ import annotations

import os
from urllib.parse import quote

from alembic import command
from sqlalchemy import create_engine, text

from core.cli import alembic_config
from core.config import _database_url


def base_url(tmp_dir: str) -> str:
    raw = os.environ.get("TEST_DATABASE_URL")
    if raw:
        return _database_url(raw, None)  # type: ignore[arg-type]
    return f"sqlite:///{tmp_dir}/test.sqlite3"


def is_postgres(url: str) -> bool:
    return url.startswith("postgresql")


def fresh_url(url: str, name: str, tmp_dir: str) -> str:
    """A database (SQLite file) or schema (PostgreSQL) of its own, empty, for ``name``."""
    if not is_postgres(url):
        path = f"{tmp_dir}/{name}.sqlite3"
        for suffix in ("", "-wal", "-shm"):
            if os.path.exists(path + suffix):
                os.remove(path + suffix)
        return f"sqlite:///{path}"
    engine = create_engine(url)
    with engine.begin() as conn:
        conn.execute(text(f'DROP SCHEMA IF EXISTS "{name}" CASCADE'))
        conn.execute(text(f'CREATE SCHEMA "{name}"'))
    engine.dispose()
    sep = "&" if "?" in url else "?"
    return f"{url}{sep}options={quote(f'-csearch_path={name}')}"


def upgrade(url: str, revision: str = "head") -> None:
    command.upgrade(alembic_config(url), revision)


def downgrade(url: str, revision: str = "base") -> None:
    command.downgrade(alembic_config(url), revision)
