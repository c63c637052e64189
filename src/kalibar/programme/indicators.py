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

import bisect
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlalchemy import ColumnElement, Date, and_, case, cast, func, select, true
from sqlalchemy.orm import Session

from kalibar.auth.actor import Actor
from kalibar.db.base import SharedObject, utcnow
from kalibar.programme.models import (
    Equipment,
    EquipmentEvent,
    EquipmentEventKind,
    Gender,
    Participant,
    ProcedureAdoption,
    Training,
    TrainingKind,
)
from kalibar.seizures.models import ProcedureStep, Seizure, StepStatus
from kalibar.sharing.visibility import visible_clause

#: Days in each window before and after, unless asked otherwise.
WINDOW_DAYS = 90
MAX_WINDOW_DAYS = 730
#: Trainings and equipment listed in the before/after table (most recent first).
SUBJECTS_LIMIT = 200
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


@dataclass(frozen=True)
class Period:
    date_from: date
    date_to: date

    @classmethod
    def year_to_date(cls, today: date | None = None) -> Period:
        today = today or utcnow().date()
        return cls(date(today.year, 1, 1), today)


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


def _in_period(period: Period) -> ColumnElement[bool]:
    return and_(Training.start_date >= period.date_from, Training.start_date <= period.date_to)


def _cells(groups: dict[str, GenderCell]) -> list[GenderCell]:
    return sorted(groups.values(), key=lambda c: (-c.total, c.key))


def trained(session: Session, *, actor: Actor, period: Period) -> Trained:
    """Officers trained by agency, unit, region and gender, trainers trained, sessions."""
    where = and_(scope(Training, actor), _in_period(period))
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


# ---------------------------------------------------------------- equipment


@dataclass
class PlaceEquipment:
    place_code: str
    place_name: str
    by_kind: dict[str, int] = field(default_factory=dict)
    in_service: int = 0
    total: int = 0
    last_maintained: date | None = None


@dataclass(frozen=True)
class Kit:
    """One piece of equipment as the indicators need it (no ORM object)."""

    uuid: str
    kind: str
    serial: str
    place_code: str
    place_name: str
    issued: date | None
    in_service: bool
    last_maintained: date | None


def _kit(session: Session, actor: Actor) -> list[Kit]:
    """Every piece in scope with its first issue, last maintenance and whether it is in
    service: an issue or maintenance after its last return (a return on the same day as
    an issue counts as returned). One grouped query."""
    ev = EquipmentEvent
    on_kind = {k: func.max(case((ev.kind == k.value, ev.on))) for k in EquipmentEventKind}
    stmt = (
        select(
            Equipment.uuid, Equipment.kind, Equipment.serial, Equipment.place_code,
            Equipment.place_name, func.min(case((ev.kind == "issued", ev.on))),
            on_kind[EquipmentEventKind.issued], on_kind[EquipmentEventKind.maintained],
            on_kind[EquipmentEventKind.returned],
        )
        .outerjoin(ev, ev.equipment_id == Equipment.uuid)
        .where(scope(Equipment, actor))
        .group_by(Equipment.uuid, Equipment.kind, Equipment.serial, Equipment.place_code,
                  Equipment.place_name)
    )  # fmt: skip
    out = []
    for uid, kind, serial, place, name, first, issued, maintained, returned in session.execute(
        stmt
    ):
        active = max((_as_date(d) for d in (issued, maintained) if d is not None), default=None)
        back = _as_date(returned) if returned is not None else None
        out.append(
            Kit(
                str(uid), kind, serial, place or "", name,
                _as_date(first) if first is not None else None,
                active is not None and (back is None or active > back),
                _as_date(maintained) if maintained is not None else None,
            )
        )  # fmt: skip
    return out


def equipment_per_place(session: Session, *, actor: Actor) -> list[PlaceEquipment]:
    """Pieces per office or crossing and kind, and how many are in service."""
    places: dict[str, PlaceEquipment] = {}
    for k in _kit(session, actor):
        row = places.setdefault(k.place_code, PlaceEquipment(k.place_code, k.place_name))
        row.total += 1
        row.by_kind[k.kind] = row.by_kind.get(k.kind, 0) + 1
        row.in_service += 1 if k.in_service else 0
        if k.last_maintained and (
            row.last_maintained is None or k.last_maintained > row.last_maintained
        ):
            row.last_maintained = k.last_maintained
    return sorted(places.values(), key=lambda r: (-r.total, r.place_code))


def issued_on(eq: Equipment) -> date | None:
    """The day a piece of equipment arrived: its first ``issued`` event."""
    days = [e.on for e in eq.events if e.kind == EquipmentEventKind.issued.value]
    return min(days) if days else None


# ---------------------------------------------------------------- before / after


@dataclass(frozen=True)
class Window:
    start: date
    end: date  # inclusive

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1


@dataclass
class BeforeAfter:
    subject: str  # "training" or "equipment"
    subject_id: str
    label: str
    place_code: str
    arrived: date
    before: Window | None
    after: Window | None
    #: False when today cut the after-window short (both windows were shortened alike).
    complete: bool
    before_total: int = 0
    after_total: int = 0
    by_method: list[tuple[str, int, int]] = field(default_factory=list)

    @property
    def change(self) -> int:
        return self.after_total - self.before_total


def windows(
    first_day: date, after_start: date, days: int, today: date
) -> tuple[Window | None, Window | None, bool]:
    """Two windows of the same length: ``days`` before ``first_day`` and ``days`` from
    ``after_start``, both shortened to the days of the after-window that have passed."""
    passed = (today - after_start).days + 1
    length = min(days, passed)
    if length <= 0:
        return None, None, False
    before = Window(first_day - timedelta(days=length), first_day - timedelta(days=1))
    after = Window(after_start, after_start + timedelta(days=length - 1))
    return before, after, length == days


def _moment(day: date) -> datetime:
    return datetime.combine(day, time(0), tzinfo=UTC)


def _seizure_scope(actor: Actor) -> ColumnElement[bool]:
    return scope(Seizure, actor)


def _training_subject(t: Training, days: int, today: date) -> BeforeAfter:
    before, after, complete = windows(t.start_date, t.end_date + timedelta(days=1), days, today)
    return BeforeAfter(
        "training", str(t.uuid), f"{t.reference} · {t.course}", t.place_code or "",
        t.start_date, before, after, complete,
    )  # fmt: skip


def _equipment_subject(eq: Equipment | Kit, day: date, days: int, today: date) -> BeforeAfter:
    before, after, complete = windows(day, day, days, today)
    return BeforeAfter(
        "equipment", str(eq.uuid), eq.serial, eq.place_code or "",
        day, before, after, complete,
    )  # fmt: skip


def detections_around(session: Session, *, actor: Actor, subject: BeforeAfter) -> BeforeAfter:
    """Fill one subject's before/after counts by detection method (one query)."""
    if subject.before is None or subject.after is None or not subject.place_code:
        return subject
    lo, hi = _moment(subject.before.start), _moment(subject.after.end + timedelta(days=1))
    split = _moment(subject.after.start)
    gap_lo = _moment(subject.before.end + timedelta(days=1))
    is_before = Seizure.occurred_at < gap_lo
    is_after = Seizure.occurred_at >= split
    stmt = (
        select(
            Seizure.detection_method,
            func.sum(case((is_before, 1), else_=0)),
            func.sum(case((is_after, 1), else_=0)),
        )
        .where(
            _seizure_scope(actor),
            Seizure.place_code == subject.place_code,
            Seizure.occurred_at >= lo,
            Seizure.occurred_at < hi,
        )
        .group_by(Seizure.detection_method)
    )
    rows = [(m or "", int(b or 0), int(a or 0)) for m, b, a in session.execute(stmt)]
    subject.by_method = sorted(
        (r for r in rows if r[1] or r[2]), key=lambda r: (-r[1] - r[2], r[0])
    )
    subject.before_total = sum(r[1] for r in rows)
    subject.after_total = sum(r[2] for r in rows)
    return subject


def training_before_after(
    session: Session, *, actor: Actor, training: Training, days: int = WINDOW_DAYS
) -> BeforeAfter:
    subject = _training_subject(training, days, utcnow().date())
    return detections_around(session, actor=actor, subject=subject)


def equipment_before_after(
    session: Session, *, actor: Actor, equipment: Equipment, days: int = WINDOW_DAYS
) -> BeforeAfter | None:
    day = issued_on(equipment)
    if day is None:
        return None
    subject = _equipment_subject(equipment, day, days, utcnow().date())
    return detections_around(session, actor=actor, subject=subject)


def _day_column(session: Session) -> Any:
    if session.get_bind().dialect.name == "sqlite":
        return func.date(Seizure.occurred_at)
    return cast(func.timezone("UTC", Seizure.occurred_at), Date)


def _as_date(value: Any) -> date:
    return value if isinstance(value, date) else date.fromisoformat(str(value)[:10])


def before_after_table(
    session: Session, *, actor: Actor, period: Period, days: int = WINDOW_DAYS
) -> list[BeforeAfter]:
    """Every training and piece of equipment with a place whose start or issue falls in
    ``period`` (the latest :data:`SUBJECTS_LIMIT`), with detections before and after.

    Seizures are counted once per place and day in one query, then each subject's two
    windows are summed from those counts (prefix sums), so the table costs two queries
    whatever the number of subjects."""
    today = utcnow().date()
    subjects: list[BeforeAfter] = []
    trainings = (
        select(Training)
        .where(scope(Training, actor), _in_period(period), Training.place_code.is_not(None))
        .order_by(Training.start_date.desc())
        .limit(SUBJECTS_LIMIT)
    )
    subjects += [_training_subject(t, days, today) for t in session.execute(trainings).scalars()]
    for k in _kit(session, actor):
        if k.place_code and k.issued and period.date_from <= k.issued <= period.date_to:
            subjects.append(_equipment_subject(k, k.issued, days, today))
    subjects.sort(key=lambda s: (s.arrived, s.label), reverse=True)
    subjects = subjects[:SUBJECTS_LIMIT]
    counted = [s for s in subjects if s.before and s.after]
    if not counted:
        return subjects
    lo = min(s.before.start for s in counted if s.before)
    hi = max(s.after.end for s in counted if s.after) + timedelta(days=1)
    day = _day_column(session)
    stmt = (
        select(Seizure.place_code, day, func.count())
        .where(
            _seizure_scope(actor),
            Seizure.place_code.in_(sorted({s.place_code for s in counted})),
            Seizure.occurred_at >= _moment(lo),
            Seizure.occurred_at < _moment(hi),
        )
        .group_by(Seizure.place_code, day)
    )
    per_place: dict[str, list[tuple[date, int]]] = defaultdict(list)
    for place_code, d, n in session.execute(stmt):
        per_place[place_code].append((_as_date(d), int(n)))
    sums: dict[str, tuple[list[date], list[int]]] = {}
    for place_code, rows in per_place.items():
        rows.sort()
        running, acc = [], 0
        for _d, n in rows:
            acc += n
            running.append(acc)
        sums[place_code] = ([d for d, _n in rows], running)
    for s in counted:
        days_, running = sums.get(s.place_code, ([], []))
        s.before_total = _between(days_, running, s.before)
        s.after_total = _between(days_, running, s.after)
    return subjects


def _between(days: list[date], running: list[int], window: Window | None) -> int:
    if window is None or not days:
        return 0
    lo = bisect.bisect_left(days, window.start)
    hi = bisect.bisect_right(days, window.end)
    return (running[hi - 1] if hi else 0) - (running[lo - 1] if lo else 0)


# ---------------------------------------------------------------- detections by office


def detections_by_office(
    session: Session, *, actor: Actor, period: Period
) -> list[tuple[str, str, int]]:
    """Seizures in the period by place (office or crossing) and detection method."""
    stmt = (
        select(Seizure.place_code, Seizure.detection_method, func.count())
        .where(
            _seizure_scope(actor),
            Seizure.occurred_at >= _moment(period.date_from),
            Seizure.occurred_at < _moment(period.date_to + timedelta(days=1)),
        )
        .group_by(Seizure.place_code, Seizure.detection_method)
    )
    rows = [(p or "", m or "", int(n)) for p, m, n in session.execute(stmt)]
    return sorted(rows, key=lambda r: (-r[2], r[0], r[1]))


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
        _seizure_scope(actor),
        Seizure.occurred_at >= _moment(period.date_from),
        Seizure.occurred_at < _moment(period.date_to + timedelta(days=1)),
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
