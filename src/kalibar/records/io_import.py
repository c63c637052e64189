"""Importing firearm records from CSV, XLSX or JSON files.

Rows are validated and identified by ``records.io_rows`` (for large files in a second
process while this one writes). Owner of each row: the agency given
to the import, else the row's ``reporting_agency``; ``owner_country`` is that agency's
country and the distribution is national. A ``record_id`` that already exists updates
that record, if the row's owner agency owns it (``sharing.visibility`` semantics, through
``service.update_record`` so the audit hook records each field change); any other
existing id is a row error. A user imports only for their own agency (administrators
too); only the console operator imports for any agency.

Modes. By default one bad row rejects the file: rows are written in chunks while they are
valid, writing stops at the first bad row, the rest is still validated so the report is
complete, and ``Invalid`` is raised — the caller's unit of work rolls everything back.
Reading stops after ``KALIBAR_IMPORT_MAX_BAD_ROWS`` bad rows in either mode (nothing is
imported), and a report lists the first ``KALIBAR_IMPORT_MAX_LISTED_ERRORS`` errors, then
"and N more" — a file of a million bad rows costs neither a million error objects nor a
response of many megabytes. Size, rows, columns and XLSX unpacking are limited by
:mod:`kalibar.files`.
With ``partial`` good rows are written and bad ones go to ``<stem>.rejects.csv`` beside
the input (original columns plus ``reason``). Everything happens in the caller's one
transaction: a killed process commits nothing.

Speed and the audit trail. New rows are inserted with one ``INSERT`` run as
``executemany`` on the session's connection, in chunks of ``io_rows.CHUNK`` rows, with
readable references reserved per chunk in one block. That bypasses the ORM audit hook, so each
chunk is written to the hash chain explicitly: one ``import`` event per chunk, whose
details name the file, its SHA-256, the number of records and every record UUID of the
chunk — every imported record is named in the chain, in the same transaction.
"""

from __future__ import annotations

import uuid
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from kalibar.agencies.models import Agency
from kalibar.audit.service import log_event
from kalibar.auth.actor import Actor
from kalibar.db.base import utcnow
from kalibar.errors import Forbidden, Invalid
from kalibar.files import ErrorList, FileLimits, file_limits, listed_details
from kalibar.files import writer as csv_writer
from kalibar.i18n import _, ngettext
from kalibar.ids import uuid7
from kalibar.records import service
from kalibar.records.fields import parse_row
from kalibar.records.io_read import Source, open_source
from kalibar.records.io_rows import Chunk, Good, InsertPlan, Owner, RowError, Validator, chunks
from kalibar.records.models import FirearmRecord
from kalibar.records.references import next_references

__all__ = ["ImportReport", "RowError", "import_records"]

_CACHE_KIB = 262_144  # SQLite page cache for the bulk path (256 MiB), restored afterwards


@dataclass
class ImportReport:
    file: str
    rows_read: int = 0
    inserted: int = 0
    updated: int = 0
    rejected: int = 0
    #: The first ``KALIBAR_IMPORT_MAX_LISTED_ERRORS`` errors; the rest only counted.
    errors: ErrorList[RowError] = field(default_factory=lambda: ErrorList(1000))
    rejects_path: Path | None = None
    encoding: str = ""
    hits: int = 0  # hits raised by the imported records (set by the caller's scan)

    def as_dict(self) -> dict[str, Any]:
        return {
            "file": self.file,
            "rows_read": self.rows_read,
            "inserted": self.inserted,
            "updated": self.updated,
            "rejected": self.rejected,
            "hits": self.hits,
            "errors": self.error_details(),
            "rejects_file": self.rejects_path.name if self.rejects_path else None,
            "encoding": self.encoding,
        }

    def error_details(self) -> list[dict[str, Any]]:
        """Listed errors, then ``and N more`` when some were left off."""
        return listed_details((e.as_dict() for e in self.errors), self.errors.omitted)


def import_records(
    session: Session,
    *,
    actor: Actor,
    source: Path,
    filename: str,
    agency_code: str | None = None,
    partial: bool = False,
    encoding: str | None = None,
    progress: Callable[[int], None] | None = None,
    on_start: Callable[[int], None] | None = None,
    parallel: bool | None = None,
    limits: FileLimits | None = None,
) -> ImportReport:
    """Import ``source`` (shown to people as ``filename``); see the module docstring.

    ``on_start`` receives the estimated number of rows, ``progress`` the rows done so far.
    ``parallel``: validate in a second process (default: for large files on 2+ cores).
    ``limits``: the file limits (default: the configured ones, ``KALIBAR_IMPORT_*``).
    """
    if actor.user_id is not None or not actor.is_admin:
        # A person imports for their own agency only, administrators included (the one
        # ownership rule: no role changes another agency's records); the console operator
        # (CLI, demo loader, no user account) loads for any agency.
        if actor.agency_id is None:
            raise Forbidden(_("Only a member of an agency can record firearms."))
        if agency_code and agency_code != actor.agency_code:
            raise Forbidden(_("You may import records only for your own agency."))
        agency_code = actor.agency_code
    lim = limits or file_limits()
    src = open_source(source, filename=filename, encoding=encoding, limits=lim)
    if on_start:
        on_start(src.estimated_rows)
    job = _Import(session, actor, src, filename, agency_code, partial, lim)
    with _bulk_pragmas(session):
        report = job.run(chunks(src, job.validator, parallel=parallel), progress)
    if report.errors and not partial:
        raise Invalid(
            ngettext(
                "%(file)s: %(n)d row is not valid; nothing was imported.",
                "%(file)s: %(n)d rows are not valid; nothing was imported.",
                report.rejected,
            )
            % {"file": filename, "n": report.rejected},
            report.error_details(),
        )
    return report


@contextmanager
def _bulk_pragmas(session: Session) -> Iterator[None]:
    """A larger page cache on SQLite while indexes grow (durability is not touched)."""
    conn = session.connection()
    if conn.dialect.name != "sqlite":
        yield
        return
    before = conn.exec_driver_sql("PRAGMA cache_size").scalar()
    conn.exec_driver_sql(f"PRAGMA cache_size=-{_CACHE_KIB}")
    try:
        yield
    finally:
        conn.exec_driver_sql(f"PRAGMA cache_size={int(before or -2000)}")


class _Import:
    def __init__(
        self,
        session: Session,
        actor: Actor,
        src: Source,
        filename: str,
        agency_code: str | None,
        partial: bool,
        limits: FileLimits,
    ) -> None:
        self.session = session
        self.actor = actor
        self.src = src
        self.partial = partial
        self.limits = limits
        self.report = ImportReport(
            file=filename, encoding=src.encoding, errors=ErrorList(limits.listed_errors)
        )
        rows = session.execute(select(Agency.id, Agency.code, Agency.country_code))
        self.agencies = {code: Owner(id_, code, country) for id_, code, country in rows}
        fixed_owner: Owner | None = None
        if agency_code:
            fixed_owner = self.agencies.get(agency_code)
            if fixed_owner is None:
                raise Invalid(
                    _("Unknown agency code."), [{"field": "agency", "value": agency_code}]
                )
        self.plan = InsertPlan(session.get_bind().dialect, utcnow())
        self.validator = Validator(agencies=self.agencies, fixed_owner=fixed_owner, plan=self.plan)
        self.writing = True
        self.rejects: Any = None
        self._rejects_fh: Any = None
        self.columns = [c for c in src.header if c != "record_id"]

    def run(self, stream: Iterator[Chunk], progress: Callable[[int], None] | None) -> ImportReport:
        try:
            for chunk in stream:
                self.report.rows_read = chunk.rows_read
                for number, raw, errors in chunk.bad:
                    self._reject(number, raw, errors)
                self._write(chunk.good)
                if progress:
                    progress(chunk.rows_read)
        finally:
            close = getattr(stream, "close", None)
            if close is not None:
                close()  # stops a validating worker at once when reading gives up
            if self._rejects_fh is not None:
                self._rejects_fh.close()
        return self.report

    def _reject(self, number: int, raw: dict[str, str], errors: list[RowError]) -> None:
        self.report.errors.extend(errors)
        self.report.rejected += 1
        self.writing = self.writing and self.partial
        if self.report.rejected > self.limits.bad_rows:
            self._give_up(number)
        if not self.partial:
            return
        if self.rejects is None:
            path = self.src.path.with_name(f"{Path(self.report.file).stem}.rejects.csv")
            self._rejects_fh = path.open("w", encoding="utf-8-sig", newline="")
            self.rejects = csv_writer(self._rejects_fh)
            self.rejects.writerow([*self.src.header, "reason"])
            self.report.rejects_path = path
        reason = "; ".join(f"{e.column}: {e.reason}" if e.column else e.reason for e in errors)
        self.rejects.writerow([*(raw.get(c, "") for c in self.src.header), reason])

    def _give_up(self, number: int) -> None:
        """Too many bad rows: stop reading (the caller's unit of work keeps nothing)."""
        limit = self.limits.bad_rows
        raise Invalid(
            _(
                "%(file)s: more than %(n)d rows are not valid; reading stopped at row "
                "%(row)d and nothing was imported."
            )
            % {"file": self.report.file, "n": limit, "row": number},
            [
                *self.report.error_details(),
                {"row": number, "error": "too_many_bad_rows", "max_bad_rows": limit},
            ],
        )

    def _write(self, good: list[Good]) -> None:
        existing = self._existing([uuid.UUID(g[1]) for g in good if g[4] is not None])
        inserts: list[Good] = []
        updates: list[tuple[dict[str, str], Owner]] = []
        for row in good:
            number, rid, code, _params, raw = row
            owner = self.agencies[code]
            if raw is None or rid not in existing:
                inserts.append(row)
            elif existing[rid] == owner.id:
                updates.append((raw, owner))
            else:
                reason = _("this record_id belongs to a record the owner agency cannot change")
                self._reject(number, raw, [RowError(number, "record_id", rid, reason)])
        if not self.writing:
            return
        if inserts:
            self._insert(inserts)
        for raw, owner in updates:
            self._update(raw, owner)

    def _existing(self, ids: list[uuid.UUID]) -> dict[str, int | None]:
        """Existing record ids → owner agency id (``None`` when tombstoned: not editable)."""
        if not ids:
            return {}
        r = FirearmRecord
        rows = self.session.execute(
            select(r.uuid, r.owner_agency_id, r.deleted_at).where(r.uuid.in_(ids))
        )
        return {str(rid): (owner if deleted is None else None) for rid, owner, deleted in rows}

    def _insert(self, rows: list[Good]) -> None:
        """Reserve references, insert, and name every new record in the audit chain."""
        prefixes = Counter(code.split("-", 1)[-1] for _n, _u, code, _p, _r in rows)
        refs = {p: iter(next_references(self.session, p, n)) for p, n in sorted(prefixes.items())}
        params = [(*p, next(refs[code.split("-", 1)[-1]])) for _n, _u, code, p, _r in rows]
        self.session.flush()  # the reference counters, before the rows that use them
        self.session.connection().exec_driver_sql(self.plan.sql, params)
        self.report.inserted += len(rows)
        log_event(
            self.session,
            actor=self.actor,
            action="import",
            object_type="FirearmRecord",
            object_id=str(uuid7()),
            details={
                "file": self.report.file,
                "sha256": self.src.sha256,
                "rows": len(rows),
                "records": [rid for _n, rid, _c, _p, _r in rows],
            },
        )

    def _update(self, raw: dict[str, str], owner: Owner) -> None:
        values = parse_row(raw).values
        changes = {k: values[k] for k in self.columns if k in values}
        if "reporting_agency" in changes and not changes["reporting_agency"]:
            changes["reporting_agency"] = owner.code
        service.update_record(
            self.session,
            actor=self._actor_for(owner),
            record_id=values["record_id"],
            changes=changes,
        )
        self.report.updated += 1

    def _actor_for(self, owner: Owner) -> Actor:
        if owner.id == self.actor.agency_id:
            return self.actor
        return Actor(
            user_id=self.actor.user_id,
            username=self.actor.username,
            agency_id=owner.id,
            agency_code=owner.code,
            country=owner.country,
            roles=self.actor.roles,
        )
