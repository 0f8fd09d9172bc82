"""Database: declarative base with a constraint naming convention, column types, and the unit of work.

Services receive a ``Session`` and only flush. Exactly one boundary commits or rolls back: the request
(``Database.init_app`` hooks), or ``unit_of_work()`` for commands and background jobs. Side effects that
leave the process are queued with ``after_commit`` and run only once the commit succeeded.

On SQLite one connection writes at a time. A write unit of work first waits its turn among the
writers of this process (a lock that gevent's cooperative threads wait on without stopping the
others), then opens with ``BEGIN IMMEDIATE``, which takes the database's write lock at once and is
retried with short pauses while another process holds it. Under gevent every wait inside SQLite
stops the whole process, so SQLite itself waits at most ``COOPERATIVE_BUSY_MS``; longer waits are
cooperative sleeps. Readers never wait for writers (WAL) and take no turn.
"""

from __future__ import annotations

import logging
import sqlite3
import sys
import threading
import time
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

from core.errors import DomainError
from core.messages import N_
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


#: How long a SQLite writer waits for its turn in this process, and again for the database's write
#: lock while another process holds it, before the unit of work is refused as busy.
WRITE_WAIT_SECONDS = 30.0
#: How long SQLite itself waits on a lock under gevent (blocking every connection of the process).
COOPERATIVE_BUSY_MS = 50
#: ... and in a process of ordinary threads (commands, tests), where only the caller waits.
THREADED_BUSY_MS = 30_000


class DatabaseBusy(DomainError):
    """A writer waited ``WRITE_WAIT_SECONDS`` for the embedded database and did not get it."""

    status = 503
    code = "database_busy"
    message = N_("The database is busy; try again in a moment.")


def _cooperative() -> bool:
    """Whether this process runs gevent's cooperative threads (the gunicorn worker)."""
    monkey = sys.modules.get("gevent.monkey")
    return monkey is not None and bool(monkey.is_module_patched("threading"))


def _locked(error: sqlite3.OperationalError) -> bool:
    code = getattr(error, "sqlite_errorcode", None)
    return (code & 0xFF) == sqlite3.SQLITE_BUSY if code is not None else "locked" in str(error)


def _begin_immediate(dbapi_conn: sqlite3.Connection) -> None:
    """``BEGIN IMMEDIATE``, again after a short pause (``time.sleep``, cooperative under gevent)
    while another process holds the write lock, for at most ``WRITE_WAIT_SECONDS``."""
    deadline = time.monotonic() + WRITE_WAIT_SECONDS
    pause = 0.005
    while True:
        try:
            dbapi_conn.execute("BEGIN IMMEDIATE")
            return
        except sqlite3.OperationalError as error:
            if not _locked(error):
                raise
            if time.monotonic() >= deadline:
                raise DatabaseBusy() from error
        time.sleep(pause)
        pause = min(pause * 2, 0.1)


class WriterTurn:
    """One writer at a time in this process (SQLite). Waiting is on a ``threading`` lock, which
    under gevent's monkey-patching is a cooperative one; the writer that holds the turn keeps
    running while the others wait."""

    def __init__(self, timeout: float = WRITE_WAIT_SECONDS) -> None:
        self.timeout = timeout
        self._lock = threading.Lock()
        self._holder: int | None = None

    def take(self) -> None:
        me = threading.get_ident()
        if self._holder == me:
            # A second writer in the same thread would wait for the first one forever.
            raise RuntimeError("a write unit of work is already open in this thread")
        if not self._lock.acquire(timeout=self.timeout):
            raise DatabaseBusy()
        self._holder = me

    def give_back(self) -> None:
        self._holder = None
        self._lock.release()


class _WriteSession(Session):
    """A session whose every transaction writes: on SQLite it holds its process's writer turn
    (``info["writer_turn"]``) from the start of each transaction to its end."""


@event.listens_for(_WriteSession, "after_transaction_create")
def _take_turn(session: Session, transaction: Any) -> None:
    turn: WriterTurn | None = session.info.get("writer_turn")
    if turn is not None and transaction.parent is None:
        turn.take()
        session.info["turn_held_by"] = transaction


@event.listens_for(_WriteSession, "after_transaction_end")
def _give_back_turn(session: Session, transaction: Any) -> None:
    if session.info.get("turn_held_by") is transaction:
        del session.info["turn_held_by"]
        session.info["writer_turn"].give_back()


def make_engine(url: str) -> Engine:
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"check_same_thread": False})

        @event.listens_for(engine, "connect")
        def _sqlite_connect(dbapi_conn: Any, _record: Any) -> None:
            # Let SQLAlchemy emit BEGIN itself so savepoints and transactional DDL work.
            dbapi_conn.isolation_level = None
            busy = COOPERATIVE_BUSY_MS if _cooperative() else THREADED_BUSY_MS
            cursor = dbapi_conn.cursor()
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute(f"PRAGMA busy_timeout={busy}")
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.close()

        @event.listens_for(engine, "begin")
        def _sqlite_begin(conn: Connection) -> None:
            # Write units take the write lock up front, so two writers never read the same
            # ledger head and then collide on upgrade.
            if conn.get_execution_options().get("sqlite_immediate"):
                _begin_immediate(conn.connection.dbapi_connection)  # type: ignore[arg-type]
            else:
                conn.exec_driver_sql("BEGIN")

        return engine
    return create_engine(url, pool_pre_ping=True, pool_size=20, max_overflow=20)


class Database:
    """Owns the engine and hands out one session per unit of work."""

    def __init__(self) -> None:
        self.engine: Engine | None = None
        # Tests bind every session to one outer connection whose transaction is rolled back.
        self.bind_override: Connection | None = None
        self._autocommit: Engine | None = None
        self._immediate: Engine | None = None
        self._turn: WriterTurn | None = None

    def init_app(self, app: Flask) -> None:
        self.engine = make_engine(app.config["DATABASE_URL"])
        self._autocommit = None
        if self.engine.dialect.name == "sqlite":
            # Made here, in the server's worker, so that under gevent the lock is a cooperative one.
            self._immediate = self.engine.execution_options(sqlite_immediate=True)
            self._turn = WriterTurn()
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
        """A session of its own. A writing one on SQLite begins at once: it waits for its turn
        among this process's writers, then for the database's write lock (``BEGIN IMMEDIATE``),
        and holds both until it commits or rolls back; ``DatabaseBusy`` if either takes longer
        than ``WRITE_WAIT_SECONDS``."""
        if self.bind_override is not None:
            return Session(bind=self.bind_override, join_transaction_mode="create_savepoint")
        if not (write and self._turn is not None):
            return Session(bind=self.engine, expire_on_commit=False)
        session = _WriteSession(
            bind=self._immediate, expire_on_commit=False, info={"writer_turn": self._turn}
        )
        try:
            session.connection()
        except BaseException:
            session.close()
            raise
        return session

    @property
    def session(self) -> Session:
        """The current request's session, created on first use."""
        session = g.get("_db_session")
        if session is None:
            write = request.method not in ("GET", "HEAD", "OPTIONS")
            if write and self._turn is not None:
                # Received before the writer's turn is taken, so a client slow to send its body
                # keeps no other writer waiting.
                request.get_data(cache=True)
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
    def reading(self) -> Iterator[Session]:
        """A unit of work that only reads, outside a request: it waits for no writer and ends
        with a rollback."""
        session = self.new_session(write=False)
        try:
            yield session
        finally:
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
