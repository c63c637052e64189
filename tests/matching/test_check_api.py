"""Checks through the API: fuzzy serials, explanations, visibility, freshness, errors."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from support import World, client_for, token_client

from kalibar.config import get_settings
from kalibar.matching import index_store
from kalibar.matching.models import Notification


@pytest.fixture(autouse=True)
def _data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    monkeypatch.setenv("KALIBAR_DATA_DIR", str(tmp_path / "data"))
    get_settings.cache_clear()
    yield tmp_path / "data"
    get_settings.cache_clear()
    index_store.forget()


def _client(world: World, username: str) -> TestClient:
    return token_client(world.engine, username)


M70: dict[str, Any] = {
    "status": "stolen",
    "make": "Zastava",
    "model": "M70 AB2",
    "calibre": "7.62x39",
    "serial_number": "AB 102345",
}


def _check(client: TestClient, **body: Any) -> dict[str, Any]:
    r = client.post("/api/v1/checks", json=body)
    assert r.status_code == 200, r.text
    data: dict[str, Any] = r.json()
    return data


def test_check_finds_lookalike_cyrillic_and_separators_with_explanation(world: World) -> None:
    officer = _client(world, "officer")
    rec = officer.post("/api/v1/records", json=M70).json()
    border = _client(world, "border")
    out = _check(
        border,
        serial_number="АВ-1O2345",  # Cyrillic А, В; letter O for zero; a dash
        make="Crvena Zastava",
        calibre="7,62 M43",
    )
    assert out["restricted_matches"] == 0
    top = out["candidates"][0]
    assert top["record_id"] == rec["record_id"]
    assert top["owner_agency"] == "BA-UIO" and top["status"] == "stolen"
    assert 0.9 < top["score"] <= 1.0
    why = top["explanation"]
    assert "serial: 1 substitution O→0 (look-alike)" in why
    assert "separators ignored" in why
    assert any(line.startswith("Cyrillic look-alike letters") for line in why)
    assert "make: Crvena Zastava = Zastava (alias)" in why
    assert any(line.startswith("calibre: 7,62 M43 = 7.62×39") for line in why)


def test_unreadable_characters_spend_budget(world: World) -> None:
    officer = _client(world, "officer")
    rec = officer.post("/api/v1/records", json=M70).json()
    out = _check(officer, serial_number="AB10?345")
    assert out["candidates"][0]["record_id"] == rec["record_id"]
    assert any("unreadable" in line for line in out["candidates"][0]["explanation"])


def test_restricted_record_is_counted_not_shown_and_owner_told(world: World) -> None:
    officer = _client(world, "officer")
    private = officer.post("/api/v1/records", json=M70 | {"distribution": "agency"}).json()
    serbia = _client(world, "rs.officer")
    out = _check(serbia, serial_number="AB102345")
    assert out["candidates"] == []
    assert out["restricted_matches"] == 1
    assert private["record_id"] not in str(out)
    notes = officer.get("/api/v1/notifications").json()
    assert any(
        n["kind"] == "restricted_match"
        and "RS-UC" in n["text"]
        and private["reference"] in n["text"]
        for n in notes
    )
    assert serbia.get("/api/v1/notifications").json() == []
    with world.session() as s:
        assert s.execute(select(Notification)).scalars().all()


def test_created_updated_deleted_records_are_reflected_in_the_next_check(world: World) -> None:
    officer = _client(world, "officer")
    assert _check(officer, serial_number="XK778899")["candidates"] == []
    rec = officer.post("/api/v1/records", json=M70 | {"serial_number": "XK778899"}).json()
    assert [c["record_id"] for c in _check(officer, serial_number="XK778899")["candidates"]] == [
        rec["record_id"]
    ]
    r = officer.patch(f"/api/v1/records/{rec['record_id']}", json={"serial_number": "QQ554433"})
    assert r.status_code == 200, r.text
    assert _check(officer, serial_number="XK778899")["candidates"] == []
    assert (
        _check(officer, serial_number="QQ554433")["candidates"][0]["record_id"] == rec["record_id"]
    )
    assert officer.delete(f"/api/v1/records/{rec['record_id']}").status_code == 204
    assert _check(officer, serial_number="QQ554433")["candidates"] == []


def test_rebuild_then_check(world: World, _data_dir: Path) -> None:
    officer = _client(world, "officer")
    rec = officer.post("/api/v1/records", json=M70).json()
    assert index_store.rebuild(world.engine) >= 1
    index_store.forget()
    out = _check(officer, serial_number="AB102345")
    assert out["candidates"][0]["record_id"] == rec["record_id"]
    assert list((_data_dir / "index").glob("*/g-*"))


def test_bad_input_has_the_error_shape(world: World) -> None:
    officer = _client(world, "officer")
    r = officer.post("/api/v1/checks", json={"serial_number": "", "limit": 0})
    assert r.status_code == 422
    err = r.json()["error"]
    assert err["code"] == "invalid"
    assert {"body.serial_number", "body.limit"} <= {d["field"] for d in err["details"]}
    r = officer.post("/api/v1/checks", json={"serial_number": "--"})
    assert r.status_code == 422 and r.json()["error"]["details"][0]["field"] == "serial_number"
    assert (
        client_for(world.engine).post("/api/v1/checks", json={"serial_number": "1"}).status_code
        == 401
    )


def test_check_reads_transliteration_and_designation_and_says_when_narrow(world: World) -> None:
    officer = _client(world, "officer")
    rec = officer.post(
        "/api/v1/records", json={**M70, "make": "Tula", "model": "", "serial_number": "ЖД 442781"}
    ).json()
    border = _client(world, "border")
    out = _check(border, serial_number="M70 ZHD442781")
    top = out["candidates"][0]
    assert top["record_id"] == rec["record_id"]
    assert 0.0 <= top["confidence"] <= 1.0
    assert any("M70" in line for line in top["explanation"])
    assert any("digraphs" in line or "transliteration" in line for line in top["explanation"])
    assert out["notes"] and "make" in out["notes"][0]
    # With a make the search is wide inside the make's block, and nothing is said.
    wide = _check(border, serial_number="ZHD44X7X1", make="Tula")
    assert wide["candidates"][0]["record_id"] == rec["record_id"]
    assert wide["notes"] == []
