"""Pages: check a firearm, the hits inbox, bulk matching jobs."""

from __future__ import annotations

import uuid
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import FileResponse, RedirectResponse, Response
from starlette.datastructures import UploadFile

from kalibar.errors import Conflict, Invalid, NotFound
from kalibar.files import file_limits, read_limited
from kalibar.matching import hits, jobs, service
from kalibar.matching.models import HitStatus
from kalibar.records.service import get_record
from kalibar.web.deps import CurrentActor, Db
from kalibar.web.templating import render

router = APIRouter(include_in_schema=False)
CHECK_FIELDS = ("serial_number", "make", "model", "calibre", "weapon_type")


def _form(request: Request) -> Any:
    return request.state.form  # read by the CSRF dependency


@router.get("/check")
def check_page(request: Request, actor: CurrentActor) -> Response:
    return render(request, "matching/check.html", {"values": {}, "result": None, "error": ""})


@router.post("/check")
def check(request: Request, db: Db, actor: CurrentActor) -> Response:
    form = _form(request)
    values = {k: str(form.get(k) or "").strip() for k in CHECK_FIELDS}
    try:
        query = service.CheckInput(
            serial_number=values["serial_number"],
            make=values["make"],
            model=values["model"],
            calibre=values["calibre"],
            weapon_type=values["weapon_type"],
        )
        result = service.check(db, actor=actor, query=query)
    except Invalid as exc:
        bad: dict[str, Any] = {"values": values, "result": None, "error": exc.message}
        return render(request, "matching/check.html", bad, 422)
    rows = [{"c": c, "marks": service.highlight(c.serial_folded, c.ops)} for c in result.candidates]
    ctx: dict[str, Any] = {"values": values, "result": result, "rows": rows, "error": ""}
    return render(request, "matching/check.html", ctx)


@router.get("/hits")
def hits_page(request: Request, db: Db, actor: CurrentActor, status: str = "open") -> Response:
    if status not in {s.value for s in HitStatus}:
        status = HitStatus.open.value
    views = hits.list_hits(db, actor=actor, status=status)
    notes = service.list_notifications(db, actor=actor, limit=20)
    return render(
        request,
        "matching/hits.html",
        {
            "views": views,
            "status": status,
            "statuses": [s.value for s in HitStatus],
            "notes": [(n, service.notification_text(n)) for n in notes],
        },
    )


@router.get("/hits/{hit_id}")
def hit_page(hit_id: uuid.UUID, request: Request, db: Db, actor: CurrentActor) -> Response:
    view = hits.get_hit(db, actor=actor, hit_id=hit_id)
    return render(request, "matching/hit.html", {"v": view, "error": ""})


@router.get("/hits/record/{record_id}/panel")
def record_hits_panel(
    record_id: uuid.UUID, request: Request, db: Db, actor: CurrentActor
) -> Response:
    """Fragment on a record's page: its hits, each with the decision, who and why."""
    get_record(db, actor=actor, record_id=record_id)  # 404 unless the record is visible
    views = hits.hits_of_record(db, actor=actor, record_id=record_id)
    return render(request, "matching/record_hits.html", {"views": views, "record_id": record_id})


@router.post("/hits/{hit_id}/decide")
def decide(hit_id: uuid.UUID, request: Request, db: Db, actor: CurrentActor) -> Response:
    form = _form(request)
    try:
        hits.decide_hit(
            db,
            actor=actor,
            hit_id=hit_id,
            decision=str(form.get("decision") or ""),
            reason=str(form.get("reason") or ""),
        )
    except (Invalid, Conflict) as exc:
        view = hits.get_hit(db, actor=actor, hit_id=hit_id)
        return render(request, "matching/hit.html", {"v": view, "error": exc.message}, exc.status)
    return RedirectResponse(f"/hits/{hit_id}", status_code=303)


@router.post("/notifications/{notification_id}/read")
def read_note(notification_id: uuid.UUID, db: Db, actor: CurrentActor) -> Response:
    service.mark_read(db, actor=actor, notification_id=notification_id)
    return RedirectResponse("/hits", status_code=303)


@router.get("/matching/bulk")
def bulk_page(request: Request, actor: CurrentActor) -> Response:
    return render(request, "matching/bulk.html", {"error": ""})


@router.post("/matching/bulk")
async def bulk_upload(request: Request, actor: CurrentActor) -> Response:
    form = _form(request)
    upload = form.get("file")
    limit_raw = str(form.get("limit") or "10")
    engine = request.app.state.engine
    from kalibar.db.session import unit_of_work

    try:
        if not isinstance(upload, UploadFile):
            raise Invalid("", [{"field": "file"}])
        content = read_limited(
            upload.file, name=upload.filename or "", max_bytes=file_limits().document_bytes
        )
        limit = int(limit_raw) if limit_raw.isdigit() else 0
        with unit_of_work(engine, actor=actor) as s:
            job = jobs.create_job(
                s, actor=actor, filename=upload.filename or "", content=content, limit=limit
            )
            job_id = job.uuid
    except Invalid as exc:
        return render(request, "matching/bulk.html", {"error": exc.message or "file"}, 422)
    jobs.start(engine, job_id, actor)
    return RedirectResponse(f"/matching/jobs/{job_id}", status_code=303)


@router.get("/matching/jobs/{job_id}")
def job_page(job_id: uuid.UUID, request: Request, db: Db, actor: CurrentActor) -> Response:
    job = jobs.get_job(db, actor=actor, job_id=job_id)
    return render(request, "matching/job.html", {"job": job})


@router.get("/matching/jobs/{job_id}/status")
def job_status(job_id: uuid.UUID, request: Request, db: Db, actor: CurrentActor) -> Response:
    job = jobs.get_job(db, actor=actor, job_id=job_id)
    return render(request, "matching/job_status.html", {"job": job})


@router.get("/matching/jobs/{job_id}/results.csv")
def job_results(job_id: uuid.UUID, db: Db, actor: CurrentActor) -> Response:
    job = jobs.get_job(db, actor=actor, job_id=job_id)
    path = jobs.result_path(job)
    if job.status != "done" or not path.exists():
        raise NotFound("MatchJob results", str(job_id))
    return FileResponse(path, media_type="text/csv", filename=f"matches-{job_id}.csv")
