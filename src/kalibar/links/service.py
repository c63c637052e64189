"""The link chart's operations: open a chart, find a path, save and reopen charts, export.

Persons and companies are nominal data, so every chart, path and export is an event in
the audit trail naming the entities it showed (as an entity search is). Saved charts are
owned objects: listed and opened through the one visibility filter, changed only by
their owner agency. Services never commit; the edge does.
"""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from kalibar.audit.service import log_event
from kalibar.auth.actor import Actor
from kalibar.db.base import Distribution, utcnow
from kalibar.errors import Forbidden, Invalid, NotFound
from kalibar.i18n import N_, _
from kalibar.links.graph import Chart, Filters, expand, shortest_path
from kalibar.links.models import SavedChart
from kalibar.links.nodes import KIND_LABELS, KINDS, Ref, classify, parse_node_id
from kalibar.seizures.labels import label as seizure_label
from kalibar.sharing.visibility import get_editable, get_visible, visible
from kalibar.tracing.labels import STATUS_LABELS as TRACE_STATUS

#: How many entity ids an audit entry names (like an entity search's).
AUDITED_IDS = 100
NAME_MAX = 200

EDGE_WORDS = {
    "item": N_("seized firearm"),
    "declaration": N_("declaration"),
    "query": N_("recovered weapon"),
    "matched": N_("wanted record"),
    "same_firearm": N_("same firearm"),
    "trace": N_("trace request"),
}
HIT_STATUS = {"open": N_("open"), "confirmed": N_("confirmed"), "rejected": N_("rejected")}


def edge_words(code: str) -> str:
    """An edge's label in the reader's language (a role in a seizure, or a link's kind)."""
    if code in EDGE_WORDS:
        return str(EDGE_WORDS[code])
    return seizure_label("entity_role", code)


def detail_words(kind: str, detail: str) -> str:
    if kind == "hit":
        return str(HIT_STATUS[detail]) if detail in HIT_STATUS else detail
    if kind == "trace":
        return str(TRACE_STATUS.get(detail, detail))
    return detail


def kind_words(kind: str) -> str:
    return str(KIND_LABELS[kind]) if kind in KIND_LABELS else kind


def node_ref(text: str, field: str = "node") -> Ref:
    try:
        return parse_node_id(text)
    except ValueError:
        raise Invalid(_("Not a node of a link chart."), [{"field": field, "value": text}]) from None


def filters_of(kinds: list[str] | None, since: datetime | None, until: datetime | None) -> Filters:
    wanted = frozenset(k for k in (kinds or []) if k)
    unknown = sorted(wanted - set(KINDS))
    if unknown:
        raise Invalid(_("Unknown kind of node."), [{"field": "kinds", "value": unknown}])
    if since and until and since > until:
        raise Invalid(_("The start of the period is after its end."), [{"field": "since"}])
    return Filters(kinds=wanted, since=since, until=until)


def _log(session: Session, actor: Actor, action: str, chart: Chart, asked: dict[str, Any]) -> None:
    entities = [n.id for n in chart.nodes if n.ref[0] == "entity"]
    log_event(session, actor=actor, action=action, object_type="LinkChart", object_id=chart.root,
              details=asked | {"nodes": len(chart.nodes), "entities": entities[:AUDITED_IDS],
                               "hidden": sum(chart.hidden.values())})  # fmt: skip


def open_chart(
    session: Session,
    *,
    actor: Actor,
    root: str,
    hops: int = 2,
    filters: Filters | None = None,
    keep: list[str] | None = None,
) -> Chart:
    """What is connected to ``root`` (a node id) within ``hops``, as the actor may see it."""
    kept = [node_ref(k, "keep") for k in (keep or [])]
    chart = expand(session, actor=actor, root=node_ref(root, "root"), hops=hops,
                   filters=filters, keep=kept)  # fmt: skip
    _log(session, actor, "read", chart, {"hops": hops})
    return chart


def find_path(
    session: Session, *, actor: Actor, source: str, target: str, filters: Filters | None = None
) -> Chart:
    """A shortest chain of visible nodes between two nodes (empty when there is none)."""
    chart = shortest_path(session, actor=actor, source=node_ref(source, "source"),
                          target=node_ref(target, "target"), filters=filters)  # fmt: skip
    _log(session, actor, "read", chart, {"path_to": target})
    return chart


def log_export(session: Session, *, actor: Actor, chart: Chart, fmt: str) -> None:
    _log(session, actor, "export", chart, {"format": fmt})


# ------------------------------------------------------------------ saved charts


@dataclass
class ChartBody:
    """What a saved chart keeps: node ids, pins and positions, filters — never labels."""

    nodes: list[str]
    pinned: list[str]
    positions: dict[str, list[float]]
    kinds: list[str]
    since: str
    until: str
    hops: int

    def as_json(self) -> str:
        return json.dumps(self.__dict__, sort_keys=True)

    @classmethod
    def of(cls, text: str) -> ChartBody:
        raw = json.loads(text or "{}")
        return cls(
            nodes=[str(x) for x in raw.get("nodes", [])],
            pinned=[str(x) for x in raw.get("pinned", [])],
            positions={
                str(k): [float(v[0]), float(v[1])] for k, v in raw.get("positions", {}).items()
            },
            kinds=[str(x) for x in raw.get("kinds", [])],
            since=str(raw.get("since", "")),
            until=str(raw.get("until", "")),
            hops=int(raw.get("hops", 2)),
        )


def _checked_body(body: ChartBody) -> ChartBody:
    for n in [*body.nodes, *body.pinned, *body.positions]:
        node_ref(n, "nodes")
    filters_of(body.kinds, None, None)
    body.hops = max(0, min(body.hops, 4))
    return body


def save_chart(
    session: Session,
    *,
    actor: Actor,
    name: str,
    root: str,
    body: ChartBody,
    distribution: str = Distribution.agency.value,
) -> SavedChart:
    """Keep a chart for later (owned by the actor's agency; ``agency`` distribution unless
    the owner widens it)."""
    if actor.agency_id is None:
        raise Forbidden(_("Only a member of an agency can save a chart."))
    title = (name or "").strip()
    if not title or len(title) > NAME_MAX:
        raise Invalid(_("Give the chart a name."), [{"field": "name"}])
    if distribution not in {Distribution.agency.value, Distribution.national.value}:
        raise Invalid(_("Choose who may see the chart."), [{"field": "distribution"}])
    node_ref(root, "root")
    chart = SavedChart(
        name=title,
        root=root,
        body=_checked_body(body).as_json(),
        created_by=actor.username,
        owner_agency_id=actor.agency_id,
        owner_country=actor.country,
        distribution=distribution,
    )
    session.add(chart)
    session.flush()
    return chart


def seen_parts(session: Session, *, actor: Actor, saved: SavedChart) -> tuple[str, ChartBody]:
    """A saved chart's root and body as ``actor`` may read them: node ids (``kind:uuid``) of
    objects the reader may not see are left out, the root becomes ``""``. A chart shared
    nationally must not name its owner's agency-only objects to the other agencies."""
    body = ChartBody.of(saved.body)
    if actor.agency_id is not None and saved.owner_agency_id == actor.agency_id:
        return saved.root, body
    refs = {saved.root, *body.nodes, *body.pinned, *body.positions}
    parsed = {text: parse_node_id(text) for text in refs}
    seen = classify(session, actor, parsed.values())
    shown = {text for text, ref in parsed.items() if ref in seen and seen[ref].visible}
    body.nodes = [n for n in body.nodes if n in shown]
    body.pinned = [n for n in body.pinned if n in shown]
    body.positions = {n: xy for n, xy in body.positions.items() if n in shown}
    return (saved.root if saved.root in shown else ""), body


def list_charts(session: Session, *, actor: Actor, limit: int = 100) -> list[SavedChart]:
    stmt = visible(select(SavedChart), SavedChart, actor)
    stmt = stmt.order_by(SavedChart.updated_at.desc(), SavedChart.uuid).limit(limit)
    return list(session.execute(stmt).scalars())


def get_chart(session: Session, *, actor: Actor, chart_id: uuid.UUID) -> SavedChart:
    return get_visible(session, SavedChart, chart_id, actor)


def delete_chart(session: Session, *, actor: Actor, chart_id: uuid.UUID) -> None:
    chart = get_editable(session, SavedChart, chart_id, actor)
    chart.deleted_at = utcnow()
    session.flush()


def reopen(session: Session, *, actor: Actor, chart_id: uuid.UUID) -> tuple[SavedChart, Chart]:
    """A saved chart drawn again from today's data, through today's visibility."""
    saved = get_chart(session, actor=actor, chart_id=chart_id)
    root, body = seen_parts(session, actor=actor, saved=saved)
    if not root:  # drawn from an object the reader may not see: of no use, and absent
        raise NotFound("SavedChart", str(chart_id))
    since = datetime.fromisoformat(body.since) if body.since else None
    until = datetime.fromisoformat(body.until) if body.until else None
    chart = open_chart(session, actor=actor, root=root, hops=body.hops,
                       filters=filters_of(body.kinds, since, until), keep=body.nodes)  # fmt: skip
    return saved, chart
