"""Early-warning alerts: run the detectors, tell the agencies concerned, list, read,
show the evidence a reader may see, dismiss with a reason.

Who is told: every agency that owns evidence of the pattern, and the firearms focal
points (agencies of kind ``focal_point`` and agencies with a member in the
``focal_point`` role) of the countries those owners are in. An alert is one row per
agency told; running again adds new evidence to an open alert and leaves a dismissed one
dismissed unless evidence appears that it did not have (then a new alert is opened).

Services never commit; ``run`` returns what it did so the CLI can print it.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from uuid import UUID

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from kalibar.agencies.models import Agency, AgencyKind
from kalibar.analysis.detectors import DETECTORS, Evidence, Finding, shared_identifiers_of
from kalibar.analysis.models import Alert, AlertStatus
from kalibar.analysis.warning_settings import WarningSettings, settings
from kalibar.auth.actor import Actor
from kalibar.auth.models import Role, User
from kalibar.db.base import SharedObject, utcnow
from kalibar.errors import Invalid, NotFound
from kalibar.i18n import _
from kalibar.seizures.models import Seizure
from kalibar.sharing.visibility import visible
from kalibar.targeting.models import Declaration

#: Evidence kinds and the table each is read from through the visibility filter.
KINDS: dict[str, type[SharedObject]] = {"seizure": Seizure, "declaration": Declaration}
REASON_MIN = 5


@dataclass
class RunResult:
    findings: Counter[str] = field(default_factory=Counter)
    created: int = 0
    updated: int = 0


def _focal_points(session: Session, countries: set[str]) -> dict[str, set[int]]:
    """Country → agencies that act as its firearms focal point."""
    out: dict[str, set[int]] = {c: set() for c in countries}
    if not countries:
        return out
    by_kind = select(Agency.id, Agency.country_code).where(
        Agency.active.is_(True), Agency.kind == AgencyKind.focal_point.value,
        Agency.country_code.in_(sorted(countries)),
    )  # fmt: skip
    by_role = (
        select(Agency.id, Agency.country_code)
        .join(User, User.agency_id == Agency.id)
        .where(Agency.active.is_(True), User.active.is_(True),
               User.roles_csv.contains(Role.focal_point.value),
               Agency.country_code.in_(sorted(countries)))
    )  # fmt: skip
    for stmt in (by_kind, by_role):
        for agency_id, country in session.execute(stmt):
            out[country].add(int(agency_id))
    return out


def recipients(finding: Finding, focal: dict[str, set[int]]) -> set[int]:
    told = set(finding.agencies)
    for country in {e.country for e in finding.evidence}:
        told |= focal.get(country, set())
    return told


def _evidence_json(evidence: list[dict[str, Any]]) -> str:
    return json.dumps(evidence)


def _evidence_dicts(evidence: list[Evidence]) -> list[dict[str, Any]]:
    return [{"kind": e.kind, "uuid": str(e.uuid), "agency": e.agency_id} for e in evidence]


def _refs(alert: Alert) -> list[tuple[str, UUID]]:
    return [(e["kind"], UUID(e["uuid"])) for e in json.loads(alert.evidence or "[]")]


def _store(session: Session, finding: Finding, agency_id: int, now: datetime,
           existing: list[Alert]) -> str:  # fmt: skip
    """Create or refresh the agency's alert for ``finding``: "created", "updated" or "".

    Evidence only accumulates on an open alert (a targeted run after a save sees part of
    what a full run sees, and must not take the rest away)."""
    found = _evidence_dicts(finding.evidence)
    latest = max(existing, key=lambda a: a.first_seen_at, default=None)
    if latest is not None:
        before = json.loads(latest.evidence or "[]")
        known = {(e["kind"], e["uuid"]) for e in before}
        new = [e for e in found if (e["kind"], e["uuid"]) not in known]
        if latest.status == AlertStatus.open.value:
            if not new:
                return ""
            merged = before + new
            params = dict(finding.params)
            if "objects" in params:
                params["objects"] = len(merged)
                params["agencies"] = len({e.get("agency") for e in merged})
            latest.evidence = _evidence_json(merged)
            latest.params = json.dumps(params, sort_keys=True, default=str)
            latest.last_seen_at = now
            return "updated"
        if not new:
            return ""  # dismissed, and nothing it did not already show
    session.add(Alert(
        agency_id=agency_id, detector=finding.detector, pattern_key=finding.key[:400],
        params=json.dumps(finding.params, sort_keys=True, default=str),
        evidence=_evidence_json(found), first_seen_at=now, last_seen_at=now,
    ))  # fmt: skip
    return "created"


def run(
    session: Session,
    *,
    now: datetime | None = None,
    cfg: WarningSettings | None = None,
    only: list[str] | None = None,
    progress: Callable[[str], None] | None = None,
) -> RunResult:
    """Run the detectors (all, or ``only``) and store the alerts they raise."""
    now = now or utcnow()
    cfg = cfg or settings()
    result = RunResult()
    names = only or list(DETECTORS)
    unknown = [n for n in names if n not in DETECTORS]
    if unknown:
        raise Invalid(_("Unknown detector."), [{"field": "detector", "value": n} for n in unknown])
    for name in names:
        findings = DETECTORS[name](session, now=now, cfg=cfg)
        store_findings(session, name, findings, now, result)
        if progress:
            progress(name)
    session.flush()
    return result


def store_findings(session: Session, detector: str, findings: list[Finding], now: datetime,
                   result: RunResult) -> None:  # fmt: skip
    """Tell every agency concerned by each finding (create or refresh its alert)."""
    result.findings[detector] += len(findings)
    focal = _focal_points(session, {e.country for f in findings for e in f.evidence})
    existing: dict[tuple[int, str], list[Alert]] = {}
    keys = sorted({f.key[:400] for f in findings})
    for start in range(0, len(keys), 500):
        rows = session.execute(
            select(Alert).where(Alert.detector == detector,
                                Alert.pattern_key.in_(keys[start:start + 500]))
        ).scalars()  # fmt: skip
        for a in rows:
            existing.setdefault((a.agency_id, a.pattern_key), []).append(a)
    for f in findings:
        for agency_id in sorted(recipients(f, focal)):
            done = _store(session, f, agency_id, now, existing.get((agency_id, f.key[:400]), []))
            result.created += done == "created"
            result.updated += done == "updated"


def run_for_entities(session: Session, *, entity_ids: set[UUID], now: datetime | None = None,
                     cfg: WarningSettings | None = None) -> RunResult:  # fmt: skip
    """The cheap check after a save: the same person, company, vehicle or phone as the
    entities just involved in a seizure, in other agencies' seizures (index look-ups by
    the entity keys; plates typed on seizures and declarations wait for the full run)."""
    now = now or utcnow()
    result = RunResult()
    findings = shared_identifiers_of(session, entity_ids=entity_ids, now=now,
                                     cfg=cfg or settings())  # fmt: skip
    store_findings(session, "shared_identifier", findings, now, result)
    session.flush()
    return result


# ------------------------------------------------------------------ reading


def list_alerts(
    session: Session, *, actor: Actor, status: str | None = "open", limit: int = 200
) -> list[Alert]:
    """The alerts sent to the reader's agency, newest first."""
    if actor.agency_id is None:
        return []
    stmt = select(Alert).where(Alert.agency_id == actor.agency_id)
    if status:
        stmt = stmt.where(Alert.status == status)
    stmt = stmt.order_by(Alert.last_seen_at.desc(), Alert.uuid.desc()).limit(limit)
    return list(session.execute(stmt).scalars())


def count_open(session: Session, *, actor: Actor) -> int:
    if actor.agency_id is None:
        return 0
    stmt = select(func.count()).where(
        Alert.agency_id == actor.agency_id, Alert.status == AlertStatus.open.value
    )
    return int(session.execute(stmt).scalar_one())


def get_alert(session: Session, *, actor: Actor, alert_id: UUID) -> Alert:
    """One alert of the reader's agency (another agency's answers like a missing one)."""
    alert = session.get(Alert, alert_id)
    if alert is None or actor.agency_id is None or alert.agency_id != actor.agency_id:
        raise NotFound("Alert", str(alert_id))
    return alert


@dataclass
class EvidenceView:
    """What the reader may see of an alert's evidence, and how much it may not."""

    seizures: list[Seizure]
    declarations: list[Declaration]
    hidden: int
    hidden_owners: list[str]

    @property
    def shown(self) -> int:
        return len(self.seizures) + len(self.declarations)


def evidence(session: Session, *, actor: Actor, alert: Alert) -> EvidenceView:
    """The alert's evidence through the visibility filter, hidden items only counted."""
    refs = _refs(alert)
    seen: dict[str, list[Any]] = {}
    for kind, model in KINDS.items():
        ids = [u for k, u in refs if k == kind]
        m: Any = model
        seen[kind] = (
            list(session.execute(visible(select(model).where(m.uuid.in_(ids)), model, actor))
                 .scalars())
            if ids else []
        )  # fmt: skip
    hidden = [(k, u) for k, u in refs if u not in {o.uuid for o in seen.get(k, [])}]
    owners: set[str] = set()
    for kind, model in KINDS.items():
        ids = [u for k, u in hidden if k == kind]
        if ids:
            m = model
            owners |= set(session.execute(
                select(Agency.code).join(m, m.owner_agency_id == Agency.id)
                .where(m.uuid.in_(ids))
            ).scalars())  # fmt: skip
    return EvidenceView(
        seizures=sorted(seen["seizure"], key=lambda s: s.occurred_at, reverse=True),
        declarations=sorted(seen["declaration"], key=lambda d: d.lodged_at, reverse=True),
        hidden=len(hidden),
        hidden_owners=sorted(owners),
    )


def mark_read(session: Session, *, actor: Actor, alert: Alert) -> None:
    if alert.read_at is None:
        alert.read_at, alert.read_by = utcnow(), actor.username


def dismiss(session: Session, *, actor: Actor, alert_id: UUID, reason: str) -> Alert:
    """Dismiss an alert of the reader's agency; the reason is required and audited."""
    alert = get_alert(session, actor=actor, alert_id=alert_id)
    reason = (reason or "").strip()
    if len(reason) < REASON_MIN:
        raise Invalid(
            _("Say why the alert is dismissed (at least %(n)d characters).") % {"n": REASON_MIN},
            [{"field": "reason"}],
        )
    if alert.status == AlertStatus.dismissed.value:
        raise Invalid(_("This alert is already dismissed."), [{"field": "status"}])
    alert.status = AlertStatus.dismissed.value
    alert.dismissed_at, alert.dismissed_by, alert.dismissal_reason = (
        utcnow(),
        actor.username,
        reason,
    )
    return alert


def params_of(alert: Alert) -> dict[str, Any]:
    try:
        data: dict[str, Any] = json.loads(alert.params or "{}")
    except ValueError:
        return {}
    return data
