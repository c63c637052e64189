"""``POST /api/v1/records/import`` and ``GET /api/v1/records/export``.

Members import for their own agency; administrators may name another (``agency``).
A rejected file answers 422 with one detail per bad cell (row, column, value, reason).
"""

from __future__ import annotations

import io
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, Form, Query, UploadFile
from fastapi.responses import StreamingResponse

from kalibar.auth.actor import Actor
from kalibar.db.base import utcnow
from kalibar.matching.hits import scan_created_since
from kalibar.records.io_export import MEDIA_TYPES, export_records
from kalibar.records.io_import import ImportReport, import_records
from kalibar.web.deps import CurrentActor, Db

router = APIRouter(tags=["records"])
_SPOOL = 16 << 20


def run_upload(
    db: Db,
    actor: Actor,
    upload: UploadFile,
    *,
    agency: str | None,
    partial: bool,
    encoding: str | None,
) -> ImportReport:
    """Save the upload to a private temporary folder and import it from there."""
    name = Path(upload.filename or "upload.csv").name
    with tempfile.TemporaryDirectory(prefix="kalibar-import-") as tmp:
        path = Path(tmp) / name
        with path.open("wb") as fh:
            shutil.copyfileobj(upload.file, fh)
        since = utcnow()
        report = import_records(
            db,
            actor=actor,
            source=path,
            filename=name,
            agency_code=agency or None,
            partial=partial,
            encoding=encoding or None,
        )
        report.hits = scan_created_since(db, since)
        return report


@router.post("/records/import")
def import_file(
    db: Db,
    actor: CurrentActor,
    file: UploadFile,
    agency: Annotated[str | None, Form()] = None,
    partial: Annotated[bool, Form()] = False,
    encoding: Annotated[str | None, Form()] = None,
) -> dict[str, Any]:
    report = run_upload(db, actor, file, agency=agency, partial=partial, encoding=encoding)
    return report.as_dict()


@router.get("/records/export")
def export_file(
    db: Db,
    actor: CurrentActor,
    format: Annotated[str, Query(pattern="^(csv|xlsx|json)$")] = "csv",  # noqa: A002
) -> StreamingResponse:
    spool: Any = tempfile.SpooledTemporaryFile(max_size=_SPOOL)  # noqa: SIM115
    if format == "xlsx":
        export_records(db, actor=actor, fmt=format, out=spool)
    else:
        text = io.TextIOWrapper(spool, encoding="utf-8", newline="", write_through=True)
        export_records(db, actor=actor, fmt=format, out=text)
        text.flush()
        text.detach()
    spool.seek(0)

    def chunks() -> Iterator[bytes]:
        try:
            while block := spool.read(1 << 16):
                yield block
        finally:
            spool.close()

    filename = f"kalibar-records.{format}"
    return StreamingResponse(
        chunks(),
        media_type=MEDIA_TYPES[format],
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )
