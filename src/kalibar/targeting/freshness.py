"""When the per-process caches of screening (watchlist index, consignee sets) must look at
the database again.

A screening request should not pay for "has anything changed?" queries over whole tables.
Every cache entry remembers the process *generation* and the time it was filled:

- the generation goes up after every commit in this process that wrote a watchlist
  entry, a declaration, an inspection, a rule set, lane rates, a seizure, an involvement
  or an entity (an ``after_flush`` note, counted on ``after_commit``), so a change made
  through this process is seen by the next request;
- changes made by another process (another web worker, the CLI) are seen after at most
  ``MAX_AGE`` seconds, when the cache checks its own stamp (a count, a latest time) again.
"""

from __future__ import annotations

import threading
import time
from typing import Any

from sqlalchemy.orm import Session

#: Seconds a cache entry is trusted without asking the database.
MAX_AGE = 5.0
_TABLES = frozenset(
    {
        "watchlist_entries",
        "declarations",
        "targeting_inspections",
        "targeting_rule_sets",
        "targeting_lane_rates",
        "seizures",
        "seizure_involvements",
        "entities",
    }
)
_state = {"generation": 0}
_lock = threading.Lock()


def generation() -> int:
    return _state["generation"]


def fresh(stamp: tuple[int, float]) -> bool:
    """True when a cache entry filled at ``stamp`` (:func:`now`) may be used as it is."""
    gen, at = stamp
    return gen == _state["generation"] and time.monotonic() - at < MAX_AGE


def now() -> tuple[int, float]:
    return (_state["generation"], time.monotonic())


def bump() -> None:
    with _lock:
        _state["generation"] += 1


def after_flush(session: Session, _ctx: Any) -> None:
    for obj in (*session.new, *session.dirty, *session.deleted):
        if getattr(obj, "__tablename__", None) in _TABLES:
            session.info["kalibar_targeting_changed"] = True
            return


def after_commit(session: Session) -> None:
    if session.info.pop("kalibar_targeting_changed", False):
        bump()


def after_rollback(session: Session) -> None:
    session.info.pop("kalibar_targeting_changed", None)
