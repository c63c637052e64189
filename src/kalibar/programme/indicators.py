"""Indicators computed from the programme ledger and the detections that followed.

Who sees which figures (the issue's rule): a reader with the ``focal_point`` role gets
national totals — every ledger row and seizure the one visibility filter lets them see
(ledger rows are shared nationally by default); anyone else gets the rows their own
agency owns, within what they may see. Both go through :func:`scope`, one clause per
model, so no figure counts a row its reader could not open.

- **Officers trained** are participations: an officer in two sessions counts twice, as
  the programmes' own sheets count them ("738 officers, 195 women in 32 sessions").
  By agency, unit, region, kind (course or gender workshop), with the share of women;
  a gender not recorded is counted as *unspecified*, never guessed, and stays in the
  denominator of the share.
- **Trainers trained** are the participants of sessions marked training of trainers.
- **Equipment per crossing**: pieces per office or crossing and kind; *in service* when
  the last event is not ``returned``.
- **Detections before and after** a training or the arrival of a piece of equipment, at
  the place it was given or issued to: seizures (by detection method) in two windows of
  the **same length** — before: the ``window`` days before the training starts or the
  equipment is issued; after: the ``window`` days from the day after the training ends
  (from the issue day for equipment). When today cuts the after-window short, both are
  shortened to the days that have passed, so the two are always comparable, and the
  result says so (``complete``). Days are UTC calendar days.
- **Procedure steps completed on time**: required steps with a due date of the seizures
  in the period, by procedure: done by the due date, done late, open and overdue, open
  and not yet due, waived.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from sqlalchemy import and_, case, func, select, true
from sqlalchemy.orm import Session

from kalibar.auth.actor import Actor
from kalibar.db.base import utcnow
from kalibar.programme.by_place import (
    MAX_WINDOW_DAYS,
    SUBJECTS_LIMIT,
    WINDOW_DAYS,
    BeforeAfter,
    Kit,
    PlaceEquipment,
    Window,
    before_after_table,
    detections_around,
    detections_by_office,
    equipment_before_after,
    equipment_per_place,
    issued_on,
    training_before_after,
    windows,
)
from kalibar.programme.models import (
    Gender,
    Participant,
    ProcedureAdoption,
    Training,
    TrainingKind,
)
from kalibar.programme.scope import (
    NATIONAL_ROLES,
    Period,
    day_start,
    in_period,
    national_reader,
    scope,
    seizure_scope,
)
from kalibar.seizures.models import ProcedureStep, Seizure, StepStatus

__all__ = [
    "MAX_WINDOW_DAYS",
    "NATIONAL_ROLES",
    "SUBJECTS_LIMIT",
    "WINDOW_DAYS",
    "BeforeAfter",
    "GenderCell",
    "Indicators",
    "Kit",
    "Period",
    "PlaceEquipment",
    "StepTimeliness",
    "Trained",
    "TrainingCount",
    "Window",
    "before_after_table",
    "compute",
    "detections_around",
    "detections_by_office",
    "equipment_before_after",
    "equipment_per_place",
    "gender_rows",
    "issued_on",
    "national_reader",
    "scope",
    "steps_on_time",
    "trained",
    "trained_drilldown",
    "training_before_after",
    "windows",
]


# ---------------------------------------------------------------- officers trained


@dataclass
class GenderCell:
    key: str
    women: int = 0
    men: int = 0
    unspecified: int = 0

    @property
    def total(self) -> int:
        return self.women + self.men + self.unspecified

    @property
    def share_women(self) -> float | None:
        return self.women / self.total if self.total else None

    def add(self, gender: str, n: int) -> None:
        if gender == Gender.female.value:
            self.women += n
        elif gender == Gender.male.value:
            self.men += n
        else:
            self.unspecified += n


@dataclass
class Trained:
    period: Period
    sessions: int = 0
    workshops: int = 0
    trainer_sessions: int = 0
    total: GenderCell = field(default_factory=lambda: GenderCell("total"))
    trainers: GenderCell = field(default_factory=lambda: GenderCell("trainers"))
    by_agency: list[GenderCell] = field(default_factory=list)
    by_unit: list[GenderCell] = field(default_factory=list)
    by_region: list[GenderCell] = field(default_factory=list)
    by_kind: list[GenderCell] = field(default_factory=list)


def _cells(groups: dict[str, GenderCell]) -> list[GenderCell]:
    return sorted(groups.values(), key=lambda c: (-c.total, c.key))


def trained(session: Session, *, actor: Actor, period: Period) -> Trained:
    """Officers trained by agency, unit, region and gender, trainers trained, sessions."""
    where = and_(scope(Training, actor), in_period(period))
    out = Trained(period)
    sessions = select(Training.kind, Training.trainers_training, func.count()).where(where)
    for kind, tot, n in session.execute(
        sessions.group_by(Training.kind, Training.trainers_training)
    ):
        out.sessions += n
        out.workshops += n if kind == TrainingKind.gender_workshop.value else 0
        out.trainer_sessions += n if tot else 0
    stmt = (
        select(
            Participant.agency,
            Participant.unit,
            Participant.region,
            Participant.gender,
            Training.kind,
            Training.trainers_training,
            func.count(),
        )
        .join(Training, Training.uuid == Participant.training_id)
        .where(where)
        .group_by(
            Participant.agency,
            Participant.unit,
            Participant.region,
            Participant.gender,
            Training.kind,
            Training.trainers_training,
        )
    )
    agencies: dict[str, GenderCell] = {}
    units: dict[str, GenderCell] = {}
    regions: dict[str, GenderCell] = {}
    kinds: dict[str, GenderCell] = {}
    for agency, unit, region, gender, kind, tot, n in session.execute(stmt):
        out.total.add(gender, n)
        if tot:
            out.trainers.add(gender, n)
        unit_key = f"{agency} · {unit}" if unit else agency
        for groups, key in (
            (agencies, agency),
            (units, unit_key),
            (regions, region),
            (kinds, kind),
        ):
            groups.setdefault(key, GenderCell(key)).add(gender, n)
    out.by_agency, out.by_unit = _cells(agencies), _cells(units)
    out.by_region, out.by_kind = _cells(regions), _cells(kinds)
    return out


# ---------------------------------------------------------------- procedure steps


@dataclass
class StepTimeliness:
    procedure_code: str
    on_time: int = 0
    late: int = 0
    overdue: int = 0
    pending: int = 0
    waived: int = 0
    adopted: ProcedureAdoption | None = None

    @property
    def done(self) -> int:
        return self.on_time + self.late

    @property
    def share_on_time(self) -> float | None:
        """On time among the steps whose due date has come (done, or open and overdue)."""
        due = self.on_time + self.late + self.overdue
        return self.on_time / due if due else None


def steps_on_time(session: Session, *, actor: Actor, period: Period) -> list[StepTimeliness]:
    """Required steps with a due date of the seizures in ``period``, by procedure."""
    now = utcnow()
    s = ProcedureStep
    in_time = case((and_(s.completed_at.is_not(None), s.completed_at <= s.due_at), 1), else_=0)
    past_due = case((s.due_at < now, 1), else_=0)
    # A semi-join: the period's seizures come from the covering index once, then the
    # steps are scanned (faster than a probe of the steps per seizure).
    counted = select(Seizure.uuid).where(
        seizure_scope(actor),
        Seizure.occurred_at >= day_start(period.date_from),
        Seizure.occurred_at < day_start(period.date_to + timedelta(days=1)),
    )
    stmt = (
        select(s.procedure_code, s.status, in_time, past_due, func.count())
        .where(s.seizure_id.in_(counted), s.required.is_(true()), s.due_at.is_not(None))
        .group_by(s.procedure_code, s.status, in_time, past_due)
    )
    rows: dict[str, StepTimeliness] = {}
    for code, status, ok, late_now, n in session.execute(stmt):
        row = rows.setdefault(code, StepTimeliness(code))
        if status == StepStatus.done.value:
            if ok:
                row.on_time += n
            else:
                row.late += n
        elif status == StepStatus.waived.value:
            row.waived += n
        elif late_now:
            row.overdue += n
        else:
            row.pending += n
    adoptions = select(ProcedureAdoption).where(
        scope(ProcedureAdoption, actor), ProcedureAdoption.procedure_code != ""
    )
    for a in session.execute(adoptions.order_by(ProcedureAdoption.adopted_on)).scalars():
        if a.procedure_code in rows:
            rows[a.procedure_code].adopted = a
    return sorted(rows.values(), key=lambda r: r.procedure_code)


# ---------------------------------------------------------------- all at once


@dataclass
class Indicators:
    period: Period
    national: bool
    trained: Trained
    equipment: list[PlaceEquipment]
    before_after: list[BeforeAfter]
    detections: list[tuple[str, str, int]]
    steps: list[StepTimeliness]


def compute(
    session: Session, *, actor: Actor, period: Period, days: int = WINDOW_DAYS
) -> Indicators:
    return Indicators(
        period=period,
        national=national_reader(actor),
        trained=trained(session, actor=actor, period=period),
        equipment=equipment_per_place(session, actor=actor),
        before_after=before_after_table(session, actor=actor, period=period, days=days),
        detections=detections_by_office(session, actor=actor, period=period),
        steps=steps_on_time(session, actor=actor, period=period),
    )


def gender_rows(cells: Iterable[GenderCell]) -> list[list[Any]]:
    """Table rows (key, total, women, men, unspecified, share of women)."""
    return [
        [c.key, c.total, c.women, c.men, c.unspecified, round(c.share_women or 0.0, 4)]
        for c in cells
    ]


@dataclass(frozen=True)
class TrainingCount:
    """One training behind an "officers trained" figure, with the participations counted."""

    training: Training
    total: int
    women: int


def trained_drilldown(
    session: Session, *, actor: Actor, period: Period, agency: str | None = None,
    region: str | None = None, limit: int = 200,
) -> list[TrainingCount]:  # fmt: skip
    """The trainings behind a figure of :func:`trained` (same scope, same period), with the
    participations of ``agency`` / ``region`` each counted — the figure's rows, no others."""
    women = func.sum(case((Participant.gender == Gender.female.value, 1), else_=0))
    counts = select(Participant.training_id, func.count().label("n"), women.label("w"))
    if agency is not None:
        counts = counts.where(Participant.agency == agency)
    if region is not None:
        counts = counts.where(Participant.region == region)
    sub = counts.group_by(Participant.training_id).subquery()
    stmt = (
        select(Training, sub.c.n, sub.c.w)
        .join(sub, sub.c.training_id == Training.uuid)
        .where(scope(Training, actor), in_period(period))
        .order_by(Training.start_date.desc(), Training.uuid)
        .limit(limit)
    )
    return [TrainingCount(t, int(n), int(w or 0)) for t, n, w in session.execute(stmt)]
