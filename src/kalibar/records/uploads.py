"""Imports of uploaded files, shared by the API and the import page."""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

from sqlalchemy.orm import Session
from starlette.datastructures import UploadFile

from kalibar.auth.actor import Actor
from kalibar.db.base import utcnow
from kalibar.matching.hits import scan_created_since
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
