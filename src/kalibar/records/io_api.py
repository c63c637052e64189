"""``POST /api/v1/records/import`` and ``GET /api/v1/records/export``.

Members import for their own agency; administrators may name another (``agency``).
A rejected file answers 422 with one detail per bad cell (row, column, value, reason).
"""

from __future__ import annotations

import io
import tempfile
from collections.abc import Iterator
from typing import Annotated, Any

from fastapi import APIRouter, Form, Query, UploadFile
from fastapi.responses import Response, StreamingResponse

from kalibar.records.io_export import MEDIA_TYPES, export_records
from kalibar.records.uploads import run_upload
from kalibar.web.deps import CurrentActor, Db
from kalibar.web.openapi import file_response

router = APIRouter(tags=["records"])
_SPOOL = 16 << 20


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


@router.get(
    "/records/export", response_class=Response, responses=file_response(*MEDIA_TYPES.values())
)
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
