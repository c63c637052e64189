"""The limits every incoming file is held to, from the settings (``KALIBAR_*``).

One object so that every reader of files agrees; tests pass smaller ones.
"""

from __future__ import annotations

from dataclasses import dataclass

from babel.units import format_unit

from kalibar.config import get_settings
from kalibar.i18n import format_locale


@dataclass(frozen=True)
class FileLimits:
    upload_bytes: int
    xlsx_unpacked_bytes: int
    xlsx_strings_bytes: int
    xlsx_ratio: int
    document_bytes: int
    json_depth: int
    rows: int
    columns: int
    cell_chars: int
    bad_rows: int
    listed_errors: int


def file_limits() -> FileLimits:
    """The configured limits (see ``kalibar.config.Settings``)."""
    s = get_settings()
    return FileLimits(
        upload_bytes=s.upload_max_bytes,
        xlsx_unpacked_bytes=s.xlsx_max_unpacked_bytes,
        xlsx_strings_bytes=s.xlsx_max_strings_bytes,
        xlsx_ratio=s.xlsx_max_ratio,
        document_bytes=s.document_max_bytes,
        json_depth=s.json_max_depth,
        rows=s.import_max_rows,
        columns=s.import_max_columns,
        cell_chars=s.import_max_cell_chars,
        bad_rows=s.import_max_bad_rows,
        listed_errors=s.import_max_listed_errors,
    )


def human_size(n: int) -> str:
    """``26214400`` → ``"25 MB"``, ``2310`` → ``"2.3 kB"`` (``"2,3 kB"`` in Serbian):
    binary steps as the limits are set, one decimal at most, the unit in the reader's
    language (babel)."""
    step = 1024
    for unit, size in (
        ("digital-gigabyte", step**3),
        ("digital-megabyte", step**2),
        ("digital-kilobyte", step),
    ):
        if n >= size:
            value = round(n / size, 1 if n < 10 * size else 0)
            return format_unit(value, unit, length="short", locale=format_locale())
    return format_unit(n, "digital-byte", length="short", locale=format_locale())
