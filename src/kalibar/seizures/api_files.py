"""``/api/v1/seizures``: evidence files and printable custody forms.

Downloads answer the stored bytes with the type sniffed at upload (never the name's),
the SHA-256 in ``X-Content-SHA256`` and ``Content-Disposition: attachment``, so a browser
never renders an uploaded file inline. Every read is audited by ``seizures.evidence``.
"""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Form, Response, UploadFile
from fastapi.responses import FileResponse

from kalibar.seizures import evidence, pdf
from kalibar.seizures.models import EvidenceFile
from kalibar.seizures.schemas_out import EvidenceOut, VerifyOut
from kalibar.web.deps import CurrentActor, Db
from kalibar.web.openapi import file_response

router = APIRouter(prefix="/seizures", tags=["seizures"])


@router.post("/{seizure_id}/evidence", response_model=EvidenceOut, status_code=201)
def upload_evidence(
    seizure_id: uuid.UUID,
    db: Db,
    actor: CurrentActor,
    file: UploadFile,
    kind: Annotated[str, Form(max_length=16)] = "photo",
    caption: Annotated[str, Form(max_length=300)] = "",
    item_id: Annotated[uuid.UUID | None, Form()] = None,
) -> EvidenceOut:
    content = evidence.read_limited(file.file)
    stored = evidence.store_evidence(
        db,
        actor=actor,
        seizure_id=seizure_id,
        content=content,
        filename=file.filename or "",
        kind=kind,
        caption=caption,
        item_id=item_id,
    )
    return EvidenceOut.of(stored)


@router.get("/{seizure_id}/evidence", response_model=list[EvidenceOut])
def list_evidence(seizure_id: uuid.UUID, db: Db, actor: CurrentActor) -> list[EvidenceOut]:
    return [
        EvidenceOut.of(f) for f in evidence.list_evidence(db, actor=actor, seizure_id=seizure_id)
    ]


def _download(db: Db, actor: CurrentActor, evidence_id: uuid.UUID, thumbnail: bool) -> Response:
    ev, path = evidence.open_evidence(db, actor=actor, evidence_id=evidence_id, thumbnail=thumbnail)
    name = f"{ev.sha256[:12]}-thumbnail.jpg" if thumbnail else ev.original_name or ev.sha256
    return FileResponse(
        path,
        media_type="image/jpeg" if thumbnail else ev.media_type,
        filename=name,
        content_disposition_type="attachment",
        headers={"X-Content-SHA256": ev.sha256, "X-Content-Type-Options": "nosniff"},
    )


@router.get(
    "/evidence/{evidence_id}", response_class=Response, responses=file_response(*evidence.ACCEPTED)
)
def download_evidence(evidence_id: uuid.UUID, db: Db, actor: CurrentActor) -> Response:
    return _download(db, actor, evidence_id, thumbnail=False)


@router.get(
    "/evidence/{evidence_id}/thumbnail",
    response_class=Response,
    responses=file_response("image/jpeg"),
)
def download_thumbnail(evidence_id: uuid.UUID, db: Db, actor: CurrentActor) -> Response:
    return _download(db, actor, evidence_id, thumbnail=True)


@router.get("/evidence/{evidence_id}/verify", response_model=VerifyOut)
def verify_evidence(evidence_id: uuid.UUID, db: Db, actor: CurrentActor) -> VerifyOut:
    intact = evidence.verify_evidence(db, actor=actor, evidence_id=evidence_id)
    ev = db.get(EvidenceFile, evidence_id)  # visible: verify_evidence checked
    assert ev is not None
    return VerifyOut(evidence_id=ev.uuid, sha256=ev.sha256, intact=intact)


@router.delete("/evidence/{evidence_id}", status_code=204)
def delete_evidence(evidence_id: uuid.UUID, db: Db, actor: CurrentActor) -> Response:
    evidence.delete_evidence(db, actor=actor, evidence_id=evidence_id)
    return Response(status_code=204)


@router.get(
    "/items/{item_id}/custody.pdf",
    response_class=Response,
    responses=file_response("application/pdf"),
)
def custody_form(item_id: uuid.UUID, db: Db, actor: CurrentActor) -> Response:
    data = pdf.render_custody_form(db, actor=actor, item_id=item_id)
    return Response(
        data,
        media_type="application/pdf",
        headers={"Content-Disposition": f'attachment; filename="custody-{item_id}.pdf"'},
    )
