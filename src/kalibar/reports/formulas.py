"""The Roadmap figures Kalibar answers from its own data, by name (``roadmap.yaml``).

Each formula counts, for a :class:`~.scope.Scope` and a half-year, the rows the scope
counts (never detail), with the same filters as the questionnaire (``iafq``):

- ``seizures_at_borders`` / ``firearms_at_borders``: seizures whose context is a border
  check or a cargo inspection, and their firearm lines;
- ``seizures_in_post``: seizures in postal inspection;
- ``trafficking_cases``: seizures whose criminal context includes illicit trafficking;
- ``traces_sent``: trace requests sent in the period; ``traces_answered``: requests of the
  scope answered in the period;
- ``sdg_16_4_2``: the indicator, in per cent, antiques left out;
- ``firearms_surrendered``: records with status surrendered whose event is in the period;
- ``officers_trained`` / ``women_trained`` / ``women_trained_share``: participants of the
  programme ledger's trainings (``kalibar.programme``) that started in the period, owned
  in the scope; the share in per cent of those whose gender was recorded as female.
"""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from kalibar.programme.models import Gender, Participant, Training
from kalibar.records.models import FirearmRecord
from kalibar.reports import iafq, sdg_period
from kalibar.reports.periods import Period
from kalibar.reports.scope import Scope
from kalibar.seizures.models import ItemKind, SeizedItem, Seizure
from kalibar.tracing.models import TraceRequest

Figure = float | int | None
Formula = Callable[[Session, Scope, Period], Figure]
BORDER_CONTEXTS = ("border_check", "cargo_inspection")
POSTAL_CONTEXTS = ("postal_inspection",)


def _seizures(session: Session, scope: Scope, period: Period, *where: object) -> int:
    stmt = select(func.count()).select_from(Seizure)
    stmt = stmt.where(*iafq.seizure_filter(scope, period), *where)  # type: ignore[arg-type]
    return int(session.execute(stmt).scalar() or 0)


def seizures_at_borders(session: Session, scope: Scope, period: Period) -> Figure:
    return _seizures(session, scope, period, Seizure.context.in_(BORDER_CONTEXTS))


def firearms_at_borders(session: Session, scope: Scope, period: Period) -> Figure:
    stmt = (
        select(func.count())
        .select_from(SeizedItem)
        .join(Seizure, Seizure.uuid == SeizedItem.seizure_id)
        .where(
            *iafq.item_filter(scope, period, ItemKind.firearm),
            Seizure.context.in_(BORDER_CONTEXTS),
        )
    )
    return int(session.execute(stmt).scalar() or 0)


def seizures_in_post(session: Session, scope: Scope, period: Period) -> Figure:
    return _seizures(session, scope, period, Seizure.context.in_(POSTAL_CONTEXTS))


def trafficking_cases(session: Session, scope: Scope, period: Period) -> Figure:
    return _seizures(
        session, scope, period, Seizure.criminal_context.contains("illicit_trafficking")
    )


def traces_sent(session: Session, scope: Scope, period: Period) -> Figure:
    stmt = select(func.count()).where(*iafq.trace_filter(scope, period, "sent"))
    return int(session.execute(stmt.select_from(TraceRequest)).scalar() or 0)


def traces_answered(session: Session, scope: Scope, period: Period) -> Figure:
    t = TraceRequest
    mine = (
        t.requester_country == scope.country
        if scope.kind == "national"
        else t.requester_agency_id == scope.agency_id
    )
    stmt = select(func.count()).where(
        mine, t.answered_at.is_not(None), t.answered_at >= period.start, t.answered_at < period.end
    )
    return int(session.execute(stmt.select_from(t)).scalar() or 0)


def sdg_16_4_2(session: Session, scope: Scope, period: Period) -> Figure:
    ratio = sdg_period.compute_period(session, scope=scope, period=period).ratio
    return None if ratio is None else round(ratio * 100, 1)


def firearms_surrendered(session: Session, scope: Scope, period: Period) -> Figure:
    r = FirearmRecord
    stmt = (
        select(func.count())
        .select_from(r)
        .where(*iafq.arms_filter(scope, period), r.status == "surrendered")
    )
    return int(session.execute(stmt).scalar() or 0)


def trained_by_gender(session: Session, scope: Scope, period: Period) -> dict[str, int]:
    """Participants of the scope's trainings that started in the period, by gender."""
    t, p = Training, Participant
    stmt = (
        select(p.gender, func.count())
        .select_from(p)
        .join(t, t.uuid == p.training_id)
        .where(
            scope.owned(t),
            t.deleted_at.is_(None),
            t.start_date >= period.first_day,
            t.start_date <= period.last_day,
        )
        .group_by(p.gender)
    )
    return {str(g): int(n) for g, n in session.execute(stmt)}


def officers_trained(session: Session, scope: Scope, period: Period) -> Figure:
    return sum(trained_by_gender(session, scope, period).values())


def women_trained(session: Session, scope: Scope, period: Period) -> Figure:
    return trained_by_gender(session, scope, period).get(Gender.female.value, 0)


def women_trained_share(session: Session, scope: Scope, period: Period) -> Figure:
    counts = trained_by_gender(session, scope, period)
    total = sum(counts.values())
    if not total:
        return None
    return round(100 * counts.get(Gender.female.value, 0) / total, 1)


FORMULAS: dict[str, Formula] = {
    "seizures_at_borders": seizures_at_borders,
    "firearms_at_borders": firearms_at_borders,
    "seizures_in_post": seizures_in_post,
    "trafficking_cases": trafficking_cases,
    "traces_sent": traces_sent,
    "traces_answered": traces_answered,
    "sdg_16_4_2": sdg_16_4_2,
    "firearms_surrendered": firearms_surrendered,
    "officers_trained": officers_trained,
    "women_trained": women_trained,
    "women_trained_share": women_trained_share,
}


def shown(value: Figure) -> str:
    """A figure as stored and printed: whole numbers without decimals, nothing as ""."""
    if value is None:
        return ""
    if isinstance(value, float) and not value.is_integer():
        return f"{value:.1f}"
    return str(int(value))
