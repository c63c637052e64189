"""Imports of uploaded files, shared by the API and the import page."""

from __future__ import annotations

import tempfile
from pathlib import Path

from sqlalchemy.orm import Session
from starlette.datastructures import UploadFile

from kalibar.auth.actor import Actor
from kalibar.db.base import utcnow
from kalibar.files import check_encoding, save_upload
from kalibar.records.hit_check import check_created_since
from kalibar.records.io_import import ImportReport, import_records


def run_upload(
    db: Session,
    actor: Actor,
    upload: UploadFile,
    *,
    agency: str | None,
    partial: bool,
    encoding: str | None,
) -> ImportReport:
    """Spool the upload (under the upload limit, with a safe name) to a private temporary
    folder and import it from there."""
    encoding = check_encoding(encoding or None)
    with tempfile.TemporaryDirectory(prefix="kalibar-import-") as tmp:
        path = save_upload(upload, Path(tmp), default="upload.csv")
        since = utcnow()
        report = import_records(
            db,
            actor=actor,
            source=path,
            filename=path.name,
            agency_code=agency or None,
            partial=partial,
            encoding=encoding,
        )
        report.hits = check_created_since(db, since)
        return report
