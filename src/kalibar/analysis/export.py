"""A figure as a file: CSV (through ``files.csvout``, formula cells neutralised) or XLSX
(text cells that a spreadsheet would run kept as text). Same rows as the page: the
visible seizures only; the hidden count and the filter are written above the table."""

from __future__ import annotations

import io
from collections.abc import Iterator
from typing import Any

from fastapi.responses import Response
from sqlalchemy.orm import Session

from kalibar.analysis.filters import StatsFilter, parse_filter
from kalibar.analysis.stats import Figure, figure
from kalibar.audit.service import log_event
from kalibar.auth.actor import Actor
from kalibar.errors import Invalid
from kalibar.files import csvout
from kalibar.i18n import _

FORMATS = ("csv", "xlsx")


def _lines(fig: Figure, f: StatsFilter) -> Iterator[list[Any]]:
    filters = "; ".join(f"{k}={v}" for k, v in f.params().items()) or _("none")
    yield [_("Figure"), fig.title]
    yield [_("Filters"), filters]
    yield [_("Seizures counted"), fig.seizures]
    yield [_("Items counted"), fig.items]
    yield [_("Seizures you may not see (not counted)"), fig.hidden]
    yield []
    yield [_("Code"), fig.title, _("Seizures"), _("Items")]
    for r in fig.rows:
        yield [r.key, r.label, r.seizures, r.items]


def to_csv(fig: Figure, f: StatsFilter) -> str:
    out = io.StringIO()
    w = csvout.writer(out)
    for line in _lines(fig, f):
        w.writerow(line)
    return "\ufeff" + out.getvalue()


def to_xlsx(fig: Figure, f: StatsFilter) -> bytes:
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell

    wb = Workbook(write_only=True)
    ws = wb.create_sheet(fig.by[:31] or "figure")
    for line in _lines(fig, f):
        cells: list[Any] = []
        for value in line:
            if isinstance(value, str) and csvout.needs_guard(value):
                cell = WriteOnlyCell(ws, value=value)
                cell.data_type = "s"  # text as written, never a formula
                cells.append(cell)
            else:
                cells.append(value)
        ws.append(cells)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def filename(fig: Figure, fmt: str) -> str:
    return f"seizures-by-{fig.by}.{fmt}"


XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV_TYPE = "text/csv; charset=utf-8"


def respond(session: Session, *, actor: Actor, by: str, params: dict[str, str], fmt: str
            ) -> Response:  # fmt: skip
    """The download of a figure (page and API alike), chained in the audit trail."""
    if fmt not in FORMATS:
        raise Invalid(_("Choose CSV or XLSX."), [{"field": "format", "value": fmt}])
    f = parse_filter(params)
    fig = figure(session, actor=actor, by=by, f=f)
    log_event(session, actor=actor, action="export", object_type="SeizureStatistics",
              object_id=by, details={"filters": f.params(), "format": fmt})  # fmt: skip
    headers = {"Content-Disposition": f'attachment; filename="{filename(fig, fmt)}"'}
    if fmt == "csv":
        return Response(to_csv(fig, f), media_type=CSV_TYPE, headers=headers)
    return Response(to_xlsx(fig, f), media_type=XLSX_TYPE, headers=headers)
