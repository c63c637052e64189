"""Dates as people in the region write them — one parser for imports, forms and the CLI.

Accepted: ISO 8601 (``2025-12-31``, a time after it is ignored) and day-first with dots or
slashes, with or without the closing dot and spaces (``31.12.2025``, ``31.12.2025.``,
``31. 12. 2025.``, ``31/12/2025``, ``1.2.2025``). Years have four digits (``31.12.25``
is refused: which century is a guess). The API and every export stay ISO 8601
(``parse_day(text, regional=False)``), so machines never guess.

An impossible date (31.02.2025, month 13) is refused with a message that says what is
wrong; callers add where (file, row, column or form field).
"""

from __future__ import annotations

import calendar
import re
from datetime import date

from kalibar.i18n import _, format_locale

_ISO = re.compile(r"(\d{4})-(\d{2})-(\d{2})(?:[T ].*)?")
_REGIONAL = re.compile(r"(\d{1,2})\s*([./])\s*(\d{1,2})\s*\2\s*(\d{4})\s*\.?")

#: Shown to people as the forms to use.
EXAMPLE = "31.12.2025"


class DateError(ValueError):
    """Not a date; ``message`` says why (translated)."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def _checked(year: int, month: int, day: int) -> date:
    if year < 1:
        raise DateError(_("no year %(year)d") % {"year": year})
    if not 1 <= month <= 12:
        raise DateError(_("no month %(month)d in a year") % {"month": month})
    days = calendar.monthrange(year, month)[1]
    if not 1 <= day <= days:
        name = format_locale().months["stand-alone"]["wide"][month]
        raise DateError(
            _("no such date: %(month)s %(year)d has %(days)d days, not %(day)d")
            % {"month": name, "year": year, "days": days, "day": day}
        )
    return date(year, month, day)


def parse_day(text: str, *, regional: bool = True) -> date:
    """The date ``text`` names (see the module docstring); ``DateError`` if none."""
    value = text.strip()
    if m := _ISO.fullmatch(value):
        return _checked(int(m[1]), int(m[2]), int(m[3]))
    if regional and (m := _REGIONAL.fullmatch(value)):
        return _checked(int(m[4]), int(m[3]), int(m[1]))
    if regional:
        raise DateError(
            _("not a date; write it as %(example)s or 2025-12-31") % {"example": EXAMPLE}
        )
    raise DateError(_("not an ISO 8601 date (YYYY-MM-DD)"))
