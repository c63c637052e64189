"""Bounded types for values that arrive from outside (API bodies, query parameters, forms).

A number must fit the column it is compared with or stored in, and a moment must be
one the database and ``datetime`` arithmetic can hold in UTC. Each type says so in the API
document (``minimum``/``maximum``) and answers a value outside with a readable 422 that
names the field, instead of an ``OverflowError`` deep in a driver.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Annotated

from pydantic import AfterValidator, Field

from kalibar.i18n import _

INT32_MAX = 2**31 - 1
#: Database row ids and sequence numbers (sharing groups, audit entries, ...): ``INTEGER``
#: columns, 32 bits on PostgreSQL.
RowId = Annotated[int, Field(ge=1, le=INT32_MAX)]
#: A version number of something an agency saved (rule sets, models).
Version = Annotated[int, Field(ge=1, le=INT32_MAX)]
#: An offset into a list that is paged by number.
Offset = Annotated[int, Field(ge=0, le=1_000_000)]

EARLIEST = datetime(1900, 1, 1, tzinfo=UTC)
LATEST = datetime(2999, 12, 31, 23, 59, 59, tzinfo=UTC)


def _in_range(value: datetime) -> datetime:
    """Aware moments are compared in UTC; naive ones are taken as UTC (as the services do)."""
    try:
        utc = value.astimezone(UTC) if value.tzinfo else value.replace(tzinfo=UTC)
    except OverflowError:
        utc = None
    if utc is None or not EARLIEST <= utc <= LATEST:
        raise ValueError(
            _("Out of range: a date and time between the years %(a)d and %(b)d is expected.")
            % {"a": EARLIEST.year, "b": LATEST.year}
        )
    return value


#: A date and time of an event (seizure, custody step, declaration, audit filter).
Moment = Annotated[datetime, AfterValidator(_in_range)]


def _day_in_range(value: date) -> date:
    if not EARLIEST.date() <= value <= LATEST.date():
        raise ValueError(
            _("Out of range: a date between the years %(a)d and %(b)d is expected.")
            % {"a": EARLIEST.year, "b": LATEST.year}
        )
    return value


#: A calendar day used as a filter bound (``date_from``, ``date_to``).
Day = Annotated[date, AfterValidator(_day_in_range)]
