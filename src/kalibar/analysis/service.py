"""The analysis slice's operations, as other slices and the edges call them.

Statistics (``stats``, ``places_map``, ``export``) read through the visibility filter;
alerts (``alerts``) are stored per agency told. Edges commit; nothing here does.
"""

from __future__ import annotations

from typing import Any
from uuid import UUID

from sqlalchemy.orm import Session

from kalibar.analysis import alerts, places_map, stats, words
from kalibar.analysis.filters import StatsFilter, parse_filter
from kalibar.analysis.models import Alert
from kalibar.analysis.schemas import AlertOut, EvidenceOut
from kalibar.auth.actor import Actor


def figure(session: Session, *, actor: Actor, by: str, params: dict[str, str]
           ) -> tuple[stats.Figure, StatsFilter]:  # fmt: skip
    """A statistic for query parameters (``from``, ``to``, ``agency``, dimension values)."""
    f = parse_filter(params)
    return stats.figure(session, actor=actor, by=by, f=f), f


def map_points(session: Session, *, actor: Actor, params: dict[str, str], clustered: bool = True
               ) -> list[places_map.Point]:  # fmt: skip
    pts = places_map.points(session, actor=actor, f=parse_filter(params))
    return places_map.cluster(pts) if clustered else pts


def alert_out(session: Session, *, actor: Actor, alert: Alert, with_evidence: bool) -> AlertOut:
    """An alert as its reader may see it (evidence through the visibility filter)."""
    view = alerts.evidence(session, actor=actor, alert=alert)
    params = alerts.params_of(alert)
    items: list[EvidenceOut] = []
    if with_evidence:
        items = [
            EvidenceOut(
                kind="seizure", uuid=s.uuid, reference=s.reference, href=f"/seizures/{s.uuid}"
            )
            for s in view.seizures
        ]
        items += [EvidenceOut(kind="declaration", uuid=d.uuid, reference=d.declaration_id,
                              href=f"/targeting/declarations/{d.uuid}")
                  for d in view.declarations]  # fmt: skip
    shown_params: dict[str, Any] = dict(params)
    if not view.shown:
        shown_params.pop("value", None)
    return AlertOut(
        uuid=alert.uuid, detector=alert.detector,
        detector_label=words.detector_label(alert.detector),
        summary=words.summary(alert, params, reveal=view.shown > 0),
        status=alert.status, params=shown_params, first_seen_at=alert.first_seen_at,
        last_seen_at=alert.last_seen_at, dismissed_by=alert.dismissed_by,
        dismissal_reason=alert.dismissal_reason, evidence=items,
        hidden_evidence=view.hidden, hidden_owners=view.hidden_owners,
    )  # fmt: skip


def get_alert(session: Session, *, actor: Actor, alert_id: UUID) -> Alert:
    return alerts.get_alert(session, actor=actor, alert_id=alert_id)


__all__ = ["alert_out", "figure", "get_alert", "map_points"]
