"""``/api/v1/links``: open a chart, find a path, export, save charts, merge and split."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Query, Response

from kalibar.bounds import Moment
from kalibar.links import export, merges, service
from kalibar.links.graph import Chart
from kalibar.links.nodes import KINDS
from kalibar.links.schemas import (
    ChartOut,
    MergeIn,
    MergeOut,
    OpenedChartOut,
    ReasonIn,
    SavedChartIn,
    SavedChartOut,
)
from kalibar.web.deps import CurrentActor, Db
from kalibar.web.openapi import file_response

router = APIRouter(prefix="/links", tags=["links"])

NodeQ = Annotated[str, Query(min_length=3, max_length=80, description="``kind:uuid``")]
KindsQ = Annotated[list[str] | None, Query(max_length=len(KINDS), description="Kinds to show.")]
HopsQ = Annotated[int, Query(ge=0, le=4)]
TimeQ = Annotated[Moment | None, Query()]
GRAPHML = "application/graphml+xml"
FTM = "application/x-ndjson"


@router.get("/chart", response_model=ChartOut)
def chart(
    db: Db, actor: CurrentActor, root: NodeQ, hops: HopsQ = 2, kinds: KindsQ = None,
    since: TimeQ = None, until: TimeQ = None,
) -> ChartOut:  # fmt: skip
    """What is connected to ``root`` within ``hops``; hidden neighbours only counted."""
    filters = service.filters_of(kinds, since, until)
    found = service.open_chart(db, actor=actor, root=root, hops=hops, filters=filters)
    return ChartOut.of(db, found)


@router.get("/path", response_model=ChartOut)
def path(
    db: Db, actor: CurrentActor, source: NodeQ, target: NodeQ, kinds: KindsQ = None,
    since: TimeQ = None, until: TimeQ = None,
) -> ChartOut:  # fmt: skip
    """A shortest chain of visible nodes between two nodes (no nodes when none exists)."""
    filters = service.filters_of(kinds, since, until)
    found = service.find_path(db, actor=actor, source=source, target=target, filters=filters)
    return ChartOut.of(db, found)


def _file(db: Db, actor: CurrentActor, found: Chart, fmt: str) -> Response:
    service.log_export(db, actor=actor, chart=found, fmt=fmt)
    name = found.root.replace(":", "-")
    if fmt == "graphml":
        body, media, ext = export.graphml(found), GRAPHML, "graphml"
    else:
        body, media, ext = export.ftm_lines(found).encode(), FTM, "ftm.json"
    headers = {"Content-Disposition": f'attachment; filename="chart-{name}.{ext}"'}
    return Response(body, media_type=media, headers=headers)


@router.get("/export", responses=file_response(GRAPHML, FTM), response_class=Response)
def export_chart(
    db: Db, actor: CurrentActor, root: NodeQ,
    format: Annotated[str, Query(pattern="^(graphml|ftm)$")] = "graphml",
    hops: HopsQ = 2, kinds: KindsQ = None, since: TimeQ = None, until: TimeQ = None,
) -> Response:  # fmt: skip
    """The chart as GraphML, or as FollowTheMoney entities (JSON lines) for Aleph."""
    filters = service.filters_of(kinds, since, until)
    found = service.open_chart(db, actor=actor, root=root, hops=hops, filters=filters)
    return _file(db, actor, found, format)


@router.get("/charts", response_model=list[SavedChartOut])
def charts(db: Db, actor: CurrentActor) -> list[SavedChartOut]:
    return [SavedChartOut.of(db, actor, c) for c in service.list_charts(db, actor=actor)]


@router.post("/charts", response_model=SavedChartOut, status_code=201)
def save(body: SavedChartIn, db: Db, actor: CurrentActor) -> SavedChartOut:
    saved = service.save_chart(db, actor=actor, name=body.name, root=body.root,
                               body=body.body(), distribution=body.distribution)  # fmt: skip
    return SavedChartOut.of(db, actor, saved)


@router.get("/charts/{chart_id}", response_model=OpenedChartOut)
def reopen(chart_id: uuid.UUID, db: Db, actor: CurrentActor) -> OpenedChartOut:
    saved, found = service.reopen(db, actor=actor, chart_id=chart_id)
    return OpenedChartOut(saved=SavedChartOut.of(db, actor, saved), chart=ChartOut.of(db, found))


@router.delete("/charts/{chart_id}", status_code=204, response_class=Response)
def delete(chart_id: uuid.UUID, db: Db, actor: CurrentActor) -> Response:
    service.delete_chart(db, actor=actor, chart_id=chart_id)
    return Response(status_code=204)


@router.post("/merges", response_model=MergeOut, status_code=201)
def merge(body: MergeIn, db: Db, actor: CurrentActor) -> MergeOut:
    """Say two entities are the same (owner agency of both; audited with the reason)."""
    row = merges.merge_entities(db, actor=actor, survivor_id=body.survivor_id,
                                merged_id=body.merged_id, reason=body.reason)  # fmt: skip
    return MergeOut.of(row)


@router.post("/merges/{merge_id}/split", response_model=MergeOut)
def split(merge_id: uuid.UUID, body: ReasonIn, db: Db, actor: CurrentActor) -> MergeOut:
    """Undo a merge: they are not the same (owner agency; audited with the reason)."""
    return MergeOut.of(merges.split_merge(db, actor=actor, merge_id=merge_id, reason=body.reason))
