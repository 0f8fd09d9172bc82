"""The migrations build the whole schema from empty and take it back down (foundation, item 3)."""

from sqlalchemy import create_engine, inspect

from core.db import Base
from tests import dbutil


def test_upgrade_to_head_and_down_to_base(tmp_dir):
    url = dbutil.fresh_url(dbutil.base_url(tmp_dir), "migrations_check", tmp_dir)
    engine = create_engine(url)
    dbutil.upgrade(url)
    tables = set(inspect(engine).get_table_names())
    assert set(Base.metadata.tables) <= tables
    dbutil.downgrade(url, "base")
    assert set(inspect(engine).get_table_names()) <= {"alembic_version"}
    dbutil.upgrade(url)
    assert set(Base.metadata.tables) <= set(inspect(engine).get_table_names())
    engine.dispose()
