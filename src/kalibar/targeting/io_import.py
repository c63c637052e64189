"""Importing declarations from CSV, XLSX or JSON files (one row per goods item).

Files are read by ``records.io_read`` (encoding detection, delimiters, row numbers as a
person sees them); only the header check differs. Every row is checked, all errors are
reported (row, column, value, reason), and one bad row rejects the whole file: nothing
is written until the file is known to be good, and everything is written in the
caller's unit of work. Rows of one declaration must agree on the declaration-level
columns. Each declaration is added through the ORM, so the audit hook chains it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from kalibar.agencies.models import Agency
from kalibar.auth.actor import Actor
from kalibar.db.base import Distribution
from kalibar.errors import Forbidden, Invalid
from kalibar.i18n import _
from kalibar.records import io_read
from kalibar.records.io_rows import RowError
from kalibar.targeting.fields import HISTORY_COLUMNS, REQUIRED, parse_row
from kalibar.targeting.models import Declaration, DeclarationItem

_BATCH = 500


@dataclass
class ImportReport:
    file: str
    rows_read: int = 0
    declarations: int = 0
    items: int = 0
    history: bool = False
    errors: list[RowError] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {
            "file": self.file,
            "rows_read": self.rows_read,
            "declarations": self.declarations,
            "items": self.items,
            "history": self.history,
            "errors": [e.as_dict() for e in self.errors],
        }


def header_problems(header: list[str]) -> list[dict[str, Any]]:
    """Unknown, duplicated or missing columns of a declarations or history file."""
    problems: list[dict[str, Any]] = []
    seen: set[str] = set()
    for name in header:
        if name not in HISTORY_COLUMNS:
            problems.append(_err(1, name, name, _("unknown column")))
        elif name in seen:
            problems.append(_err(1, name, name, _("column appears twice")))
        seen.add(name)
    for name in sorted(REQUIRED - seen):
        problems.append(_err(1, name, "", _("required column is missing")))
    if ("inspected" in seen) != ("outcome" in seen):
        problems.append(
            _err(1, "inspected", "", _("a history file has both 'inspected' and 'outcome'"))
        )
    return problems


def _err(row: int, column: str, value: str, reason: str) -> dict[str, Any]:
    return {"row": row, "column": column, "value": value, "reason": reason}


def open_declarations(path: Path, *, filename: str = "", encoding: str | None = None) -> Any:
    """Inspect ``path`` with the records reader and check the header for declarations."""
    name = filename or path.name
    with path.open("rb") as fh:
        head = fh.read(4)
    if head.startswith(b"PK\x03\x04"):
        source = io_read._open_xlsx(path)
    elif path.suffix.lower() == ".json" or head.lstrip()[:1] == b"[":
        source = io_read._open_json(path, name)
    else:
        source = io_read._open_csv(path, name, encoding)
    problems = header_problems(source.header)
    if problems:
        raise Invalid(_("%(file)s: the header row is not valid.") % {"file": name}, problems)
    return source


def import_declarations(
    session: Session,
    *,
    actor: Actor,
    source: Path,
    filename: str,
    agency_code: str,
    encoding: str | None = None,
) -> ImportReport:
    """Check every row of ``source`` and add its declarations, owned by ``agency_code``."""
    if not actor.is_admin and agency_code != actor.agency_code:
        raise Forbidden(_("You may import declarations only for your own agency."))
    agency = session.execute(select(Agency).where(Agency.code == agency_code)).scalar_one_or_none()
    if agency is None:
        raise Invalid(_("Unknown agency code."), [{"field": "agency", "value": agency_code}])
    src = open_declarations(source, filename=filename, encoding=encoding)
    history = "inspected" in src.header
    report = ImportReport(file=filename, history=history)
    grouped = _read(src, report, history)
    _check_existing(session, agency.id, grouped, report)
    if report.errors:
        raise Invalid(
            _("%(file)s: %(n)d rows are not valid; nothing was imported.")
            % {"file": filename, "n": len({e.row for e in report.errors})},
            [e.as_dict() for e in report.errors],
        )
    for n, (_first, decl, items) in enumerate(grouped.values(), start=1):
        row = Declaration(
            owner_agency_id=agency.id,
            owner_country=agency.country_code,
            distribution=Distribution.national.value,
            **decl,
        )
        row.items = [DeclarationItem(line=i, **item) for i, item in enumerate(items, start=1)]
        session.add(row)
        report.items += len(items)
        if n % _BATCH == 0:
            session.flush()
    session.flush()
    report.declarations = len(grouped)
    return report


_Group = tuple[int, dict[str, Any], list[dict[str, Any]]]


def _read(src: Any, report: ImportReport, history: bool) -> dict[str, _Group]:
    grouped: dict[str, _Group] = {}
    for number, raw in src.rows():
        report.rows_read += 1
        if "" in raw:
            report.errors.append(RowError(number, "", "", raw[""]))
            continue
        parsed = parse_row(raw, history=history)
        for exc in parsed.errors:
            report.errors.append(RowError(number, exc.field, exc.value, exc.message))
        if parsed.errors:
            continue
        key = parsed.declaration["declaration_id"]
        if key not in grouped:
            grouped[key] = (number, parsed.declaration, [parsed.item])
            continue
        first, decl, items = grouped[key]
        for column, value in parsed.declaration.items():
            if decl.get(column) != value:
                report.errors.append(
                    RowError(
                        number,
                        column,
                        str(raw.get(column, "")),
                        _("differs from row %(row)d of the same declaration") % {"row": first},
                    )
                )
        items.append(parsed.item)
    return grouped


def _check_existing(
    session: Session, agency_id: int, grouped: dict[str, _Group], report: ImportReport
) -> None:
    ids = list(grouped)
    for start in range(0, len(ids), 1000):
        chunk = ids[start : start + 1000]
        found = session.execute(
            select(Declaration.declaration_id).where(
                Declaration.owner_agency_id == agency_id, Declaration.declaration_id.in_(chunk)
            )
        ).scalars()
        for key in found:
            report.errors.append(
                RowError(
                    grouped[key][0],
                    "declaration_id",
                    key,
                    _("this declaration was already imported for the agency"),
                )
            )
