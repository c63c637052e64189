"""Readable references such as ``UIO-2026-000123``, issued without gaps or clashes."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from kalibar.db.base import utcnow
from kalibar.ids import readable_reference
from kalibar.records.models import ReferenceCounter


def next_references(
    session: Session, prefix: str, count: int, *, year: int | None = None
) -> list[str]:
    """Reserve ``count`` consecutive numbers for ``prefix`` in ``year`` (default: this year;
    row locked). Back-dated loads such as demo data number by the year of the event."""
    year = year or utcnow().year
    key = f"{prefix}-{year}"
    with session.no_autoflush:
        counter = session.execute(
            select(ReferenceCounter).where(ReferenceCounter.key == key).with_for_update()
        ).scalar_one_or_none()
    if counter is None:
        counter = ReferenceCounter(key=key, last=0)
        session.add(counter)
    start = counter.last
    counter.last = start + count
    return [readable_reference(prefix, year, n) for n in range(start + 1, start + count + 1)]
