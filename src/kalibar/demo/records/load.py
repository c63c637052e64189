"""Loading generated demo firearm records into the database (``kalibar demo --records N``).

Rows come from :func:`kalibar.demo.records.generator.generate_rows` and go through the
ordinary bulk import (:func:`kalibar.records.io_import.import_records`: the same parsing,
identification, readable references and audit-chain events as any imported file).
``import_records`` reads files, so rows are written to a temporary CSV file in batches of
:data:`BATCH` rows, each imported and deleted before the next is written: memory and
disk use stay bounded whatever ``n`` is. Every row's owner is its ``reporting_agency``.
Everything happens in the caller's transaction.

Idempotency rule: a *demo record* is one whose UUID is a demo id
(:data:`~kalibar.demo.records.generator.DEMO_UUID_MIN` ..
:data:`~kalibar.demo.records.generator.DEMO_UUID_MAX`, i.e. it starts with ``de30``),
whatever its seed, including tombstoned ones. With ``c`` demo records present, loading
``n`` adds rows ``c`` .. ``n - 1`` of the seed (nothing when ``c >= n``). Running the same
command twice therefore adds nothing, and raising ``n`` adds only the difference.
"""

from __future__ import annotations

import csv
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from itertools import islice
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from kalibar.agencies.models import Agency
from kalibar.auth.actor import Actor
from kalibar.db.base import utcnow
from kalibar.demo.records.generator import (
    DEFAULT_AGENCIES,
    DEMO_UUID_MAX,
    DEMO_UUID_MIN,
    generate_rows,
)
from kalibar.errors import Conflict
from kalibar.i18n import _
from kalibar.records.fields import COLUMNS
from kalibar.records.io_import import import_records
from kalibar.records.models import RECOVERED, FirearmRecord

BATCH = 100_000
DEMO_ACTOR = Actor(
    user_id=None,
    username="demo",
    agency_id=None,
    agency_code="",
    country="",
    roles=frozenset({"admin"}),
)


@dataclass
class DemoRecordsResult:
    existing: int  # demo records found before loading
    added: int


def count_demo_records(session: Session) -> int:
    """Demo records in the database (any seed, tombstoned included)."""
    r = FirearmRecord
    return int(
        session.execute(
            select(func.count())
            .select_from(r)
            .where(r.uuid >= DEMO_UUID_MIN, r.uuid <= DEMO_UUID_MAX)
        ).scalar_one()
    )


def load_demo_records(
    session: Session,
    *,
    n: int,
    seed: int = 1,
    progress: Callable[[int], None] | None = None,
    on_start: Callable[[int], None] | None = None,
    batch: int = BATCH,
) -> DemoRecordsResult:
    """Make sure ``n`` demo records exist (see the module docstring for the rule).

    ``on_start`` receives the number of rows that will be added, ``progress`` the number
    added so far (called at least once per import chunk).
    """
    existing = count_demo_records(session)
    todo = max(n - existing, 0)
    if on_start:
        on_start(todo)
    if not todo:
        return DemoRecordsResult(existing=existing, added=0)
    present = set(session.execute(select(Agency.code)).scalars())
    agencies = [code for code in DEFAULT_AGENCIES if code in present]
    if not agencies:
        raise Conflict(_("Load the demo agencies first (kalibar demo)."))
    rows = generate_rows(todo, seed, agencies=agencies, start=existing)
    added = 0
    with tempfile.TemporaryDirectory(prefix="kalibar-demo-") as tmp:
        path = Path(tmp) / "demo-records.csv"
        while added < todo:
            size = min(batch, todo - added)
            with path.open("w", encoding="utf-8", newline="") as fh:
                writer = csv.DictWriter(fh, fieldnames=COLUMNS)
                writer.writeheader()
                writer.writerows(islice(rows, size))
            report = import_records(
                session,
                actor=DEMO_ACTOR,
                source=path,
                filename=f"demo records seed {seed} rows {existing + added}-"
                f"{existing + added + size - 1}",
                progress=_offset(progress, added),
            )
            added += report.inserted
            if report.inserted != size:  # pragma: no cover - every generated row is valid
                raise Conflict(
                    _("Demo records: %(n)d of %(size)d rows were not added.")
                    % {"n": size - report.inserted, "size": size}
                )
            path.unlink()
    return DemoRecordsResult(existing=existing, added=added)


def _offset(progress: Callable[[int], None] | None, base: int) -> Callable[[int], None] | None:
    if progress is None:
        return None
    return lambda done: progress(base + done)


#: One in this many recovered demo weapons had its illicit origin established by an
#: investigating authority, so the SDG 16.4.2 page has something to show.
ORIGIN_EVERY = 6
ORIGIN_NOTE = "Established by the investigating authority (demo data)."


def establish_demo_origins(session: Session) -> int:
    """Mark a deterministic share of recovered demo records as origin established
    (source "other"), through the ORM so the audit trail records it. Idempotent."""
    r = FirearmRecord
    stmt = (
        select(r)
        .where(
            r.uuid >= DEMO_UUID_MIN,
            r.uuid <= DEMO_UUID_MAX,
            r.status.in_([s.value for s in RECOVERED]),
            r.origin_established.is_(False),
            r.event_date.is_not(None),
        )
        .order_by(r.uuid)
    )
    today = utcnow().date()
    marked = 0
    for record in session.execute(stmt).scalars():
        if record.uuid.int % ORIGIN_EVERY or record.event_date is None:
            continue
        record.origin_established = True
        record.origin_source = "other"
        record.origin_established_at = min(record.event_date + timedelta(days=45), today)
        record.origin_note = ORIGIN_NOTE
        marked += 1
    session.flush()
    return marked
