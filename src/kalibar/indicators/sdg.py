"""SDG indicator 16.4.2, computed from firearm records.

*Proportion of seized, found or surrendered arms whose illicit origin or context has been
traced or established by a competent authority in line with international instruments.*

- **Denominator**: records with status ``seized``, ``found`` or ``surrendered`` whose
  ``event_date`` falls in the period (both ends included), without the antiques: a record
  with ``year_of_manufacture`` before 1900 is left out and counted in ``excluded_antiques``.
  A record whose year is unknown counts (most seized arms carry no year). A record without
  an event date cannot be placed in a period and is not counted.
- **Numerator**: those of the denominator with ``origin_established`` — by a trace answer
  (``origin_source = "tracing"``) or by other competent-authority means recorded on the
  record (``origin_source = "other"``, with a note saying on what basis).
- **Context**: the context of the seizure the weapon was recorded in (border check, postal
  inspection, premises search …); for a record made outside a seizure, its status
  (seized, found, surrendered).

Only records the viewer may see are counted (``sharing.visibility``): a national focal
point sees what the agencies of its country share nationally, so the figure is national.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, func, or_, select
from sqlalchemy.orm import Session

from kalibar.agencies.models import Agency
from kalibar.agencies.service import agency_codes
from kalibar.auth.actor import Actor
from kalibar.errors import Invalid
from kalibar.i18n import _
from kalibar.records.models import RECOVERED, FirearmRecord
from kalibar.seizures.models import SeizedItem, Seizure
from kalibar.sharing.visibility import visible, visible_clause

#: Arms made before this year are antiques and out of the indicator's scope.
ANTIQUE_BEFORE = 1900
UNKNOWN = "unknown"


@dataclass(frozen=True)
class SdgQuery:
    """The period (inclusive), and optionally the owner country and the owner agency."""

    date_from: date
    date_to: date
    country: str | None = None
    agency: str | None = None

    def __post_init__(self) -> None:
        if self.date_from > self.date_to:
            raise Invalid(
                _("The start of the period is after its end."),
                [{"field": "from", "value": self.date_from.isoformat()}],
            )
        if self.country is not None and (len(self.country) != 2 or not self.country.isalpha()):
            raise Invalid(
                _("Give the country as a two-letter ISO code."),
                [{"field": "country", "value": self.country}],
            )


def make_query(
    date_from: date | None,
    date_to: date | None,
    country: str | None = None,
    agency: str | None = None,
    *,
    today: date | None = None,
) -> SdgQuery:
    """A query with defaults: the current calendar year up to today."""
    today = today or date.today()
    return SdgQuery(
        date_from=date_from or date(today.year, 1, 1),
        date_to=date_to or today,
        country=(country or "").strip().upper() or None,
        agency=(agency or "").strip().upper() or None,
    )


@dataclass
class Cell:
    """One line of a breakdown."""

    key: str
    denominator: int = 0
    numerator: int = 0

    @property
    def ratio(self) -> float | None:
        return ratio(self.numerator, self.denominator)


@dataclass
class SdgReport:
    query: SdgQuery
    viewer: str
    denominator: int = 0
    numerator: int = 0
    excluded_antiques: int = 0
    by_weapon_type: list[Cell] = field(default_factory=list)
    by_context: list[Cell] = field(default_factory=list)
    by_agency: list[Cell] = field(default_factory=list)
    by_country_of_manufacture: list[Cell] = field(default_factory=list)

    @property
    def ratio(self) -> float | None:
        return ratio(self.numerator, self.denominator)


def ratio(numerator: int, denominator: int) -> float | None:
    """The share, to four decimals; ``None`` when nothing was counted."""
    return round(numerator / denominator, 4) if denominator else None


# ---------------------------------------------------------------- scope and filters


def scoped(stmt: Select[Any], viewers: Sequence[Actor]) -> Select[Any]:
    """Narrow to what any of ``viewers`` may see — always through the visibility filter."""
    r = FirearmRecord
    if len(viewers) == 1:
        return visible(stmt, r, viewers[0])
    if not viewers:
        return stmt.where(r.uuid.is_(None))
    return stmt.where(or_(*(visible_clause(r, a) for a in viewers))).where(r.deleted_at.is_(None))


def _agency_id(session: Session, code: str) -> int:
    found = session.execute(select(Agency.id).where(Agency.code == code)).scalar()
    if found is None:
        raise Invalid(_("Unknown agency code."), [{"field": "agency", "value": code}])
    return int(found)


def _in_period(session: Session, stmt: Select[Any], query: SdgQuery) -> Select[Any]:
    r = FirearmRecord
    stmt = stmt.where(
        r.status.in_(sorted(RECOVERED)),
        r.event_date >= query.date_from,
        r.event_date <= query.date_to,
    )
    if query.country:
        stmt = stmt.where(r.owner_country == query.country)
    if query.agency:
        stmt = stmt.where(r.owner_agency_id == _agency_id(session, query.agency))
    return stmt


def _counted() -> ColumnElement[bool]:
    r = FirearmRecord
    return or_(r.year_of_manufacture.is_(None), r.year_of_manufacture >= ANTIQUE_BEFORE)


# ---------------------------------------------------------------- the figures


def compute(
    session: Session, *, viewers: Sequence[Actor], query: SdgQuery, viewer: str
) -> SdgReport:
    """The indicator and its breakdowns in one grouped query."""
    r = FirearmRecord
    # Plain columns only in GROUP BY: PostgreSQL cannot match parameterised expressions.
    cols = (
        r.weapon_type,
        r.status,
        r.owner_agency_id,
        r.origin_established,
        r.year_of_manufacture,
        Seizure.context,
        r.country_of_manufacture,
    )
    counts: Select[Any] = select(*cols, func.count())  # type: ignore[assignment]
    counts = counts.select_from(r).outerjoin(
        SeizedItem, and_(SeizedItem.record_id == r.uuid, SeizedItem.deleted_at.is_(None))
    )
    counts = counts.outerjoin(Seizure, Seizure.uuid == SeizedItem.seizure_id)
    stmt = _in_period(session, scoped(counts, viewers), query)
    stmt = stmt.group_by(*cols)
    codes = agency_codes(session)
    report = SdgReport(query=query, viewer=viewer)
    cells: dict[str, dict[str, Cell]] = defaultdict(dict)
    rows = session.execute(stmt)
    for weapon_type, status, agency_id, is_established, year, context, made_in, n in rows:
        count = int(n)
        if year is not None and year < ANTIQUE_BEFORE:
            report.excluded_antiques += count
            continue
        established = count if is_established else 0
        report.denominator += count
        report.numerator += established
        for name, key in (
            ("type", weapon_type or UNKNOWN),
            ("context", context or status),
            ("agency", codes.get(agency_id, str(agency_id))),
            ("made", made_in or UNKNOWN),  # as stamped: former states (SU, YU …) kept
        ):
            cell = cells[name].setdefault(key, Cell(key))
            cell.denominator += count
            cell.numerator += established
    report.by_weapon_type = _ordered(cells["type"])
    report.by_context = _ordered(cells["context"])
    report.by_agency = _ordered(cells["agency"])
    report.by_country_of_manufacture = _ordered(cells["made"])
    return report


def _ordered(cells: dict[str, Cell]) -> list[Cell]:
    """Largest first, then by key, so tables and charts read the same every time."""
    return sorted(cells.values(), key=lambda c: (-c.denominator, c.key))


# ---------------------------------------------------------------- the arms counted

DRILL_COLUMNS = (
    "reference",
    "status",
    "weapon_type",
    "make",
    "model",
    "calibre",
    "serial_number",
    "year_of_manufacture",
    "event_date",
    "owner_agency",
    "origin_established",
    "origin_source",
    "origin_established_at",
)


def drilldown_select(
    session: Session,
    *,
    viewers: Sequence[Actor],
    query: SdgQuery,
    established: bool | None = None,
) -> Select[Any]:
    """The records in the denominator (antiques left out), oldest event first."""
    r = FirearmRecord
    stmt = _in_period(session, scoped(select(r), viewers), query).where(_counted())
    if established is not None:
        stmt = stmt.where(r.origin_established.is_(established))
    return stmt.order_by(r.event_date, r.reference)


def drilldown(
    session: Session,
    *,
    viewers: Sequence[Actor],
    query: SdgQuery,
    established: bool | None = None,
    limit: int | None = None,
    offset: int = 0,
) -> Iterator[FirearmRecord]:
    stmt = drilldown_select(session, viewers=viewers, query=query, established=established)
    if limit is not None:
        stmt = stmt.limit(limit)
    if offset:
        stmt = stmt.offset(offset)
    yield from session.execute(stmt.execution_options(yield_per=1000)).scalars()


def drill_row(record: FirearmRecord, codes: dict[int, str]) -> dict[str, Any]:
    """One counted arm as plain values (the CSV and the API list use this)."""
    return {
        "record_id": str(record.uuid),
        "reference": record.reference,
        "status": record.status,
        "weapon_type": record.weapon_type or "",
        "make": record.make,
        "model": record.model,
        "calibre": record.calibre,
        "serial_number": record.serial_number,
        "year_of_manufacture": record.year_of_manufacture,
        "event_date": record.event_date.isoformat() if record.event_date else "",
        "owner_agency": codes.get(record.owner_agency_id, ""),
        "origin_established": bool(record.origin_established),
        "origin_source": record.origin_source or "",
        "origin_established_at": (
            record.origin_established_at.isoformat() if record.origin_established_at else ""
        ),
    }
