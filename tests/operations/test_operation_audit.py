"""An operation's trail is need-to-know: an administrator of an agency outside it reads its
entries redacted (when, who, what kind), its members' administrators in full; and an entity
from a seizure links like any other object the linker may see."""

from __future__ import annotations

import pytest
from support import World, token_client

from kalibar.auth import service as auth
from kalibar.db.session import unit_of_work

pytestmark = pytest.mark.usefixtures("own_data_dir")
OPS = "/api/v1/operations"
SEIZURE = {
    "occurred_at": "2026-03-02T08:30:00+01:00",
    "context": "border_check",
    "place_code": "BA-GRADISKA",
    "direction": "entry",
    "distribution": "agency",
    "items": [{"kind": "ammunition", "calibre": "9x19", "ammunition_type": "ball", "quantity": 5}],
    "involvements": [
        {"role": "driver", "entity": {"kind": "person", "given_names": "Marko",
                                      "family_name": "Marković", "date_of_birth": "1980-05-01"}}
    ],
}  # fmt: skip


def _make_user(world: World, username: str, agency: str, roles: list[str]) -> None:
    with unit_of_work(world.engine) as s:
        auth.create_user(s, actor=None, username=username, password="correct horse battery 42",
                         agency_code=agency, roles=roles)  # fmt: skip


def test_trail_of_an_operation_is_redacted_outside_it(world: World) -> None:
    uio = token_client(world.engine, "officer")
    r = uio.post(OPS, json={"name": "Neretva", "members": [{"agency": "BA-GP"}]})
    url = f"{OPS}/{r.json()['uuid']}"
    r = uio.post(f"{url}/log", json={"body": "Secret plan for Friday."})
    entry_id = r.json()["uuid"]

    _make_user(world, "gp.admin", "BA-GP", ["admin"])
    _make_user(world, "hr.admin", "HR-CU", ["admin"])
    inside = token_client(world.engine, "gp.admin").get(
        "/api/v1/audit", params={"object_type": "OperationLogEntry"}
    )
    assert inside.status_code == 200
    full = [e for e in inside.json() if not e["redacted"]]
    assert any(e["object_id"] == entry_id for e in full)
    assert "Secret plan" in str(full)

    outside = token_client(world.engine, "hr.admin").get(
        "/api/v1/audit", params={"object_type": "OperationLogEntry"}
    )
    assert outside.status_code == 200
    assert outside.json() and all(e["redacted"] for e in outside.json())
    assert "Secret plan" not in outside.text and entry_id not in outside.text


def test_an_entity_of_a_seizure_links_by_its_reference(world: World) -> None:
    uio = token_client(world.engine, "officer")
    seizure = uio.post("/api/v1/seizures", json=SEIZURE)
    assert seizure.status_code == 201, seizure.text
    entity = seizure.json()["involvements"][0]["entity"]
    r = uio.post(OPS, json={"name": "Bosna", "members": [{"agency": "BA-GP"}]})
    url = f"{OPS}/{r.json()['uuid']}"
    r = uio.post(f"{url}/links", json={"kind": "entity", "object": entity["reference"]})
    assert r.status_code == 201, r.text
    assert r.json()["links"][0]["label"].startswith(entity["reference"])
    gp = token_client(world.engine, "border")
    assert gp.get(f"{url}/links").json() == {"links": [], "hidden": 1}
    link_id = r.json()["links"][0]["uuid"]
    r = uio.post(f"{url}/links/{link_id}/share")
    assert r.status_code == 200, r.text
    assert [x["label"] for x in gp.get(f"{url}/links").json()["links"]] == [
        r.json()["links"][0]["label"]
    ]
