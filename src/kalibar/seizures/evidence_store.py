"""The evidence files on disk: content-addressed by SHA-256, written once, never changed.

Layout under ``KALIBAR_DATA_DIR/evidence``: originals at ``ab/cd/<sha256>`` (two fan-out
levels keep folders small), thumbnails at ``thumbs/<sha256>.jpg``. A file is written to a
temporary name in its final folder and renamed into place (atomic on one file system), so
a reader never sees half a file; then it is made read-only. The same bytes uploaded twice
are stored once. A blob whose database row was rolled back stays as an unreferenced file:
harmless, and reused if the same bytes come again.

Knows nothing about seizures or permissions; :mod:`kalibar.seizures.evidence` does.
"""

from __future__ import annotations

import hashlib
import os
import stat
import tempfile
from pathlib import Path

from kalibar.config import get_settings

#: Originals and thumbnails are readable by the service account (and its group), by
#: nobody else, and writable by nobody.
READ_ONLY = stat.S_IRUSR | stat.S_IRGRP
_CHUNK = 1024 * 1024


def root(data_dir: Path | None = None) -> Path:
    return Path(data_dir or get_settings().data_dir) / "evidence"


def sha256_of(content: bytes) -> str:
    return hashlib.sha256(content).hexdigest()


def _checked(sha256: str) -> str:
    if len(sha256) != 64 or any(c not in "0123456789abcdef" for c in sha256):
        raise ValueError(f"not a SHA-256 hex digest: {sha256!r}")
    return sha256


def blob_path(sha256: str, data_dir: Path | None = None) -> Path:
    h = _checked(sha256)
    return root(data_dir) / h[:2] / h[2:4] / h


def thumb_path(sha256: str, data_dir: Path | None = None) -> Path:
    return root(data_dir) / "thumbs" / f"{_checked(sha256)}.jpg"


def _write_once(path: Path, content: bytes) -> bool:
    """Write ``content`` at ``path`` unless it exists; True when this call wrote it."""
    if path.exists():
        return False
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o750)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".incoming-")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(content)
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, READ_ONLY)
        if path.exists():  # a concurrent upload of the same bytes won the race
            os.unlink(tmp)
            return False
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise
    return True


def put_blob(content: bytes, sha256: str | None = None, data_dir: Path | None = None) -> str:
    """Store the original (once); returns its SHA-256."""
    digest = sha256 or sha256_of(content)
    _write_once(blob_path(digest, data_dir), content)
    return digest


def put_thumbnail(sha256: str, jpeg: bytes, data_dir: Path | None = None) -> Path:
    path = thumb_path(sha256, data_dir)
    _write_once(path, jpeg)
    return path


def hash_file(path: Path) -> str:
    """SHA-256 of a stored file, read in chunks (files can be tens of megabytes)."""
    h = hashlib.sha256()
    with path.open("rb") as fh:
        while chunk := fh.read(_CHUNK):
            h.update(chunk)
    return h.hexdigest()


def verify_blob(sha256: str, data_dir: Path | None = None) -> bool:
    """True when the stored original still has the hash it is filed under."""
    path = blob_path(sha256, data_dir)
    if not path.is_file():
        return False
    return hash_file(path) == sha256
