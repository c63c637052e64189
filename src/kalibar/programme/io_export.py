"""Files going out of the programme ledger: the import template and the indicator tables
as CSV (one table) or XLSX (every table, one sheet each).

Machine formats: column names are stable identifiers, dates ISO 8601, shares as numbers
from 0 to 1. CSV goes through ``files.writer`` (formula cells neutralised); XLSX writes
text cells as text, never as formulas.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import IO, Any

from kalibar.errors import Invalid
from kalibar.files import writer as csv_writer
from kalibar.files.xmltext import xml_safe
from kalibar.i18n import _
from kalibar.programme.indicators import Indicators, gender_rows
from kalibar.programme.io_sheets import SHEETS
from kalibar.programme.models import EquipmentKind

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV_TYPE = "text/csv; charset=utf-8"
_GENDER = ["total", "women", "men", "unspecified", "share_women"]

Table = tuple[list[str], list[list[Any]]]


def tables(ind: Indicators) -> dict[str, Table]:
    """Every indicator table by name: (header, rows)."""
    t = ind.trained
    kinds = [k.value for k in EquipmentKind]
    return {
        "summary": (
            ["date_from", "date_to", "national", "sessions", "gender_workshops",
             "trainer_sessions", "trained", "women", "men", "unspecified", "share_women",
             "trainers_trained", "women_trainers"],
            [[ind.period.date_from, ind.period.date_to, ind.national, t.sessions, t.workshops,
              t.trainer_sessions, *gender_rows([t.total])[0][1:], t.trainers.total,
              t.trainers.women]],
        ),
        "trained_by_agency": (["agency", *_GENDER], gender_rows(t.by_agency)),
        "trained_by_unit": (["unit", *_GENDER], gender_rows(t.by_unit)),
        "trained_by_region": (["region", *_GENDER], gender_rows(t.by_region)),
        "trained_by_kind": (["kind", *_GENDER], gender_rows(t.by_kind)),
        "equipment": (
            ["place_code", "place_name", "total", "in_service", *kinds, "last_maintained"],
            [[e.place_code, e.place_name, e.total, e.in_service,
              *(e.by_kind.get(k, 0) for k in kinds), e.last_maintained]
             for e in ind.equipment],
        ),
        "before_after": (
            ["subject", "subject_id", "label", "place_code", "arrived", "window_days",
             "before_start", "before_end", "after_start", "after_end", "complete",
             "before", "after", "change"],
            [[s.subject, s.subject_id, s.label, s.place_code, s.arrived,
              s.after.days if s.after else 0,
              s.before.start if s.before else None, s.before.end if s.before else None,
              s.after.start if s.after else None, s.after.end if s.after else None,
              s.complete, s.before_total, s.after_total, s.change]
             for s in ind.before_after],
        ),
        "detections": (["place_code", "detection_method", "seizures"],
                       [list(r) for r in ind.detections]),
        "procedure_steps": (
            ["procedure_code", "adopted_version", "adopted_on", "on_time", "late", "overdue",
             "pending", "waived", "share_on_time"],
            [[r.procedure_code, r.adopted.version if r.adopted else None,
              r.adopted.adopted_on if r.adopted else None, r.on_time, r.late, r.overdue,
              r.pending, r.waived,
              round(r.share_on_time, 4) if r.share_on_time is not None else None]
             for r in ind.steps],
        ),
    }  # fmt: skip


def write_csv(ind: Indicators, name: str, out: Any) -> None:
    """One table as CSV (``out`` is a text stream)."""
    found = tables(ind)
    if name not in found:
        raise Invalid(
            _("Unknown table: choose one of %(names)s.") % {"names": ", ".join(found)},
            [{"field": "table", "value": name}],
        )
    header, rows = found[name]
    w = csv_writer(out)
    w.writerow(header)
    w.writerows(rows)


def _text_cells(ws: Any, row: Sequence[Any]) -> list[Any]:
    from openpyxl.cell import WriteOnlyCell

    cells: list[Any] = []
    for value in row:
        if isinstance(value, str):
            cell = WriteOnlyCell(ws, value=xml_safe(value))
            cell.data_type = "s"  # text as written, never a formula
            cells.append(cell)
        else:
            cells.append(value)
    return cells


def _workbook(sheets: Iterable[tuple[str, list[str], list[list[Any]]]], out: IO[bytes]) -> None:
    from openpyxl import Workbook

    wb = Workbook(write_only=True)
    for title, header, rows in sheets:
        ws = wb.create_sheet(title[:31])
        ws.append(_text_cells(ws, header))
        for row in rows:
            ws.append(_text_cells(ws, row))
    wb.save(out)


def write_xlsx(ind: Indicators, out: IO[bytes]) -> None:
    """Every table, one sheet each."""
    _workbook(((name, h, rows) for name, (h, rows) in tables(ind).items()), out)


def write_template(out: IO[bytes]) -> None:
    """The import template: an ``instructions`` sheet (sheet, column, required, what it
    holds — in the reader's language) and one empty sheet per kind with its header."""
    notes = [
        [sheet.name, column, _("yes") if column in sheet.required else "", str(note)]
        for sheet in SHEETS.values()
        for column, note in zip(sheet.columns, sheet.notes, strict=True)
    ]
    _workbook(
        [("instructions", [_("Sheet"), _("Column"), _("Required"), _("What it holds")], notes)]
        + [(s.name, list(s.columns), []) for s in SHEETS.values()],
        out,
    )
