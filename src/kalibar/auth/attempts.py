"""Attempt counters for secrets (passwords, second-factor codes), atomic on every database.

An attempt is counted *before* the secret is checked, with one ``INSERT … ON CONFLICT DO
UPDATE … RETURNING count`` whose returned value decides. Parallel attempts each get their
own number, so no more than the limit are ever checked within a window (a count read first
and written after the check would let every parallel attempt through). A success clears
the counter.
"""

from __future__ import annotations

import hashlib
from datetime import timedelta

from sqlalchemy import case, delete, literal
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from kalibar.auth.models import AuthAttempts
from kalibar.db.base import UTCDateTime, utcnow
from kalibar.db.session import hold_write_lock


def attempt_key(kind: str, ident: str) -> str:
    """A bounded key for any identifier (a typed login name may be arbitrarily long)."""
    return f"{kind}:{hashlib.sha256(ident.encode('utf-8')).hexdigest()[:40]}"


def count_attempt(session: Session, *, key: str, window_seconds: int) -> int:
    """Count one attempt and return the number of attempts in the window, this one included.

    The window starts at the first attempt; an attempt after it has passed starts a new one.
    """
    connection = session.connection()
    if connection.dialect.name == "sqlite":
        # the upsert must not upgrade a read transaction to a write (SQLITE_BUSY at once);
        # on PostgreSQL the upsert alone is atomic and no global lock is wanted
        hold_write_lock(connection)
    now = utcnow()
    stale = AuthAttempts.window_start < now - timedelta(seconds=window_seconds)
    insert = postgresql.insert if connection.dialect.name == "postgresql" else sqlite.insert
    stmt = (
        insert(AuthAttempts)
        .values(key=key, window_start=now, count=1)
        .on_conflict_do_update(
            index_elements=[AuthAttempts.key],
            set_={
                "count": case((stale, 1), else_=AuthAttempts.count + 1),
                "window_start": case(
                    (stale, literal(now, UTCDateTime())), else_=AuthAttempts.window_start
                ),
            },
        )
        .returning(AuthAttempts.count)
    )
    return int(session.execute(stmt).scalar_one())


def clear_attempts(session: Session, *, key: str) -> None:
    session.execute(delete(AuthAttempts).where(AuthAttempts.key == key))
