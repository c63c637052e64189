"""Engines and units of work. Services never commit; the edge calls ``unit_of_work``."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, create_engine, event, text
from sqlalchemy.orm import Session, sessionmaker

from kalibar.config import get_settings


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.close()


def hold_write_lock(connection: Connection) -> None:
    """On SQLite, start the transaction with the database write lock if none is open yet.

    pysqlite begins a transaction lazily, at the first INSERT/UPDATE/DELETE; reads before
    it run outside any transaction. Two cases need the transaction (and the lock) earlier:
    a SAVEPOINT taken before any write would otherwise open a transaction of its own that
    SQLite commits at RELEASE, and the audit chain's head must be read under the lock or
    two writers would both append the same sequence number. ``BEGIN IMMEDIATE`` waits for
    the lock (``busy_timeout``) instead of failing later. No-op on other databases.
    """
    if connection.dialect.name != "sqlite":
        return
    raw: Any = connection.connection.dbapi_connection
    if raw is not None and not raw.in_transaction:
        connection.exec_driver_sql("BEGIN IMMEDIATE")


def _sqlite_savepoint(connection: Connection, _name: str) -> None:
    hold_write_lock(connection)


def make_engine(url: str) -> Engine:
    """An engine with Kalibar's settings: WAL and foreign keys on SQLite."""
    if url.startswith("sqlite"):
        path = url.split("///", 1)[-1]
        if path and path != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, connect_args={"check_same_thread": False})
        event.listen(engine, "connect", _sqlite_pragmas)
        event.listen(engine, "savepoint", _sqlite_savepoint)
        return engine
    return create_engine(url, pool_pre_ping=True)


@lru_cache(maxsize=8)
def engine_for(url: str) -> Engine:
    return make_engine(url)


def default_engine() -> Engine:
    return engine_for(get_settings().resolved_database_url)


@lru_cache(maxsize=8)
def _factory(engine: Engine) -> sessionmaker[Session]:
    from kalibar.audit import hooks  # every session Kalibar makes is audited

    hooks.install()
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
