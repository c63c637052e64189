"""``/api/v1/traces``"""

from __future__ import annotations

import uuid
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request, Response
from fastapi.responses import JSONResponse

from kalibar.bounds import Offset
from kalibar.i18n import _
from kalibar.tracing import exchange, pdf, queues, service
from kalibar.tracing.schemas import (
    AnswerIn,
    MessageIn,
    ReasonIn,
    SuggestionOut,
    TraceContent,
    TraceCreate,
    TraceOut,
    TracePage,
)
from kalibar.web.body_limit import read_body
from kalibar.web.deps import CurrentActor, Db
from kalibar.web.openapi import file_response

router = APIRouter(tags=["tracing"])


def _out(db: Db, t: Any) -> TraceOut:
    db.flush()
    db.refresh(t, attribute_names=["messages"])
    return TraceOut.of(t, with_messages=True)


@router.get("/traces/suggestions", response_model=list[SuggestionOut])
def suggest_recipients(
    db: Db,
    actor: CurrentActor,
    record_id: uuid.UUID,
    connected: Annotated[list[str] | None, Query()] = None,
) -> list[SuggestionOut]:
    found = service.suggestions(
        db, actor=actor, record_id=record_id, connected=[c.upper() for c in connected or []]
    )
    return [SuggestionOut(**s.__dict__) for s in found]


@router.post("/traces", response_model=TracePage, status_code=201)
def create_drafts(body: TraceCreate, db: Db, actor: CurrentActor) -> TracePage:
    content = body.given()
    content.pop("record_id", None)
    content.pop("recipients", None)
    made = service.create_drafts(
        db, actor=actor, record_id=body.record_id, recipients=body.recipients, content=content
    )
    db.flush()
    return TracePage(items=[TraceOut.of(t) for t in made], total=len(made))


@router.get("/traces", response_model=TracePage)
def list_traces(
    db: Db,
    actor: CurrentActor,
    queue: Annotated[str | None, Query(pattern="^(outgoing|incoming)$")] = None,
    status: str | None = None,
    record_id: uuid.UUID | None = None,
    overdue: bool = False,
    limit: int = Query(100, ge=1, le=500),
    offset: Annotated[Offset, Query()] = 0,
) -> TracePage:
    filters = queues.TraceFilter(queue=queue, status=status, record_id=record_id, overdue=overdue)
    rows, total = queues.list_traces(db, actor=actor, filters=filters, limit=limit, offset=offset)
    return TracePage(items=[TraceOut.of(t) for t in rows], total=total)


@router.post("/traces/import", response_model=TraceOut, status_code=201)
async def import_json(request: Request, db: Db, actor: CurrentActor) -> TraceOut:
    raw = await read_body(request, name=_("The trace document"), max_bytes=exchange.MAX_BYTES)
    t = exchange.import_document(db, actor=actor, raw=raw)
    return _out(db, t)


@router.get("/traces/{trace_id}", response_model=TraceOut)
def get_trace(trace_id: uuid.UUID, db: Db, actor: CurrentActor) -> TraceOut:
    return TraceOut.of(
        service.get_trace(db, actor=actor, trace_id=trace_id, messages=True), with_messages=True
    )


@router.patch("/traces/{trace_id}", response_model=TraceOut)
def update_draft(trace_id: uuid.UUID, body: TraceContent, db: Db, actor: CurrentActor) -> TraceOut:
    t = service.update_draft(db, actor=actor, trace_id=trace_id, content=body.given())
    return _out(db, t)


@router.post("/traces/{trace_id}/send", response_model=TraceOut)
def send(trace_id: uuid.UUID, db: Db, actor: CurrentActor) -> TraceOut:
    return _out(db, service.send(db, actor=actor, trace_id=trace_id))


@router.post("/traces/{trace_id}/acknowledge", response_model=TraceOut)
def acknowledge(trace_id: uuid.UUID, db: Db, actor: CurrentActor) -> TraceOut:
    return _out(db, service.acknowledge(db, actor=actor, trace_id=trace_id))


@router.post("/traces/{trace_id}/start", response_model=TraceOut)
def start(trace_id: uuid.UUID, db: Db, actor: CurrentActor) -> TraceOut:
    return _out(db, service.start_work(db, actor=actor, trace_id=trace_id))


@router.post("/traces/{trace_id}/answer", response_model=TraceOut)
def answer(trace_id: uuid.UUID, body: AnswerIn, db: Db, actor: CurrentActor) -> TraceOut:
    return _out(db, service.answer(db, actor=actor, trace_id=trace_id, body=body))


@router.post("/traces/{trace_id}/withdraw", response_model=TraceOut)
def withdraw(trace_id: uuid.UUID, body: ReasonIn, db: Db, actor: CurrentActor) -> TraceOut:
    return _out(db, service.withdraw(db, actor=actor, trace_id=trace_id, reason=body.reason))


@router.post("/traces/{trace_id}/close", response_model=TraceOut)
def close(trace_id: uuid.UUID, db: Db, actor: CurrentActor) -> TraceOut:
    return _out(db, service.close(db, actor=actor, trace_id=trace_id))


@router.post("/traces/{trace_id}/messages", response_model=TraceOut, status_code=201)
def post_message(trace_id: uuid.UUID, body: MessageIn, db: Db, actor: CurrentActor) -> TraceOut:
    return _out(db, service.post_message(db, actor=actor, trace_id=trace_id, body=body.body))


@router.get(
    "/traces/{trace_id}/export",
    response_class=Response,
    responses=file_response("application/json", "application/pdf"),
)
def export(
    trace_id: uuid.UUID,
    db: Db,
    actor: CurrentActor,
    format: Annotated[str, Query(pattern="^(pdf|json)$")] = "json",
    document: Annotated[str, Query(pattern="^(request|answer)$")] = "request",
) -> Response:
    if format == "pdf":
        data, name = pdf.export_pdf(db, actor=actor, trace_id=trace_id)
        return Response(
            data,
            media_type="application/pdf",
            headers={"Content-Disposition": f'attachment; filename="{name}"'},
        )
    doc = exchange.export_json(db, actor=actor, trace_id=trace_id, what=document)
    name = f"{doc['reference'] or trace_id}-{document}.json"
    return JSONResponse(doc, headers={"Content-Disposition": f'attachment; filename="{name}"'})
