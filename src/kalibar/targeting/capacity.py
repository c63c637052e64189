"""Inspection capacity over a period: what the API needs to decide one declaration at a
time the way a batch ranks a whole file, and what the pages show.

The period is the UTC day of screening (``period_of``). Per agency, office and flow the
``targeting_capacity_counts`` row of the day holds how many declarations were screened
and stored (``total``, the random control sample included) and how many each lane took
by capacity; storing screenings adds to it (``record``) in the same transaction. The risk
threshold of a lane is the risk at which the exact ranking (``lanes.rank_capacity``) of
the last ``WINDOW_DAYS`` days of screened traffic filled it — the score quantile that
corresponds to the capacity — or 0 when the lane was not full then (every declaration
asking for it gets it while the day's count is within quota). Thresholds are computed
once per day, agency and capacity setting and kept in the process.

Capacity shares come from the agency's lane rates (``lane_rates``), ``DEFAULT_CAPACITY``
where no line sets them. Services never commit.
"""

from __future__ import annotations

import threading
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

import polars as pl
from sqlalchemy import select
from sqlalchemy.orm import Session

from kalibar.auth.actor import Actor
from kalibar.db.base import utcnow
from kalibar.db.session import lock_for_writing
from kalibar.sharing.visibility import visible
from kalibar.targeting.capacity_models import CapacityCount
from kalibar.targeting.engine import SEVERITY
from kalibar.targeting.inspection_models import Screening
from kalibar.targeting.lanes import LanePolicy, Period, quota, rank_capacity
from kalibar.targeting.models import Declaration

#: Days of screened traffic before the current period that set the API's risk thresholds.
WINDOW_DAYS = 7
LANES = ("red", "yellow", "blue")
_CACHE: dict[tuple[Any, ...], dict[tuple[str, str], dict[str, float]]] = {}
_LOCK = threading.Lock()


def period_of(moment: datetime | None = None) -> date:
    """The capacity period (UTC day) of ``moment`` (now by default)."""
    return (moment or utcnow()).astimezone(UTC).date()


@dataclass(frozen=True)
class Decided:
    """What ``record`` needs of one screened declaration."""

    office: str
    flow: str
    lane: str
    random: bool
    mandatory: bool


def _counts(session: Session, agency_id: int, day: date) -> dict[tuple[str, str], CapacityCount]:
    rows = session.execute(
        select(CapacityCount).where(
            CapacityCount.agency_id == agency_id, CapacityCount.period == day
        )
    ).scalars()
    return {(r.office, r.flow): r for r in rows}


def record(session: Session, *, agency_id: int, decided: Iterable[Decided], day: date) -> None:
    """Add stored screenings to the day's counts (call under the write lock: the API read
    the counts it decided on under it)."""
    add: dict[tuple[str, str], dict[str, int]] = defaultdict(
        lambda: {"total": 0, "red": 0, "yellow": 0, "blue": 0, "mandatory": 0}
    )
    for d in decided:
        inc = add[(d.office, d.flow)]
        inc["total"] += 1
        if d.random:
            continue
        inc["mandatory"] += int(d.mandatory)
        if d.lane in LANES:
            inc[d.lane] += 1
    if not add:
        return
    lock_for_writing(session)  # re-entrant: the API took it before reading the counts
    existing = _counts(session, agency_id, day)
    for (office, flow), inc in add.items():
        row = existing.get((office, flow))
        if row is None:
            session.add(
                CapacityCount(agency_id=agency_id, office=office, flow=flow, period=day, **inc)
            )
            continue
        for key, n in inc.items():
            setattr(row, key, getattr(row, key) + n)
    session.flush()


def _window(session: Session, actor: Actor, day: date) -> pl.DataFrame:
    """Screened declarations of the caller's agency in the ``WINDOW_DAYS`` before ``day``."""
    start = datetime.combine(day - timedelta(days=WINDOW_DAYS), time.min, tzinfo=UTC)
    end = datetime.combine(day, time.min, tzinfo=UTC)
    stmt = visible(
        select(
            Declaration.office,
            Declaration.flow,
            Screening.score,
            Screening.asked,
            Screening.lane,
            Screening.mandatory,
            Screening.random,
        )
        .join(Screening, Screening.declaration_uuid == Declaration.uuid)
        .where(Screening.screened_at >= start, Screening.screened_at < end),
        Declaration,
        actor,
    ).where(Declaration.owner_agency_id == actor.agency_id)
    rows = session.execute(stmt).all()
    return pl.DataFrame(
        rows,
        schema={
            "office": pl.Utf8,
            "flow": pl.Utf8,
            "risk": pl.Float64,
            "asked": pl.Utf8,
            "lane": pl.Utf8,
            "mandatory": pl.Boolean,
            "random": pl.Boolean,
        },
        orient="row",
    )


def thresholds_from(
    window: pl.DataFrame, policy: LanePolicy
) -> dict[tuple[str, str], dict[str, float]]:
    """Per (office, flow) and lane: the lowest risk the exact ranking of ``window`` gave the
    lane when the lane was full (some declaration went past it), else nothing (0)."""
    if window.is_empty():
        return {}
    asked = pl.when(pl.col("asked") != "").then(pl.col("asked")).otherwise(pl.col("lane"))
    frame = window.with_columns(
        asked.replace_strict(SEVERITY, default=0, return_dtype=pl.Int32).alias("_sev"),
        pl.lit("").alias("_capacity"),
    )
    ranked = rank_capacity(frame, policy)
    out: dict[tuple[str, str], dict[str, float]] = {}
    for lane in LANES:
        full = (
            ranked.filter(pl.col("_capacity").str.contains(f"{lane}>", literal=True))
            .select("office", "flow")
            .unique()
        )
        if full.is_empty():
            continue
        kept = (
            ranked.filter(
                (pl.col("_sev") == SEVERITY[lane]) & ~pl.col("random") & ~pl.col("mandatory")
            )
            .join(full, on=["office", "flow"])
            .group_by("office", "flow")
            .agg(pl.col("risk").min())
        )
        for office, flow, risk in kept.iter_rows():
            out.setdefault((office, flow), {})[lane] = float(risk)
        # a full lane that kept no one (mandatory hits filled it): nothing asks it any more
        for office, flow in full.iter_rows():
            out.setdefault((office, flow), {}).setdefault(lane, 1.0 + 1e-9)
    return out


def _policy_key(policy: LanePolicy) -> tuple[Any, ...]:
    rates = tuple(sorted((k, tuple(sorted(v.items()))) for k, v in policy.rates.items()))
    return (rates, tuple(sorted(policy.defaults.items())))


def thresholds(
    session: Session, *, actor: Actor, policy: LanePolicy, day: date
) -> dict[tuple[str, str], dict[str, float]]:
    """``thresholds_from`` the caller's agency's recent window, kept per process for the
    day, agency and capacity setting."""
    key = (str(session.get_bind().engine.url), actor.agency_id, day, _policy_key(policy))
    with _LOCK:
        found = _CACHE.get(key)
    if found is not None:
        return found
    found = thresholds_from(_window(session, actor, day), policy)
    with _LOCK:
        if len(_CACHE) > 256:
            _CACHE.clear()
        _CACHE[key] = found
    return found


def clear_cache() -> None:
    with _LOCK:
        _CACHE.clear()


def period_for(
    session: Session, *, actor: Actor, policy: LanePolicy, day: date | None = None
) -> Period:
    """The day's running counts and thresholds of the caller's agency (the caller takes
    the write lock first when it will store what it decides)."""
    day = day or period_of()
    counts: dict[tuple[str, str], dict[str, int]] = {}
    if actor.agency_id is not None:
        for key, row in _counts(session, actor.agency_id, day).items():
            counts[key] = {k: getattr(row, k) for k in ("total", *LANES, "mandatory")}
    return Period(
        counts=counts, thresholds=thresholds(session, actor=actor, policy=policy, day=day)
    )


# ------------------------------------------------------------------ what pages show


@dataclass
class Usage:
    office: str
    flow: str
    total: int
    taken: dict[str, int]
    rates: dict[str, float | None]
    thresholds: dict[str, float]
    mandatory: int

    def quota(self, lane: str) -> int | None:
        rate = self.rates.get(lane)
        return None if rate is None else quota(self.total, rate)

    @property
    def mandatory_over(self) -> bool:
        """Mandatory hits alone exceed the red capacity."""
        red = self.quota("red")
        return red is not None and self.mandatory > red


def usage(
    session: Session, *, actor: Actor, policy: LanePolicy, day: date | None = None
) -> list[Usage]:
    """Per office and flow of the caller's agency: the day's counts against capacity."""
    day = day or period_of()
    if actor.agency_id is None:
        return []
    limits = thresholds(session, actor=actor, policy=policy, day=day)
    out = []
    for (office, flow), row in sorted(_counts(session, actor.agency_id, day).items()):
        out.append(
            Usage(
                office=office,
                flow=flow,
                total=row.total,
                taken={lane: getattr(row, lane) for lane in LANES},
                rates={lane: policy.rate(office, flow, lane) for lane in LANES},
                thresholds=limits.get((office, flow), {}),
                mandatory=row.mandatory,
            )
        )
    return out


def mandatory_overflow(decided: Iterable[Decided], policy: LanePolicy) -> list[dict[str, Any]]:
    """Offices and flows of a screened batch where mandatory hits alone exceed the red
    capacity: ``office``, ``flow``, ``mandatory``, ``quota``."""
    sizes: dict[tuple[str, str], list[int]] = defaultdict(lambda: [0, 0])
    for d in decided:
        size = sizes[(d.office, d.flow)]
        size[0] += 1
        size[1] += int(d.mandatory and not d.random)
    out = []
    for (office, flow), (n, m) in sorted(sizes.items()):
        rate = policy.rate(office, flow, "red")
        if rate is not None and m > quota(n, rate):
            out.append({"office": office, "flow": flow, "mandatory": m, "quota": quota(n, rate)})
    return out
