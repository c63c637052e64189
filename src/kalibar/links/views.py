"""The link chart page: the chart is drawn in the browser (cytoscape, vendored) from the
``/api/v1/links`` answers; merging and splitting entities are plain forms (CSRF, reason)."""

from __future__ import annotations

import uuid
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy import select
from sqlalchemy.orm import Session

from kalibar.auth.actor import Actor
from kalibar.errors import KalibarError, NotFound
from kalibar.i18n import _
from kalibar.links import merges, service
from kalibar.links.models import EntityMerge
from kalibar.links.nodes import KINDS, parse_node_id
from kalibar.seizures.models import Entity
from kalibar.sharing.visibility import visible
from kalibar.web.deps import CurrentActor, Db
from kalibar.web.templating import render

router = APIRouter(prefix="/links", include_in_schema=False)


def _merges_of(db: Session, actor: Actor, root: str) -> list[dict[str, Any]]:
    """The active merges of the root entity that the reader may see (both entities)."""
    try:
        table, ident = parse_node_id(root)
    except ValueError:
        return []
    if table != "entity":
        return []
    rows = merges.active_merges(db, [ident])
    ids = {i for m in rows for i in (m.merged_id, m.survivor_id)}
    if not ids:
        return []
    stmt = visible(select(Entity.uuid, Entity.name).where(Entity.uuid.in_(ids)), Entity, actor)
    names: dict[uuid.UUID, str] = {ident: name for ident, name in db.execute(stmt)}
    return [
        {"merge": m, "survivor": names[m.survivor_id], "merged": names[m.merged_id],
         "owner": m.owner_agency_id == actor.agency_id}
        for m in rows
        if m.survivor_id in names and m.merged_id in names
    ]  # fmt: skip


def _page(request: Request, db: Session, actor: Actor, root: str, chart_id: str = "",
          errors: dict[str, str] | None = None, status: int = 200) -> Response:  # fmt: skip
    ctx = {
        "root": root,
        "chart_id": chart_id,
        "kinds": KINDS,
        "kind_words": service.kind_words,
        "merges": _merges_of(db, actor, root),
        "saved": service.list_charts(db, actor=actor, limit=20),
        "errors": errors or {},
        "page_url": f"/links?root={root}" if root else "/links",
    }
    return render(request, "links/chart.html", ctx, status)


@router.get("")
def chart_page(request: Request, db: Db, actor: CurrentActor, root: str = "") -> Response:
    if root:
        service.node_ref(root, "root")
    return _page(request, db, actor, root)


@router.get("/charts/{chart_id}")
def saved_page(chart_id: uuid.UUID, request: Request, db: Db, actor: CurrentActor) -> Response:
    saved = service.get_chart(db, actor=actor, chart_id=chart_id)
    root, _body = service.seen_parts(db, actor=actor, saved=saved)
    if not root:
        raise NotFound("SavedChart", str(chart_id))
    return _page(request, db, actor, root, chart_id=str(saved.uuid))


def _form(request: Request) -> Any:
    return request.state.form


@router.post("/merges")
def merge(request: Request, db: Db, actor: CurrentActor) -> Response:
    form = _form(request)
    root = str(form.get("root", ""))
    try:
        row = merges.merge_entities(
            db, actor=actor, survivor_id=uuid.UUID(str(form.get("survivor_id", ""))),
            merged_id=uuid.UUID(str(form.get("merged_id", ""))), reason=str(form.get("reason", "")),
        )  # fmt: skip
    except ValueError:
        return _page(request, db, actor, root, errors={"merge": _("Choose two entities.")},
                     status=422)  # fmt: skip
    except KalibarError as exc:
        db.rollback()
        return _page(request, db, actor, root, errors={"merge": exc.message}, status=exc.status)
    return RedirectResponse(f"/links?root=entity:{row.survivor_id}", status_code=303)


@router.post("/merges/{merge_id}/split")
def split(merge_id: uuid.UUID, request: Request, db: Db, actor: CurrentActor) -> Response:
    form = _form(request)
    try:
        row: EntityMerge = merges.split_merge(db, actor=actor, merge_id=merge_id,
                                              reason=str(form.get("reason", "")))  # fmt: skip
    except KalibarError as exc:
        db.rollback()
        root = str(form.get("root", ""))
        return _page(request, db, actor, root, errors={"split": exc.message}, status=exc.status)
    return RedirectResponse(f"/links?root=entity:{row.survivor_id}", status_code=303)
