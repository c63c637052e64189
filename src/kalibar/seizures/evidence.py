"""Evidence files of a seizure: photos, photos of markings, X-ray images, scans, documents.

Why so strict. An evidence file may be shown in court, so the original is kept exactly as
uploaded (content-addressed by SHA-256, never modified or removed; see
:mod:`kalibar.seizures.evidence_store`) and its hash can be re-checked at any time. The
type is decided by the content, not the name: a ``.jpg`` that is really a program, an
archive or a web page is refused, as is an image that does not decode. Every check runs
before anything is written, so a refused upload leaves no row and no file.

Who: the owner agency uploads and removes (a removal only hides the row; the file stays),
and only while the seizure is open. Whoever may see the seizure may list and open its
files; each opening is written to the audit trail.
"""

from __future__ import annotations

import io
import uuid
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from babel.support import LazyProxy
from PIL import Image, ImageOps
from sqlalchemy import select
from sqlalchemy.orm import Session

from kalibar.audit.service import log_event
from kalibar.auth.actor import Actor
from kalibar.config import get_settings
from kalibar.db.base import utcnow
from kalibar.errors import Conflict, Invalid, NotFound, TooLarge
from kalibar.files import human_size, safe_filename
from kalibar.i18n import N_, _
from kalibar.seizures import evidence_store as store
from kalibar.seizures import vocabulary
from kalibar.seizures.access import visible_part
from kalibar.seizures.models import EvidenceFile, SeizedItem, Seizure, SeizureStatus
from kalibar.sharing.visibility import get_editable, get_visible

THUMBNAIL_SIZE = 320
#: Accepted types: media type → name shown in messages (and the upload form's hint).
ACCEPTED: dict[str, str] = {
    "image/jpeg": "JPEG",
    "image/png": "PNG",
    "image/gif": "GIF",
    "image/webp": "WebP",
    "image/tiff": "TIFF",
    "image/bmp": "BMP",
    "application/pdf": "PDF",
}
#: The extension a stored file is named with: from the type its content has, never the
#: name it came with (``x\x00.html`` that is a JPEG is kept as ``x.jpg``).
EXTENSIONS: dict[str, str] = {
    "image/jpeg": ".jpg",
    "image/png": ".png",
    "image/gif": ".gif",
    "image/webp": ".webp",
    "image/tiff": ".tif",
    "image/bmp": ".bmp",
    "application/pdf": ".pdf",
}
_SIGNATURES: list[tuple[bytes, str]] = [
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"GIF87a", "image/gif"),
    (b"GIF89a", "image/gif"),
    (b"II*\x00", "image/tiff"),
    (b"MM\x00*", "image/tiff"),
    (b"BM", "image/bmp"),
    (b"%PDF-", "application/pdf"),
]
#: Recognised but refused, to say what the file really is.
_REFUSED: list[tuple[bytes, LazyProxy]] = [
    (b"MZ", N_("a Windows program")),
    (b"\x7fELF", N_("a Linux program")),
    (b"\xcf\xfa\xed\xfe", N_("a macOS program")),
    (b"#!", N_("a script")),
    (b"PK\x03\x04", N_("a ZIP archive or Office document")),
    (b"PK\x05\x06", N_("a ZIP archive or Office document")),
    (b"Rar!", N_("a RAR archive")),
    (b"7z\xbc\xaf\x27\x1c", N_("a 7-Zip archive")),
    (b"\x1f\x8b", N_("a compressed (gzip) file")),
    (b"\xd0\xcf\x11\xe0", N_("an old Office document")),
]
_MARKUP: list[tuple[bytes, LazyProxy]] = [
    (b"<!doctype html", N_("a web page (HTML)")),
    (b"<html", N_("a web page (HTML)")),
    (b"<script", N_("a web page (HTML)")),
    (b"<svg", N_("an SVG drawing (may contain scripts)")),
    (b"<?xml", N_("an XML or SVG document")),
]


# ------------------------------------------------------------------ checking content


@dataclass(frozen=True)
class Checked:
    """An upload that passed every check, ready to be stored."""

    media_type: str
    thumbnail: bytes | None


def _what_is(content: bytes) -> str:
    """A human description of refused content."""
    for magic, label in _REFUSED:
        if content.startswith(magic):
            return str(label)
    if content[4:8] == b"ftyp":
        brand = content[8:12]
        if brand in (b"heic", b"heix", b"mif1", b"msf1", b"hevc"):
            return _("a HEIC photo (save it as JPEG)")
        return _("a video or MP4 file")
    head = content[:512].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    for magic, label in _MARKUP:
        if head.startswith(magic):
            return str(label)
    try:
        content[:4096].decode("utf-8")
    except UnicodeDecodeError:
        return _("a file of unknown type")
    return _("a text file")


def sniff(content: bytes) -> str | None:
    """The media type of ``content`` by its first bytes, if it is an accepted type."""
    if content[:4] == b"RIFF" and content[8:12] == b"WEBP":
        return "image/webp"
    for magic, media_type in _SIGNATURES:
        if content.startswith(magic):
            return media_type
    return None


def _flattened(im: Image.Image) -> Image.Image:
    """RGB for JPEG: transparency onto white, other modes converted."""
    if im.mode in ("RGBA", "LA", "PA") or (im.mode == "P" and "transparency" in im.info):
        rgba = im.convert("RGBA")
        background = Image.new("RGBA", rgba.size, (255, 255, 255, 255))
        return Image.alpha_composite(background, rgba).convert("RGB")
    return im if im.mode in ("RGB", "L") else im.convert("RGB")


def make_thumbnail(content: bytes) -> bytes:
    """A JPEG at most 320 px on its longer side; raises ValueError if it does not decode.

    Pillow's decompression-bomb limit is an error here, not a warning."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(content)) as opened:
                opened.draft("RGB", (THUMBNAIL_SIZE * 2, THUMBNAIL_SIZE * 2))
                im = ImageOps.exif_transpose(opened) or opened
                im.load()
                im = _flattened(im)
                im.thumbnail((THUMBNAIL_SIZE, THUMBNAIL_SIZE))
                out = io.BytesIO()
                im.save(out, "JPEG", quality=80, optimize=True)
    except (OSError, SyntaxError, ValueError, EOFError, TypeError, Image.DecompressionBombError,
            Image.DecompressionBombWarning) as exc:  # fmt: skip
        raise ValueError(str(exc)) from exc
    return out.getvalue()


def check_content(content: bytes, filename: str, *, max_bytes: int | None = None) -> Checked:
    """Size, type by content, and (images) a decodable picture. Invalid naming the file."""
    limit = get_settings().evidence_max_bytes if max_bytes is None else max_bytes
    if not content:
        raise Invalid(
            _("%(name)s is empty.") % {"name": filename},
            [{"field": "file", "error": "empty", "filename": filename}],
        )
    if len(content) > limit:
        raise TooLarge(
            _("%(name)s is too large: the limit is %(limit)s.")
            % {"name": filename, "limit": human_size(limit)},
            [{"field": "file", "error": "too_large", "filename": filename,
              "size": len(content), "max_bytes": limit}],
        )  # fmt: skip
    media_type = sniff(content)
    if media_type is None:
        what = _what_is(content)
        raise Invalid(
            _("%(name)s is not accepted: it is %(what)s. Accepted are %(types)s.")
            % {"name": filename, "what": what, "types": ", ".join(ACCEPTED.values())},
            [{"field": "file", "error": "type", "filename": filename, "detected": what,
              "accepted": list(ACCEPTED)}],
        )  # fmt: skip
    if media_type == "application/pdf":
        if b"%%EOF" not in content[-2048:]:
            raise Invalid(
                _("%(name)s is not a complete PDF document.") % {"name": filename},
                [{"field": "file", "error": "invalid_pdf", "filename": filename}],
            )
        return Checked(media_type, None)
    try:
        thumbnail = make_thumbnail(content)
    except ValueError as exc:
        raise Invalid(
            _("%(name)s is not a valid %(type)s image.")
            % {"name": filename, "type": ACCEPTED[media_type]},
            [{"field": "file", "error": "invalid_image", "filename": filename,
              "media_type": media_type, "reason": str(exc)[:200]}],
        ) from exc  # fmt: skip
    return Checked(media_type, thumbnail)


def read_limited(stream: BinaryIO, max_bytes: int | None = None) -> bytes:
    """Read an upload stream up to one byte past the limit, so an oversize upload is
    refused by :func:`store_evidence` without being read whole into memory."""
    limit = get_settings().evidence_max_bytes if max_bytes is None else max_bytes
    return stream.read(limit + 1)


# ------------------------------------------------------------------ services


def _open_seizure(session: Session, actor: Actor, seizure_id: uuid.UUID) -> Seizure:
    seizure = get_editable(session, Seizure, seizure_id, actor)
    if seizure.status != SeizureStatus.open.value:
        raise Conflict(
            _("The seizure is closed; its evidence can no longer change."),
            [{"field": "status", "value": seizure.status, "allowed": [SeizureStatus.open.value]}],
        )
    return seizure


def store_evidence(
    session: Session,
    *,
    actor: Actor,
    seizure_id: uuid.UUID,
    content: bytes,
    filename: str,
    kind: str = "photo",
    caption: str = "",
    item_id: uuid.UUID | None = None,
) -> EvidenceFile:
    """Check, store once by hash, thumbnail, and record an evidence file of the seizure."""
    seizure = _open_seizure(session, actor, seizure_id)
    vocabulary.check("evidence_kind", kind, "kind")
    caption = (caption or "").strip()
    if len(caption) > 300:
        raise Invalid(
            _("The caption is too long (at most 300 characters)."),
            [{"field": "caption", "max_length": 300}],
        )
    if item_id is not None:
        item = session.get(SeizedItem, item_id)
        if item is None or item.seizure_id != seizure.uuid or item.deleted_at is not None:
            raise Invalid(
                _("The item is not part of this seizure."),
                [{"field": "item_id", "error": "not_in_seizure", "value": str(item_id)}],
            )
    checked = check_content(content, safe_filename(filename, default="evidence"))
    # stored under a name without folders or control characters, with the extension of
    # the type the content has (an HTML name on a JPEG is not kept)
    name = safe_filename(filename, default="evidence", suffix=EXTENSIONS[checked.media_type])
    # Everything is checked: only now is anything written.
    sha256 = store.put_blob(content)
    if checked.thumbnail is not None:
        store.put_thumbnail(sha256, checked.thumbnail)
    ev = EvidenceFile(
        seizure_id=seizure.uuid,
        item_id=item_id,
        sha256=sha256,
        size=len(content),
        media_type=checked.media_type,
        original_name=name,
        kind=kind,
        caption=caption,
        has_thumbnail=checked.thumbnail is not None,
        uploaded_by=actor.username,
    )
    session.add(ev)
    session.flush()
    return ev


def list_evidence(session: Session, *, actor: Actor, seizure_id: uuid.UUID) -> list[EvidenceFile]:
    """The seizure's files (removed ones hidden), oldest first."""
    get_visible(session, Seizure, seizure_id, actor)
    stmt = (
        select(EvidenceFile)
        .where(EvidenceFile.seizure_id == seizure_id, EvidenceFile.deleted_at.is_(None))
        .order_by(EvidenceFile.created_at, EvidenceFile.uuid)
    )
    return list(session.execute(stmt).scalars())


def _visible_file(session: Session, actor: Actor, evidence_id: uuid.UUID) -> EvidenceFile:
    return visible_part(session, actor, EvidenceFile, evidence_id)[0]


def open_evidence(
    session: Session, *, actor: Actor, evidence_id: uuid.UUID, thumbnail: bool = False
) -> tuple[EvidenceFile, Path]:
    """The file's row and path on disk, if the actor may see the seizure; audited."""
    ev = _visible_file(session, actor, evidence_id)
    if thumbnail and not ev.has_thumbnail:
        raise NotFound("Thumbnail", str(evidence_id))
    path = store.thumb_path(ev.sha256) if thumbnail else store.blob_path(ev.sha256)
    if not path.is_file():
        raise Conflict(
            _("The stored file of %(name)s is missing.") % {"name": ev.original_name},
            [{"field": "file", "error": "missing", "sha256": ev.sha256}],
        )
    log_event(
        session,
        actor=actor,
        action="read",
        object_type="EvidenceFile",
        object_id=str(ev.uuid),
        details={"seizure_id": str(ev.seizure_id), "sha256": ev.sha256, "thumbnail": thumbnail},
    )
    return ev, path


def verify_evidence(session: Session, *, actor: Actor, evidence_id: uuid.UUID) -> bool:
    """True when the stored original still hashes to the recorded SHA-256."""
    ev = _visible_file(session, actor, evidence_id)
    return store.verify_blob(ev.sha256)


def delete_evidence(session: Session, *, actor: Actor, evidence_id: uuid.UUID) -> None:
    """Hide the file from the seizure (owner, open seizure). The original stays on disk
    and the audit trail keeps the removal."""
    ev = _visible_file(session, actor, evidence_id)
    _open_seizure(session, actor, ev.seizure_id)
    ev.deleted_at = utcnow()
    session.flush()
