"""No linked object is listed to a member who may not see it: over objects of several
owners at every distribution level (and a trace, which follows the tracing rule), what a
member sees in the workspace is exactly what the one visibility filter lets it open, and
the rest is only counted. Sharing with the operation widens to members and to nobody else."""

from __future__ import annotations

import itertools
from typing import Any

import pytest
from fastapi.testclient import TestClient
from support import World, token_client

pytestmark = pytest.mark.usefixtures("own_data_dir")
OPS = "/api/v1/operations"
OWNERS = ["officer", "border", "rs.officer"]  # BA-UIO (lead), BA-GP, RS-UC (neighbour)
VIEWERS = OWNERS + ["investigator", "hr.officer"]  # BA-SIPA and HR-CU: not members
LEVELS = ["agency", "national", "partners"]


def _record(client: TestClient, serial: str, distribution: str, **extra: str) -> str:
    body = {"status": "seized", "make": "Zastava", "model": "M70 AB2", "calibre": "7.62x39",
            "serial_number": serial, "distribution": distribution} | extra  # fmt: skip
    r = client.post("/api/v1/records", json=body)
    assert r.status_code == 201, r.text
    out: dict[str, Any] = r.json()
    return str(out.get("record_id") or out.get("uuid"))


def _sent_trace(client: TestClient, record_id: str, to: str) -> str:
    """A trace request sent to ``to`` (the content the ITI asks for)."""
    body = {
        "record_id": record_id,
        "recipients": [to],
        "legal_basis": "Criminal Code of BiH art. 193a",
        "circumstances": "Found in a bus at Gradiška",
        "intended_use": "Criminal investigation, case T-1/26",
        "photo_references": "Photos 1-2",
    }
    r = client.post("/api/v1/traces", json=body)
    assert r.status_code == 201, r.text
    trace_id = str(r.json()["items"][0]["trace_id"])
    assert client.post(f"/api/v1/traces/{trace_id}/send").status_code == 200
    return trace_id


def test_members_see_exactly_the_linked_objects_they_may_open(world: World) -> None:
    clients = {u: token_client(world.engine, u) for u in VIEWERS}
    r = clients["officer"].post(
        OPS, json={"name": "Sava", "members": [{"agency": "BA-GP"}, {"agency": "RS-UC"}]}
    )
    assert r.status_code == 201, r.text
    url = f"{OPS}/{r.json()['uuid']}"

    linked: list[tuple[str, str]] = []  # (kind, id)
    for n, (owner, level) in enumerate(itertools.product(OWNERS, LEVELS)):
        rid = _record(clients[owner], f"LV {n:04d}", level)
        r = clients[owner].post(f"{url}/links", json={"kind": "record", "object": rid})
        assert r.status_code == 201, r.text
        linked.append(("record", rid))
    # one record each owner shares with the operation (agency → the operation's group)
    for n, owner in enumerate(OWNERS):
        rid = _record(clients[owner], f"SH {n:04d}", "agency")
        body = {"kind": "record", "object": rid, "share": True}
        assert clients[owner].post(f"{url}/links", json=body).status_code == 201
        linked.append(("record", rid))
    # a trace the lead sent to Serbia: its requester and recipient read it, nobody else
    seized = _record(
        clients["officer"],
        "TR 000777",
        "agency",
        other_markings="proof mark ZCZ",
        event_date="2025-04-02",
        event_place="Gradiška border crossing",
    )
    trace_id = _sent_trace(clients["officer"], seized, to="RS-UC")
    body = {"kind": "trace", "object": trace_id}
    assert clients["officer"].post(f"{url}/links", json=body).status_code == 201
    linked.append(("trace", trace_id))

    paths = {"record": "/api/v1/records/{}", "trace": "/api/v1/traces/{}"}
    for viewer in VIEWERS:
        client = clients[viewer]
        answer = client.get(f"{url}/links")
        if viewer in ("investigator", "hr.officer"):
            assert answer.status_code == 404, viewer  # not a member: no workspace at all
            continue
        seen = {x["object_uuid"] for x in answer.json()["links"]}
        may_open = {
            oid for kind, oid in linked if client.get(paths[kind].format(oid)).status_code == 200
        }
        assert seen == may_open, viewer
        assert answer.json()["hidden"] == len(linked) - len(seen), viewer
    # what was shared with the operation stays hidden from non-members
    shared = linked[len(OWNERS) * len(LEVELS) : len(OWNERS) * len(LEVELS) + len(OWNERS)]
    for _kind, rid in shared:
        for outsider in ("investigator", "hr.officer"):
            assert clients[outsider].get(f"/api/v1/records/{rid}").status_code == 404
        for member in OWNERS:
            assert clients[member].get(f"/api/v1/records/{rid}").status_code == 200
