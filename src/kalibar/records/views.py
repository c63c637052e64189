"""Record pages: list with filters, create, detail with history, edit, delete."""

from __future__ import annotations

import json
import uuid
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response
from pydantic import ValidationError

from kalibar.agencies.service import agency_codes, list_agencies
from kalibar.auth.actor import Actor
from kalibar.db.base import Distribution
from kalibar.errors import Conflict, KalibarError
from kalibar.records import service
from kalibar.records.fields import FORM_FIELDS
from kalibar.records.models import RecordStatus
from kalibar.records.schemas import REGIONAL_DATES, RecordCreate, RecordOut
from kalibar.records.suggestions import catalogue_choices, model_choices
from kalibar.reference.countries import country_label
from kalibar.sharing.visibility import can_edit
from kalibar.web.deps import CurrentActor, Db
from kalibar.web.templating import render

router = APIRouter(prefix="/records", include_in_schema=False)
FILTERS = (
    "status",
    "weapon_type",
    "make",
    "calibre",
    "country",
    "agency",
    "date_from",
    "date_to",
    "q",
)
TEXT_FIELDS = FORM_FIELDS


def _form_context(
    db: Db,
    values: dict[str, Any],
    errors: dict[str, str],
    duplicates: list[dict[str, Any]] | None = None,
) -> dict[str, Any]:
    return {
        "values": values,
        "errors": errors,
        "duplicates": duplicates or [],
        "statuses": [s.value for s in RecordStatus],
        "distributions": [d.value for d in Distribution if d is not Distribution.group],
        "agencies": list_agencies(db),
        **catalogue_choices(),
    }


def _form_values(request: Request) -> dict[str, Any]:
    form = request.state.form  # read by the CSRF dependency
    values: dict[str, Any] = {k: str(form.get(k) or "").strip() for k in TEXT_FIELDS}
    values["status"] = str(form.get("status") or "")
    values["distribution"] = str(form.get("distribution") or Distribution.national.value)
    values["modifications"] = [str(m) for m in form.getlist("modifications")]
    values["serial_obliterated"] = form.get("serial_obliterated") == "true"
    values["serial_restored"] = form.get("serial_restored") == "true"
    values["allow_duplicate"] = form.get("allow_duplicate") == "true"
    return values


def _validate(values: dict[str, Any]) -> tuple[RecordCreate | None, dict[str, str]]:
    payload = {k: (v if v != "" else None) for k, v in values.items()}
    for key in (
        "weapon_type",
        "make",
        "model",
        "calibre",
        "serial_number",
        "import_marking",
        "other_markings",
        "event_place",
        "case_reference",
        "notes",
    ):
        payload[key] = values.get(key, "")
    try:
        return RecordCreate.model_validate(payload, context=REGIONAL_DATES), {}
    except ValidationError as exc:
        return None, {
            str(e["loc"][0]): str(e["msg"]).removeprefix("Value error, ") for e in exc.errors()
        }


@router.get("")
def records_page(
    request: Request,
    db: Db,
    actor: CurrentActor,
    sort: str = "created",
    order: str = "desc",
    cursor: str | None = None,
) -> Response:
    params = {k: request.query_params.get(k, "") for k in FILTERS}
    filters = service.RecordFilter(**{k: (v or None) for k, v in params.items()})  # type: ignore[arg-type]
    if request.query_params.get("needs_review") == "true":
        filters.needs_review = True
    rows, next_cursor = service.list_records(
        db,
        actor=actor,
        filters=filters,
        sort=sort,
        descending=order != "asc",
        limit=50,
        cursor=cursor,
    )
    codes = agency_codes(db)
    return render(
        request,
        "records/list.html",
        {
            "rows": [RecordOut.of(r, codes) for r in rows],
            "filters": params,
            "next_cursor": next_cursor,
            "sort": sort,
            "order": order,
            "statuses": [s.value for s in RecordStatus],
            "agencies": list_agencies(db),
            **catalogue_choices(),
        },
    )


@router.get("/new")
def new_form(request: Request, db: Db, actor: CurrentActor) -> Response:
    return render(request, "records/form.html", _form_context(db, {"status": "seized"}, {}))


@router.post("/new")
def create(request: Request, db: Db, actor: CurrentActor) -> Response:
    values = _form_values(request)
    body, errors = _validate(values)
    if body is None:
        return render(request, "records/form.html", _form_context(db, values, errors), 422)
    data = service.RecordData(
        **body.model_dump(exclude={"distribution", "sharing_groups", "allow_duplicate"})
    )
    try:
        record = service.create_record(
            db,
            actor=actor,
            data=data,
            distribution=body.distribution.value,
            allow_duplicate=body.allow_duplicate,
        )
    except Conflict as exc:
        return render(request, "records/form.html", _form_context(db, values, {}, exc.details), 409)
    return RedirectResponse(f"/records/{record.uuid}", status_code=303)


@router.get("/suggest/models")
def suggest_models(request: Request, actor: CurrentActor, make: str = "") -> Response:
    return render(request, "records/model_options.html", {"models": model_choices(make)})


def _detail(
    request: Request, db: Db, actor: Actor, record_id: uuid.UUID, status: int = 200, **extra: Any
) -> Response:
    record = service.get_record(db, actor=actor, record_id=record_id)
    service.log_record_read(db, actor=actor, record=record)
    history = [
        (e, json.loads(e.changes))
        for e in service.record_history(db, actor=actor, record_id=record_id, audited=False)
    ]
    return render(
        request,
        "records/detail.html",
        {
            "record": RecordOut.of(record, agency_codes(db)),
            "history": history,
            "editable": can_edit(record, actor),
            "made_in": country_label(record.country_of_manufacture),
            **extra,
        },
        status,
    )


@router.get("/{record_id}")
def detail(record_id: uuid.UUID, request: Request, db: Db, actor: CurrentActor) -> Response:
    return _detail(request, db, actor, record_id)


@router.get("/{record_id}/edit")
def edit_form(record_id: uuid.UUID, request: Request, db: Db, actor: CurrentActor) -> Response:
    record = service.get_record(db, actor=actor, record_id=record_id)
    out = RecordOut.of(record, agency_codes(db)).model_dump()
    values = {k: ("" if out.get(k) is None else out.get(k)) for k in out}
    return render(
        request, "records/form.html", _form_context(db, values, {}) | {"record_id": record_id}
    )


@router.post("/{record_id}/edit")
def edit(record_id: uuid.UUID, request: Request, db: Db, actor: CurrentActor) -> Response:
    values = _form_values(request)
    body, errors = _validate(values)
    if body is None:
        return render(
            request,
            "records/form.html",
            _form_context(db, values, errors) | {"record_id": record_id},
            422,
        )
    changes = body.model_dump(exclude={"distribution", "sharing_groups", "allow_duplicate"})
    changes["status"] = body.status.value
    try:
        service.update_record(
            db,
            actor=actor,
            record_id=record_id,
            changes=changes,
            distribution=body.distribution.value,
        )
    except KalibarError as exc:
        if exc.status == 404:
            raise
        return render(
            request,
            "records/form.html",
            _form_context(db, values, {"_": exc.message}) | {"record_id": record_id},
            exc.status,
        )
    return RedirectResponse(f"/records/{record_id}", status_code=303)


@router.post("/{record_id}/delete")
def delete(record_id: uuid.UUID, db: Db, actor: CurrentActor) -> Response:
    service.delete_record(db, actor=actor, record_id=record_id)
    return RedirectResponse("/records", status_code=303)
