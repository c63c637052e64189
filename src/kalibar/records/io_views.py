"""The import page: upload a file, see every bad row before anything is stored."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response
from starlette.datastructures import UploadFile

from kalibar.agencies.service import list_agencies
from kalibar.errors import KalibarError
from kalibar.i18n import _
from kalibar.records.uploads import run_upload
from kalibar.web.deps import CurrentActor, Db
from kalibar.web.templating import render

router = APIRouter(prefix="/records/import", include_in_schema=False)
ENCODINGS = ("", "utf-8", "utf-8-sig", "cp1250", "cp1251")


def _page(request: Request, db: Db, status: int = 200, **extra: object) -> Response:
    context: dict[str, Any] = {
        "agencies": list_agencies(db),
        "encodings": ENCODINGS,
        "report": None,
        "errors": [],
        "message": "",
    }
    context.update(extra)
    return render(request, "records/import.html", context, status)


@router.get("")
def import_form(request: Request, db: Db, actor: CurrentActor) -> Response:
    return _page(request, db)


@router.post("")
def import_upload(request: Request, db: Db, actor: CurrentActor) -> Response:
    form = request.state.form
    upload = form.get("file")
    if not isinstance(upload, UploadFile) or not upload.filename:
        return _page(request, db, 422, message=_("Choose a file to import."))
    try:
        report = run_upload(
            db,
            actor,
            upload,
            agency=str(form.get("agency") or "") or None,
            partial=form.get("partial") == "true",
            encoding=str(form.get("encoding") or "") or None,
        )
    except KalibarError as exc:
        db.rollback()  # nothing of a rejected file may stay
        return _page(
            request,
            db,
            exc.status,
            message=exc.message,
            errors=exc.details,
            filename=upload.filename,
        )
    return _page(
        request,
        db,
        report=report,
        errors=report.error_details(),
        filename=upload.filename,
    )
