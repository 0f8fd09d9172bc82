"""Database: declarative base with a constraint naming convention, column types, and the unit of work.

Services receive a ``Session`` and only flush. Exactly one boundary commits or rolls back: the request
(``Database.init_app`` hooks), or ``unit_of_work()`` for commands and background jobs. Side effects that
leave the process are queued with ``after_commit`` and run only once the commit succeeded.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from flask import Flask, g, request
from sqlalchemy import BigInteger, DateTime, MetaData, create_engine, event
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.orm import DeclarativeBase, Session
from sqlalchemy.types import TypeDecorator

from core.money import from_fen, to_fen

log = logging.getLogger(__name__)

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class UTCDateTime(TypeDecorator[datetime]):
    """Aware datetimes stored in UTC; naive ones are refused so no local time slips in."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime; use core.clock.now() or an aware datetime")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


class Money(TypeDecorator[Decimal]):
    """CNY amounts as whole fen in a BIGINT column, Decimal with two places in Python."""

    impl = BigInteger
    cache_ok = True

    def process_bind_param(self, value: Decimal | None, dialect: Any) -> int | None:
        return None if value is None else to_fen(value)

    def process_result_value(self, value: int | None, dialect: Any) -> Decimal | None:
        return None if value is None else from_fen(value)


def after_commit(session: Session, callback: Callable[[], None]) -> None:
    """Run ``callback`` after the unit of work commits; dropped if it rolls back."""
    session.info.setdefault("after_commit", []).append(callback)


def _run_after_commit(session: Session) -> None:
    callbacks = session.info.pop("after_commit", [])
    for callback in callbacks:
        try:
            callback()
        except Exception:  # a side effect must not undo a committed change
            log.exception("after-commit callback failed")


def make_engine(url: str) -> Engine:
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 30})

        @event.listens_for(engine, "connect")
        def _sqlite_connect(dbapi_conn: Any, _record: Any) -> None:
            # Let SQLAlchemy emit BEGIN itself so savepoints and transactional DDL work.
            dbapi_conn.isolation_level = None
            cursor = dbapi_conn.cursor()
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute("PRAGMA busy_timeout=30000")
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.close()

        @event.listens_for(engine, "begin")
        def _sqlite_begin(conn: Connection) -> None:
            # Write units take the write lock up front, so two writers never read the same
            # ledger head and then collide on upgrade.
            immediate = conn.get_execution_options().get("sqlite_immediate")
            conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")

        return engine
    return create_engine(url, pool_pre_ping=True, pool_size=20, max_overflow=20)


class Database:
    """Owns the engine and hands out one session per unit of work."""

    def __init__(self) -> None:
        self.engine: Engine | None = None
        # Tests bind every session to one outer connection whose transaction is rolled back.
        self.bind_override: Connection | None = None
        self._autocommit: Engine | None = None

    def init_app(self, app: Flask) -> None:
        self.engine = make_engine(app.config["DATABASE_URL"])
        self._autocommit = None
        app.extensions["db"] = self
        app.after_request(self._finish_request)
        app.teardown_request(self._teardown_request)

    @property
    def dialect(self) -> str:
        assert self.engine is not None
        return self.engine.dialect.name

    def read_session(self) -> Session:
        """A session for reading only, outside any request: on PostgreSQL each statement runs in
        its own snapshot (autocommit), so no BEGIN or ROLLBACK goes to the server. For reads that
        need no two statements to agree, such as the room updates of an auction."""
        if self.bind_override is not None or self.dialect != "postgresql":
            return self.new_session(write=False)
        if self._autocommit is None:
            assert self.engine is not None
            self._autocommit = self.engine.execution_options(isolation_level="AUTOCOMMIT")
        return Session(bind=self._autocommit, expire_on_commit=False)

    def new_session(self, write: bool = True) -> Session:
        if self.bind_override is not None:
            return Session(bind=self.bind_override, join_transaction_mode="create_savepoint")
        session = Session(bind=self.engine, expire_on_commit=False)
        if write and self.dialect == "sqlite":
            session.connection(execution_options={"sqlite_immediate": True})
        return session

    @property
    def session(self) -> Session:
        """The current request's session, created on first use."""
        session = g.get("_db_session")
        if session is None:
            write = request.method not in ("GET", "HEAD", "OPTIONS")
            session = g._db_session = self.new_session(write=write)
        return session

    def _finish_request(self, response: Any) -> Any:
        session: Session | None = g.pop("_db_session", None)
        if session is None:
            return response
        try:
            if response.status_code < 400 or session.info.pop("keep_on_error", False):
                session.commit()
                _run_after_commit(session)
            else:
                session.rollback()
        except Exception:
            session.rollback()
            session.close()
            raise
        session.close()
        return response

    def finish_unit(self) -> None:
        """Commit the request's unit of work now and run its after-commit work; whatever the
        request does next gets a new unit of work. For a request that must call a third party
        only about what is committed (a payment sent to the gateway)."""
        session: Session | None = g.pop("_db_session", None)
        if session is None:
            return
        try:
            session.commit()
        except Exception:
            session.rollback()
            session.close()
            raise
        session.close()
        _run_after_commit(session)

    def _teardown_request(self, _exc: BaseException | None) -> None:
        session: Session | None = g.pop("_db_session", None)
        if session is not None:
            session.rollback()
            session.close()

    @contextmanager
    def unit_of_work(self) -> Iterator[Session]:
        """A unit of work outside a request (commands, jobs): commit on success, else roll back."""
        session = self.new_session(write=True)
        try:
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise
        finally:
            session.close()
        _run_after_commit(session)


db = Database()


def keep_on_error(session: Session) -> None:
    """Ask the request boundary to commit even though the response is an error.

    For records that must survive a refusal, such as a failed sign-in and its ledger entry.
    """
    session.info["keep_on_error"] = True
