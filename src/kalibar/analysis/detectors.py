"""Early-warning detectors: patterns that recur across agencies.

Each detector reads the whole database (it runs for the region, not for one viewer) and
returns :class:`Finding` objects naming their evidence by kind and UUID with its owner;
``alerts.py`` decides who is told and shows each reader only the evidence it may see.

- ``shared_identifier``: the same person, company, vehicle (plate) or phone — by the keys
  the seizures slice resolves entities with (``seizures.entities.name_key``) — in
  seizures or declarations of at least ``min_agencies`` agencies within the window;
- ``route_pattern``: the same origin, destination, concealment and make of firearm in at
  least ``min_seizures`` seizures of ``min_agencies`` agencies within the window, more
  often than the shares of its route, concealment and make explain (Poisson test);
- ``rising``: firearms of a make, make and model, or modification (converted alarm
  pistols) seized in the last window against ``baseline_windows`` windows before it. If
  the rate did not change, the last window's share of the ``n`` firearms of those windows
  is Binomial(n, 1/(k+1)); the alert fires when the upper tail is below ``alpha`` divided
  by the number of series tested (Bonferroni), so chance variation across all series
  together crosses it in at most ``alpha`` of the runs;
- ``red_consignee``: the consignee of a red-lane declaration (name as person or company,
  or phone) involved in a seizure not recorded from that declaration.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any
from uuid import UUID

from sqlalchemy import and_, func, select, tuple_
from sqlalchemy.orm import Session

from kalibar.analysis.warning_settings import Rising, RoutePattern, WarningSettings
from kalibar.records.models import FirearmRecord
from kalibar.seizures.entities import name_key, phone_key
from kalibar.seizures.models import Entity, EntityKind, Involvement, ItemKind, SeizedItem, Seizure
from kalibar.targeting.inspection_models import Screening
from kalibar.targeting.models import Declaration

#: The modification whose rise the region watches first.
CONVERTED = "converted_alarm"
IDENTIFIER_KINDS = (EntityKind.person, EntityKind.company, EntityKind.vehicle, EntityKind.phone)


@dataclass(frozen=True)
class Evidence:
    kind: str  # seizure | declaration
    uuid: UUID
    agency_id: int
    country: str


@dataclass
class Finding:
    detector: str
    key: str
    params: dict[str, Any]
    evidence: list[Evidence] = field(default_factory=list)

    @property
    def agencies(self) -> set[int]:
        return {e.agency_id for e in self.evidence}


def _live_seizures(since: datetime, until: datetime) -> list[Any]:
    return [
        Seizure.deleted_at.is_(None),
        Seizure.occurred_at >= since,
        Seizure.occurred_at < until,
    ]


# ------------------------------------------------------------------ shared identifiers


def _involved(since: datetime, until: datetime) -> Any:
    s = Seizure
    return (
        select(Entity.kind, Entity.name_key, Entity.name, s.uuid, s.owner_agency_id,
               s.owner_country)
        .join(Involvement, Involvement.entity_id == Entity.uuid)
        .join(s, s.uuid == Involvement.seizure_id)
        .where(*_live_seizures(since, until), Entity.deleted_at.is_(None),
               Entity.kind.in_([k.value for k in IDENTIFIER_KINDS]), Entity.name_key != "")
    )  # fmt: skip


def _identifier_rows(session: Session, since: datetime, until: datetime
                     ) -> Iterable[tuple[str, str, str, Evidence]]:  # fmt: skip
    """(kind, key, as written, evidence) from seizures' entities and plates, and from
    declarations' plates and consignee phones."""
    s = Seizure
    for kind, key, name, uuid, agency, country in session.execute(_involved(since, until)):
        yield kind, key, name, Evidence("seizure", uuid, agency, country)
    plates = select(s.vehicle_registration, s.uuid, s.owner_agency_id, s.owner_country).where(
        *_live_seizures(since, until), s.vehicle_registration != ""
    )
    for plate, uuid, agency, country in session.execute(plates):
        key = name_key(EntityKind.vehicle, plate)
        if key:
            yield EntityKind.vehicle.value, key, plate, Evidence("seizure", uuid, agency, country)
    d = Declaration
    declared = select(
        d.vehicle_registration, d.consignee_phone, d.consignee_country, d.uuid,
        d.owner_agency_id, d.owner_country,
    ).where(d.deleted_at.is_(None), d.lodged_at >= since, d.lodged_at < until,
            (d.vehicle_registration != "") | (d.consignee_phone != ""))  # fmt: skip
    for plate, phone, phone_country, uuid, agency, country in session.execute(declared):
        ev = Evidence("declaration", uuid, agency, country)
        if plate and (key := name_key(EntityKind.vehicle, plate)):
            yield EntityKind.vehicle.value, key, plate, ev
        if phone and (key := phone_key(phone, phone_country)):
            yield EntityKind.phone.value, key, phone, ev


def shared_identifiers(session: Session, *, now: datetime, cfg: WarningSettings) -> list[Finding]:
    since = now - timedelta(days=cfg.shared_identifier.window_days)
    return _shared(_identifier_rows(session, since, now), cfg)


def shared_identifiers_of(
    session: Session, *, entity_ids: set[UUID], now: datetime, cfg: WarningSettings
) -> list[Finding]:
    """The same detector for the keys of some entities only, over seizures' entities."""
    since = now - timedelta(days=cfg.shared_identifier.window_days)
    keys = {
        (str(k), str(v))
        for k, v in session.execute(
            select(Entity.kind, Entity.name_key).where(
                Entity.uuid.in_(sorted(entity_ids)), Entity.name_key != ""
            )
        )
    }
    if not keys:
        return []
    stmt = _involved(since, now).where(tuple_(Entity.kind, Entity.name_key).in_(sorted(keys)))
    rows = (
        (kind, key, name, Evidence("seizure", uuid, agency, country))
        for kind, key, name, uuid, agency, country in session.execute(stmt)
    )
    return _shared(rows, cfg)


def _shared(rows: Iterable[tuple[str, str, str, Evidence]], cfg: WarningSettings
            ) -> list[Finding]:  # fmt: skip
    rule = cfg.shared_identifier
    found: dict[tuple[str, str], Finding] = {}
    for kind, key, written, ev in rows:
        f = found.setdefault(
            (kind, key),
            Finding("shared_identifier", f"{kind}:{key}", {"kind": kind, "value": written}),
        )
        if ev not in f.evidence:
            f.evidence.append(ev)
    out = []
    for f in found.values():
        if len(f.agencies) >= rule.min_agencies:
            f.params.update(agencies=len(f.agencies), objects=len(f.evidence))
            out.append(f)
    return out


# ------------------------------------------------------------------ route + concealment + make


def _make_key() -> Any:
    return func.coalesce(
        func.nullif(FirearmRecord.make_code, ""), func.nullif(func.upper(FirearmRecord.make), "")
    )


def route_patterns(session: Session, *, now: datetime, cfg: WarningSettings) -> list[Finding]:
    rule = cfg.route_pattern
    since = now - timedelta(days=rule.window_days)
    s = Seizure
    stmt = (
        select(s.origin_country, s.destination_country, s.concealment_method, _make_key(),
               s.uuid, s.owner_agency_id, s.owner_country)
        .join(SeizedItem, and_(SeizedItem.seizure_id == s.uuid, SeizedItem.deleted_at.is_(None),
                               SeizedItem.kind == ItemKind.firearm.value))
        .join(FirearmRecord, FirearmRecord.uuid == SeizedItem.record_id)
        .where(*_live_seizures(since, now), s.concealment_method != "",
               s.concealment_method != "none", _make_key().is_not(None),
               (s.origin_country.is_not(None)) | (s.destination_country.is_not(None)))
        .distinct()
    )  # fmt: skip
    found: dict[tuple[Any, ...], Finding] = {}
    for origin, dest, concealment, make, uuid, agency, country in session.execute(stmt):
        key = (origin or "", dest or "", concealment, make)
        f = found.setdefault(key, Finding(
            "route_pattern", "|".join(key),
            {"origin": origin or "", "destination": dest or "", "concealment": concealment,
             "make": make, "days": rule.window_days},
        ))  # fmt: skip
        ev = Evidence("seizure", uuid, agency, country)
        if ev not in f.evidence:
            f.evidence.append(ev)
    return route_decisions(found, rule)


def route_decisions(found: dict[tuple[Any, ...], Finding], rule: RoutePattern) -> list[Finding]:
    """The combinations that recur more than their ingredients explain.

    Under independence the expected count of a combination is ``n`` times the product of
    the shares of its route, concealment and make among the window's ``n`` seizures; a
    combination fires when it has at least ``min_seizures`` seizures of ``min_agencies``
    agencies and a Poisson upper tail below ``alpha`` divided by the combinations seen
    (Bonferroni) — three cars with the region's commonest route, hiding place and make
    are no pattern, three with a rare one are."""
    n = sum(len(f.evidence) for f in found.values())
    if not n:
        return []
    routes: dict[tuple[str, str], int] = defaultdict(int)
    hides: dict[str, int] = defaultdict(int)
    makes: dict[str, int] = defaultdict(int)
    for (origin, dest, concealment, make), f in found.items():
        routes[(origin, dest)] += len(f.evidence)
        hides[concealment] += len(f.evidence)
        makes[make] += len(f.evidence)
    threshold = rule.alpha / len(found)
    out = []
    for (origin, dest, concealment, make), f in found.items():
        x = len(f.evidence)
        if x < rule.min_seizures or len(f.agencies) < rule.min_agencies:
            continue
        expected = n * (routes[(origin, dest)] / n) * (hides[concealment] / n) * (makes[make] / n)
        p = poisson_tail(x, expected)
        if p < threshold:
            f.params.update(seizures=x, agencies=len(f.agencies), expected=round(expected, 3),
                            p_value=p)  # fmt: skip
            out.append(f)
    return out


def poisson_tail(x: int, mean: float) -> float:
    """P(X ≥ x) for X ~ Poisson(mean), summed in log space from ``x`` upwards."""
    if x <= 0:
        return 1.0
    if mean <= 0:
        return 0.0
    if x <= mean:
        return 1.0
    total, log_mean = 0.0, math.log(mean)
    for k in range(x, x + 10_000):
        t = math.exp(k * log_mean - mean - math.lgamma(k + 1))
        total += t
        if t < total * 1e-15:
            break
    return min(1.0, total)


# ------------------------------------------------------------------ rising make / model


def binomial_tail(x: int, n: int, p: float) -> float:
    """P(X ≥ x) for X ~ Binomial(n, p), exact, summed in log space from ``x`` upwards
    (for ``x`` above the mean the terms only fall, so the sum stops once they vanish)."""
    if x <= 0:
        return 1.0
    if x > n:
        return 0.0
    if x <= n * p:
        return 1.0  # at or below the expected count: never a rise
    log_p, log_q = math.log(p), math.log1p(-p)

    def term(k: int) -> float:
        return (math.lgamma(n + 1) - math.lgamma(k + 1) - math.lgamma(n - k + 1)
                + k * log_p + (n - k) * log_q)  # fmt: skip

    total = 0.0
    for k in range(x, n + 1):
        t = math.exp(term(k))
        total += t
        if t < total * 1e-15:
            break
    return min(1.0, total)


def _series(make: str | None, model: str | None, modifications: str) -> list[str]:
    keys = []
    if make:
        keys.append(f"make:{make}")
        if model:
            keys.append(f"model:{make}|{model}")
    if CONVERTED in (modifications or "").split(","):
        keys.append(f"modification:{CONVERTED}")
    return keys


def rising(session: Session, *, now: datetime, cfg: WarningSettings) -> list[Finding]:
    rule = cfg.rising
    width = timedelta(days=rule.window_days)
    recent_start = now - width
    since = now - width * (rule.baseline_windows + 1)
    s, r = Seizure, FirearmRecord
    stmt = (
        select(_make_key(), func.coalesce(func.nullif(r.model_code, ""), func.nullif(r.model, "")),
               r.modifications, s.occurred_at, s.uuid, s.owner_agency_id, s.owner_country)
        .join(SeizedItem, and_(SeizedItem.seizure_id == s.uuid, SeizedItem.deleted_at.is_(None),
                               SeizedItem.kind == ItemKind.firearm.value))
        .join(r, r.uuid == SeizedItem.record_id)
        .where(*_live_seizures(since, now))
    )  # fmt: skip
    recent: dict[str, int] = defaultdict(int)
    baseline: dict[str, int] = defaultdict(int)
    evidence: dict[str, list[Evidence]] = defaultdict(list)
    for make, model, mods, when, uuid, agency, country in session.execute(stmt):
        is_recent = when >= recent_start
        for key in _series(make, model, mods):
            if is_recent:
                recent[key] += 1
                ev = Evidence("seizure", uuid, agency, country)
                if ev not in evidence[key]:
                    evidence[key].append(ev)
            else:
                baseline[key] += 1
    out = []
    for key, x, p, threshold in rising_decisions(recent, baseline, rule):
        what, _sep, value = key.partition(":")
        out.append(Finding("rising", key, {
            "series": what, "value": value, "recent": x,
            "baseline_mean": round(baseline[key] / rule.baseline_windows, 2),
            "days": rule.window_days, "windows": rule.baseline_windows,
            "p_value": p, "threshold": threshold,
        }, evidence[key]))  # fmt: skip
    return out


def rising_decisions(
    recent: dict[str, int], baseline: dict[str, int], rule: Rising
) -> list[tuple[str, int, float, float]]:
    """(series, last window's count, p-value, threshold) of every series that rose.

    Conditional on the ``n`` firearms of a series over the last and the baseline windows,
    the last window's count is Binomial(n, 1/(k+1)) when the rate did not change — a test
    that needs no estimate of the baseline rate. ``alpha`` is shared among every series
    tested (Bonferroni), so random variation raises an alert in at most ``alpha`` of runs.
    """
    tested = sorted(k for k in set(recent) | set(baseline) if recent.get(k, 0) + baseline.get(k, 0))
    if not tested:
        return []
    share = 1.0 / (rule.baseline_windows + 1)
    threshold = rule.alpha / len(tested)
    out = []
    for key in tested:
        x = recent.get(key, 0)
        if x < rule.min_count:
            continue
        p = binomial_tail(x, x + baseline.get(key, 0), share)
        if p < threshold:
            out.append((key, x, p, threshold))
    return out


# ------------------------------------------------------------------ red consignee in a seizure


def red_consignees(session: Session, *, now: datetime, cfg: WarningSettings) -> list[Finding]:
    since = now - timedelta(days=cfg.red_consignee.window_days)
    d = Declaration
    reds = session.execute(
        select(d.uuid, d.consignee_name, d.consignee_phone, d.consignee_country,
               d.owner_agency_id, d.owner_country)
        .join(Screening, Screening.declaration_uuid == d.uuid)
        .where(Screening.lane == "red", d.deleted_at.is_(None), d.lodged_at >= since,
               d.lodged_at < now)
    ).all()  # fmt: skip
    if not reds:
        return []
    wanted: dict[tuple[str, str], list[Any]] = defaultdict(list)
    for row in reds:
        name, phone, phone_country = row[1], row[2], row[3]
        keys = set()
        if name:
            keys |= {("person", name_key("person", name)), ("company", name_key("company", name))}
        if phone and (pk := phone_key(phone, phone_country)):
            keys.add(("phone", pk))
        for k in keys:
            if k[1]:
                wanted[k].append(row)
    s = Seizure
    involved = session.execute(
        select(Entity.kind, Entity.name_key, s.uuid, s.owner_agency_id, s.owner_country,
               s.declaration_uuid)
        .join(Involvement, Involvement.entity_id == Entity.uuid)
        .join(s, s.uuid == Involvement.seizure_id)
        .where(s.deleted_at.is_(None), Entity.deleted_at.is_(None),
               Entity.kind.in_(["person", "company", "phone"]),
               Entity.name_key.in_(sorted({k for _kind, k in wanted})))
    ).all()  # fmt: skip
    found: dict[str, Finding] = {}
    for kind, key, seizure, agency, country, from_declaration in involved:
        for decl, name, phone, _pc, d_agency, d_country in wanted.get((kind, key), []):
            if from_declaration == decl:
                continue  # the seizure recorded from this very declaration: known already
            f = found.setdefault(f"{decl}:{kind}:{key}", Finding(
                "red_consignee", f"{decl}:{kind}:{key}",
                {"kind": kind, "value": phone if kind == "phone" else name},
                [Evidence("declaration", decl, d_agency, d_country)],
            ))  # fmt: skip
            ev = Evidence("seizure", seizure, agency, country)
            if ev not in f.evidence:
                f.evidence.append(ev)
    for f in found.values():
        f.params["seizures"] = len(f.evidence) - 1
    return list(found.values())


DETECTORS = {
    "shared_identifier": shared_identifiers,
    "route_pattern": route_patterns,
    "rising": rising,
    "red_consignee": red_consignees,
}
