"""Exporting visible firearm records as CSV, XLSX or JSON, in the import's columns.

Values are written as the import reads them back (CSV cells that a spreadsheet would run as
a formula carry a leading quote, which the import removes) — ``record_id`` is the UUID,
``reporting_agency`` the agency code, the country ISO alpha-2, dates ISO 8601 — so an
export imported into another database for the same agency gives the same field values.
Only what the actor may see is written (``sharing.visibility.visible``) and every export
is an ``export`` event in the audit trail (format, filters, number of records).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from dataclasses import asdict
from typing import IO, Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from kalibar.agencies.service import agency_codes
from kalibar.audit.service import log_event
from kalibar.auth.actor import Actor
from kalibar.errors import Invalid
from kalibar.files import writer as csv_writer
from kalibar.i18n import _
from kalibar.ids import uuid7
from kalibar.records import service
from kalibar.records.fields import COLUMNS
from kalibar.records.models import FirearmRecord
from kalibar.sharing.visibility import visible

FORMATS = ("csv", "xlsx", "json")
MEDIA_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "json": "application/json",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
_BATCH = 5_000
_STORED = [c for c in COLUMNS if c not in ("record_id", "reporting_agency")]
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _rows(
    session: Session, actor: Actor, filters: service.RecordFilter | None
) -> Iterator[list[Any]]:
    """Visible records as typed values in ``COLUMNS`` order (None for empty)."""
    r = FirearmRecord
    cols = [r.uuid, *(getattr(r, c) for c in _STORED), r.reporting_agency_id]
    stmt = visible(select(*cols), r, actor)
    if filters is not None:
        stmt = service.filtered(stmt, filters)
    stmt = stmt.order_by(r.created_at, r.uuid).execution_options(yield_per=_BATCH)
    codes = agency_codes(session)
    for row in session.execute(stmt):
        values = dict(zip(["record_id", *_STORED, "reporting_agency"], row, strict=True))
        values["record_id"] = str(values["record_id"])
        agency = values["reporting_agency"]
        values["reporting_agency"] = codes.get(agency) if agency is not None else None
        yield [values[c] if values[c] != "" else None for c in COLUMNS]


def _text(value: Any) -> str:
    if value is None:
        return ""
    return value.isoformat() if hasattr(value, "isoformat") else str(value)


def export_records(
    session: Session,
    *,
    actor: Actor,
    fmt: str,
    out: IO[Any],
    filters: service.RecordFilter | None = None,
    progress: Callable[[int], None] | None = None,
) -> int:
    """Write the visible records to ``out`` (text for CSV/JSON, binary for XLSX)."""
    if fmt not in FORMATS:
        raise Invalid(
            _("Unknown export format; use one of: %(values)s") % {"values": ", ".join(FORMATS)},
            [{"field": "format", "value": fmt}],
        )
    writers = {"csv": _write_csv, "json": _write_json, "xlsx": _write_xlsx}
    count = writers[fmt](_counted(_rows(session, actor, filters), progress), out)
    log_event(
        session,
        actor=actor,
        action="export",
        object_type="FirearmRecord",
        object_id=str(uuid7()),
        details={
            "format": fmt,
            "records": count,
            "filters": {k: v for k, v in asdict(filters).items() if v is not None}
            if filters
            else {},
        },
    )
    return count


def _counted(
    rows: Iterator[list[Any]], progress: Callable[[int], None] | None
) -> Iterator[list[Any]]:
    n = 0
    for n, row in enumerate(rows, start=1):  # noqa: B007
        yield row
        if progress and n % _BATCH == 0:
            progress(n)
    if progress:
        progress(n)


def _write_csv(rows: Iterator[list[Any]], out: IO[Any]) -> int:
    """CSV through the one export writer: a cell a spreadsheet would run as a formula
    (``=``, ``+``, ``-``, ``@``, tab, CR first) gets a leading quote, which the import
    removes again (:mod:`kalibar.files.csvout`)."""
    writer = csv_writer(out, lineterminator="\n")
    writer.writerow(COLUMNS)
    n = 0
    for n, row in enumerate(rows, start=1):  # noqa: B007
        writer.writerow([_text(v) for v in row])
    return n


def _write_json(rows: Iterator[list[Any]], out: IO[Any]) -> int:
    """A JSON array, one record per line (empty values as null, the year a number)."""
    out.write("[")
    n = 0
    for n, row in enumerate(rows, start=1):  # noqa: B007
        obj = {
            c: (v if isinstance(v, int) or v is None else _text(v))
            for c, v in zip(COLUMNS, row, strict=True)
        }
        out.write(("\n" if n == 1 else ",\n") + json.dumps(obj, ensure_ascii=False))
    out.write("\n]\n")
    return n


def _write_xlsx(rows: Iterator[list[Any]], out: IO[Any]) -> int:
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell

    wb = Workbook(write_only=True)
    ws = wb.create_sheet("records")
    ws.append(COLUMNS)
    n = 0
    for n, row in enumerate(rows, start=1):  # noqa: B007
        cells: list[Any] = []
        for value in row:
            if isinstance(value, str) and value.startswith(_FORMULA_START):
                cell = WriteOnlyCell(ws, value=value)
                cell.data_type = "s"  # text as written, never a formula
                cells.append(cell)
            else:
                cells.append(value)
        ws.append(cells)
    wb.save(out)
    return n
