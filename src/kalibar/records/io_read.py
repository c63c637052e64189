"""Reading record files: the tables of :mod:`kalibar.files` with the records' header check.

``open_source(path)`` reads CSV (any of the region's encodings), XLSX or JSON within the
configured limits (see :mod:`kalibar.files.tables` for row numbers, encodings and problem
rows) and refuses a header with unknown, duplicated or missing required columns.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from kalibar.files import FileLimits, Table, open_checked
from kalibar.files import header_problems as columns_problems
from kalibar.records.fields import COLUMNS, REQUIRED

Source = Table


def header_problems(header: list[str]) -> list[dict[str, Any]]:
    """Unknown, duplicated or missing required columns, each as an error detail."""
    return columns_problems(header, COLUMNS, REQUIRED)


def open_source(
    path: Path,
    *,
    filename: str = "",
    encoding: str | None = None,
    limits: FileLimits | None = None,
) -> Source:
    """Inspect ``path`` (named ``filename`` to people) and check its header."""
    return open_checked(path, header_problems, filename=filename, encoding=encoding, limits=limits)
