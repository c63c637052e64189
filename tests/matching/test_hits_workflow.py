"""Hits: a recovered weapon matching a wanted record; inbox, decisions, visibility."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from support import World, client_for, login, token_client

from kalibar.config import get_settings
from kalibar.matching import index_store
from kalibar.matching.models import RecordLink


@pytest.fixture(autouse=True)
def _data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setenv("KALIBAR_DATA_DIR", str(tmp_path / "data"))
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()
    index_store.forget()


def _client(world: World, username: str) -> TestClient:
    return token_client(world.engine, username)


STOLEN: dict[str, Any] = {
    "status": "stolen",
    "make": "Zastava",
    "model": "M70 AB2",
    "calibre": "7.62x39",
    "serial_number": "AB 102345",
}
SEIZED: dict[str, Any] = STOLEN | {"status": "seized", "serial_number": "AB-1O2345"}


def _seize(world: World) -> tuple[TestClient, TestClient, dict[str, Any], dict[str, Any]]:
    officer, border = _client(world, "officer"), _client(world, "border")
    stolen = officer.post("/api/v1/records", json=STOLEN).json()
    r = border.post("/api/v1/records", json=SEIZED | {"allow_duplicate": True})
    assert r.status_code == 201, r.text
    return officer, border, stolen, r.json()


def test_seized_record_matching_a_stolen_one_creates_a_hit_both_agencies_see(world: World) -> None:
    officer, border, stolen, seized = _seize(world)
    for client in (officer, border):
        hits = client.get("/api/v1/hits?status=open").json()
        assert len(hits) == 1
        hit = hits[0]
        assert hit["query_record"]["record_id"] == seized["record_id"]
        assert hit["matched_record"]["record_id"] == stolen["record_id"]
        assert hit["query_record"]["agency"] == "BA-GP"
        assert hit["matched_record"]["agency"] == "BA-UIO"
        assert hit["score"] >= get_settings().match_alert_threshold
        assert "serial: 1 substitution O→0 (look-alike)" in hit["explanation"]
    notes = officer.get("/api/v1/notifications").json()
    assert any(n["kind"] == "hit" and n["hit_id"] == hit["hit_id"] for n in notes)
    # an agency not involved gets 404, and nothing in its inbox
    serbia = _client(world, "rs.officer")
    assert serbia.get(f"/api/v1/hits/{hit['hit_id']}").status_code == 404
    assert serbia.post(f"/api/v1/hits/{hit['hit_id']}/confirm", json={}).status_code == 404
    assert serbia.get("/api/v1/hits").json() == []


def test_a_decision_needs_its_reason_and_shows_on_both_records_pages(world: World) -> None:
    officer, border, stolen, seized = _seize(world)
    hit = officer.get("/api/v1/hits").json()[0]
    web = client_for(world.engine)
    csrf = login(web, "officer", world.passwords["officer"])
    silent = web.post(
        f"/hits/{hit['hit_id']}/decide", data={"csrf_token": csrf, "decision": "confirmed"}
    )
    assert silent.status_code == 422 and "Say why it is the same firearm." in silent.text
    assert officer.post(f"/api/v1/hits/{hit['hit_id']}/confirm", json={}).status_code == 422
    done = web.post(
        f"/hits/{hit['hit_id']}/decide",
        data={"csrf_token": csrf, "decision": "confirmed", "reason": "receiver marks match"},
    )
    assert done.status_code == 303
    page = web.get(f"/records/{stolen['record_id']}")
    assert f'hx-get="/hits/record/{stolen["record_id"]}/panel"' in page.text
    panel = web.get(f"/hits/record/{stolen['record_id']}/panel").text
    assert "Confirmed" in panel and "receiver marks match" in panel and "officer" in panel
    assert seized["reference"] in panel
    border_web = client_for(world.engine)
    login(border_web, "border", world.passwords["border"])
    theirs = border_web.get(f"/hits/record/{seized['record_id']}/panel").text
    assert "receiver marks match" in theirs
    outsider = client_for(world.engine)
    login(outsider, "hr.officer", world.passwords["hr.officer"])
    assert outsider.get(f"/hits/record/{stolen['record_id']}/panel").status_code == 404


def test_a_weak_match_or_a_non_wanted_record_makes_no_hit(world: World) -> None:
    officer, border = _client(world, "officer"), _client(world, "border")
    officer.post("/api/v1/records", json=STOLEN | {"status": "destroyed"})
    border.post("/api/v1/records", json=SEIZED | {"allow_duplicate": True})
    officer.post("/api/v1/records", json=STOLEN | {"serial_number": "ZZ9999"})
    assert border.get("/api/v1/hits").json() == []


def test_confirm_records_who_when_why_and_links_records(world: World) -> None:
    officer, border, stolen, seized = _seize(world)
    hit = officer.get("/api/v1/hits").json()[0]
    r = officer.post(f"/api/v1/hits/{hit['hit_id']}/confirm", json={"reason": "same markings"})
    assert r.status_code == 200, r.text
    done = r.json()
    assert done["status"] == "confirmed" and done["decided_by"] == "officer"
    assert done["decided_at"] and done["reason"] == "same markings"
    again = border.post(f"/api/v1/hits/{hit['hit_id']}/reject", json={"reason": "x"})
    assert again.status_code == 409
    assert border.get("/api/v1/hits?status=confirmed").json()[0]["hit_id"] == hit["hit_id"]
    with world.session() as s:
        link = s.execute(select(RecordLink)).scalar_one()
        assert {str(link.record_a), str(link.record_b)} == {
            stolen["record_id"],
            seized["record_id"],
        }
    assert any(n["kind"] == "hit_decided" for n in border.get("/api/v1/notifications").json())


def test_rejected_pair_never_alerts_again(world: World) -> None:
    officer, border, stolen, seized = _seize(world)
    hit = border.get("/api/v1/hits").json()[0]
    assert border.post(f"/api/v1/hits/{hit['hit_id']}/reject", json={}).status_code == 422
    r = border.post(f"/api/v1/hits/{hit['hit_id']}/reject", json={"reason": "different model"})
    assert r.status_code == 200 and r.json()["status"] == "rejected"
    assert r.json()["decided_by"] == "border"
    # the seizure is edited and the stolen record too: the same pair stays rejected
    border.patch(f"/api/v1/records/{seized['record_id']}", json={"serial_number": "AB102345"})
    officer.patch(f"/api/v1/records/{stolen['record_id']}", json={"notes": "x", "status": "lost"})
    hits = border.get("/api/v1/hits").json()
    assert len(hits) == 1 and hits[0]["status"] == "rejected"


def test_stolen_report_after_the_seizure_also_hits(world: World) -> None:
    officer, border = _client(world, "officer"), _client(world, "border")
    seized = border.post("/api/v1/records", json=SEIZED).json()
    stolen = officer.post("/api/v1/records", json=STOLEN | {"allow_duplicate": True}).json()
    hits = border.get("/api/v1/hits").json()
    assert [(h["query_record"]["record_id"], h["matched_record"]["record_id"]) for h in hits] == [
        (seized["record_id"], stolen["record_id"])
    ]


def test_restricted_side_of_a_hit_is_not_revealed(world: World) -> None:
    officer, border = _client(world, "officer"), _client(world, "border")
    officer.post("/api/v1/records", json=STOLEN | {"distribution": "agency"})
    border.post("/api/v1/records", json=SEIZED | {"allow_duplicate": True})
    hit = border.get("/api/v1/hits").json()[0]
    assert hit["matched_record"]["restricted"] is True
    assert hit["matched_record"]["record_id"] is None
    assert (
        hit["matched_record"]["serial_number"] == "" and hit["matched_record"]["agency"] == "BA-UIO"
    )
    own = officer.get("/api/v1/hits").json()[0]
    assert own["matched_record"]["restricted"] is False


def test_the_explanation_is_stored_as_parts_and_said_in_the_readers_language(
    world: World,
) -> None:
    import json

    from kalibar.matching.models import Hit

    _seize(world)
    with world.session() as s:
        hit = s.execute(select(Hit)).scalar_one()
        stored = json.loads(hit.explanation)
        hit_id = hit.uuid
    assert {"code": "serial: %(n)d substitution %(pairs)s (look-alike)",
            "params": {"n": 1, "pairs": "O→0"}} in stored  # fmt: skip
    assert not any(isinstance(p, str) and p.startswith("serial:") for p in stored)
    web = client_for(world.engine)
    login(web, "officer", world.passwords["officer"])
    web.cookies.set("kalibar_lang", "sr_Cyrl")
    assert "серијски број: 1 замена O→0" in web.get(f"/hits/{hit_id}").text
    # an older hit keeps English lines: still said in the reader's language
    with world.session() as s:
        s.execute(select(Hit)).scalar_one().explanation = json.dumps(["serial: exact match"])
        s.commit()
    page = web.get(f"/hits/{hit_id}").text
    assert "серијски број: потпуно подударање" in page and "exact match" not in page
