"""The inspection worklist, recording what an inspection found, and hit rates.

The worklist is the owner agency's: declarations go through the visibility filter and
then only the caller's own agency's are kept (others may see a declaration shared
nationally, but only the lodging office's agency opens it). A declaration outside that
answers ``NotFound``, the same as one that does not exist.

Hit rates count recorded inspections: per rule that selected the declaration, per model
score band, and for the random control sample — the unbiased baseline, because it was
drawn whatever the rules and the model said. Services never commit.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, TypeVarTuple
from uuid import UUID

from sqlalchemy import Select, case, select
from sqlalchemy.orm import Session, selectinload

from kalibar.auth.actor import Actor
from kalibar.db.base import utcnow
from kalibar.errors import Invalid, NotFound
from kalibar.i18n import _
from kalibar.sharing.visibility import visible
from kalibar.targeting.inspection_models import POSITIVE_OUTCOMES, Inspection, Outcome, Screening
from kalibar.targeting.models import Declaration
from kalibar.targeting.rules import Rule
from kalibar.targeting.rules_store import rules_for_agency
from kalibar.targeting.screening import instructions_for, parse_top, split_reasons

LANES = ("red", "yellow", "blue", "green")
STATES = ("open", "done", "all")
#: Where a positive inspection records its seizure (the seizures slice's form, linked back
#: to the declaration through ``Seizure.declaration_uuid``).
SEIZURE_URL = "/seizures/new?declaration={uuid}"
SCORE_BANDS = (
    (0.8, "0.8–1.0"),
    (0.6, "0.6–0.8"),
    (0.4, "0.4–0.6"),
    (0.2, "0.2–0.4"),
    (0.0, "0–0.2"),
)


@dataclass
class WorklistFilter:
    office: str | None = None
    flow: str | None = None
    lane: str | None = None
    #: open (not inspected yet), done, all
    state: str = "open"


@dataclass
class Entry:
    declaration: Declaration
    screening: Screening
    inspection: Inspection | None
    #: The agency's rules, whose texts the instructions show (else the starter rules').
    known: tuple[Rule, ...] = ()

    @property
    def rules(self) -> list[str]:
        return [r for r in self.screening.rules.split(";") if r]

    @property
    def reasons(self) -> list[str]:
        return split_reasons(self.screening.reasons)

    @property
    def instructions(self) -> list[dict[str, str]]:
        return instructions_for(self.rules, self.known)

    @property
    def seizure_url(self) -> str | None:
        if self.inspection is not None and self.inspection.outcome in POSITIVE_OUTCOMES:
            return SEIZURE_URL.format(uuid=self.declaration.uuid)
        return None

    @property
    def top_features(self) -> list[tuple[str, float]]:
        return parse_top(self.screening.top_features)

    def as_dict(self) -> dict[str, Any]:
        d, s = self.declaration, self.screening
        return {
            "uuid": d.uuid,
            "declaration_id": d.declaration_id,
            "flow": d.flow,
            "office": d.office,
            "lodged_at": d.lodged_at,
            "score": s.score,
            "lane": s.lane,
            "reasons": self.reasons,
            "rules": self.rules,
            "random": s.random,
            "instructions": self.instructions,
            "outcome": self.inspection.outcome if self.inspection else None,
            "model_score": self.screening.model_score,
            "top_features": [
                {"feature": name, "contribution": value} for name, value in self.top_features
            ],
        }


Ts = TypeVarTuple("Ts")


def _own(stmt: Select[*Ts], actor: Actor) -> Select[*Ts]:
    """Visible to the caller and owned by the caller's agency."""
    return visible(stmt, Declaration, actor).where(Declaration.owner_agency_id == actor.agency_id)


def _base() -> Select[Declaration, Screening, Inspection]:
    return (
        select(Declaration, Screening, Inspection)
        .join(Screening, Screening.declaration_uuid == Declaration.uuid)
        .outerjoin(Inspection, Inspection.declaration_uuid == Declaration.uuid)
    )


def list_worklist(
    session: Session, *, actor: Actor, filters: WorklistFilter, limit: int = 200
) -> list[Entry]:
    """Red and yellow first, then by score (highest first), then oldest lodged first."""
    stmt = _own(_base(), actor)
    if filters.office:
        stmt = stmt.where(Declaration.office == filters.office)
    if filters.flow:
        stmt = stmt.where(Declaration.flow == filters.flow)
    if filters.lane:
        stmt = stmt.where(Screening.lane == filters.lane)
    if filters.state == "open":
        stmt = stmt.where(Inspection.uuid.is_(None))
    elif filters.state == "done":
        stmt = stmt.where(Inspection.uuid.is_not(None))
    severity = case({lane: n for n, lane in enumerate(LANES)}, value=Screening.lane, else_=9)
    stmt = stmt.order_by(
        severity, Screening.score.desc(), Declaration.lodged_at, Declaration.uuid
    ).limit(limit)
    known = tuple(rules_for_agency(session, actor.agency_id))
    return [Entry(d, s, i, known) for d, s, i in session.execute(stmt).all()]


def offices(session: Session, *, actor: Actor) -> list[str]:
    """Offices with screened declarations of the caller's agency, for the filter."""
    stmt = _own(
        select(Declaration.office)
        .join(Screening, Screening.declaration_uuid == Declaration.uuid)
        .distinct(),
        actor,
    )
    return sorted(session.execute(stmt).scalars())


def get_declaration(session: Session, *, actor: Actor, declaration_uuid: UUID) -> Declaration:
    """A declaration as the API and the worklist show it to the caller (visible, of the
    caller's agency, screened); ``NotFound`` otherwise, absent or hidden alike. Whatever
    links or shows a declaration (a seizure, its form) reads it here, so no page shows a
    declaration the API hides."""
    return get_entry(session, actor=actor, declaration_uuid=declaration_uuid).declaration


def get_entry(session: Session, *, actor: Actor, declaration_uuid: UUID) -> Entry:
    stmt = _own(_base().where(Declaration.uuid == declaration_uuid), actor).options(
        selectinload(Declaration.items)
    )
    row = session.execute(stmt).one_or_none()
    if row is None:
        raise NotFound(_("Declaration"), str(declaration_uuid))
    return Entry(*row, tuple(rules_for_agency(session, actor.agency_id)))


def record_inspection(
    session: Session,
    *,
    actor: Actor,
    declaration_uuid: UUID,
    outcome: str,
    notes: str = "",
    when: datetime | None = None,
) -> Entry:
    """Record (or correct) what the inspection found; the audit hook writes who and when."""
    try:
        value = Outcome(outcome)
    except ValueError as exc:
        raise Invalid(
            _("Choose what the inspection found."),
            [{"field": "outcome", "value": outcome, "message": _("unknown outcome")}],
        ) from exc
    entry = get_entry(session, actor=actor, declaration_uuid=declaration_uuid)
    when = when or utcnow()
    if entry.inspection is None:
        entry.inspection = Inspection(
            declaration_uuid=entry.declaration.uuid,
            outcome=value.value,
            notes=notes.strip(),
            inspected_by=actor.username,
            inspected_at=when,
        )
        session.add(entry.inspection)
    else:
        entry.inspection.outcome = value.value
        entry.inspection.notes = notes.strip()
        entry.inspection.inspected_by = actor.username
        entry.inspection.inspected_at = when
    # The declaration carries the result too, so it feeds back-tests and training.
    entry.declaration.inspected = True
    entry.declaration.outcome = value.value
    session.flush()
    return entry


# ------------------------------------------------------------------ hit rates


@dataclass
class Rate:
    inspected: int = 0
    positive: int = 0

    @property
    def hit_rate(self) -> float | None:
        return self.positive / self.inspected if self.inspected else None

    def add(self, positive: bool) -> None:
        self.inspected += 1
        self.positive += int(positive)


@dataclass
class HitRates:
    #: group ("rule", "score band", "random", "all") → key → Rate
    totals: dict[str, dict[str, Rate]] = field(default_factory=dict)
    #: group → key → month (YYYY-MM) → Rate
    monthly: dict[str, dict[str, dict[str, Rate]]] = field(default_factory=dict)
    months: list[str] = field(default_factory=list)

    def rows(self) -> list[dict[str, Any]]:
        out = []
        for group, keys in self.monthly.items():
            for key, months in keys.items():
                for month, rate in sorted(months.items()):
                    out.append(
                        {
                            "group": group,
                            "key": key,
                            "month": month,
                            "inspected": rate.inspected,
                            "positive": rate.positive,
                            "hit_rate": rate.hit_rate,
                        }
                    )
        return out


def score_band(model_score: float | None) -> str:
    if model_score is None:
        return "none"
    for low, label in SCORE_BANDS:
        if model_score >= low:
            return label
    return SCORE_BANDS[-1][1]


def hit_rates(session: Session, *, actor: Actor, office: str | None = None) -> HitRates:
    """Inspected / positive per rule, model score band and random sample, per month."""
    stmt = _own(
        select(
            Screening.rules,
            Screening.random,
            Screening.model_score,
            Inspection.outcome,
            Inspection.inspected_at,
        )
        .select_from(Declaration)
        .join(Screening, Screening.declaration_uuid == Declaration.uuid)
        .join(Inspection, Inspection.declaration_uuid == Declaration.uuid),
        actor,
    )
    if office:
        stmt = stmt.where(Declaration.office == office)
    out = HitRates()
    totals: dict[str, dict[str, Rate]] = defaultdict(lambda: defaultdict(Rate))
    monthly: dict[str, dict[str, dict[str, Rate]]] = defaultdict(
        lambda: defaultdict(lambda: defaultdict(Rate))
    )
    months: set[str] = set()
    for rules, random, model_score, outcome, inspected_at in session.execute(stmt).all():
        month = inspected_at.strftime("%Y-%m")
        months.add(month)
        positive = outcome in POSITIVE_OUTCOMES
        keys: list[tuple[str, str]] = [("all", "all")]
        keys += [("rule", r) for r in rules.split(";") if r]
        keys.append(("score band", score_band(model_score)))
        if random:
            keys.append(("random", "random"))
        for group, key in keys:
            totals[group][key].add(positive)
            monthly[group][key][month].add(positive)
    out.totals = {g: dict(sorted(k.items())) for g, k in totals.items()}
    out.monthly = {g: {k: dict(m) for k, m in keys.items()} for g, keys in monthly.items()}
    out.months = sorted(months)
    return out
