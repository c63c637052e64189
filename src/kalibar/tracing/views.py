"""Tracing pages: queues, start a trace from a record, a request with its thread, import."""

from __future__ import annotations

import uuid
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response
from pydantic import ValidationError

from kalibar.auth.actor import Actor
from kalibar.errors import Invalid, KalibarError
from kalibar.files import read_limited
from kalibar.i18n import _
from kalibar.records.models import RECOVERED
from kalibar.records.service import get_record
from kalibar.tracing import exchange, queues, service
from kalibar.tracing.models import NotTracedReason, TraceResult, TraceStatus
from kalibar.tracing.requirements import missing_for_sending
from kalibar.tracing.schemas import CONTENT_FIELDS, AnswerIn, TraceContent, TraceOut
from kalibar.web.deps import CurrentActor, Db
from kalibar.web.templating import render

router = APIRouter(prefix="/traces", include_in_schema=False)
ANSWER_FIELDS = ("result", "diversion_holder", "diversion_country", "diversion_date",
                 "diversion_how", "transfer_chain", "documents", "not_traced_reason",
                 "note")  # fmt: skip


def _form(request: Request) -> Any:
    return request.state.form  # read by the CSRF dependency


def _content(request: Request) -> tuple[dict[str, Any], dict[str, Any], dict[str, str]]:
    """(raw values for the form, parsed content, errors by field)."""
    form = _form(request)
    values = {k: str(form.get(k) or "").strip() for k in CONTENT_FIELDS}
    payload: dict[str, Any] = {k: v for k, v in values.items()}
    for key in ("event_date", "year_of_manufacture", "country_of_manufacture", "priority"):
        if not payload[key]:
            payload[key] = None
    try:
        parsed = TraceContent.model_validate(payload).given()
    except ValidationError as exc:
        return values, {}, {str(e["loc"][0]): str(e["msg"]) for e in exc.errors()}
    return values, parsed, {}


def _error_map(exc: KalibarError) -> dict[str, str]:
    errors = {str(d.get("field")): str(d.get("message", exc.message)) for d in exc.details}
    errors["_"] = exc.message
    return errors


@router.get("")
def queues_page(
    request: Request, db: Db, actor: CurrentActor, queue: str = "incoming",
    status: str = "", overdue: bool = False,
) -> Response:  # fmt: skip
    queue = queue if queue in ("incoming", "outgoing") else "incoming"
    filters = queues.TraceFilter(queue=queue, status=status or None, overdue=overdue)
    rows, total = queues.list_traces(db, actor=actor, filters=filters, limit=200)
    return render(request, "tracing/list.html", {
        "rows": [TraceOut.of(t) for t in rows], "total": total, "queue": queue,
        "status": status, "overdue": overdue, "statuses": [s.value for s in TraceStatus],
        "reminders": queues.reminders(db, actor=actor),
    })  # fmt: skip


def _new_context(
    db: Db, actor: Actor, record_id: uuid.UUID, values: dict[str, Any], connected: list[str],
    chosen: list[str], errors: dict[str, str],
) -> dict[str, Any]:  # fmt: skip
    record = service.traceable_record(db, actor=actor, record_id=record_id)
    return {
        "record": record,
        "values": values,
        "errors": errors,
        "chosen": chosen,
        "connected": ", ".join(connected),
        "suggestions": service.suggestions(
            db, actor=actor, record_id=record_id, connected=connected
        ),
        "traceable": record.status in {s.value for s in RECOVERED},
    }


@router.get("/new")
def new_form(
    request: Request, db: Db, actor: CurrentActor, record_id: uuid.UUID, connected: str = ""
) -> Response:
    record = service.traceable_record(db, actor=actor, record_id=record_id)
    codes = [c for c in connected.replace(",", " ").upper().split() if c]
    values = service.prefill(record)
    values["connected_countries"] = ", ".join(codes)
    ctx = _new_context(db, actor, record_id, values, codes, [], {})
    first = [s.agencies[0] for s in ctx["suggestions"] if s.agencies][:1]
    ctx["chosen"] = first
    return render(request, "tracing/form.html", ctx)


@router.post("/new")
def create(request: Request, db: Db, actor: CurrentActor) -> Response:
    form = _form(request)
    record_id = uuid.UUID(str(form.get("record_id")))
    chosen = [str(c) for c in form.getlist("recipients")]
    values, content, errors = _content(request)
    connected = list(content.get("connected_countries") or [])
    if not chosen:
        errors["recipients"] = _("Choose at least one recipient agency.")
    if errors:
        ctx = _new_context(db, actor, record_id, values, connected, chosen, errors)
        return render(request, "tracing/form.html", ctx, 422)
    try:
        with db.begin_nested():
            made = service.create_drafts(
                db, actor=actor, record_id=record_id, recipients=chosen, content=content
            )
            if form.get("action") == "send":
                db.flush()
                for t in made:
                    service.send(db, actor=actor, trace_id=t.uuid)
    except (Invalid, KalibarError) as exc:
        if exc.status in (403, 404):
            raise
        ctx = _new_context(db, actor, record_id, values, connected, chosen, _error_map(exc))
        return render(request, "tracing/form.html", ctx, exc.status)
    target = f"/traces/{made[0].uuid}" if len(made) == 1 else "/traces?queue=outgoing"
    return RedirectResponse(target, status_code=303)


@router.get("/import")
def import_form(request: Request, actor: CurrentActor) -> Response:
    return render(request, "tracing/import.html", {"error": None})


@router.post("/import")
async def import_upload(request: Request, db: Db, actor: CurrentActor) -> Response:
    upload = _form(request).get("file")
    try:
        raw = b""
        if upload is not None and hasattr(upload, "file"):
            raw = read_limited(
                upload.file, name=upload.filename or "", max_bytes=exchange.MAX_BYTES
            )
        with db.begin_nested():
            t = exchange.import_document(db, actor=actor, raw=raw)
    except KalibarError as exc:
        if exc.status in (403, 404):
            raise
        return render(request, "tracing/import.html", {"error": exc}, exc.status)
    return RedirectResponse(f"/traces/{t.uuid}", status_code=303)


@router.get("/record/{record_id}/panel")
def record_panel(request: Request, db: Db, actor: CurrentActor, record_id: uuid.UUID) -> Response:
    """Fragment on a record's page: illicit origin, its traces, the start button."""
    record = get_record(db, actor=actor, record_id=record_id)
    rows, _total = queues.list_traces(
        db, actor=actor, filters=queues.TraceFilter(record_id=record_id), limit=50
    )
    return render(request, "tracing/record_panel.html", {
        "record": record, "traces": [TraceOut.of(t) for t in rows],
        "traceable": record.status in {s.value for s in RECOVERED},
    })  # fmt: skip


def _detail(
    request: Request, db: Db, actor: Actor, trace_id: uuid.UUID, status: int = 200,
    **extra: Any,
) -> Response:  # fmt: skip
    t = service.get_trace(db, actor=actor, trace_id=trace_id, messages=True)
    return render(request, "tracing/detail.html", {
        "t": TraceOut.of(t, with_messages=True),
        "requester": service.is_requester(t, actor),
        "recipient": service.is_recipient(t, actor),
        "missing": missing_for_sending(t) if t.status == TraceStatus.draft.value else [],
        "results": [r.value for r in TraceResult],
        "not_traced_reasons": [r.value for r in NotTracedReason],
        "answer": extra.pop("answer", {}),
        "errors": extra.pop("errors", {}),
        **extra,
    }, status)  # fmt: skip


@router.get("/{trace_id}")
def detail(trace_id: uuid.UUID, request: Request, db: Db, actor: CurrentActor) -> Response:
    return _detail(request, db, actor, trace_id)


@router.get("/{trace_id}/edit")
def edit_form(trace_id: uuid.UUID, request: Request, db: Db, actor: CurrentActor) -> Response:
    t = service.get_trace(db, actor=actor, trace_id=trace_id)
    out = TraceOut.of(t).model_dump()
    values = {k: out.get(k) if out.get(k) is not None else "" for k in CONTENT_FIELDS}
    values["connected_countries"] = ", ".join(t.connected)
    return render(request, "tracing/edit.html", {"t": out, "values": values, "errors": {}})


@router.post("/{trace_id}/edit")
def edit(trace_id: uuid.UUID, request: Request, db: Db, actor: CurrentActor) -> Response:
    values, content, errors = _content(request)
    if not errors:
        try:
            with db.begin_nested():
                service.update_draft(db, actor=actor, trace_id=trace_id, content=content)
        except KalibarError as exc:
            if exc.status in (403, 404):
                raise
            errors = _error_map(exc)
    if errors:
        t = TraceOut.of(service.get_trace(db, actor=actor, trace_id=trace_id)).model_dump()
        ctx = {"t": t, "values": values, "errors": errors}
        return render(request, "tracing/edit.html", ctx, 422)
    return RedirectResponse(f"/traces/{trace_id}", status_code=303)


def _act(request: Request, db: Db, actor: Actor, trace_id: uuid.UUID, action: str) -> Response:
    form = _form(request)
    answer_values: dict[str, str] = {}
    try:
        with db.begin_nested():
            if action == "send":
                service.send(db, actor=actor, trace_id=trace_id)
            elif action == "acknowledge":
                service.acknowledge(db, actor=actor, trace_id=trace_id)
            elif action == "start":
                service.start_work(db, actor=actor, trace_id=trace_id)
            elif action == "withdraw":
                reason = str(form.get("reason") or "")
                service.withdraw(db, actor=actor, trace_id=trace_id, reason=reason)
            elif action == "close":
                service.close(db, actor=actor, trace_id=trace_id)
            elif action == "messages":
                body = str(form.get("body") or "")
                service.post_message(db, actor=actor, trace_id=trace_id, body=body)
            elif action == "answer":
                answer_values = {k: str(form.get(k) or "").strip() for k in ANSWER_FIELDS}
                payload = {k: (v or None) if k in ("diversion_date", "not_traced_reason",
                           "result") else v for k, v in answer_values.items()}  # fmt: skip
                try:
                    body_in = AnswerIn.model_validate(payload)
                except ValidationError as exc:
                    raise Invalid(
                        _("The answer is not valid."),
                        [{"field": str(e["loc"][0]), "message": e["msg"]} for e in exc.errors()],
                    ) from exc
                service.answer(db, actor=actor, trace_id=trace_id, body=body_in)
            else:
                raise Invalid(_("Unknown action."), [{"field": "action", "value": action}])
    except KalibarError as exc:
        if exc.status in (403, 404):
            raise
        return _detail(request, db, actor, trace_id, exc.status, errors=_error_map(exc),
                       answer=answer_values)  # fmt: skip
    return RedirectResponse(f"/traces/{trace_id}", status_code=303)


@router.post("/{trace_id}/{action}")
def act(
    trace_id: uuid.UUID, action: str, request: Request, db: Db, actor: CurrentActor
) -> Response:
    return _act(request, db, actor, trace_id, action)
