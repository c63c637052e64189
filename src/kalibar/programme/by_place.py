"""Figures by place: equipment per office or crossing, detections by office and
detection method, and detections before and after a training or the arrival of a piece
of equipment (see ``programme.indicators`` for the rules; ``programme.scope`` for whose).
"""

from __future__ import annotations

import bisect
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from sqlalchemy import Date, case, cast, func, select
from sqlalchemy.orm import Session

from kalibar.auth.actor import Actor
from kalibar.db.base import utcnow
from kalibar.programme.models import Equipment, EquipmentEvent, EquipmentEventKind, Training
from kalibar.programme.scope import Period, as_date, day_start, in_period, scope, seizure_scope
from kalibar.seizures.models import Seizure

#: Days in each window before and after, unless asked otherwise.
WINDOW_DAYS = 90
MAX_WINDOW_DAYS = 730
#: Trainings and equipment listed in the before/after table (most recent first).
SUBJECTS_LIMIT = 200


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
        active = max((as_date(d) for d in (issued, maintained) if d is not None), default=None)
        back = as_date(returned) if returned is not None else None
        out.append(
            Kit(
                str(uid), kind, serial, place or "", name,
                as_date(first) if first is not None else None,
                active is not None and (back is None or active > back),
                as_date(maintained) if maintained is not None else None,
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
    lo, hi = day_start(subject.before.start), day_start(subject.after.end + timedelta(days=1))
    split = day_start(subject.after.start)
    gap_lo = day_start(subject.before.end + timedelta(days=1))
    is_before = Seizure.occurred_at < gap_lo
    is_after = Seizure.occurred_at >= split
    stmt = (
        select(
            Seizure.detection_method,
            func.sum(case((is_before, 1), else_=0)),
            func.sum(case((is_after, 1), else_=0)),
        )
        .where(
            seizure_scope(actor),
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
        .where(scope(Training, actor), in_period(period), Training.place_code.is_not(None))
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
            seizure_scope(actor),
            Seizure.place_code.in_(sorted({s.place_code for s in counted})),
            Seizure.occurred_at >= day_start(lo),
            Seizure.occurred_at < day_start(hi),
        )
        .group_by(Seizure.place_code, day)
    )
    per_place: dict[str, list[tuple[date, int]]] = defaultdict(list)
    for place_code, d, n in session.execute(stmt):
        per_place[place_code].append((as_date(d), int(n)))
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
            seizure_scope(actor),
            Seizure.occurred_at >= day_start(period.date_from),
            Seizure.occurred_at < day_start(period.date_to + timedelta(days=1)),
        )
        .group_by(Seizure.place_code, Seizure.detection_method)
    )
    rows = [(p or "", m or "", int(n)) for p, m, n in session.execute(stmt)]
    return sorted(rows, key=lambda r: (-r[2], r[0], r[1]))
