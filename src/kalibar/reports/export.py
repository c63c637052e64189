"""The reports as files: the IAFQ's two workbooks (statistical tables; significant
seizures), and the Roadmap progress report as XLSX and PDF.

Layout (also in docs/architecture.md, "Reports"): every sheet starts with its title in
A1, the scope and year in A2, column headings in row 4 and data from row 5; tables end
with a ``Total`` row where the questionnaire sums. Sheet names are fixed codes so that a
receiving spreadsheet can point at them whatever the reader's language; headings and
labels are in the reader's language, and every code sits beside its words. Text cells
are written as text (never a formula), whatever they begin with.
"""

from __future__ import annotations

import io
from collections.abc import Iterable, Sequence
from typing import Any

from openpyxl import Workbook
from openpyxl.cell import Cell
from openpyxl.styles import Font
from openpyxl.worksheet.worksheet import Worksheet

from kalibar.clock import moment
from kalibar.db.base import utcnow
from kalibar.files.xmltext import xml_safe
from kalibar.i18n import _
from kalibar.pdf_layout import Document
from kalibar.reports import iafq
from kalibar.reports import labels as words
from kalibar.reports.drill import SignificantRow
from kalibar.reports.roadmap import Progress
from kalibar.seizures.labels import label as seizure_label

HEAD_ROW = 4
#: Sheet codes of the statistical workbook, in the questionnaire's order.
ARMS_SHEETS = {d: f"T1_{i}_{d}" for i, d in enumerate(iafq.DIMENSIONS, start=1)}
SHEETS = {
    "parts": "T2_parts",
    "ammunition": "T3_ammunition",
    "routes": "T4_routes",
    "traces_sent": "T5_1_traces_sent",
    "traces_received": "T5_2_traces_received",
    "sdg": "T6_sdg_16_4_2",
}
SIGNIFICANT_SHEET = "significant_seizures"
_FORMULA = ("=", "+", "-", "@", "\t", "\r")


def _put(ws: Worksheet, row: int, values: Sequence[Any], *, bold: bool = False) -> None:
    for col, value in enumerate(values, start=1):
        text = xml_safe(value) if isinstance(value, str) else value
        cell: Cell = ws.cell(row=row, column=col, value=text)
        if isinstance(value, str) and value.startswith(_FORMULA):
            cell.data_type = "s"  # text as written, never a formula
        if bold:
            cell.font = Font(bold=True)


def _sheet(
    wb: Workbook,
    code: str,
    title: str,
    subtitle: str,
    headings: Sequence[str],
    rows: Iterable[Sequence[Any]],
    total: Sequence[Any] | None = None,
) -> Worksheet:
    ws = wb.create_sheet(code)
    _put(ws, 1, [title], bold=True)
    _put(ws, 2, [subtitle])
    _put(ws, HEAD_ROW, headings, bold=True)
    n = HEAD_ROW
    for n, values in enumerate(rows, start=HEAD_ROW + 1):  # noqa: B007
        _put(ws, n, values)
    if total is not None:
        _put(ws, n + 1, total, bold=True)
    return ws


def _subtitle(report: iafq.Iafq) -> str:
    if report.scope.kind == "national":
        who = _("National total of %(country)s") % {"country": words.country(report.scope.country)}
    else:
        who = _("Agency %(agency)s") % {"agency": report.scope.agency_code}
    return _("%(who)s · year %(year)d · made %(when)s") % {
        "who": who, "year": report.period.year, "when": moment(utcnow())
    }  # fmt: skip


def _bytes(wb: Workbook) -> bytes:
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def statistical_xlsx(report: iafq.Iafq) -> bytes:
    """The questionnaire's statistical tables, one sheet per table."""
    wb = Workbook()
    wb.remove(wb.active)
    sub = _subtitle(report)
    statuses = [str(words.STATUS_TITLES[s]) for s in iafq.STATUSES]
    for dimension in iafq.DIMENSIONS:
        rows = report.arms[dimension]
        _sheet(
            wb, ARMS_SHEETS[dimension], str(words.DIMENSION_TITLES[dimension]), sub,
            [_("Code"), _("Label"), *statuses, _("Total")],
            ([r.key, words.key_label(dimension, r.key), *(r.counts[s] for s in iafq.STATUSES),
              r.total] for r in rows),
            [_("Total"), "", *(report.arms_total.counts[s] for s in iafq.STATUSES),
             report.arms_total.total],
        )  # fmt: skip
    _sheet(
        wb, SHEETS["parts"], _("Parts and components"), sub,
        [_("Code"), _("Label"), _("Unit"), _("Lines"), _("Quantity")],
        ([r.key, words.part_label(r.key), r.unit, r.lines, r.quantity] for r in report.parts),
        [_("Total"), "", "", sum(r.lines for r in report.parts), ""],
    )  # fmt: skip
    _sheet(
        wb, SHEETS["ammunition"], _("Ammunition by calibre"), sub,
        [_("Calibre"), _("Unit"), _("Lines"), _("Quantity")],
        ([r.key, r.unit, r.lines, r.quantity] for r in report.ammunition),
        [_("Total"), "", sum(r.lines for r in report.ammunition), ""],
    )  # fmt: skip
    _sheet(
        wb, SHEETS["routes"], _("Routes"), sub,
        [_("Origin"), _("Transit"), _("Destination"), _("Seizures"), _("Firearms")],
        ([r.origin, r.transit, r.destination, r.seizures, r.firearms] for r in report.routes),
        [_("Total"), "", "", sum(r.seizures for r in report.routes),
         sum(r.firearms for r in report.routes)],
    )  # fmt: skip
    results = [words.result_label(r) for r in iafq.RESULTS]
    for key, title, country_title in (
        ("traces_sent", _("Trace requests sent"), _("Country asked")),
        ("traces_received", _("Trace requests received"), _("Country asking")),
    ):
        rows = getattr(report, key)
        _sheet(
            wb, SHEETS[key], title, sub,
            [country_title, *results, _("Total")],
            ([r.country, *(r.counts[x] for x in iafq.RESULTS), r.total] for r in rows),
            [_("Total"), *(sum(r.counts[x] for r in rows) for x in iafq.RESULTS),
             sum(r.total for r in rows)],
        )  # fmt: skip
    sdg = report.sdg
    assert sdg is not None
    _sheet(
        wb, SHEETS["sdg"], _("SDG indicator 16.4.2"), sub,
        [_("Field"), _("Value")],
        [
            (_("Seized, found or surrendered (denominator)"), sdg.denominator),
            (_("Origin established (numerator)"), sdg.numerator),
            (_("Indicator 16.4.2"), sdg.ratio),
            (_("Antiques left out"), sdg.excluded_antiques),
        ],
    )  # fmt: skip
    return _bytes(wb)


def significant_xlsx(report: iafq.Iafq, rows: Sequence[SignificantRow], hidden: int) -> bytes:
    """The significant seizures the reader may see, one line each, and the hidden count."""
    wb = Workbook()
    wb.remove(wb.active)
    headings = [
        _("Reference"), _("Date and time"), _("Place"), _("Country of the place"), _("Context"),
        _("Direction"), _("Origin"), _("Transit"), _("Destination"), _("Detection"),
        _("Concealment"), _("Conveyance"), _("Firearms"), _("Rounds"), _("Parts"),
        _("Criminal context"),
    ]  # fmt: skip
    lines = (
        [s.reference, moment(s.occurred_at), s.place_name or s.address, s.place_country or "",
         seizure_label("context", s.context), seizure_label("direction", s.direction),
         s.origin_country or "", s.transit_countries, s.destination_country or "",
         seizure_label("detection_method", s.detection_method),
         seizure_label("concealment_method", s.concealment_method),
         seizure_label("conveyance_kind", s.conveyance_kind),
         f.firearms, f.rounds, f.parts,
         ", ".join(seizure_label("criminal_context", c)
                   for c in s.criminal_context.split(",") if c)]
        for s, f in ((row.seizure, row.figures) for row in rows)
    )  # fmt: skip
    title = _("Significant seizures")
    ws = _sheet(wb, SIGNIFICANT_SHEET, title, _subtitle(report), headings, lines)
    note = _("%(n)d significant seizures are counted but not listed: you may not see them.") % {
        "n": hidden
    }
    _put(ws, ws.max_row + 2, [note])
    _put(ws, ws.max_row + 1, [_threshold_note()])
    return _bytes(wb)


def _threshold_note() -> str:
    return (
        _("Significant: at least %(firearms)d firearms, %(rounds)d rounds or %(parts)d parts.")
        % iafq.SIGNIFICANT
    )


# ---------------------------------------------------------------- the Roadmap report


def _progress_rows(progress: Progress) -> list[list[str]]:
    rows: list[list[str]] = []
    for goal, lines in progress.by_goal():
        for line in lines:
            rows.append([
                goal.title, line.kpi.id, line.kpi.title, line.value or "—",
                source_words(line.source), evidence_words(line.evidence),
            ])  # fmt: skip
    return rows


def source_words(source: str) -> str:
    return _("computed from the data") if source == "formula" else _("typed, with evidence")


def evidence_words(evidence: str) -> str:
    """Formula rows store ``formula:<name>``; said in words, never as the code."""
    if evidence.startswith("formula:"):
        return _("Computed by Kalibar from its records when the report was frozen.")
    return evidence


def _progress_subtitle(progress: Progress) -> str:
    status = _("frozen") if progress.frozen else _("draft")
    return _("%(period)s · %(owner)s · %(status)s") % {
        "period": progress.period.code, "owner": progress.owner, "status": status
    }  # fmt: skip


def _progress_headings() -> list[str]:
    return [_("Goal"), _("KPI"), _("Indicator"), _("Value"), _("Source"), _("Evidence")]


def roadmap_xlsx(progress: Progress) -> bytes:
    wb = Workbook()
    wb.remove(wb.active)
    _sheet(
        wb, "roadmap", _("Roadmap progress report"), _progress_subtitle(progress),
        _progress_headings(), _progress_rows(progress),
    )  # fmt: skip
    return _bytes(wb)


def roadmap_pdf(progress: Progress) -> bytes:
    doc = Document(_("Roadmap progress report"), orientation="landscape")
    doc.headline(_("Roadmap progress report"), _progress_subtitle(progress))
    for goal, lines in progress.by_goal():
        doc.heading(goal.title, size=10)
        doc.grid(
            [_("KPI"), _("Indicator"), _("Value"), _("Source"), _("Evidence")],
            ([ln.kpi.id, ln.kpi.title, ln.value or "—", source_words(ln.source),
              evidence_words(ln.evidence)] for ln in lines),
            (12, 90, 25, 40, 100),
        )  # fmt: skip
    return doc.pdf_bytes()
