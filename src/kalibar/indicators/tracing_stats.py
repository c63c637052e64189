"""Tracing statistics: requests sent and received, answers, delays, time-to-crime.

Counted: the trace requests the viewer may see (``tracing.service.visible_clause``: its
agency's outgoing requests and the requests sent to it) that were **sent** in the period
(``sent_at``, UTC days, both ends included). Drafts are never counted.

- *Overdue* is judged now, by the tracing deadlines (acknowledgement or answer past due).
- *Median time to acknowledge / to answer* (days) per recipient country, from ``sent_at``
  to ``acknowledged_at`` / ``answered_at``, over the requests that got there.
- *Time-to-crime*: from the last legal transfer (the answer's point-of-diversion date) to
  the seizure (the record's event date when the viewer may see the record, otherwise the
  event date copied into the request). One value per firearm — the latest diversion date
  among its answers — and only where both dates are known and in order.
"""

from __future__ import annotations

import statistics
import uuid
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from kalibar.auth.actor import Actor
from kalibar.indicators.sdg import SdgQuery
from kalibar.records.models import FirearmRecord
from kalibar.sharing.visibility import visible
from kalibar.tracing import deadlines
from kalibar.tracing.models import TraceRequest, TraceResult, TraceStatus
from kalibar.tracing.service import visible_clause

DAY = 86400.0
#: Time-to-crime bands, in years: [low, high).
BANDS: tuple[tuple[str, float, float | None], ...] = (
    ("lt1", 0, 1),
    ("1to3", 1, 3),
    ("3to10", 3, 10),
    ("10to20", 10, 20),
    ("ge20", 20, None),
)


@dataclass
class CountryDelays:
    country: str
    requests: int = 0
    acknowledged: int = 0
    answered: int = 0
    median_ack_days: float | None = None
    median_answer_days: float | None = None


@dataclass
class TimeToCrime:
    record_id: uuid.UUID | None
    reference: str
    diversion_date: date
    event_date: date
    days: int

    @property
    def years(self) -> float:
        return round(self.days / 365.25, 1)


@dataclass
class TracingStats:
    query: SdgQuery
    viewer: str
    sent: int = 0
    received: int = 0
    answered_sent: int = 0
    answered_received: int = 0
    overdue_sent: int = 0
    overdue_received: int = 0
    by_status: dict[str, int] = field(default_factory=dict)
    by_result: dict[str, int] = field(default_factory=dict)
    by_country: list[CountryDelays] = field(default_factory=list)
    time_to_crime: list[TimeToCrime] = field(default_factory=list)

    @property
    def median_time_to_crime_years(self) -> float | None:
        if not self.time_to_crime:
            return None
        return round(statistics.median(t.days for t in self.time_to_crime) / 365.25, 1)

    @property
    def time_to_crime_bands(self) -> list[tuple[str, int]]:
        counts = Counter(_band(t.days / 365.25) for t in self.time_to_crime)
        return [(key, counts.get(key, 0)) for key, _lo, _hi in BANDS]


def _band(years: float) -> str:
    for key, low, high in BANDS:
        if years >= low and (high is None or years < high):
            return key
    return BANDS[0][0]


def _days(start: datetime | None, end: datetime | None) -> float | None:
    if start is None or end is None:
        return None
    return max((end - start).total_seconds() / DAY, 0.0)


def _median(values: list[float]) -> float | None:
    return round(statistics.median(values), 1) if values else None


def tracing_stats(
    session: Session, *, actor: Actor, query: SdgQuery, now: datetime | None = None
) -> TracingStats:
    """The statistics over the trace requests ``actor`` may see, sent in the period."""
    t = TraceRequest
    start = datetime.combine(query.date_from, time.min, tzinfo=UTC)
    end = datetime.combine(query.date_to + timedelta(days=1), time.min, tzinfo=UTC)
    stmt = select(t).where(
        visible_clause(actor),
        t.status != TraceStatus.draft.value,
        t.sent_at.is_not(None),
        t.sent_at >= start,
        t.sent_at < end,
    )
    if query.country:
        stmt = stmt.where(t.recipient_country == query.country)
    at = deadlines.now_or(now)
    stats = TracingStats(query=query, viewer=actor.agency_code)
    statuses: Counter[str] = Counter()
    results: Counter[str] = Counter()
    delays: dict[str, tuple[list[float], list[float], list[int]]] = defaultdict(
        lambda: ([], [], [0])
    )
    answered: list[TraceRequest] = []
    for req in session.execute(stmt.order_by(t.sent_at, t.uuid)).scalars():
        outgoing = req.requester_agency_id == actor.agency_id
        deadline = deadlines.deadline_of(req, at)
        overdue = bool(deadline and deadline.overdue)
        if outgoing:
            stats.sent += 1
            stats.answered_sent += req.answered_at is not None
            stats.overdue_sent += overdue
        else:
            stats.received += 1
            stats.answered_received += req.answered_at is not None
            stats.overdue_received += overdue
        statuses[req.status] += 1
        if req.result:
            results[req.result] += 1
        acks, answers, count = delays[req.recipient_country]
        count[0] += 1
        if (d := _days(req.sent_at, req.acknowledged_at)) is not None:
            acks.append(d)
        if (d := _days(req.sent_at, req.answered_at)) is not None:
            answers.append(d)
        if req.diversion_date is not None and req.result in _ESTABLISHING:
            answered.append(req)
    stats.by_status = {s.value: statuses[s.value] for s in TraceStatus if statuses[s.value]}
    stats.by_result = {r.value: results[r.value] for r in TraceResult}
    stats.by_country = sorted(
        (
            CountryDelays(
                country=country,
                requests=count[0],
                acknowledged=len(acks),
                answered=len(answers),
                median_ack_days=_median(acks),
                median_answer_days=_median(answers),
            )
            for country, (acks, answers, count) in delays.items()
        ),
        key=lambda c: (-c.requests, c.country),
    )
    stats.time_to_crime = _time_to_crime(session, actor, answered)
    return stats


_ESTABLISHING = frozenset({TraceResult.traced.value, TraceResult.partly_traced.value})


def _time_to_crime(
    session: Session, actor: Actor, answered: list[TraceRequest]
) -> list[TimeToCrime]:
    """One value per firearm: the latest point of diversion to the seizure."""
    record_ids = sorted({r.record_id for r in answered if r.record_id is not None})
    records: dict[uuid.UUID, tuple[str, date | None]] = {}
    if record_ids:
        r = FirearmRecord
        stmt = visible(select(r.uuid, r.reference, r.event_date), r, actor)
        for rid, reference, event in session.execute(stmt.where(r.uuid.in_(record_ids))):
            records[rid] = (reference, event)
    latest: dict[str, TimeToCrime] = {}
    for req in answered:
        assert req.diversion_date is not None
        reference, event = records.get(req.record_id, ("", None)) if req.record_id else ("", None)
        event = event or req.event_date
        if event is None or event < req.diversion_date:
            continue
        key = str(req.record_id or req.uuid)
        item = TimeToCrime(
            record_id=req.record_id if reference else None,
            reference=reference or req.reference,
            diversion_date=req.diversion_date,
            event_date=event,
            days=(event - req.diversion_date).days,
        )
        if key not in latest or item.diversion_date > latest[key].diversion_date:
            latest[key] = item
    return sorted(latest.values(), key=lambda i: (i.days, i.reference))
