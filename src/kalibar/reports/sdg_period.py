"""SDG 16.4.2 by period (a year and its halves) with the fields UNODC asks for.

UNODC collects the indicator through the IAFQ: the arms seized, found and surrendered
(each apart and together), the antiques left out (made before 1900), those whose illicit
origin or context was established — by tracing, or otherwise by a competent authority —
and the share. The counting rules are those of :mod:`kalibar.indicators.sdg` (same
statuses, event date in the period, antiques apart, unknown year counted), over the
report's scope (:mod:`kalibar.reports.scope`); the figures equal that page's for the same
period, which a test checks.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from kalibar.indicators.sdg import ANTIQUE_BEFORE, ratio
from kalibar.records.models import FirearmRecord
from kalibar.reports import iafq
from kalibar.reports.periods import Period
from kalibar.reports.scope import Scope

FIELDS = (
    "seized",
    "found",
    "surrendered",
    "denominator",
    "excluded_antiques",
    "established_by_tracing",
    "established_otherwise",
    "numerator",
)


@dataclass
class SdgPeriod:
    period: Period
    figures: dict[str, int] = field(default_factory=lambda: dict.fromkeys(FIELDS, 0))

    @property
    def ratio(self) -> float | None:
        return ratio(self.figures["numerator"], self.figures["denominator"])

    @property
    def percent(self) -> str:
        value = self.ratio
        return "—" if value is None else f"{value * 100:.1f} %"


def _count(session: Session, *, scope: Scope, span: Period, into: list[SdgPeriod]) -> None:
    """One grouped scan of ``span``; each row added to every period of ``into`` that holds
    its event date (the year and a half both hold it)."""
    r = FirearmRecord
    cols = (r.status, r.origin_established, r.origin_source, r.year_of_manufacture, r.event_date)
    stmt = select(*cols, func.count()).where(*iafq.arms_filter(scope, span)).group_by(*cols)
    for status, established, source, year, day, n in session.execute(stmt):
        count = int(n)
        for target in into:
            if day is None or not target.period.first_day <= day <= target.period.last_day:
                continue
            f = target.figures
            if year is not None and year < ANTIQUE_BEFORE:
                f["excluded_antiques"] += count
                continue
            f[status] += count
            f["denominator"] += count
            if established:
                f["numerator"] += count
                key = "established_by_tracing" if source == "tracing" else "established_otherwise"
                f[key] += count


def compute_period(session: Session, *, scope: Scope, period: Period) -> SdgPeriod:
    result = SdgPeriod(period)
    _count(session, scope=scope, span=period, into=[result])
    return result


def by_period(session: Session, *, scope: Scope, year: int) -> list[SdgPeriod]:
    """The year and its two halves, side by side, from one scan of the year."""
    whole = Period(year)
    periods = [SdgPeriod(p) for p in (whole, *whole.halves())]
    _count(session, scope=scope, span=whole, into=periods)
    return periods
