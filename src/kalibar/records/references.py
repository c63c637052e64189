"""Readable references such as ``UIO-2026-000123``, issued without gaps or clashes."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Table
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from kalibar.db.base import utcnow
from kalibar.db.session import lock_for_writing
from kalibar.ids import readable_reference
from kalibar.records.models import ReferenceCounter

_COUNTERS: Table = ReferenceCounter.__table__  # type: ignore[assignment]
_UPSERT: dict[str, Any] = {"sqlite": sqlite.insert, "postgresql": postgresql.insert}


def next_references(
    session: Session, prefix: str, count: int, *, year: int | None = None
) -> list[str]:
    """Reserve ``count`` consecutive numbers for ``prefix`` in ``year`` (default: this year).
    Back-dated loads such as demo data number by the year of the event.

    One statement bumps the counter and returns the new last number
    (``INSERT … ON CONFLICT DO UPDATE … RETURNING``): nothing is read first and written
    later, so two writers can never be handed the same number. The write lock is taken
    before it (:func:`~kalibar.db.session.hold_write_lock`), so on PostgreSQL every writer
    meets the counters and the audit head in the same order. The counter row stays locked
    until commit; a rollback gives the numbers back, so references have no gaps.
    """
    if count < 1:
        return []
    year = year or utcnow().year
    key = f"{prefix}-{year}"
    lock_for_writing(session)
    insert = _UPSERT[session.get_bind().dialect.name]
    stmt = (
        insert(_COUNTERS)
        .values(key=key, last=count)
        .on_conflict_do_update(
            index_elements=[_COUNTERS.c.key], set_={"last": _COUNTERS.c.last + count}
        )
        .returning(_COUNTERS.c.last)
    )
    last = int(session.execute(stmt).scalar_one())
    return [readable_reference(prefix, year, n) for n in range(last - count + 1, last + 1)]
