"""Bulk cross-matching: a CSV of queries in, a CSV of ranked candidates out.

Input columns: ``query_id, serial_number, make, model, calibre, weapon_type`` (only the
first two required). Output: ``query_id, rank, record_id, score, serial_number, make,
model, calibre, status, explanation`` — one row per candidate the actor may see.

Queries run through the same :func:`service.check` as single checks (same visibility,
same restricted-match notices), in the caller's unit of work. From the web UI a
:class:`MatchJob` runs in a background thread of the server process: input and result
files live under ``KALIBAR_DATA_DIR/jobs``; progress is committed to the job row in short
transactions of its own, so any worker can show it.
"""

from __future__ import annotations

import csv
import io
import logging
import threading
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from sqlalchemy import Engine
from sqlalchemy.orm import Session

from kalibar.audit.service import log_event
from kalibar.auth.actor import Actor
from kalibar.config import get_settings
from kalibar.db.session import unit_of_work
from kalibar.errors import Invalid, NotFound
from kalibar.files import dict_writer
from kalibar.i18n import _
from kalibar.matching import service
from kalibar.matching.models import MatchJob

log = logging.getLogger("kalibar.matching")

IN_COLUMNS = ("query_id", "serial_number", "make", "model", "calibre", "weapon_type")
OUT_COLUMNS = ("query_id", "rank", "record_id", "score", "serial_number", "make", "model",
               "calibre", "status", "explanation")  # fmt: skip
REQUIRED = ("query_id", "serial_number")


def read_queries(text: str) -> list[dict[str, str]]:
    """Parse the CSV; missing required columns → ``Invalid`` (422)."""
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    names = [n.strip() for n in reader.fieldnames or []]
    missing = [c for c in REQUIRED if c not in names]
    if missing:
        raise Invalid(
            _("The file lacks required columns: %(cols)s") % {"cols": ", ".join(missing)},
            [{"field": c} for c in missing],
        )
    rows = []
    for raw in reader:
        row = {(k or "").strip(): (v or "").strip() for k, v in raw.items()}
        rows.append({c: row.get(c, "") for c in IN_COLUMNS})
    return rows


def match_rows(
    session: Session,
    *,
    actor: Actor | None,
    rows: list[dict[str, str]],
    limit: int = 10,
    progress: Callable[[int], None] | None = None,
) -> Iterator[dict[str, Any]]:
    """Output rows, query by query (``progress`` gets the number of queries done)."""
    for i, row in enumerate(rows, 1):
        serial = row["serial_number"]
        if serial.strip():
            try:
                result = service.check(
                    session,
                    actor=actor,
                    query=service.CheckInput(
                        serial_number=serial,
                        make=row["make"],
                        model=row["model"],
                        calibre=row["calibre"],
                        weapon_type=row["weapon_type"],
                        limit=limit,
                    ),
                )
            except Invalid:
                result = service.CheckResult()
            for rank, c in enumerate(result.candidates, 1):
                r = c.record
                yield {
                    "query_id": row["query_id"],
                    "rank": rank,
                    "record_id": str(r.uuid),
                    "score": f"{c.score:.4f}",
                    "serial_number": r.serial_number,
                    "make": r.make,
                    "model": r.model,
                    "calibre": r.calibre,
                    "status": r.status,
                    "explanation": "; ".join(c.explanation),
                }
        if progress:
            progress(i)


def write_csv(out: io.TextIOBase | Any, results: Iterator[dict[str, Any]]) -> int:
    writer = dict_writer(out, OUT_COLUMNS)
    writer.writeheader()
    n = 0
    for row in results:
        writer.writerow(row)
        n += 1
    return n


# ------------------------------------------------------------------ background jobs


def jobs_dir() -> Path:
    path = Path(get_settings().data_dir) / "jobs"
    path.mkdir(parents=True, exist_ok=True)
    return path


def result_path(job: MatchJob) -> Path:
    return jobs_dir() / f"{job.uuid}.results.csv"


def create_job(
    session: Session, *, actor: Actor, filename: str, content: bytes, limit: int = 10
) -> MatchJob:
    """Validate the upload, store it, queue a job (started by :func:`start` after commit)."""
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise Invalid(_("The file must be UTF-8 CSV."), [{"field": "file"}]) from exc
    rows = read_queries(text)
    if not 1 <= limit <= service.MAX_LIMIT:
        raise Invalid(_("The limit must be between 1 and %(max)d.") % {"max": service.MAX_LIMIT})
    job = MatchJob(
        uuid=uuid.uuid4(),
        agency_id=actor.agency_id,
        username=actor.username,
        filename=filename[:200],
        total=len(rows),
        limit=limit,
    )
    session.add(job)
    (jobs_dir() / f"{job.uuid}.input.csv").write_text(text, encoding="utf-8")
    details = {"file": filename, "queries": len(rows)}
    log_event(session, actor=actor, action="match_job", object_type="MatchJob",
              object_id=str(job.uuid), details=details)  # fmt: skip
    return job


def get_job(session: Session, *, actor: Actor, job_id: uuid.UUID) -> MatchJob:
    job = session.get(MatchJob, job_id)
    if job is None or job.username != actor.username:
        raise NotFound("MatchJob", str(job_id))
    return job


def start(engine: Engine, job_id: uuid.UUID, actor: Actor) -> threading.Thread:
    thread = threading.Thread(
        target=_run, args=(engine, job_id, actor), name=f"kalibar-match-{job_id}", daemon=True
    )
    thread.start()
    return thread


def _set(engine: Engine, job_id: uuid.UUID, **values: Any) -> None:
    with unit_of_work(engine) as s:
        job = s.get(MatchJob, job_id)
        if job is not None:
            for k, v in values.items():
                setattr(job, k, v)


def _run(engine: Engine, job_id: uuid.UUID, actor: Actor, chunk: int = 200) -> None:
    try:
        text = (jobs_dir() / f"{job_id}.input.csv").read_text(encoding="utf-8")
        rows = read_queries(text)
        _set(engine, job_id, status="running")
        with unit_of_work(engine) as s:
            job = s.get(MatchJob, job_id)
            limit = job.limit if job else 10
        tmp = jobs_dir() / f".{job_id}.results.csv.tmp"
        with tmp.open("w", encoding="utf-8", newline="") as out:
            writer = dict_writer(out, OUT_COLUMNS)
            writer.writeheader()
            for start in range(0, len(rows), chunk):
                part = rows[start : start + chunk]
                # one short transaction per chunk: progress commits never wait on it
                with unit_of_work(engine, actor=actor, request_id=f"job-{job_id.hex[:12]}") as s:
                    writer.writerows(match_rows(s, actor=actor, rows=part, limit=limit))
                _set(engine, job_id, done=start + len(part))
        tmp.replace(jobs_dir() / f"{job_id}.results.csv")
        _set(engine, job_id, status="done", done=len(rows))
    except Exception as exc:  # noqa: BLE001 - reported on the job page
        log.exception("match job %s failed", job_id)
        _set(engine, job_id, status="failed", error=str(exc)[:2000])
