"""``/api/v1/seizures`` end to end: record, list, people, steps, close, hand-over, custody."""

from __future__ import annotations

import io
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from pypdf import PdfReader
from seizure_support import fresh_data_dir
from support import World, token_client

API = "/api/v1/seizures"

STOLEN: dict[str, Any] = {
    "status": "stolen",
    "make": "Zastava",
    "model": "M70 AB2",
    "calibre": "7.62x39",
    "serial_number": "AB 102345",
}
MATCHING = {k: v for k, v in STOLEN.items() if k != "status"} | {"serial_number": "AB-1O2345"}
OTHER = {"make": "Zastava", "model": "CZ 99", "calibre": "9x19", "serial_number": "Z99-771"}
PERSON = {
    "kind": "person",
    "given_names": "Petar",
    "family_name": "Petrović",
    "date_of_birth": "1980-05-01",
    "nationality": "rs",
}


def body(**extra: Any) -> dict[str, Any]:
    """Two pistols (the first matching a stolen record) and 50 rounds at a road crossing."""
    base: dict[str, Any] = {
        "occurred_at": "2026-03-02T08:30:00+01:00",
        "context": "border_check",
        "place_code": "BA-GRADISKA",
        "direction": "entry",
        "origin_country": "rs",
        "transit_countries": "HR",
        "destination_country": "BA",
        "detection_method": "xray",
        "concealment_method": "spare_tyre",
        "conveyance_kind": "car",
        "vehicle_registration": "A12-B-345",
        "criminal_context": ["illicit_trafficking"],
        "narrative": "Two pistols in the spare tyre.",
        "items": [
            {"kind": "firearm", "firearm": MATCHING},
            {"kind": "firearm", "firearm": OTHER},
            {"kind": "ammunition", "calibre": "9x19", "ammunition_type": "ball", "quantity": 50},
        ],
        "involvements": [{"role": "driver", "entity": PERSON}],
    }
    return base | extra


@pytest.fixture(autouse=True)
def _data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    yield from fresh_data_dir(tmp_path, monkeypatch)


def _created(client: TestClient, payload: dict[str, Any]) -> dict[str, Any]:
    r = client.post(API, json=payload)
    assert r.status_code == 201, r.text
    out: dict[str, Any] = r.json()
    return out


def test_record_a_seizure_with_hits_people_and_steps_then_read_list_and_patch(
    world: World,
) -> None:
    officer, border = token_client(world.engine, "officer"), token_client(world.engine, "border")
    stolen = officer.post("/api/v1/records", json=STOLEN).json()
    s = _created(border, body())
    assert s["reference"].startswith("GP-SZ-") and s["status"] == "open"
    assert s["owner_agency"] == s["seizing_agency"] == "BA-GP"
    assert s["place_name"] and s["latitude"] and s["place_country"] == "BA"
    assert s["origin_country"] == "RS" and s["transit_countries"] == ["HR"]
    pistol, other, rounds = s["items"]
    assert pistol["record_reference"] and other["record_reference"]
    assert [h["matched_record"]["record_id"] for h in pistol["hits"]] == [stolen["record_id"]]
    assert other["hits"] == []
    assert rounds["unit"] == "rounds" and rounds["quantity"] == 50
    [driver] = s["involvements"]
    assert driver["role"] == "driver" and driver["entity"]["family_name"] == "Petrović"
    assert s["steps"] and {"status", "due_at", "overdue", "title"} <= set(s["steps"][0])
    assert s["steps"][0]["overdue"]  # due at once, and 2026-03-02 is past

    # the seized record is a seizure record, owned by the seizing agency
    rec = border.get(f"/api/v1/records/{pistol['record_id']}").json()
    assert rec["status"] == "seized" and rec["owner_agency"] == "BA-GP"

    # national distribution: customs (same country) reads it; another country does not
    assert officer.get(f"{API}/{s['seizure_id']}").status_code == 200
    serbia = token_client(world.engine, "rs.officer")
    assert serbia.get(f"{API}/{s['seizure_id']}").json()["error"]["code"] == "not_found"
    assert serbia.get(API).json()["items"] == []

    _created(border, body(items=[], involvements=[], vehicle_registration="SA-777"))
    _created(
        border,
        body(
            items=[],
            involvements=[],
            context="postal_inspection",
            place_code=None,
            place_name="Pošta Sarajevo",
            place_country="BA",
        ),
    )
    page = border.get(API, params={"limit": 2}).json()
    assert len(page["items"]) == 2 and page["next_cursor"]
    rest = border.get(API, params={"limit": 2, "cursor": page["next_cursor"]}).json()
    assert len(rest["items"]) == 1 and rest["next_cursor"] is None
    found = border.get(API, params={"q": s["reference"]}).json()["items"]
    assert [x["seizure_id"] for x in found] == [s["seizure_id"]]
    assert found[0]["items"]["ammunition"] == 50
    kinds = border.get(API, params={"item_kind": "ammunition"}).json()["items"]
    assert [x["seizure_id"] for x in kinds] == [s["seizure_id"]]
    postal = border.get(API, params={"context": "postal_inspection"}).json()["items"]
    assert len(postal) == 1

    patched = border.patch(f"{API}/{s['seizure_id']}", json={"legal_basis": "Customs Act 12"})
    assert patched.status_code == 200 and patched.json()["legal_basis"] == "Customs Act 12"
    assert patched.json()["narrative"] == s["narrative"]
    denied = officer.patch(f"{API}/{s['seizure_id']}", json={"narrative": "x"})
    assert denied.status_code == 403

    points = border.get(f"{API}/map").json()
    assert sum(p["count"] for p in points) >= 2
    assert any(p["lat"] == s["latitude"] for p in points)
    procedures = border.get(f"{API}/procedures").json()
    assert len(procedures) == 8 and all(p["name"] and p["body"] for p in procedures)

    assert border.delete(f"{API}/{s['seizure_id']}").status_code == 204
    assert border.get(f"{API}/{s['seizure_id']}").status_code == 404


def test_invalid_bodies_answer_422_listing_fields_and_store_nothing(world: World) -> None:
    border = token_client(world.engine, "border")
    bad = body(
        context="teleport",
        items=[
            {"kind": "rocket"},
            {"kind": "part", "part_kind": "warp_coil"},
            {"kind": "ammunition", "quantity": 0},
        ],
    )
    r = border.post(API, json=bad)
    assert r.status_code == 422, r.text
    error = r.json()["error"]
    fields = {d["field"] for d in error["details"]}
    assert {"context", "items[0].kind", "items[1].part_kind", "items[2].quantity"} <= fields
    naive = border.post(API, json=body(occurred_at="2026-03-02T08:30:00"))
    assert naive.status_code == 422
    shape = border.post(API, json=body(items=[{"kind": "firearm", "calibre": "x" * 200}]))
    assert shape.status_code == 422
    assert shape.json()["error"]["details"][0]["field"] == "body.items.0.calibre"
    both = body(involvements=[{"role": "driver"}])
    assert border.post(API, json=both).status_code == 422
    assert border.get(API).json()["items"] == []
    assert border.get(f"{API}/entities").json() == []


def test_a_known_person_is_suggested_not_duplicated(world: World) -> None:
    border = token_client(world.engine, "border")
    first = _created(border, body(items=[]))
    known = first["involvements"][0]["entity"]
    second = _created(border, body(items=[], involvements=[]))
    url = f"{API}/{second['seizure_id']}/involvements"

    cyrillic = {"kind": "person", "name": "Петар Петровић", "date_of_birth": "1980-05-01"}
    clash = border.post(url, json={"role": "passenger", "entity": cyrillic})
    assert clash.status_code == 409, clash.text
    details = clash.json()["error"]["details"]
    assert details[0]["field"] == "entity"
    assert details[0]["entity_id"] == known["entity_id"] and details[0]["reasons"]

    # the same clash inside a create body stores nothing
    before = len(border.get(API).json()["items"])
    r = border.post(API, json=body(items=[], involvements=[{"role": "owner", "entity": cyrillic}]))
    assert r.status_code == 409
    assert r.json()["error"]["details"][0]["field"] == "involvements[0].entity"
    assert len(border.get(API).json()["items"]) == before

    linked = border.post(url, json={"role": "passenger", "entity_id": known["entity_id"]})
    assert linked.status_code == 201 and linked.json()["entity"]["entity_id"] == known["entity_id"]
    new = border.post(url, json={"role": "owner", "entity": cyrillic, "allow_new": True})
    assert new.status_code == 201 and new.json()["entity_id"] != known["entity_id"]

    listed = border.get(f"{API}/entities", params={"q": "Petrovic", "kind": "person"}).json()
    assert known["entity_id"] in {e["entity_id"] for e in listed}
    suggested = border.get(
        f"{API}/entities/suggest", params={"kind": "person", "name": "Petrovic Petar"}
    ).json()
    assert suggested and suggested[0]["entity"]["entity_id"] in {
        known["entity_id"],
        new.json()["entity_id"],
    }
    seizures = border.get(f"{API}/entities/{known['entity_id']}/seizures").json()
    assert {x["seizure_id"] for x in seizures} == {first["seizure_id"], second["seizure_id"]}


def test_steps_block_closing_until_completed_or_waived(world: World) -> None:
    # the administrator of the owner agency (BA-UIO) waives; see test_ownership_gaps
    owner, admin = token_client(world.engine, "officer"), token_client(world.engine, "admin")
    s = _created(owner, body())
    sid = s["seizure_id"]
    refused = owner.post(f"{API}/{sid}/close")
    assert refused.status_code == 409
    assert all(d["field"].startswith("step:") for d in refused.json()["error"]["details"])

    free = next(st for st in s["steps"] if not st["requires"] and st["required"])
    done = owner.post(f"{API}/steps/{free['step_id']}/complete", json={"note": "ok"})
    assert done.status_code == 200, done.text
    assert done.json()["status"] == "done" and done.json()["completed_at"]
    needs_legal = next(st for st in s["steps"] if "field:legal_basis" in st["requires"])
    unmet = owner.post(f"{API}/steps/{needs_legal['step_id']}/complete", json={})
    assert unmet.status_code == 409

    other = next(st for st in s["steps"] if st["status"] == "open" and st is not free)
    assert owner.post(f"{API}/steps/{other['step_id']}/waive",
                       json={"reason": "n/a"}).status_code == 403  # fmt: skip
    assert admin.post(f"{API}/steps/{other['step_id']}/waive", json={}).status_code == 422
    for st in owner.get(f"{API}/{sid}").json()["steps"]:
        if st["status"] == "open" and st["required"]:
            w = admin.post(f"{API}/steps/{st['step_id']}/waive", json={"reason": "test"})
            assert w.status_code == 200 and w.json()["status"] == "waived", w.text
    closed = owner.post(f"{API}/{sid}/close")
    assert closed.status_code == 200, closed.text
    assert closed.json()["status"] == "closed" and closed.json()["closed_by"] == "officer"
    assert owner.patch(f"{API}/{sid}", json={"narrative": "late"}).status_code == 409


def test_hand_over_to_sipa(world: World) -> None:
    border = token_client(world.engine, "border")
    sipa = token_client(world.engine, "investigator")
    s = _created(border, body(items=[{"kind": "firearm", "firearm": OTHER}], involvements=[]))
    sid = s["seizure_id"]
    assert border.post(f"{API}/{sid}/handover", json={"to_agency": "XX-NONE"}).status_code in (
        404,
        422,
    )
    h = border.post(f"{API}/{sid}/handover", json={"to_agency": "ba-sipa", "note": "for you"})
    assert h.status_code == 201, h.text
    assert h.json()["status"] == "pending" and h.json()["to_agency"] == "BA-SIPA"
    incoming = sipa.get(f"{API}/handovers/incoming").json()
    assert [x["seizure_reference"] for x in incoming] == [s["reference"]]
    assert sipa.post(f"{API}/handovers/{h.json()['handover_id']}/decline",
                     json={"reason": ""}).status_code == 422  # fmt: skip
    assert border.post(f"{API}/handovers/{h.json()['handover_id']}/accept").status_code == 403

    accepted = sipa.post(f"{API}/handovers/{h.json()['handover_id']}/accept")
    assert accepted.status_code == 200, accepted.text
    assert accepted.json()["owner_agency"] == "BA-SIPA"
    assert accepted.json()["seizing_agency"] == "BA-GP"
    assert accepted.json()["handovers"][0]["status"] == "accepted"
    record_id = accepted.json()["items"][0]["record_id"]
    assert sipa.get(f"/api/v1/records/{record_id}").json()["owner_agency"] == "BA-SIPA"
    assert border.get(f"{API}/{sid}").status_code == 200  # the sender keeps read access
    assert border.patch(f"{API}/{sid}", json={"narrative": "x"}).status_code == 403
    history = sipa.get(f"{API}/{sid}/history").json()
    assert history

    back = sipa.post(f"{API}/{sid}/handover", json={"to_agency": "BA-GP"}).json()
    cancelled = sipa.post(f"{API}/handovers/{back['handover_id']}/cancel")
    assert cancelled.status_code == 200 and cancelled.json()["status"] == "cancelled"
    assert border.get(f"{API}/handovers/incoming").json() == []


def test_custody_chain_items_and_pdfs(world: World) -> None:
    border = token_client(world.engine, "border")
    s = _created(border, body(involvements=[]))
    sid, item = s["seizure_id"], s["items"][2]["item_id"]
    url = f"{API}/items/{item}/custody"
    assert border.post(url, json={"action": "sealed"}).status_code == 422
    assert border.post(url, json={"action": "received", "to_party": "x"}).status_code in (409, 422)
    sealed = border.post(url, json={"action": "sealed", "seal_number": "GP-0001"})
    assert sealed.status_code == 201, sealed.text
    assert sealed.json()["sequence"] == 2 and sealed.json()["signed_by"] == "border"
    moved = border.post(url, json={"action": "transferred", "to_party": "BA-SIPA"})
    assert moved.status_code == 201
    chain = border.get(url).json()
    assert [e["action"] for e in chain["events"]] == ["seized", "sealed", "transferred"]
    assert chain["problems"] == []
    form = border.get(f"{url}.pdf")
    assert form.status_code == 200 and form.content.startswith(b"%PDF")

    added = border.post(f"{API}/{sid}/items", json={"kind": "part", "part_kind": "magazine",
                                                    "quantity": 3})  # fmt: skip
    assert added.status_code == 201 and added.json()["unit"] == "pieces"
    assert border.post(f"{API}/{sid}/items", json={"kind": "part"}).status_code == 422
    assert border.delete(f"{API}/items/{added.json()['item_id']}").status_code == 204
    assert len(border.get(f"{API}/{sid}").json()["items"]) == 3

    report = border.get(f"{API}/{sid}/report.pdf")
    assert report.status_code == 200 and report.headers["content-type"] == "application/pdf"
    assert s["reference"] in report.headers["content-disposition"]
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(report.content)).pages)
    assert s["reference"] in text and "GP-0001" in text
    serbia = token_client(world.engine, "rs.officer")
    assert serbia.get(f"{API}/{sid}/report.pdf").status_code == 404
    assert serbia.get(url).status_code == 404
