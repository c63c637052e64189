"""API shapes of the link chart: nodes, edges, hidden counts, saved charts, merges."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated

from pydantic import BaseModel, Field
from sqlalchemy.orm import Session

from kalibar.agencies.service import agency_codes
from kalibar.auth.actor import Actor
from kalibar.bounds import Moment
from kalibar.i18n import ngettext
from kalibar.links import service
from kalibar.links.graph import Chart
from kalibar.links.models import EntityMerge, SavedChart

NodeIdText = Annotated[
    str, Field(min_length=3, max_length=80, pattern=r"^[a-z]+:[0-9a-fA-F-]{32,36}$")
]


#: A position on the canvas (finite: it is stored as JSON and sent back).
Coordinate = Annotated[float, Field(allow_inf_nan=False, ge=-1e7, le=1e7)]


class NodeOut(BaseModel):
    id: str = Field(description="``kind-of-table:uuid``, e.g. ``seizure:0190…``.")
    kind: str = Field(description="person, company, vehicle, phone, address, seizure, "
                      "declaration, record, hit or trace.")  # fmt: skip
    kind_label: str
    label: str
    reference: str
    time: datetime | None
    owner: str = Field(description="Owner agency code.")
    detail: str
    aliases: list[str] = Field(description="Entities merged into this one.")


class EdgeOut(BaseModel):
    source: str
    target: str
    label: str = Field(description="The role in the seizure, or the kind of link (code).")
    label_text: str = Field(description="The same in the reader's language.")


class HiddenOut(BaseModel):
    agency: str
    count: int
    text: str = Field(description='e.g. "3 objects you may not see, owned by HR-MUP".')


class ChartOut(BaseModel):
    root: str
    nodes: list[NodeOut]
    edges: list[EdgeOut]
    hidden: list[HiddenOut]
    truncated: bool

    @classmethod
    def of(cls, session: Session, chart: Chart) -> ChartOut:
        codes = agency_codes(session)
        return cls(
            root=chart.root,
            nodes=[
                NodeOut(
                    id=n.id,
                    kind=n.kind,
                    kind_label=service.kind_words(n.kind),
                    label=n.label,
                    reference=n.reference,
                    time=n.time,
                    owner=codes.get(n.owner_agency_id, ""),
                    detail=service.detail_words(n.kind, n.detail),
                    aliases=n.aliases,
                )
                for n in chart.nodes
            ],  # fmt: skip
            edges=[
                EdgeOut(
                    source=e.source,
                    target=e.target,
                    label=e.label,
                    label_text=service.edge_words(e.label),
                )
                for e in chart.edges
            ],  # fmt: skip
            hidden=[
                HiddenOut(agency=agency, count=count, text=hidden_text(agency, count))
                for agency, count in chart.hidden.items()
            ],
            truncated=chart.truncated,
        )


def hidden_text(agency: str, count: int) -> str:
    return ngettext(
        "%(n)d object you may not see, owned by %(agency)s",
        "%(n)d objects you may not see, owned by %(agency)s",
        count,
    ) % {"n": count, "agency": agency}


class SavedChartIn(BaseModel):
    name: str = Field(min_length=1, max_length=200)
    root: NodeIdText
    nodes: list[NodeIdText] = Field(default_factory=list, max_length=600)
    pinned: list[NodeIdText] = Field(default_factory=list, max_length=600)
    positions: dict[NodeIdText, Annotated[list[Coordinate], Field(min_length=2, max_length=2)]] = (
        Field(default_factory=dict, max_length=600)
    )
    kinds: list[str] = Field(default_factory=list, max_length=10)
    since: Moment | None = None
    until: Moment | None = None
    hops: int = Field(default=2, ge=0, le=4)
    distribution: str = Field(default="agency", pattern="^(agency|national)$")

    def body(self) -> service.ChartBody:
        return service.ChartBody(
            nodes=list(self.nodes), pinned=list(self.pinned),
            positions={k: list(v) for k, v in self.positions.items()}, kinds=list(self.kinds),
            since=self.since.isoformat() if self.since else "",
            until=self.until.isoformat() if self.until else "", hops=self.hops,
        )  # fmt: skip


class SavedChartOut(BaseModel):
    id: uuid.UUID
    name: str
    root: str
    created_by: str
    created_at: datetime
    distribution: str
    body: dict[str, object]

    @classmethod
    def of(cls, db: Session, actor: Actor, c: SavedChart) -> SavedChartOut:
        """Only the nodes ``actor`` may see (:func:`service.seen_parts`)."""
        root, body = service.seen_parts(db, actor=actor, saved=c)
        return cls(id=c.uuid, name=c.name, root=root, created_by=c.created_by,
                   created_at=c.created_at, distribution=c.distribution,
                   body=body.__dict__)  # fmt: skip


class OpenedChartOut(BaseModel):
    saved: SavedChartOut
    chart: ChartOut


class MergeIn(BaseModel):
    survivor_id: uuid.UUID
    merged_id: uuid.UUID
    reason: str = Field(min_length=1, max_length=2000)


class ReasonIn(BaseModel):
    reason: str = Field(min_length=1, max_length=2000)


class MergeOut(BaseModel):
    id: uuid.UUID
    survivor_id: uuid.UUID
    merged_id: uuid.UUID
    reason: str
    merged_by: str
    created_at: datetime
    split_at: datetime | None
    split_by: str
    split_reason: str

    @classmethod
    def of(cls, m: EntityMerge) -> MergeOut:
        return cls(id=m.uuid, survivor_id=m.survivor_id, merged_id=m.merged_id, reason=m.reason,
                   merged_by=m.merged_by, created_at=m.created_at, split_at=m.split_at,
                   split_by=m.split_by, split_reason=m.split_reason)  # fmt: skip
