"""Evidence files: content-addressed storage, type by content, size limit, thumbnails,
visibility and audited reads, verification, soft removal."""

from __future__ import annotations

import hashlib
import io
import os
import stat
import uuid
from collections.abc import Iterator
from functools import partial
from pathlib import Path
from typing import Any

import pytest
from PIL import Image
from seizure_support import insert_seizure
from sqlalchemy import func, select
from support import World, actor_of

from kalibar.audit.models import AuditEntry
from kalibar.auth.actor import Actor
from kalibar.config import get_settings
from kalibar.db.session import unit_of_work
from kalibar.errors import Conflict, Forbidden, Invalid, NotFound, TooLarge
from kalibar.seizures import evidence
from kalibar.seizures import evidence_store as store
from kalibar.seizures.models import EvidenceFile, Seizure

#: Barrels, inserted directly (no procedures, no custody).
make_seizure = partial(insert_seizure, kind="part", part_kind="barrel")


def picture(fmt: str = "JPEG", size: tuple[int, int] = (800, 600), mode: str = "RGB") -> bytes:
    """A small image whose bytes are unique to this call (a random pixel)."""
    im = Image.new(mode, size, "white" if mode != "RGBA" else (255, 0, 0, 128))
    im.putpixel((1, 1), tuple(os.urandom(len(mode))) if mode != "L" else os.urandom(1)[0])
    out = io.BytesIO()
    im.save(out, fmt)
    return out.getvalue()


PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


def blobs() -> set[Path]:
    root = store.root()
    return {p for p in root.rglob("*") if p.is_file()} if root.exists() else set()


def store_as(world: World, actor: Actor, seizure_id: uuid.UUID, content: bytes, name: str,
             **kw: Any) -> EvidenceFile:  # fmt: skip
    with unit_of_work(world.engine, actor=actor) as s:
        return evidence.store_evidence(
            s,
            actor=actor,
            seizure_id=seizure_id,
            content=content,
            filename=name,
            **kw,
        )


def count_rows(world: World) -> int:
    with world.session() as s:
        return s.scalar(select(func.count()).select_from(EvidenceFile)) or 0


@pytest.fixture
def small_limit() -> Iterator[int]:
    os.environ["KALIBAR_EVIDENCE_MAX_BYTES"] = "4096"
    get_settings.cache_clear()
    yield 4096
    del os.environ["KALIBAR_EVIDENCE_MAX_BYTES"]
    get_settings.cache_clear()


def test_store_open_verify(world: World) -> None:
    officer = actor_of(world, "officer")
    seizure_id, [item] = make_seizure(world, officer)
    content = picture()
    ev = store_as(world, officer, seizure_id, content, "C:\\photos\\marking.jpg", kind="markings",
                  caption="serial on the slide", item_id=item)  # fmt: skip
    sha = hashlib.sha256(content).hexdigest()
    assert (ev.sha256, ev.size, ev.media_type) == (sha, len(content), "image/jpeg")
    assert (ev.original_name, ev.kind, ev.item_id, ev.uploaded_by) == (
        "marking.jpg", "markings", item, "officer")  # fmt: skip
    assert ev.has_thumbnail

    blob = store.root() / sha[:2] / sha[2:4] / sha
    assert blob.read_bytes() == content
    assert not blob.stat().st_mode & (stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH)
    with Image.open(store.thumb_path(sha)) as thumb:
        assert thumb.format == "JPEG" and max(thumb.size) == 320

    # Same bytes again: a new row, the same blob.
    before = blobs()
    again = store_as(world, officer, seizure_id, content, "copy.jpg")
    assert again.uuid != ev.uuid and again.sha256 == sha
    assert blobs() == before

    border = actor_of(world, "border")  # same country, national distribution: may see
    with unit_of_work(world.engine, actor=border) as s:
        assert [e.uuid for e in evidence.list_evidence(s, actor=border, seizure_id=seizure_id)] == [
            ev.uuid, again.uuid]  # fmt: skip
        row, path = evidence.open_evidence(s, actor=border, evidence_id=ev.uuid)
        assert path == blob and row.uuid == ev.uuid
        _row, tpath = evidence.open_evidence(s, actor=border, evidence_id=ev.uuid, thumbnail=True)
        assert tpath == store.thumb_path(sha)
        assert evidence.verify_evidence(s, actor=border, evidence_id=ev.uuid)
    with world.session() as s:
        reads = s.scalars(
            select(AuditEntry).where(
                AuditEntry.object_type == "EvidenceFile",
                AuditEntry.object_id == str(ev.uuid),
                AuditEntry.action == "read",
            )
        ).all()
        assert [r.actor for r in reads] == ["border", "border"]

    rs = actor_of(world, "rs.officer")
    with world.session() as s:
        with pytest.raises(NotFound):
            evidence.list_evidence(s, actor=rs, seizure_id=seizure_id)
        with pytest.raises(NotFound):
            evidence.open_evidence(s, actor=rs, evidence_id=ev.uuid)
        with pytest.raises(NotFound):
            evidence.verify_evidence(s, actor=rs, evidence_id=ev.uuid)


def test_accepted_types(world: World) -> None:
    officer = actor_of(world, "officer")
    seizure_id, _items = make_seizure(world, officer)
    cases = [
        (picture("PNG", mode="RGBA"), "image/png", True),
        (picture("GIF", mode="L"), "image/gif", True),
        (picture("WEBP"), "image/webp", True),
        (picture("TIFF", size=(200, 100)), "image/tiff", True),
        (picture("BMP"), "image/bmp", True),
        (PDF + os.urandom(8).hex().encode() + b"\n%%EOF\n", "application/pdf", False),
    ]
    for content, media_type, thumb in cases:
        ev = store_as(world, officer, seizure_id, content, "file.bin", kind="scan")
        assert (ev.media_type, ev.has_thumbnail) == (media_type, thumb)
        assert store.thumb_path(ev.sha256).exists() == thumb
        if thumb:
            with Image.open(store.thumb_path(ev.sha256)) as im:
                assert max(im.size) <= 320


@pytest.mark.parametrize(
    ("content", "name", "error", "says"),
    [
        (b"MZ\x90\x00" + b"\x00" * 200, "pistol.jpg", "type", "Windows program"),
        (b"PK\x03\x04" + b"\x00" * 200, "pistol.jpg", "type", "ZIP"),
        (b"  <!DOCTYPE html><html><script>alert(1)</script>", "pistol.jpg", "type", "HTML"),
        (b"<svg xmlns='http://www.w3.org/2000/svg'/>", "pistol.png", "type", "SVG"),
        (b"just some notes", "notes.pdf", "type", "text file"),
        (b"", "empty.jpg", "empty", "empty"),
        (b"\xff\xd8\xff\xe0" + b"garbage" * 50, "broken.jpg", "invalid_image", "not a valid JPEG"),
        (b"%PDF-1.4\n truncated", "report.pdf", "invalid_pdf", "PDF"),
    ],
)
def test_refused_content_stores_nothing(
    world: World, content: bytes, name: str, error: str, says: str
) -> None:
    officer = actor_of(world, "officer")
    seizure_id, _items = make_seizure(world, officer)
    before = blobs()
    with pytest.raises(Invalid) as info:
        store_as(world, officer, seizure_id, content, name)
    assert name in info.value.message and says in info.value.message, info.value.message
    assert info.value.details[0]["field"] == "file"
    assert info.value.details[0]["error"] == error
    assert count_rows(world) == 0 and blobs() == before


def test_oversize_refused_naming_the_limit(world: World, small_limit: int) -> None:
    officer = actor_of(world, "officer")
    seizure_id, _items = make_seizure(world, officer)
    content = picture(size=(600, 600)) + os.urandom(small_limit)
    before = blobs()
    with pytest.raises(TooLarge) as info:
        store_as(world, officer, seizure_id, content, "huge.jpg")
    assert "4 kB" in info.value.message and "huge.jpg" in info.value.message
    assert info.value.details[0]["max_bytes"] == small_limit
    assert count_rows(world) == 0 and blobs() == before
    assert len(evidence.read_limited(io.BytesIO(content))) == small_limit + 1


def test_who_may_upload_and_where(world: World) -> None:
    officer = actor_of(world, "officer")
    seizure_id, [item] = make_seizure(world, officer)
    other_seizure, [foreign_item] = make_seizure(world, officer)
    content = picture()
    with pytest.raises(Forbidden):
        store_as(world, actor_of(world, "border"), seizure_id, content, "a.jpg")
    with pytest.raises(NotFound):
        store_as(world, actor_of(world, "rs.officer"), seizure_id, content, "a.jpg")
    with pytest.raises(Invalid) as info:
        store_as(world, officer, seizure_id, content, "a.jpg", item_id=foreign_item)
    assert info.value.details[0]["field"] == "item_id"
    with pytest.raises(Invalid) as info:
        store_as(world, officer, seizure_id, content, "a.jpg", kind="selfie")
    assert info.value.details[0]["field"] == "kind"
    with unit_of_work(world.engine, actor=officer) as s:
        s.get_one(Seizure, seizure_id).status = "closed"
    with pytest.raises(Conflict):
        store_as(world, officer, seizure_id, content, "a.jpg", item_id=item)
    assert count_rows(world) == 0
    assert store_as(world, officer, other_seizure, content, "a.jpg", item_id=foreign_item)


def test_delete_hides_but_keeps_the_original(world: World) -> None:
    officer = actor_of(world, "officer")
    seizure_id, _items = make_seizure(world, officer)
    ev = store_as(world, officer, seizure_id, picture(), "a.jpg")
    with pytest.raises(Forbidden), unit_of_work(world.engine) as s:
        evidence.delete_evidence(s, actor=actor_of(world, "border"), evidence_id=ev.uuid)
    with unit_of_work(world.engine, actor=officer) as s:
        evidence.delete_evidence(s, actor=officer, evidence_id=ev.uuid)
    with world.session() as s:
        assert evidence.list_evidence(s, actor=officer, seizure_id=seizure_id) == []
        with pytest.raises(NotFound):
            evidence.open_evidence(s, actor=officer, evidence_id=ev.uuid)
        assert s.get_one(EvidenceFile, ev.uuid).deleted_at is not None
        removal = s.scalars(
            select(AuditEntry.action).where(AuditEntry.object_id == str(ev.uuid))
        ).all()
        assert "delete" in removal
    assert store.blob_path(ev.sha256).read_bytes()


def test_verify_detects_a_changed_file(world: World) -> None:
    officer = actor_of(world, "officer")
    seizure_id, _items = make_seizure(world, officer)
    ev = store_as(world, officer, seizure_id, picture(), "a.jpg")  # unique bytes: own blob
    blob = store.blob_path(ev.sha256)
    blob.chmod(0o600)
    blob.write_bytes(blob.read_bytes()[:-10] + b"0123456789")
    with world.session() as s:
        assert not evidence.verify_evidence(s, actor=officer, evidence_id=ev.uuid)
    blob.unlink()
    with world.session() as s:
        assert not evidence.verify_evidence(s, actor=officer, evidence_id=ev.uuid)
        with pytest.raises(Conflict):
            evidence.open_evidence(s, actor=officer, evidence_id=ev.uuid)
