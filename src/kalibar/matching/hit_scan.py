"""Hits for records written in bulk (imports, demo loads): one vectorised pass per import.

A per-record scan (:func:`kalibar.matching.hits.detect_hits` chunk by chunk) brings the
live index up to date record by record — a million new records become a million delta
entries — and ranks every candidate in Python objects. Here instead, inside the import's
own transaction (so the new rows are seen and a rolled-back import leaves nothing):

1. every live record that can take part in a hit (a *recovered* status — seized, found,
   surrendered — or a *wanted* one — lost, stolen, trafficked — and a serial) is read once;
   an engine of the recovered records, old and new together, is built in bulk
   (``MatchEngine.build``), then, once that one is freed, one of the wanted records;
2. each new wanted record is looked up in the recovered engine and each new recovered one
   in the wanted engine, in large batches (``MatchEngine.query_batch``: one equi-join of
   deletion keys per batch), keeping the first ``ALERT_LIST`` candidates: a candidate
   alerts when its score reaches the alert threshold and its alert confidence, computed
   over that list of the other side (as ``hits.detect_hits`` forms it, the record's own
   entry left out), reaches ``match_alert_confidence``;
3. the pairs that alert (kept as :class:`Found`, without their engine) become hits
   through the same code as the per-record path
   (:func:`kalibar.matching.hits.scan_created_since` → ``record_hits``: direction,
   existing pairs, explanation, notices), records in the order of their ids;
4. after the commit the index is rebuilt once (``index_store.rebuild``, see
   ``hits.after_commit``) instead of every process absorbing the import into its delta.

The result equals the per-record path's, with one difference in the import's favour: the
per-record path keeps the best 20 candidates of *any* status (itself included) and then
drops those that cannot make a hit, so a pair could be lost behind 20 better candidates of
the same side; here the 20 are all of the other side.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from kalibar.config import get_settings
from kalibar.matching import MatchEngine, Query
from kalibar.matching.calibration import ALERT_LIST
from kalibar.records.models import RECOVERED, WANTED, FirearmRecord

#: New records looked up per batch (bounds the memory of candidate pairs).
BATCH = 50_000
#: Processes a batch is searched in (forked, sharing the engines' pages).
WORKERS = min(2, os.cpu_count() or 1)
#: Set on the session when a bulk scan ran: rebuild the index after the commit.
REBUILD = "matching_rebuild_after_commit"

_WANTED = frozenset(s.value for s in WANTED)
_RECOVERED = frozenset(s.value for s in RECOVERED)
_COLUMNS = (
    FirearmRecord.uuid,
    FirearmRecord.serial_number,
    FirearmRecord.make_code,
    FirearmRecord.model_code,
    FirearmRecord.calibre_code,
    FirearmRecord.weapon_type,
)

Row = tuple[str, str, str | None, str | None, str | None, str | None]


def _read(session: Session, since: datetime) -> tuple[list[Row], list[Row], list[tuple[Row, bool]]]:
    """(wanted rows, recovered rows, new rows with ``True`` when wanted), new ones by id."""
    r = FirearmRecord
    stmt = select(*_COLUMNS, r.status, (r.created_at >= since).label("new")).where(
        r.deleted_at.is_(None), r.status.in_(sorted(_WANTED | _RECOVERED))
    )
    wanted: list[Row] = []
    recovered: list[Row] = []
    new: list[tuple[Row, bool]] = []
    result = session.connection().execute(stmt.execution_options(yield_per=20_000))
    seen: dict[str | None, str | None] = {None: None}
    one = seen.setdefault  # one string object per catalogue code, not one per row
    for rid, serial, make, model, calibre, wtype, status, is_new in result:
        if not (serial and serial.strip()):
            continue
        row: Row = (str(rid), serial, one(make, make), one(model, model), one(calibre, calibre),
                    one(wtype, wtype))  # fmt: skip
        is_wanted = status in _WANTED
        (wanted if is_wanted else recovered).append(row)
        if is_new:
            new.append((row, is_wanted))
    new.sort(key=lambda t: t[0][0])
    return wanted, recovered, new


def _over(
    engine: MatchEngine, rows: list[Row], threshold: float, needed: float
) -> Iterator[tuple[str, list[Any]]]:
    """(record id, its candidates that alert) for each row, in the rows' order: score at
    or above the threshold and alert confidence (over the first
    :data:`~kalibar.matching.calibration.ALERT_LIST` candidates, all of the other side:
    the engine holds nothing else) at or above ``needed``. Records written alike are
    looked up once (a record is never in the engine it is looked up in, so they share
    their candidates exactly)."""
    unique: dict[Query, int] = {}
    slot = [
        unique.setdefault(Query(serial, make, model, calibre, wtype), len(unique))
        for _k, serial, make, model, calibre, wtype in rows
    ]
    queries = list(unique)
    found = engine.query_batch(queries, limit=ALERT_LIST, workers=WORKERS)
    good: list[list[Any] | None] = [None] * len(queries)
    for row, i in zip(rows, slot, strict=True):
        if good[i] is None:
            cands = found[i]
            conf = engine.alert_confidences(queries[i], cands) if cands else []
            good[i] = [
                c for c, x in zip(cands, conf, strict=True) if c.score >= threshold and x >= needed
            ]
        if good[i]:
            yield row[0], good[i]  # type: ignore[misc]


@dataclass(frozen=True)
class Found:
    """A candidate over the threshold, kept without its engine (which is freed)."""

    key: str
    score: float
    ops: tuple[Any, ...]


def _side(
    others: list[Row],
    rows: list[Row],
    limits: tuple[float, float],
    progress: Callable[[int], None],
) -> dict[str, list[Found]]:
    """Look ``rows`` up in an engine of ``others`` (built here, freed on return)."""
    engine = MatchEngine.build(others)
    found: dict[str, list[Found]] = {}
    for start in range(0, len(rows), BATCH):
        part = rows[start : start + BATCH]
        for key, cands in _over(engine, part, *limits):
            found[key] = [Found(c.key, float(c.score), tuple(c.ops)) for c in cands]
        progress(len(part))
    return found


def candidates_since(
    session: Session, since: datetime, progress: Callable[[int], None] | None = None
) -> Iterator[tuple[list[str], dict[str, list[Found]]]]:
    """For each batch of records created at or after ``since``: (their ids in order, id →
    candidates over the threshold of the other side). One engine is alive at a time: the
    recovered records' (for the new wanted ones), then the wanted records'."""
    settings = get_settings()
    limits = (settings.match_alert_threshold, settings.match_alert_confidence)
    wanted_rows, recovered_rows, new = _read(session, since)
    if not new:
        return
    session.info[REBUILD] = True
    done = 0

    def advanced(n: int) -> None:
        nonlocal done
        done += n
        if progress:
            progress(done)

    new_wanted = [row for row, is_wanted in new if is_wanted]
    found = _side(recovered_rows, new_wanted, limits, advanced)
    del recovered_rows, new_wanted
    new_recovered = [row for row, is_wanted in new if not is_wanted]
    found |= _side(wanted_rows, new_recovered, limits, advanced)
    del wanted_rows, new_recovered
    ids = [row[0] for row, _w in new]
    for start in range(0, len(ids), BATCH):
        part = ids[start : start + BATCH]
        yield part, {k: found[k] for k in part if k in found}
