"""Engines and units of work. Services never commit; the edge calls ``unit_of_work``."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, create_engine, event, text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from sqlalchemy.orm import Session, sessionmaker

from kalibar.config import get_settings
from kalibar.db import writer_gate

#: Key of the PostgreSQL advisory lock that stands for "the write lock" (any constant
#: bigint; this one spells KALIBAR in ASCII).
WRITE_LOCK_KEY = 0x4B414C49424152


def _sqlite_pragmas(busy_ms: int) -> Callable[[Any, Any], None]:
    def on_connect(dbapi_connection: Any, _record: Any) -> None:
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute(f"PRAGMA busy_timeout={busy_ms:d}")
        cursor.close()

    return on_connect


def _postgres_timeouts(busy_ms: int) -> Callable[[Any, Any], None]:
    """Lock waits (the write lock included) end after the busy timeout, as on SQLite."""

    def on_connect(dbapi_connection: Any, _record: Any) -> None:
        cursor = dbapi_connection.cursor()
        cursor.execute(f"SET lock_timeout = {busy_ms:d}")
        cursor.close()
        dbapi_connection.commit()

    return on_connect


def hold_write_lock(connection: Connection) -> None:
    """Take the database's one write lock for the rest of the transaction (re-entrant).

    Call it before reading anything a write will number from (a reference counter, the
    audit chain's head, the last custody event, the highest position or version): holding
    the lock, no other writer can read or write the same value until this one commits.

    SQLite: pysqlite begins a transaction lazily, at the first INSERT/UPDATE/DELETE, and
    reads before it run outside any transaction (``SELECT … FOR UPDATE`` is ignored). So
    the transaction starts here with ``BEGIN IMMEDIATE``, which waits for the lock (up to
    the busy timeout) instead of failing later; a SAVEPOINT taken before any write also
    comes here, or it would open a transaction of its own that SQLite commits at RELEASE.
    A transaction already open has written, so it holds the lock. The writers of this
    process take turns in front of it (:mod:`kalibar.db.writer_gate`).

    PostgreSQL: a transaction-scoped advisory lock, released at commit or rollback. Every
    allocation takes it first, so writers queue in one order and cannot deadlock on
    counters and the audit head taken in different orders; ``lock_timeout`` bounds the wait.
    """
    name = connection.dialect.name
    if name == "sqlite":
        raw: Any = connection.connection.dbapi_connection
        if raw is not None and not raw.in_transaction:
            writer_gate.enter(connection)  # this process's writers take turns
            try:
                connection.exec_driver_sql("BEGIN IMMEDIATE")
            except BaseException:
                writer_gate.leave(connection)
                raise
    elif name == "postgresql":
        connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": WRITE_LOCK_KEY})


def lock_for_writing(session: Session) -> None:
    """:func:`hold_write_lock` on the session's connection (starting its transaction)."""
    hold_write_lock(session.connection())


def is_busy(exc: BaseException) -> bool:
    """Did the database stay busy past the timeouts (lock, pool, connection limit)?

    Such an error means "try again shortly", not a fault: the web edge answers 503.
    """
    if isinstance(exc, PoolTimeout):
        return True
    if not isinstance(exc, DBAPIError):
        return False
    orig = exc.orig
    code = getattr(orig, "sqlstate", None) or getattr(orig, "pgcode", None)
    if code is not None:
        return code in _PG_BUSY
    message = str(orig).lower()
    return "database is locked" in message or "database table is locked" in message


#: lock_not_available, serialization_failure, deadlock_detected, too_many_connections,
#: cannot_connect_now (starting up or shutting down).
_PG_BUSY = frozenset({"55P03", "40001", "40P01", "53300", "57P03"})


def _sqlite_savepoint(connection: Connection, _name: str) -> None:
    hold_write_lock(connection)


def make_engine(url: str) -> Engine:
    """An engine with Kalibar's settings (read now): WAL, foreign keys and the busy timeout
    on SQLite, the same timeout for lock waits on PostgreSQL, and a connection pool with
    room for every server thread and a long wait (not an error) beyond."""
    settings = get_settings()
    busy_ms = max(0, int(settings.db_busy_timeout_seconds * 1000))
    pool: dict[str, Any] = {
        "pool_size": settings.db_pool_size,
        "max_overflow": settings.db_pool_overflow,
        "pool_timeout": settings.db_pool_timeout_seconds,
    }
    if url.startswith("sqlite"):
        path = url.split("///", 1)[-1] if "///" in url else ""
        in_memory = path in {"", ":memory:"}
        if not in_memory:
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(
            url, connect_args={"check_same_thread": False}, **({} if in_memory else pool)
        )
        event.listen(engine, "connect", _sqlite_pragmas(busy_ms))
        event.listen(engine, "savepoint", _sqlite_savepoint)
        writer_gate.install(engine, settings.db_busy_timeout_seconds)
        return engine
    engine = create_engine(url, pool_pre_ping=True, **pool)
    if engine.dialect.name == "postgresql":
        event.listen(engine, "connect", _postgres_timeouts(busy_ms))
    return engine


@lru_cache(maxsize=8)
def engine_for(url: str) -> Engine:
    return make_engine(url)


def default_engine() -> Engine:
    return engine_for(get_settings().resolved_database_url)


_assembled = {"done": False}


def mark_assembled() -> None:
    """Called by the composition root once every ORM listener (audit included) is on."""
    _assembled["done"] = True


@lru_cache(maxsize=8)
def _factory(engine: Engine) -> sessionmaker[Session]:
    # Every session Kalibar makes is audited: refuse to make one in a process whose
    # composition root has not installed the listeners (``kalibar.app.assemble``).
    if not _assembled["done"]:
        raise RuntimeError("kalibar.app.assemble() must run before the first session")
    return sessionmaker(bind=engine, expire_on_commit=False)


def new_session(engine: Engine | None = None) -> Session:
    return _factory(engine or default_engine())()


@contextmanager
def unit_of_work(
    engine: Engine | None = None, *, actor: Any = None, request_id: str | None = None
) -> Iterator[Session]:
    """One transaction: commit on success, roll back on any error.

    ``actor`` and ``request_id`` ride on the session so the audit hook can name them.
    """
    session = new_session(engine)
    session.info["actor"] = actor
    session.info["request_id"] = request_id
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()


def refresh_statistics(session: Session) -> None:
    """After a bulk load on PostgreSQL, give the planner fresh statistics (``ANALYZE``).

    Autovacuum would do it in time; until then (or where it is off) the planner sees empty
    tables and may nest loops over a million rows (measured: 20 s for one dashboard query).
    SQLite is left alone: its plans here come from explicit index choices.
    """
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("ANALYZE"))
