"""Importing a tabular file: the one reader of :mod:`kalibar.files.tables` plus the check
of its header row, and the row errors every import reports.

Every import (records, declarations and their history, features for the risk model) opens
its file through :func:`open_checked` with its own header check, so encodings, delimiters,
row numbers and limits are the same everywhere and only the columns differ. A reader that
goes faster than the row-by-row table reader for plain UTF-8 CSV (Polars) asks
:func:`utf8_csv_header` for the delimiter and header exactly as the table reader would find
them.
"""

from __future__ import annotations

import codecs
import csv
from collections.abc import Callable, Collection
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from kalibar.errors import Invalid
from kalibar.files.errorlist import ErrorList, listed_details
from kalibar.files.limits import FileLimits, file_limits
from kalibar.files.tables import (
    SAMPLE,
    Table,
    check_encoding,
    delimiter_of,
    open_table,
    trim_header,
)
from kalibar.i18n import _

#: The problems of a header row, each an error detail (row 1, column, value, reason).
HeaderCheck = Callable[[list[str]], list[dict[str, Any]]]


@dataclass
class RowError:
    """One reason a row of an imported file is refused, as a person sees the row."""

    row: int
    column: str
    value: str
    reason: str

    def as_dict(self) -> dict[str, Any]:
        return {"row": self.row, "column": self.column, "value": self.value, "reason": self.reason}


def header_detail(column: str, value: str, reason: str) -> dict[str, Any]:
    """An error detail about the header row (row 1)."""
    return {"row": 1, "column": column, "value": value[:100], "reason": reason}


def header_problems(
    header: list[str], known: Collection[str], required: Collection[str]
) -> list[dict[str, Any]]:
    """Unknown, duplicated or missing required columns, each as an error detail."""
    problems: list[dict[str, Any]] = []
    columns = set(known)
    seen: set[str] = set()
    for name in header:
        if name not in columns:
            problems.append(header_detail(name, name, _("unknown column")))
        elif name in seen:
            problems.append(header_detail(name, name, _("column appears twice")))
        seen.add(name)
    for name in sorted(set(required) - seen):
        problems.append(header_detail(name, "", _("required column is missing")))
    return problems


def refuse_header(name: str, problems: list[dict[str, Any]], limits: FileLimits) -> None:
    """``Invalid`` listing the header's problems (at most the listed-errors limit)."""
    if problems:
        listed: ErrorList[dict[str, Any]] = ErrorList(limits.listed_errors)
        listed.extend(problems)
        raise Invalid(
            _("%(file)s: the header row is not valid.") % {"file": name},
            listed_details(listed, listed.omitted),
        )


def open_checked(
    path: Path,
    check: HeaderCheck,
    *,
    filename: str = "",
    encoding: str | None = None,
    limits: FileLimits | None = None,
) -> Table:
    """Inspect ``path`` (named ``filename`` to people) and refuse it unless ``check`` finds
    its header good."""
    lim = limits or file_limits()
    name = filename or path.name
    table = open_table(path, name=name, encoding=encoding, limits=lim)
    refuse_header(name, check(table.header), lim)
    return table


def utf8_csv_header(path: Path, encoding: str | None = None) -> tuple[str, list[str]] | None:
    """``(delimiter, header)`` of a plain UTF-8 CSV file as :func:`open_table` would read
    them, looking only at the first block; ``None`` when the file is not plainly UTF-8 CSV
    (XLSX, JSON, another encoding given or likely) and must take the table reader."""
    if check_encoding(encoding) is not None and codecs.lookup(encoding or "").name not in (
        "utf-8",
        "utf-8-sig",
    ):
        return None
    if path.suffix.lower() in (".json", ".xlsx"):
        return None
    with path.open("rb") as fh:
        first = fh.read(SAMPLE)
    if first.startswith(b"PK\x03\x04") or first.lstrip()[:1] == b"[":
        return None
    try:
        text = codecs.getincrementaldecoder("utf-8")().decode(first, final=False)
    except UnicodeDecodeError:
        return None
    first_line = text.lstrip("\ufeff").splitlines()[0] if text.strip() else ""
    delimiter = delimiter_of(first_line)
    return delimiter, trim_header(next(csv.reader([first_line], delimiter=delimiter), []))
