"""The sheets programmes keep, as Kalibar reads them: one sheet per kind, their columns,
and the reader that yields ``(sheet, row number, {column: text})``.

An XLSX workbook holds any of the sheets below by name (case does not matter; a sheet
named ``instructions`` is skipped — the template has one). A CSV or JSON file holds one
kind: named by the caller, or by the file's name (``participants.csv``). Row numbers are
those a person sees (the header is row 1).

Why the XLSX sheets are read here: ``files.tables`` reads the first sheet of a workbook
only (every other import is one table). The workbook is checked by ``files.check_xlsx``
(zip bombs, DOCTYPE) before openpyxl opens it, and every cell goes through
``files.cell_text`` and the same row, column and cell limits.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from babel.support import LazyProxy

from kalibar.errors import Invalid, KalibarError, TooLarge
from kalibar.files import FileLimits, cell_text, check_xlsx, open_table, problem, trim_header
from kalibar.i18n import N_, _


@dataclass(frozen=True)
class Sheet:
    name: str
    title: LazyProxy
    columns: tuple[str, ...]
    required: tuple[str, ...]
    #: What each column holds (translated when read), for the template's instructions.
    notes: tuple[LazyProxy, ...]


SHEETS: dict[str, Sheet] = {
    s.name: s
    for s in (
        Sheet(
            "trainings",
            N_("Trainings"),
            ("reference", "kind", "course", "programme", "start_date", "end_date", "place",
             "place_code", "trainers", "trainers_training", "notes"),
            ("reference", "course", "start_date"),
            (N_("the session's reference; participants name it"), N_("course or gender_workshop"),
             N_("course title"), N_("programme or donor"),
             N_("first day (31.12.2025 or 2025-12-31)"),
             N_("last day (the first day when empty)"), N_("where, as written"),
             N_("catalogue place code or name (an office or crossing)"),
             N_("trainers' names, comma-separated"), N_("yes for a training of trainers"),
             N_("notes")),
        ),
        Sheet(
            "participants",
            N_("Participants"),
            ("training", "full_name", "agency", "unit", "region", "role", "gender", "certificate"),
            ("training", "full_name", "agency"),
            (N_("the training's reference"), N_("full name"), N_("agency code, e.g. BA-UIO"),
             N_("unit"), N_("region"), N_("role or rank"),
             N_("female, male or empty (F, M, Ž also)"),
             N_("certificate number, empty when none")),
        ),
        Sheet(
            "equipment",
            N_("Equipment"),
            ("kind", "model", "serial", "place_code", "place_name", "programme", "issued_on",
             "notes"),
            ("kind", "serial"),
            (N_("videoscope, detector, xray, contraband_kit or other"), N_("make and model"),
             N_("serial number"), N_("catalogue place code or name (an office or crossing)"),
             N_("place as written"), N_("programme or donor"), N_("day it was issued"),
             N_("notes")),
        ),
        Sheet(
            "equipment_events",
            N_("Equipment events"),
            ("kind", "serial", "event", "on", "note"),
            ("kind", "serial", "event", "on"),
            (N_("the equipment's kind"), N_("the equipment's serial number"),
             N_("issued, returned or maintained"), N_("day"), N_("note")),
        ),
        Sheet(
            "procedures",
            N_("Procedures adopted"),
            ("name", "version", "adopted_on", "agency", "procedure_code", "notes"),
            ("name", "adopted_on"),
            (N_("procedure name"), N_("version"), N_("day adopted"),
             N_("adopting agency code (yours when empty)"),
             N_("seizure procedure code it corresponds to, if any"), N_("notes")),
        ),
    )
}  # fmt: skip
SKIPPED_SHEETS = ("instructions", "readme")

#: (sheet, row number, cells); a row the reader could not take apart is a ``problem`` row.
SheetRow = tuple[str, int, dict[str, str]]


def sheet_of_name(text: str) -> str | None:
    """The kind a sheet or file name stands for (``Participants``, ``participants.csv``)."""
    key = text.strip().lower().replace(" ", "_").replace("-", "_")
    if key in SHEETS:
        return key
    for name in sorted(SHEETS, key=len, reverse=True):
        if name in key:
            return name
    return None


def _header_problems(sheet: Sheet, header: list[str], file: str) -> list[dict[str, Any]]:
    problems: list[dict[str, Any]] = []
    seen: set[str] = set()
    for column in header:
        if column not in sheet.columns:
            reason = _("unknown column")
        elif column in seen:
            reason = _("column appears twice")
        else:
            seen.add(column)
            continue
        problems.append(detail(file, sheet.name, 1, column, column, column, reason))
    for column in sheet.required:
        if column not in seen:
            reason = _("required column is missing")
            problems.append(detail(file, sheet.name, 1, column, column, "", reason))
    return problems


def detail(
    file: str, sheet: str, row: int, column: str, field: str, value: str, reason: str
) -> dict[str, Any]:
    """One row-level error, as every import reports it (plus the file and sheet)."""
    return {
        "file": file,
        "sheet": sheet,
        "row": row,
        "column": column,
        "field": field,
        "value": value[:100],
        "reason": reason,
    }


@dataclass
class Book:
    """The sheets of one file: header problems, and rows per kind."""

    file: str
    rows: dict[str, list[tuple[int, dict[str, str]]]]
    problems: list[dict[str, Any]]


def read_book(path: Path, *, file: str, sheet: str | None, limits: FileLimits,
              encoding: str | None = None) -> Book:  # fmt: skip
    """Read every sheet of ``path`` (XLSX), or its one table (CSV/JSON) as ``sheet``."""
    with path.open("rb") as fh:
        head = fh.read(4)
    if head.startswith(b"PK\x03\x04"):
        return _read_xlsx(path, file, limits)
    kind = sheet_of_name(sheet or "") or sheet_of_name(Path(file).stem)
    if kind is None:
        raise Invalid(
            _("%(file)s: say which sheet this file is (trainings, participants, equipment, "
              "equipment_events or procedures), or name the file after it.") % {"file": file},
            [{"field": "sheet", "file": file}],
        )  # fmt: skip
    table = open_table(path, name=file, encoding=encoding, limits=limits)
    book = Book(file, {kind: []}, _header_problems(SHEETS[kind], table.header, file))
    if not book.problems:
        book.rows[kind] = list(table.rows())
    return book


def _read_xlsx(path: Path, file: str, limits: FileLimits) -> Book:
    from openpyxl import load_workbook

    check_xlsx(path, name=file, limits=limits)
    try:
        wb = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # noqa: BLE001 - a third-party parser on untrusted bytes
        raise Invalid(
            _("%(file)s is not a valid XLSX file.") % {"file": file},
            [{"field": "file", "error": "not_xlsx", "filename": file, "reason": str(exc)[:200]}],
        ) from exc
    book = Book(file, {}, [])
    read = 0
    try:
        for ws in wb.worksheets:
            if ws.title.strip().lower() in SKIPPED_SHEETS:
                continue
            kind = sheet_of_name(ws.title)
            if kind is None or kind in book.rows:
                reason = _("unknown sheet") if kind is None else _("sheet appears twice")
                book.problems.append(detail(file, ws.title, 1, "", "", ws.title, reason))
                continue
            rows = list(_sheet_rows(ws, SHEETS[kind], file, limits, book.problems))
            read += len(rows)
            if read > limits.rows:
                raise TooLarge(
                    _("%(file)s has more than %(n)d rows.") % {"file": file, "n": limits.rows},
                    [{"field": "file", "error": "too_many_rows", "max_rows": limits.rows}],
                )
            book.rows[kind] = rows
    except KalibarError:
        raise
    except Exception as exc:  # noqa: BLE001
        raise Invalid(
            _("%(file)s is not a valid XLSX file.") % {"file": file},
            [{"field": "file", "error": "not_xlsx", "filename": file, "reason": str(exc)[:200]}],
        ) from exc
    finally:
        wb.close()
    if not book.rows and not book.problems:
        raise Invalid(
            _("%(file)s holds none of the ledger's sheets.") % {"file": file},
            [{"field": "file", "file": file}],
        )
    return book


def _sheet_rows(
    ws: Any, sheet: Sheet, file: str, limits: FileLimits, problems: list[dict[str, Any]]
) -> Iterator[tuple[int, dict[str, str]]]:
    ws.reset_dimensions()
    values = ws.iter_rows(values_only=True)
    header = trim_header([cell_text(v) for v in next(values, ())][: limits.columns + 1])
    found = _header_problems(sheet, header, file)
    if found:
        problems.extend(found)
        return
    width = len(header)
    for number, row in enumerate(values, start=2):
        cells = [cell_text(v) for v in row]
        if not any(c.strip() for c in cells):
            continue
        if any(c.strip() for c in cells[width:]):
            yield number, problem(_("more cells than columns in the header"))
            continue
        long = next(
            (h for h, c in zip(header, cells, strict=False) if len(c) > limits.cell_chars), None
        )
        if long is not None:
            yield (
                number,
                problem(_("cell longer than %(n)d characters") % {"n": limits.cell_chars}, long),
            )
            continue
        yield number, dict(zip(header, cells, strict=False))
