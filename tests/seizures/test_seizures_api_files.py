"""Evidence files over the API: upload, download, thumbnail, verify; refusals store nothing."""

from __future__ import annotations

import hashlib
import io
import os
import random
import stat
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from PIL import Image
from seizure_support import fresh_data_dir
from support import World, token_client

from kalibar.config import get_settings
from kalibar.seizures import evidence_store

API = "/api/v1/seizures"
SEIZURE: dict[str, Any] = {
    "occurred_at": "2026-03-02T08:30:00+01:00",
    "context": "border_check",
    "place_code": "BA-GRADISKA",
    "items": [{"kind": "part", "part_kind": "barrel"}],
}


@pytest.fixture(autouse=True)
def _data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    yield from fresh_data_dir(tmp_path, monkeypatch)


def png() -> bytes:
    im = Image.new("RGB", (640, 480), "white")
    im.putpixel((random.randrange(640), random.randrange(480)), (1, 2, 3))  # noqa: S311
    out = io.BytesIO()
    im.save(out, "PNG")
    return out.getvalue()


def _stored_files() -> list[Path]:
    root = evidence_store.root()
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


def _seizure(client: TestClient) -> dict[str, Any]:
    r = client.post(API, json=SEIZURE)
    assert r.status_code == 201, r.text
    out: dict[str, Any] = r.json()
    return out


def test_upload_download_thumbnail_verify(world: World) -> None:
    border = token_client(world.engine, "border")
    s = _seizure(border)
    sid, item = s["seizure_id"], s["items"][0]["item_id"]
    content = png()
    r = border.post(
        f"{API}/{sid}/evidence",
        files={"file": ("IMG 0001.jpg", content, "image/jpeg")},  # the name lies; content wins
        data={"kind": "markings", "caption": "Serial on the slide", "item_id": item},
    )
    assert r.status_code == 201, r.text
    ev = r.json()
    assert ev["sha256"] == hashlib.sha256(content).hexdigest()
    assert ev["media_type"] == "image/png" and ev["size"] == len(content)
    assert ev["item_id"] == item and ev["kind"] == "markings" and ev["has_thumbnail"]

    got = border.get(f"{API}/evidence/{ev['evidence_id']}")
    assert got.status_code == 200 and got.content == content
    assert got.headers["content-type"] == "image/png"
    assert got.headers["x-content-sha256"] == ev["sha256"]
    assert got.headers["content-disposition"].startswith("attachment")
    thumb = border.get(f"{API}/evidence/{ev['evidence_id']}/thumbnail")
    assert thumb.status_code == 200 and thumb.headers["content-type"] == "image/jpeg"
    assert Image.open(io.BytesIO(thumb.content)).size[0] <= 320

    listed = border.get(f"{API}/{sid}").json()["evidence"]
    assert [e["evidence_id"] for e in listed] == [ev["evidence_id"]]
    verified = border.get(f"{API}/evidence/{ev['evidence_id']}/verify").json()
    assert verified == {"evidence_id": ev["evidence_id"], "sha256": ev["sha256"], "intact": True}

    # another country cannot see the seizure, so neither its files
    serbia = token_client(world.engine, "rs.officer")
    assert serbia.get(f"{API}/evidence/{ev['evidence_id']}").status_code == 404
    assert serbia.get(f"{API}/evidence/{ev['evidence_id']}/verify").status_code == 404

    # a changed original is found out
    blob = evidence_store.blob_path(ev["sha256"])
    os.chmod(blob, stat.S_IRUSR | stat.S_IWUSR)
    blob.write_bytes(content + b"tampered")
    assert border.get(f"{API}/evidence/{ev['evidence_id']}/verify").json()["intact"] is False


def test_invalid_and_oversize_uploads_are_refused_and_nothing_is_stored(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    border = token_client(world.engine, "border")
    sid = _seizure(border)["seizure_id"]
    url = f"{API}/{sid}/evidence"

    text = border.post(url, files={"file": ("photo.png", b"just some text\n" * 20, "image/png")})
    assert text.status_code == 422, text.text
    error = text.json()["error"]
    assert error["code"] == "invalid" and "photo.png" in error["message"]
    assert error["details"][0]["field"] == "file" and error["details"][0]["error"] == "type"

    broken = border.post(url, files={"file": ("x.png", png()[:200], "image/png")})
    assert broken.status_code == 422

    bad_kind = border.post(url, files={"file": ("a.png", png(), "image/png")}, data={"kind": "x"})
    assert bad_kind.status_code == 422
    assert bad_kind.json()["error"]["details"][0]["field"] == "kind"

    monkeypatch.setenv("KALIBAR_EVIDENCE_MAX_BYTES", "1000")
    get_settings.cache_clear()
    big = border.post(url, files={"file": ("big.png", png() + b"\0" * 5000, "image/png")})
    assert big.status_code == 413, big.text
    assert big.json()["error"]["details"][0]["error"] == "too_large"
    assert big.json()["error"]["details"][0]["max_bytes"] == 1000

    assert border.get(f"{API}/{sid}/evidence").json() == []
    assert _stored_files() == []
    other = token_client(world.engine, "officer")  # same country, not the owner
    small = png()
    monkeypatch.delenv("KALIBAR_EVIDENCE_MAX_BYTES")
    get_settings.cache_clear()
    denied = other.post(url, files={"file": ("a.png", small, "image/png")})
    assert denied.status_code == 403
    assert _stored_files() == []
