"""Parsing and validating record fields — one implementation for forms, API and imports.

Each parser takes the text as given and returns the stored value or raises ``FieldError``
naming the field, so an import can report file, row, column and reason.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from kalibar.dates import DateError, parse_day
from kalibar.i18n import _
from kalibar.records.models import RecordStatus
from kalibar.reference.countries import country_code

#: Column order of imports and exports (header names are exact).
COLUMNS = [
    "record_id",
    "status",
    "weapon_type",
    "make",
    "model",
    "calibre",
    "serial_number",
    "country_of_manufacture",
    "year_of_manufacture",
    "import_marking",
    "other_markings",
    "event_date",
    "event_place",
    "reporting_agency",
    "case_reference",
    "notes",
]
#: What a person states about a firearm: every column but the id.
STATED = tuple(c for c in COLUMNS if c != "record_id")
#: The free-text and parsed fields of forms (status is a choice of its own).
FORM_FIELDS = tuple(c for c in STATED if c != "status")
REQUIRED = frozenset({"status"})
MAX_LENGTH = {
    "weapon_type": 32,
    "make": 120,
    "model": 120,
    "calibre": 80,
    "serial_number": 80,
    "import_marking": 120,
    "other_markings": 2000,
    "event_place": 200,
    "case_reference": 80,
    "notes": 10000,
    "reporting_agency": 32,
}


#: Control characters other than tab, line feed and carriage return.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


class FieldError(ValueError):
    def __init__(self, field: str, message: str, value: str = "") -> None:
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message
        self.value = value


def parse_uuid(field: str, text: str) -> uuid.UUID | None:
    if not text:
        return None
    try:
        return uuid.UUID(text)
    except ValueError as exc:
        raise FieldError(field, _("not a UUID"), text) from exc


def parse_status(field: str, text: str) -> str:
    value = text.strip().lower()
    if value not in RecordStatus.__members__:
        raise FieldError(
            field,
            _("unknown status; use one of: %(values)s")
            % {"values": ", ".join(s.value for s in RecordStatus)},
            text,
        )
    return value


def parse_country(field: str, text: str) -> str | None:
    if not text.strip():
        return None
    code = country_code(text)
    if code is None:
        reason = _(
            "unknown country; give an ISO code (BA), an English name, or a former state"
            " (SU, YU, CS, DD)"
        )
        raise FieldError(field, reason, text)
    return code


def parse_year(field: str, text: str) -> int | None:
    if not text.strip():
        return None
    try:
        year = int(text.strip())
    except ValueError as exc:
        raise FieldError(field, _("not a year"), text) from exc
    if not 1800 <= year <= datetime.now(UTC).year:
        raise FieldError(field, _("year out of range (1800 to this year)"), text)
    return year


def parse_date(field: str, text: str, *, regional: bool = True) -> date | None:
    """A date as the region writes it (31.12.2025.) or ISO 8601; ``regional=False``: ISO
    only (the API). See :mod:`kalibar.dates`."""
    if not text.strip():
        return None
    try:
        value = parse_day(text, regional=regional)
    except DateError as exc:
        raise FieldError(field, exc.message, text) from exc
    if value > datetime.now(UTC).date():
        raise FieldError(field, _("date is in the future"), text)
    return value


def parse_text(field: str, text: str) -> str:
    value = text.strip()
    limit = MAX_LENGTH.get(field)
    if limit and len(value) > limit:
        raise FieldError(field, _("too long (at most %(n)d characters)") % {"n": limit}, text)
    if _CONTROL.search(value):
        raise FieldError(field, _("contains control characters"), text)
    return value


PARSERS: dict[str, Callable[[str, str], Any]] = {
    "record_id": parse_uuid,
    "status": parse_status,
    "country_of_manufacture": parse_country,
    "year_of_manufacture": parse_year,
    "event_date": parse_date,
}


@dataclass
class ParsedRow:
    values: dict[str, Any]
    errors: list[FieldError]


def parse_row(raw: dict[str, str]) -> ParsedRow:
    """Parse every column of one row, collecting all errors rather than stopping at one."""
    values: dict[str, Any] = {}
    errors: list[FieldError] = []
    for column in COLUMNS:
        text = raw.get(column) or ""
        if column in REQUIRED and not text.strip():
            errors.append(FieldError(column, _("required")))
            continue
        parser = PARSERS.get(column, parse_text)
        try:
            values[column] = parser(column, text)
        except FieldError as exc:
            errors.append(exc)
    return ParsedRow(values, errors)
