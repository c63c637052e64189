"""Whose figures: the one scope clause of the programme indicators, and the period.

A reader with the ``focal_point`` role reports national totals — every ledger row and
seizure the one visibility filter lets them see (ledger rows are shared nationally by
default); anyone else their own agency's rows, within what they may see. Every figure
of ``programme.indicators`` and ``programme.by_place`` goes through :func:`scope`, so no
figure counts a row its reader could not open.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from typing import Any

from sqlalchemy import ColumnElement, and_

from kalibar.auth.actor import Actor
from kalibar.db.base import SharedObject, utcnow
from kalibar.programme.models import Training
from kalibar.seizures.models import Seizure
from kalibar.sharing.visibility import visible_clause

NATIONAL_ROLES = ("focal_point",)


def national_reader(actor: Actor) -> bool:
    """A focal point reports national totals; everyone else their own agency's."""
    return actor.has_role(*NATIONAL_ROLES)


def scope(model: type[SharedObject], actor: Actor) -> ColumnElement[bool]:
    """The rows of ``model`` that count in ``actor``'s figures (see the module docstring)."""
    m: Any = model
    clause = and_(visible_clause(model, actor), m.deleted_at.is_(None))
    if not national_reader(actor):
        clause = and_(clause, m.owner_agency_id == actor.agency_id)
    return clause


def seizure_scope(actor: Actor) -> ColumnElement[bool]:
    return scope(Seizure, actor)


@dataclass(frozen=True)
class Period:
    date_from: date
    date_to: date

    @classmethod
    def year_to_date(cls, today: date | None = None) -> Period:
        today = today or utcnow().date()
        return cls(date(today.year, 1, 1), today)


def in_period(period: Period) -> ColumnElement[bool]:
    """Trainings that start in the period."""
    return and_(Training.start_date >= period.date_from, Training.start_date <= period.date_to)


def day_start(day: date) -> datetime:
    """Midnight UTC of ``day`` (the indicators count UTC calendar days)."""
    return datetime.combine(day, time(0), tzinfo=UTC)


def as_date(value: Any) -> date:  # noqa: ANN401 - a date, or SQLite's text
    return value if isinstance(value, date) else date.fromisoformat(str(value)[:10])
