"""Reading record files: the tables of :mod:`kalibar.files` with the records' header check.

``open_source(path)`` reads CSV (any of the region's encodings), XLSX or JSON within the
configured limits (see :mod:`kalibar.files.tables` for row numbers, encodings and problem
rows) and refuses a header with unknown, duplicated or missing required columns.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from kalibar.errors import Invalid
from kalibar.files import ErrorList, FileLimits, Table, file_limits, listed_details, open_table
from kalibar.i18n import _
from kalibar.records.fields import COLUMNS, REQUIRED

Source = Table


def header_problems(header: list[str]) -> list[dict[str, Any]]:
    """Unknown, duplicated or missing required columns, each as an error detail."""
    problems: list[dict[str, Any]] = []
    known = set(COLUMNS)
    seen: set[str] = set()
    for name in header:
        if name not in known:
            problems.append(_detail(1, name, name, _("unknown column")))
        elif name in seen:
            problems.append(_detail(1, name, name, _("column appears twice")))
        seen.add(name)
    for name in sorted(REQUIRED - seen):
        problems.append(_detail(1, name, "", _("required column is missing")))
    return problems


def _detail(row: int, column: str, value: str, reason: str) -> dict[str, Any]:
    return {"row": row, "column": column, "value": value[:100], "reason": reason}


def refuse_header(name: str, problems: list[dict[str, Any]], limits: FileLimits) -> None:
    """``Invalid`` listing the header's problems (at most the listed-errors limit)."""
    if problems:
        listed: ErrorList[dict[str, Any]] = ErrorList(limits.listed_errors)
        listed.extend(problems)
        raise Invalid(
            _("%(file)s: the header row is not valid.") % {"file": name},
            listed_details(listed, listed.omitted),
        )


def open_source(
    path: Path,
    *,
    filename: str = "",
    encoding: str | None = None,
    limits: FileLimits | None = None,
) -> Source:
    """Inspect ``path`` (named ``filename`` to people) and check its header."""
    lim = limits or file_limits()
    name = filename or path.name
    source = open_table(path, name=name, encoding=encoding, limits=lim)
    refuse_header(name, header_problems(source.header), lim)
    return source
