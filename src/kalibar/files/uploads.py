"""Uploaded files: a safe name, and the bytes spooled to disk under a size limit.

Starlette already spools multipart file parts to a temporary file (and the body-size
middleware, :mod:`kalibar.web.body_limit`, refuses a request larger than the largest
upload while it streams in); here the part is copied block by block into the caller's
private folder and refused (413) the moment it passes the limit, so an upload is never
read whole into memory.
"""

from __future__ import annotations

import unicodedata
from pathlib import Path
from typing import Any, BinaryIO

from kalibar.errors import TooLarge
from kalibar.files.limits import file_limits, human_size
from kalibar.i18n import _

_BLOCK = 1 << 20
_FORBIDDEN = set('/\\:*?"<>|')
_MAX_NAME = 200


def safe_filename(name: str | None, *, default: str, suffix: str | None = None) -> str:
    """A file name that is only a name: no folders, no control or format characters
    (NUL, CR, bidirectional overrides), no leading dots (``..``, hidden files), at most
    200 characters. ``suffix`` (``".jpg"``) replaces the name's extension — the type
    decided from the content, never the one the sender claimed."""
    base = (name or "").replace("\\", "/").rsplit("/", 1)[-1]
    base = "".join(
        c for c in base if c not in _FORBIDDEN and not unicodedata.category(c).startswith("C")
    )
    base = base.strip().lstrip(".").strip()
    if suffix is not None:
        stem = base.rsplit(".", 1)[0] if "." in base else base
        stem = stem.strip().rstrip(".") or Path(default).stem
        return stem[: _MAX_NAME - len(suffix)] + suffix
    if not base:
        return default
    if len(base) > _MAX_NAME:
        stem, dot, ext = base.rpartition(".")
        keep = ext[:16] if dot and stem else ""
        base = base[: _MAX_NAME - len(keep) - 1] + ("." + keep if keep else "")
    return base


def too_large(name: str, limit: int, *, what: str = "file") -> TooLarge:
    return TooLarge(
        _("%(name)s is too large: the limit is %(limit)s.")
        % {"name": name, "limit": human_size(limit)},
        [{"field": what, "error": "too_large", "filename": name, "max_bytes": limit}],
    )


def copy_limited(src: BinaryIO, dst: BinaryIO, *, name: str, max_bytes: int) -> int:
    """Copy ``src`` to ``dst`` in blocks; ``TooLarge`` as soon as it passes ``max_bytes``."""
    total = 0
    while block := src.read(_BLOCK):
        total += len(block)
        if total > max_bytes:
            raise too_large(name, max_bytes)
        dst.write(block)
    return total


def save_upload(upload: Any, folder: Path, *, default: str, max_bytes: int | None = None) -> Path:
    """Copy an uploaded file (``UploadFile``-like: ``.filename``, ``.file``) into
    ``folder`` under a safe name; ``TooLarge`` (413) past the upload limit."""
    limit = file_limits().upload_bytes if max_bytes is None else max_bytes
    name = safe_filename(getattr(upload, "filename", None), default=default)
    path = folder / name
    with path.open("wb") as fh:
        copy_limited(upload.file, fh, name=name, max_bytes=limit)
    return path


def read_limited(stream: BinaryIO, *, name: str, max_bytes: int) -> bytes:
    """The bytes of a stream that must be held in memory (a document, an evidence file):
    at most ``max_bytes`` are read, one more means ``TooLarge``."""
    data = stream.read(max_bytes + 1)
    if len(data) > max_bytes:
        raise too_large(name, max_bytes)
    return data


def check_size(path: Path, *, name: str, max_bytes: int) -> None:
    """A file given on the command line, refused like an upload when too large."""
    if path.stat().st_size > max_bytes:
        raise too_large(name, max_bytes)
