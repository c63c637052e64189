"""Chain of custody per item, and evidence files: upload, view, thumbnail, verify."""

from __future__ import annotations

import uuid

from fastapi import APIRouter, Request
from fastapi.responses import FileResponse, Response
from starlette.datastructures import UploadFile

from kalibar.i18n import _
from kalibar.seizures import custody, evidence, forms
from kalibar.seizures.views_common import form_of, page
from kalibar.seizures.views_detail import act, detail_page
from kalibar.web.deps import CurrentActor, Db

router = APIRouter(prefix="/seizures", include_in_schema=False)


@router.post("/{seizure_id}/items/{item_id}/custody")
def append_custody(
    seizure_id: uuid.UUID, item_id: uuid.UUID, request: Request, db: Db, actor: CurrentActor
) -> Response:
    values = forms.custody_values(form_of(request))
    kwargs, errors = forms.parse_custody(values)

    def run() -> None:
        assert kwargs is not None
        custody.append_event(db, actor=actor, item_id=item_id, **kwargs)

    return act(
        request,
        db,
        actor,
        seizure_id,
        run,
        section=f"custody-{item_id}",
        values=values,
        errors=errors,
    )


@router.post("/{seizure_id}/evidence")
def upload(seizure_id: uuid.UUID, request: Request, db: Db, actor: CurrentActor) -> Response:
    form = form_of(request)
    upload_file = form.get("file")
    values = {k: forms.text(form, k) for k in ("kind", "caption", "item_id")}

    def refused(errors: dict[str, str]) -> Response:
        return act(
            request,
            db,
            actor,
            seizure_id,
            lambda: None,
            section="evidence",
            values=values,
            errors=errors,
        )

    if not isinstance(upload_file, UploadFile) or not upload_file.filename:
        return refused({"file": _("Choose a file to upload.")})
    try:
        item_id = uuid.UUID(values["item_id"]) if values["item_id"] else None
    except ValueError:
        return refused({"item_id": _("The item is not part of this seizure.")})
    content = evidence.read_limited(upload_file.file)

    def run() -> None:
        evidence.store_evidence(
            db,
            actor=actor,
            seizure_id=seizure_id,
            content=content,
            filename=upload_file.filename or "",
            kind=values["kind"] or "photo",
            caption=values["caption"],
            item_id=item_id,
        )

    return act(request, db, actor, seizure_id, run, section="evidence", values=values)


def _file(db: Db, actor: CurrentActor, evidence_id: uuid.UUID, thumbnail: bool) -> Response:
    ef, path = evidence.open_evidence(db, actor=actor, evidence_id=evidence_id, thumbnail=thumbnail)
    media = "image/jpeg" if thumbnail else ef.media_type
    inline = media.startswith("image/") or media == "application/pdf"
    return FileResponse(
        path,
        media_type=media,
        filename=ef.original_name or ef.sha256,
        content_disposition_type="inline" if inline else "attachment",
        headers={"Cache-Control": "private, no-store"},
    )


@router.get("/{seizure_id}/evidence/{evidence_id}")
def evidence_file(
    seizure_id: uuid.UUID, evidence_id: uuid.UUID, db: Db, actor: CurrentActor
) -> Response:
    return _file(db, actor, evidence_id, thumbnail=False)


@router.get("/{seizure_id}/evidence/{evidence_id}/thumb")
def evidence_thumb(
    seizure_id: uuid.UUID, evidence_id: uuid.UUID, db: Db, actor: CurrentActor
) -> Response:
    return _file(db, actor, evidence_id, thumbnail=True)


@router.post("/{seizure_id}/evidence/{evidence_id}/verify")
def verify(
    seizure_id: uuid.UUID, evidence_id: uuid.UUID, request: Request, db: Db, actor: CurrentActor
) -> Response:
    intact = evidence.verify_evidence(db, actor=actor, evidence_id=evidence_id)
    if request.headers.get("hx-request") == "true":
        return page(request, "seizures/_verified.html", {"intact": intact})
    return detail_page(request, db, actor, seizure_id, verified={str(evidence_id): intact})
