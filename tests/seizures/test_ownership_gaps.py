"""Issue 18, item 7: a state change of a seizure needs its ownership (an administrator of
another agency included); a seizure links only a declaration its recorder can open; a
hidden item is as absent as a missing one."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from seizure_support import fresh_data_dir
from sqlalchemy import select
from support import World, client_for, csrf_from, login, token_client
from test_seizures_api import API, body

from kalibar.seizures.models import ProcedureStep


@pytest.fixture(autouse=True)
def _data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    yield from fresh_data_dir(tmp_path, monkeypatch)


def _created(client: Any, payload: dict[str, Any]) -> dict[str, Any]:
    r = client.post(API, json=payload)
    assert r.status_code == 201, r.text
    return dict(r.json())


def test_an_admin_of_another_agency_cannot_waive_or_complete_steps(world: World) -> None:
    border, admin = token_client(world.engine, "border"), token_client(world.engine, "admin")
    s = _created(border, body())  # BA-GP's, national: BA-UIO's admin sees it
    assert admin.get(f"{API}/{s['seizure_id']}").status_code == 200
    step = next(st for st in s["steps"] if st["status"] == "open" and st["required"])
    waived = admin.post(f"{API}/steps/{step['step_id']}/waive", json={"reason": "not needed"})
    assert waived.status_code == 403, waived.text
    assert "owns the seizure" in waived.json()["error"]["message"]
    assert admin.post(f"{API}/steps/{step['step_id']}/complete", json={}).status_code == 403
    with world.session() as db:
        row = db.execute(
            select(ProcedureStep).where(ProcedureStep.uuid == uuid.UUID(step["step_id"]))
        ).scalar_one()
        assert row.status == "open" and row.waived_reason == ""
    # the page offers the administrator no waiver on a seizure it does not own
    web = client_for(world.engine)
    login(web, "admin", world.passwords["admin"])
    page = web.get(f"/seizures/{s['seizure_id']}")
    assert page.status_code == 200 and "sz-waive" not in page.text
    csrf = csrf_from(page.text)
    posted = web.post(
        f"/seizures/{s['seizure_id']}/steps/{step['step_id']}/waive",
        data={"csrf_token": csrf, "reason": "from the page"},
    )
    assert posted.status_code == 403, posted.status_code
    with world.session() as db:
        row = db.get(ProcedureStep, uuid.UUID(step["step_id"]))
        assert row is not None and row.status == "open"
    # a hidden step is a missing one (404), not a refusal
    serbia = token_client(world.engine, "rs.officer")
    hidden = serbia.post(f"{API}/steps/{step['step_id']}/complete", json={})
    assert hidden.status_code == 404


def _declaration(world: World, owner: str = "officer") -> str:
    client = token_client(world.engine, owner)
    parcel = {
        "declaration_id": "P-1", "flow": "postal", "lodged_at": "2026-03-02T09:15:00Z",
        "office": "BA-SA-POST", "dispatch_country": "BG", "consignor_name": "Kurusiki Market",
        "consignor_country": "TR", "consignee_name": "Marko Marković",
        "consignee_city": "Sarajevo", "consignee_country": "BA", "item_category": "gift",
        "items": [{"declared_description": "alarm pistol Ekol, blank firing",
                   "hs_code": "9303.90", "quantity": 2, "gross_weight_kg": 1.6,
                   "declared_value": 120, "currency": "EUR", "origin_country": "TR"}],
    }  # fmt: skip
    r = client.post("/api/v1/screenings", json={"declarations": [parcel], "store": True})
    assert r.status_code == 200, r.text
    from kalibar.targeting.models import Declaration

    with world.session() as s:
        return str(s.execute(select(Declaration.uuid)).scalar_one())


def test_a_seizure_links_only_a_declaration_its_recorder_can_open(world: World) -> None:
    uid = _declaration(world)  # BA-UIO's, stored with national distribution
    border = token_client(world.engine, "border")
    assert border.get(f"/api/v1/targeting/declarations/{uid}").status_code == 404

    hidden = border.post(API, json=body(declaration_uuid=uid))
    absent = border.post(API, json=body(declaration_uuid=str(uuid.uuid4())))
    assert hidden.status_code == absent.status_code == 422, hidden.text
    [h] = [d for d in hidden.json()["error"]["details"] if d["field"] == "declaration_uuid"]
    [a] = [d for d in absent.json()["error"]["details"] if d["field"] == "declaration_uuid"]
    assert {**h, "value": ""} == {**a, "value": ""}
    assert hidden.json()["error"]["message"] == absent.json()["error"]["message"]
    serbia = token_client(world.engine, "rs.officer")
    assert serbia.post(API, json=body(declaration_uuid=uid)).status_code == 422
    assert border.get(f"{API}").json()["items"] == []  # nothing half-written

    # nor can a seizure be moved onto it afterwards
    mine = _created(border, body())
    moved = border.patch(f"{API}/{mine['seizure_id']}", json={"declaration_uuid": uid})
    assert moved.status_code == 422

    # the form does not show it either
    web = client_for(world.engine)
    login(web, "border", world.passwords["border"])
    form = web.get(f"/seizures/new?declaration={uid}")
    assert form.status_code == 404 and "P-1" not in form.text

    # the owner agency links its own declaration, from the form and the API
    officer = token_client(world.engine, "officer")
    own = _created(officer, body(declaration_uuid=uid, involvements=[]))
    assert own["declaration_uuid"] == uid
    web_officer = client_for(world.engine)
    login(web_officer, "officer", world.passwords["officer"])
    assert "P-1" in web_officer.get(f"/seizures/new?declaration={uid}").text


def test_a_hidden_item_is_as_absent_as_a_missing_one(world: World) -> None:
    border = token_client(world.engine, "border")
    s = _created(border, body())
    item_id, seizure_id = s["items"][0]["item_id"], s["seizure_id"]
    assert border.get(f"{API}/items/{item_id}/custody").status_code == 200
    serbia = token_client(world.engine, "rs.officer")
    missing = str(uuid.uuid4())
    for method, extra in (("get", {}), ("post", {"json": {"action": "sealed",
                                                         "seal_number": "S-1"}})):  # fmt: skip
        hidden = getattr(serbia, method)(f"{API}/items/{item_id}/custody", **extra)
        absent = getattr(serbia, method)(f"{API}/items/{missing}/custody", **extra)
        assert hidden.status_code == absent.status_code == 404
        assert seizure_id not in hidden.text
        assert (
            hidden.json()["error"]["message"].replace(item_id, missing)
            == (absent.json()["error"]["message"])
        )
