"""Targeting pages: the inspection worklist, one declaration with its reasons and the
result form, hit rates, and the declarations upload."""

from __future__ import annotations

import uuid
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response
from starlette.datastructures import UploadFile

from kalibar.errors import Invalid, KalibarError
from kalibar.i18n import _
from kalibar.targeting import capacity, lane_rates, model_versions, screening, worklist
from kalibar.targeting.fields import COLUMNS, FLOWS
from kalibar.targeting.inspection_models import Outcome
from kalibar.web.deps import CurrentActor, Db
from kalibar.web.templating import render

router = APIRouter(prefix="/targeting", include_in_schema=False)
ENCODINGS = ("", "utf-8", "utf-8-sig", "cp1250", "cp1251")


def outcome_labels() -> dict[str, str]:
    return {
        Outcome.no_finding.value: _("Nothing found"),
        Outcome.firearms.value: _("Firearms"),
        Outcome.parts.value: _("Parts"),
        Outcome.ammunition.value: _("Ammunition"),
        Outcome.other_offence.value: _("Other offence"),
    }


def lane_labels() -> dict[str, str]:
    return {
        "red": _("Red — physical examination"),
        "yellow": _("Yellow — documentary check"),
        "blue": _("Blue — post-clearance audit"),
        "green": _("Green — release"),
    }


@router.get("")
def targeting_home(actor: CurrentActor) -> Response:
    return RedirectResponse("/targeting/worklist", status_code=303)


@router.get("/worklist")
def worklist_page(request: Request, db: Db, actor: CurrentActor) -> Response:
    q = request.query_params
    filters = worklist.WorklistFilter(
        office=q.get("office") or None,
        flow=q.get("flow") if q.get("flow") in FLOWS else None,
        lane=q.get("lane") if q.get("lane") in worklist.LANES else None,
        state=str(q.get("state")) if q.get("state") in worklist.STATES else "open",
    )
    entries = worklist.list_worklist(db, actor=actor, filters=filters)
    policy = lane_rates.policy_for(db, actor.agency_id, random_rate=screening.RANDOM_RATE)
    over = [u for u in capacity.usage(db, actor=actor, policy=policy) if u.mandatory_over]
    return render(
        request,
        "targeting/worklist.html",
        {
            "entries": entries,
            "filters": filters,
            "offices": worklist.offices(db, actor=actor),
            "flows": FLOWS,
            "lanes": worklist.LANES,
            "lane_labels": lane_labels(),
            "outcome_labels": outcome_labels(),
            "capacity_over": over,
        },
    )


def _detail(
    request: Request, db: Db, actor: CurrentActor, declaration_uuid: uuid.UUID, **extra: Any
) -> Response:
    status = int(extra.pop("status", 200))
    entry = worklist.get_entry(db, actor=actor, declaration_uuid=declaration_uuid)
    return render(
        request,
        "targeting/declaration.html",
        {
            "e": entry,
            "lane_labels": lane_labels(),
            "outcome_labels": outcome_labels(),
            "error": "",
            **extra,
        },
        status,
    )


@router.get("/declarations/{declaration_uuid}")
def declaration_page(
    declaration_uuid: uuid.UUID, request: Request, db: Db, actor: CurrentActor
) -> Response:
    return _detail(request, db, actor, declaration_uuid)


@router.post("/declarations/{declaration_uuid}/inspection")
def record_inspection(
    declaration_uuid: uuid.UUID, request: Request, db: Db, actor: CurrentActor
) -> Response:
    form = request.state.form  # read by the CSRF dependency
    try:
        worklist.record_inspection(
            db,
            actor=actor,
            declaration_uuid=declaration_uuid,
            outcome=str(form.get("outcome") or ""),
            notes=str(form.get("notes") or ""),
        )
    except Invalid as exc:
        return _detail(request, db, actor, declaration_uuid, error=exc.message, status=422)
    return RedirectResponse(f"/targeting/declarations/{declaration_uuid}", status_code=303)


@router.get("/hit-rates")
def hit_rates_page(request: Request, db: Db, actor: CurrentActor) -> Response:
    office = request.query_params.get("office") or None
    rates = worklist.hit_rates(db, actor=actor, office=office)
    return render(
        request,
        "targeting/hit_rates.html",
        {
            "rates": rates,
            "drift": model_versions.drift(db, actor=actor),
            "bands": model_versions.SCORE_BANDS,
            "office": office or "",
            "offices": worklist.offices(db, actor=actor),
            "group_labels": {
                "all": _("All inspections"),
                "rule": _("Rule"),
                "score band": _("Model score band"),
                "random": _("Random control sample"),
            },
        },
    )


def _upload_page(request: Request, status: int = 200, **extra: Any) -> Response:
    context: dict[str, Any] = {
        "encodings": ENCODINGS,
        "columns": ", ".join(COLUMNS),
        "result": None,
        "errors": [],
        "message": "",
        "filename": "",
    }
    context.update(extra)
    return render(request, "targeting/import.html", context, status)


@router.get("/import")
def import_form(request: Request, actor: CurrentActor) -> Response:
    return _upload_page(request)


@router.post("/import")
def import_upload(request: Request, db: Db, actor: CurrentActor) -> Response:
    form = request.state.form
    upload = form.get("file")
    if not isinstance(upload, UploadFile) or not upload.filename:
        return _upload_page(request, 422, message=_("Choose a file to import."))
    try:
        result = screening.upload_and_screen(
            db, actor=actor, upload=upload, encoding=str(form.get("encoding") or "") or None
        )
    except KalibarError as exc:
        db.rollback()  # nothing of a rejected file may stay
        return _upload_page(
            request, exc.status, message=exc.message, errors=exc.details, filename=upload.filename
        )
    return _upload_page(request, result=result, filename=upload.filename)
