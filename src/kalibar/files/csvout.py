"""The one CSV writer of every export: cells that a spreadsheet would run are neutralised.

A cell that begins with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return is a formula
to Excel and LibreOffice (``=HYPERLINK(…)``, ``=cmd|' /C calc'!A0``, ``@SUM(…)``); such a
cell is written with a leading single quote (OWASP's advice), which spreadsheets show as
text. Plain numbers (``-3``, ``+1.5``) are no formula and stay as they are, so negative
values keep their meaning. A cell that already starts with quotes before such a character
gets one more, so that :func:`unguard` — applied by the CSV reader of every import —
removes exactly the quote the export added and an export imported again gives the same
values.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable, Mapping, Sequence
from datetime import date, datetime
from typing import Any

from kalibar.clock import machine

TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
#: Anything with ``write(str)``: a text file, ``io.StringIO``, a text wrapper.
TextOut = Any
_NUMBER = re.compile(r"[+-]?\d+(?:[.,]\d+)?")


def needs_guard(text: str) -> bool:
    bare = text.lstrip("'")
    return bare.startswith(TRIGGERS) and _NUMBER.fullmatch(bare) is None


def guard(text: str) -> str:
    """``=1+2`` → ``'=1+2``; anything else unchanged."""
    return "'" + text if needs_guard(text) else text


def unguard(text: str) -> str:
    """The inverse of :func:`guard`: ``'=1+2`` → ``=1+2``; anything else unchanged."""
    if text.startswith("'") and needs_guard(text[1:]):
        return text[1:]
    return text


def cell(value: Any) -> Any:
    """A value as written: text guarded, dates in ISO 8601, None empty, numbers as such."""
    if value is None:
        return ""
    if isinstance(value, str):
        return guard(value)
    if isinstance(value, datetime):
        return machine(value)
    if isinstance(value, date):
        return value.isoformat()
    return value


class SafeWriter:
    """``csv.writer`` with every cell passed through :func:`cell`."""

    def __init__(self, out: TextOut, **fmt: Any) -> None:
        self._writer = csv.writer(out, **fmt)

    def writerow(self, row: Iterable[Any]) -> None:
        self._writer.writerow([cell(v) for v in row])

    def writerows(self, rows: Iterable[Iterable[Any]]) -> None:
        for row in rows:
            self.writerow(row)


class SafeDictWriter:
    """``csv.DictWriter`` with every cell passed through :func:`cell`."""

    def __init__(self, out: TextOut, fieldnames: Sequence[str], **fmt: Any) -> None:
        self.fieldnames = list(fieldnames)
        self._writer = SafeWriter(out, **fmt)

    def writeheader(self) -> None:
        self._writer.writerow(self.fieldnames)

    def writerow(self, row: Mapping[str, Any]) -> None:
        self._writer.writerow([row.get(f) for f in self.fieldnames])

    def writerows(self, rows: Iterable[Mapping[str, Any]]) -> None:
        for row in rows:
            self.writerow(row)


def writer(out: TextOut, **fmt: Any) -> SafeWriter:
    return SafeWriter(out, **fmt)


def dict_writer(out: TextOut, fieldnames: Sequence[str], **fmt: Any) -> SafeDictWriter:
    return SafeDictWriter(out, fieldnames, **fmt)


__all__ = ["TRIGGERS", "cell", "dict_writer", "guard", "needs_guard", "unguard", "writer"]
