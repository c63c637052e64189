"""The month of an instant in the instance's zone, computed by the database.

PostgreSQL converts with its own zone data (``timezone(zone, occurred_at)``). SQLite has
no zones, so the offset is given per period: the zone's transitions between the first and
the last seizure (found with ``zoneinfo``) become a ``CASE`` of ``strftime`` modifiers,
newest first (recent rows match the first branch), evaluated only for the days at a
month's ends. Both backends give the month the pages show, for any zone, including
half-hour offsets.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, tzinfo
from functools import lru_cache
from typing import Any

from sqlalchemy import case, func, literal, select
from sqlalchemy.orm import Session

from kalibar.clock import reader_zone, zone_name
from kalibar.seizures.models import Seizure


def _offset(zone: tzinfo, at: datetime) -> int:
    delta = at.astimezone(zone).utcoffset() or timedelta(0)
    return int(delta.total_seconds() // 60)


@lru_cache(maxsize=64)
def transitions(zone_key: str, first_year: int, last_year: int) -> tuple[tuple[str, int], ...]:
    """(UTC instant as stored text, offset in minutes from then on), oldest first."""
    zone = reader_zone()
    start = datetime(first_year, 1, 1, tzinfo=UTC)
    end = datetime(last_year + 1, 1, 1, tzinfo=UTC)
    out = [(start, _offset(zone, start))]
    day = start
    while day < end:
        nxt = day + timedelta(days=1)
        if _offset(zone, nxt) != out[-1][1]:
            hour = day
            while _offset(zone, hour + timedelta(hours=1)) == out[-1][1]:
                hour += timedelta(hours=1)
            lo, hi = hour, hour + timedelta(hours=1)
            while hi - lo > timedelta(minutes=1):  # half-hour zones switch mid-hour
                mid = lo + (hi - lo) / 2
                lo, hi = (mid, hi) if _offset(zone, mid) == out[-1][1] else (lo, mid)
            out.append((hi.replace(second=0, microsecond=0), _offset(zone, hi)))
        day = nxt
    return tuple((when.strftime("%Y-%m-%d %H:%M:%S"), minutes) for when, minutes in out)


def month_expr(session: Session) -> Any:
    """SQL: ``YYYY-MM`` of ``Seizure.occurred_at`` in the instance's zone."""
    if session.get_bind().dialect.name == "postgresql":
        return func.to_char(func.timezone(zone_name(), Seizure.occurred_at), "YYYY-MM")
    first, last = session.execute(
        select(func.min(Seizure.occurred_at), func.max(Seizure.occurred_at))
    ).one()
    if first is None:
        return func.strftime("%Y-%m", Seizure.occurred_at)
    steps = transitions(zone_name(), first.year - 1, last.year + 1)
    modifier = case(
        *[(Seizure.occurred_at >= literal(at), f"{minutes:+d} minutes")
          for at, minutes in reversed(steps[1:])],
        else_=f"{steps[0][1]:+d} minutes",
    )  # fmt: skip
    exact = func.strftime("%Y-%m", Seizure.occurred_at, modifier)
    # Only near a month's ends can the local month differ from the UTC one (offsets are
    # under a day): days 2 to 27 take the stored text's first seven characters.
    day = func.substr(Seizure.occurred_at, 9, 2)
    return case((day.between("02", "27"), func.substr(Seizure.occurred_at, 1, 7)), else_=exact)
