"""Test database helpers: which database, fresh schemas, running the migrations."""

from __future__ import annotations

import os
from urllib.parse import quote

from alembic import command
from sqlalchemy import create_engine, text

from core.cli import alembic_config
from core.config import _database_url

#: PostgreSQL schemas are named for the test run, so two runs on one database (a developer's and
#: a CI run, say) never drop each other's schemas; ``drop_run_schemas`` removes them at the end.
RUN = os.environ.setdefault("MALL_TEST_RUN", f"r{os.getpid()}")


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
    name = f"{name}_{RUN}"
    engine = create_engine(url)
    with engine.begin() as conn:
        conn.execute(text(f'DROP SCHEMA IF EXISTS "{name}" CASCADE'))
        conn.execute(text(f'CREATE SCHEMA "{name}"'))
    engine.dispose()
    sep = "&" if "?" in url else "?"
    return f"{url}{sep}options={quote(f'-csearch_path={name}')}"


def drop_run_schemas(url: str) -> None:
    """Drop the schemas this run made (PostgreSQL); leftovers of an interrupted run stay."""
    if not is_postgres(url):
        return
    engine = create_engine(url)
    try:
        with engine.begin() as conn:
            conn.execute(text("SET LOCAL lock_timeout = '10s'"))
            names = conn.scalars(
                text(
                    "SELECT schema_name FROM information_schema.schemata WHERE schema_name LIKE :p"
                ),
                {"p": f"%\\_{RUN}"},
            ).all()
            for schema in names:
                conn.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
    finally:
        engine.dispose()


def upgrade(url: str, revision: str = "head") -> None:
    command.upgrade(alembic_config(url), revision)


def downgrade(url: str, revision: str = "base") -> None:
    command.downgrade(alembic_config(url), revision)
