"""Reporting periods: a calendar year (``2025``) or one of its halves (``2025-H1`` is
January–June, ``2025-H2`` July–December), the periods the IAFQ and the Roadmap ask for."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from kalibar.errors import Invalid
from kalibar.i18n import _

_PERIOD = re.compile(r"(?P<year>\d{4})(?:-H(?P<half>[12]))?")
FIRST_YEAR, LAST_YEAR = 1950, 2100


@dataclass(frozen=True, order=True)
class Period:
    """``half`` is ``None`` for the whole year."""

    year: int
    half: int | None = None

    @property
    def code(self) -> str:
        return f"{self.year}" if self.half is None else f"{self.year}-H{self.half}"

    @property
    def first_day(self) -> date:
        return date(self.year, 7 if self.half == 2 else 1, 1)

    @property
    def last_day(self) -> date:
        return date(self.year, 6, 30) if self.half == 1 else date(self.year, 12, 31)

    @property
    def start(self) -> datetime:
        """The first instant (UTC), for timestamps such as a seizure's time."""
        return datetime.combine(self.first_day, time.min, tzinfo=UTC)

    @property
    def end(self) -> datetime:
        """The first instant after the period (exclusive bound)."""
        return datetime.combine(self.last_day + timedelta(days=1), time.min, tzinfo=UTC)

    def halves(self) -> tuple[Period, Period]:
        return Period(self.year, 1), Period(self.year, 2)


def parse_period(text: str, *, halves_only: bool = False) -> Period:
    """``2025``, ``2025-H1`` or ``2025-H2``; refused with the field named otherwise."""
    match = _PERIOD.fullmatch((text or "").strip().upper())
    if match is None or not FIRST_YEAR <= int(match["year"]) <= LAST_YEAR:
        raise Invalid(
            _("Give the period as a year (2025) or a half-year (2025-H1, 2025-H2)."),
            [{"field": "period", "value": str(text)[:20]}],
        )
    half = int(match["half"]) if match["half"] else None
    if halves_only and half is None:
        raise Invalid(
            _("Roadmap reports are by half-year (2025-H1, 2025-H2)."),
            [{"field": "period", "value": str(text)[:20]}],
        )
    return Period(int(match["year"]), half)


def current_half(today: date | None = None) -> Period:
    today = today or date.today()
    return Period(today.year, 1 if today.month <= 6 else 2)
