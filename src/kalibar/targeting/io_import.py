"""Importing declarations from CSV, XLSX or JSON files (one row per goods item).

Files are read by :mod:`kalibar.files` (encoding detection, delimiters, row numbers as a
person sees them, the limits on size, rows and XLSX unpacking), as record files are; only
the header check differs. Every row is checked, errors are reported (row, column, value,
reason; the first ``KALIBAR_IMPORT_MAX_LISTED_ERRORS``, then "and N more"; reading stops
after ``KALIBAR_IMPORT_MAX_BAD_ROWS`` bad rows), and one bad row rejects the whole file: nothing
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
from kalibar.files import (
    ErrorList,
    FileLimits,
    RowError,
    Table,
    file_limits,
    header_detail,
    listed_details,
    open_checked,
    problem_of,
)
from kalibar.files import header_problems as columns_problems
from kalibar.i18n import _, ngettext
from kalibar.targeting.fields import (
    HISTORY_COLUMNS,
    OPTIONAL_HISTORY_COLUMNS,
    REQUIRED,
    parse_row,
)
from kalibar.targeting.models import Declaration, DeclarationItem

_BATCH = 500


@dataclass
class ImportReport:
    file: str
    rows_read: int = 0
    declarations: int = 0
    items: int = 0
    history: bool = False
    errors: ErrorList[RowError] = field(default_factory=lambda: ErrorList(1000))
    rejected_rows: set[int] = field(default_factory=set)

    def error_details(self) -> list[dict[str, Any]]:
        return listed_details((e.as_dict() for e in self.errors), self.errors.omitted)

    def as_dict(self) -> dict[str, Any]:
        return {
            "file": self.file,
            "rows_read": self.rows_read,
            "declarations": self.declarations,
            "items": self.items,
            "history": self.history,
            "errors": self.error_details(),
        }


def header_problems(header: list[str]) -> list[dict[str, Any]]:
    """Unknown, duplicated or missing columns of a declarations or history file."""
    problems = columns_problems(header, (*HISTORY_COLUMNS, *OPTIONAL_HISTORY_COLUMNS), REQUIRED)
    if ("inspected" in header) != ("outcome" in header):
        problems.append(
            header_detail("inspected", "", _("a history file has both 'inspected' and 'outcome'"))
        )
    return problems


def open_declarations(
    path: Path, *, filename: str = "", encoding: str | None = None, limits: FileLimits | None = None
) -> Table:
    """Inspect ``path`` with the shared table reader and check the header for declarations."""
    return open_checked(path, header_problems, filename=filename, encoding=encoding, limits=limits)


def import_declarations(
    session: Session,
    *,
    actor: Actor,
    source: Path,
    filename: str,
    agency_code: str,
    encoding: str | None = None,
    limits: FileLimits | None = None,
) -> ImportReport:
    """Check every row of ``source`` and add its declarations, owned by ``agency_code``."""
    operator = actor.is_admin and actor.user_id is None  # the console, not a person
    if not operator and agency_code != actor.agency_code:
        raise Forbidden(_("You may import declarations only for your own agency."))
    agency = session.execute(select(Agency).where(Agency.code == agency_code)).scalar_one_or_none()
    if agency is None:
        raise Invalid(_("Unknown agency code."), [{"field": "agency", "value": agency_code}])
    lim = limits or file_limits()
    src = open_declarations(source, filename=filename, encoding=encoding, limits=lim)
    history = "inspected" in src.header
    report = ImportReport(file=filename, history=history, errors=ErrorList(lim.listed_errors))
    grouped = _read(src, report, history, lim)
    _check_existing(session, agency.id, grouped, report)
    if report.errors:
        raise Invalid(
            ngettext(
                "%(file)s: %(n)d row is not valid; nothing was imported.",
                "%(file)s: %(n)d rows are not valid; nothing was imported.",
                len(report.rejected_rows),
            )
            % {"file": filename, "n": len(report.rejected_rows)},
            report.error_details(),
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


def _error(report: ImportReport, error: RowError, limits: FileLimits) -> None:
    """Count a row error; past ``limits.bad_rows`` bad rows reading stops (422)."""
    report.errors.append(error)
    report.rejected_rows.add(error.row)
    if len(report.rejected_rows) > limits.bad_rows:
        raise Invalid(
            _(
                "%(file)s: more than %(n)d rows are not valid; reading stopped at row "
                "%(row)d and nothing was imported."
            )
            % {"file": report.file, "n": limits.bad_rows, "row": error.row},
            [
                *report.error_details(),
                {"row": error.row, "error": "too_many_bad_rows", "max_bad_rows": limits.bad_rows},
            ],
        )


def _read(src: Table, report: ImportReport, history: bool, limits: FileLimits) -> dict[str, _Group]:
    grouped: dict[str, _Group] = {}
    for number, raw in src.rows():
        report.rows_read += 1
        if (bad := problem_of(raw)) is not None:
            _error(report, RowError(number, bad[0], "", bad[1]), limits)
            continue
        parsed = parse_row(raw, history=history)
        for exc in parsed.errors:
            _error(report, RowError(number, exc.field, exc.value[:100], exc.message), limits)
        if parsed.errors:
            continue
        key = parsed.declaration["declaration_id"]
        if key not in grouped:
            grouped[key] = (number, parsed.declaration, [parsed.item])
            continue
        first, decl, items = grouped[key]
        for column, value in parsed.declaration.items():
            if decl.get(column) != value:
                _error(
                    report,
                    RowError(
                        number,
                        column,
                        str(raw.get(column, ""))[:100],
                        _("differs from row %(row)d of the same declaration") % {"row": first},
                    ),
                    limits,
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
            report.rejected_rows.add(grouped[key][0])
