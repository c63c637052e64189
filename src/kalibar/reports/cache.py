"""The questionnaire's figures kept for a few minutes per database, scope and year.

A year's IAFQ over a national register takes seconds (a grouped scan of every record of
the year); the page is opened, read, drilled into and opened again. The page shows the
figures computed at most :data:`TTL_SECONDS` ago and says when they were computed, with a
button to compute them again; exports, the API and the drill-downs always compute afresh
(they are what is sent or what names rows). Only counts are kept, never rows, and the key
holds the scope, so one reader never receives another scope's figures.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session

from kalibar.db.base import utcnow
from kalibar.reports.iafq import Iafq
from kalibar.reports.scope import Scope

TTL_SECONDS = 300.0
MAX_ENTRIES = 64


@dataclass(frozen=True)
class Cached:
    report: Iafq
    computed_at: datetime
    monotonic: float


_entries: OrderedDict[tuple[str, Scope, int], Cached] = OrderedDict()
_lock = threading.Lock()


def _key(session: Session, scope: Scope, year: int) -> tuple[str, Scope, int]:
    bind = session.get_bind()
    return (bind.engine.url.render_as_string(hide_password=True), scope, year)


def cached_iafq(
    session: Session,
    *,
    scope: Scope,
    year: int,
    compute: Callable[[], Iafq],
    fresh: bool = False,
) -> Cached:
    """The kept figures when young enough (and not ``fresh``), else computed and kept."""
    key = _key(session, scope, year)
    now = time.monotonic()
    with _lock:
        found = _entries.get(key)
        if found is not None and not fresh and now - found.monotonic < TTL_SECONDS:
            _entries.move_to_end(key)
            return found
    entry = Cached(compute(), utcnow(), now)
    with _lock:
        _entries[key] = entry
        _entries.move_to_end(key)
        while len(_entries) > MAX_ENTRIES:
            _entries.popitem(last=False)
    return entry


def forget() -> None:
    with _lock:
        _entries.clear()
