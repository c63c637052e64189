"""One clock: every time a person reads is shown by :func:`moment`, in one zone, named.

Pages (the ``datetime`` Jinja filter), the audit trail, PDFs and the CLI all call
:func:`moment`, so the same instant reads the same everywhere: the reader's language
(babel) and the reader's zone, with the zone's abbreviation after it ("7. 12. 2026.
18:44 CET"). The zone is the instance's (``KALIBAR_TIME_ZONE``, default
Europe/Sarajevo), overridable for one request or command with :func:`use_zone`.
Machine formats (CSV/JSON exports, the API) use :func:`machine`: UTC, ISO 8601.

Stored times are UTC; a naive value (SQLite drops the zone) is read as UTC.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import UTC, date, datetime, tzinfo
from functools import lru_cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from babel.dates import format_date, format_time

from kalibar.i18n import format_locale

DEFAULT_ZONE = "Europe/Sarajevo"

_override: ContextVar[str | None] = ContextVar("kalibar_zone", default=None)


@lru_cache(maxsize=32)
def _zone(name: str) -> tzinfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return UTC


def zone_name() -> str:
    """The IANA name of the reader's zone (override, else the instance setting)."""
    chosen = _override.get()
    if chosen:
        return chosen
    from kalibar.config import get_settings

    return get_settings().time_zone or DEFAULT_ZONE


def reader_zone() -> tzinfo:
    return _zone(zone_name())


@contextmanager
def use_zone(name: str | None) -> Iterator[str]:
    """Show times in ``name`` (an IANA zone) within the block; ``None`` keeps the default."""
    known = bool(name) and (name == "UTC" or _zone(name or "") is not UTC)
    token = _override.set(name if known else None)
    try:
        yield zone_name()
    finally:
        _override.reset(token)


def _aware(value: datetime) -> datetime:
    return value if value.tzinfo is not None else value.replace(tzinfo=UTC)


def local(value: datetime) -> datetime:
    """The stored instant in the reader's zone."""
    return _aware(value).astimezone(reader_zone())


def moment(value: datetime | date | None) -> str:
    """A time as people read it: date and hour:minute in the reader's language and zone,
    the zone named ("Dec 7, 2026, 6:44 PM CET"; "7. 12. 2026. 18:44 CET"). A date alone
    is shown as a date (no zone: a day is not an instant)."""
    if value is None:
        return ""
    locale = format_locale()
    if not isinstance(value, datetime):
        return format_date(value, format="medium", locale=locale)
    here = local(value)
    day = format_date(here, format="medium", locale=locale)
    hour = format_time(here, format="short", tzinfo=here.tzinfo, locale=locale)
    pattern = str(locale.datetime_formats["medium"])
    return f"{pattern.replace('{1}', day).replace('{0}', hour)} {here.tzname() or zone_name()}"


def machine(value: datetime | None) -> str:
    """A time for machines (exports, API): UTC, ISO 8601 with its offset."""
    if value is None:
        return ""
    return _aware(value).astimezone(UTC).isoformat()


_ISO_MOMENT = re.compile(r"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?([+-]\d{2}:?\d{2}|Z)?")


def shown(value: object) -> object:
    """A stored value as shown to people: a time (also one kept as ISO 8601 text, as in
    the audit trail's changes) through :func:`moment`; anything else unchanged."""
    if isinstance(value, datetime | date):
        return moment(value)
    if isinstance(value, str) and _ISO_MOMENT.fullmatch(value):
        try:
            return moment(datetime.fromisoformat(value.replace("Z", "+00:00")))
        except ValueError:
            return value
    return value
