"""Attacks on the rooms built on 7 December (links, operations, sharing management,
reports, programme): an agency of another country, each role and anonymous callers try to
read, change or break what they may not. Each test here once found a defect (the class is
fixed in the room; the test keeps it fixed)."""

from __future__ import annotations

import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from support import World, actor_of, client_for, login, token_client

from kalibar.db.session import unit_of_work

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "links"))
from links_support import Planter  # noqa: E402

pytestmark = pytest.mark.usefixtures("own_data_dir")


def _plant_hidden_chart(world: World) -> tuple[str, str, str]:
    """A nationally shared seizure of BA-UIO with an agency-only person involved."""
    with unit_of_work(world.engine, actor=actor_of(world, "officer")) as s:
        p = Planter(s)
        shared = p.seizure("S", "BA-UIO", dist="national")
        secret = p.entity("Tajni Svjedok", "BA-UIO", dist="agency")
        p.involve("Tajni Svjedok", "S", "suspect")
    return shared, secret, secret.split(":")[1]


def test_saved_chart_never_names_nodes_its_reader_may_not_see(world: World) -> None:
    """A national saved chart kept node ids (kind:uuid) of agency-only objects in its body and
    root: another agency of the same country read them from the list and on reopening."""
    shared, secret, secret_uuid = _plant_hidden_chart(world)
    uio = token_client(world.engine, "officer")
    ids = []
    for root in (shared, secret):
        body = {
            "name": "Bijača",
            "root": root,
            "nodes": [shared, secret],
            "pinned": [secret],
            "positions": {secret: [1, 2], shared: [3, 4]},
            "distribution": "national",
        }
        r = uio.post("/api/v1/links/charts", json=body)
        assert r.status_code == 201, r.text
        assert secret_uuid in r.text  # its owner sees all of it
        ids.append(r.json()["id"])
    gp = token_client(world.engine, "border")  # BA-GP, same country
    listed = gp.get("/api/v1/links/charts")
    assert listed.status_code == 200 and ids[0] in listed.text and ids[1] in listed.text
    assert secret_uuid not in listed.text
    opened = gp.get(f"/api/v1/links/charts/{ids[0]}")
    assert opened.status_code == 200, opened.text
    assert secret_uuid not in opened.text
    assert shared.split(":")[1] in opened.text  # what it may see stays
    assert uio.get(f"/api/v1/links/charts/{ids[1]}").status_code == 200
    hidden_root = gp.get(f"/api/v1/links/charts/{ids[1]}")
    assert hidden_root.status_code == 404 and secret_uuid not in hidden_root.text
    page = client_for(world.engine)
    login(page, "border", world.passwords["border"])
    for chart_id in ids:
        html = page.get(f"/links/charts/{chart_id}")
        assert secret_uuid not in html.text
    assert page.get(f"/links/charts/{ids[0]}").status_code == 200
    assert page.get(f"/links/charts/{ids[1]}").status_code == 404


def test_graphml_stays_well_formed_with_control_characters(world: World) -> None:
    """Names may hold control characters (JSON allows \\u0001); XML 1.0 may not: the export
    must still parse (the class: text written into XML, whatever writes it)."""
    with unit_of_work(world.engine, actor=actor_of(world, "officer")) as s:
        p = Planter(s)
        seizure = p.seizure("S", "BA-UIO")
        p.entity("Bad\x01Name\x0b<script>&", "BA-UIO")
        p.involve("Bad\x01Name\x0b<script>&", "S")
    uio = token_client(world.engine, "officer")
    r = uio.get("/api/v1/links/export", params={"root": seizure, "format": "graphml"})
    assert r.status_code == 200, r.text
    root = ET.fromstring(r.content)
    labels = [d.text for d in root.iter("{http://graphml.graphdrawing.org/xmlns}data")]
    assert any(t and "<script>&" in t for t in labels)


def _make_user(world: World, username: str, agency: str, roles: list[str]) -> None:
    from kalibar.auth import service as auth

    with unit_of_work(world.engine) as s:
        auth.create_user(s, actor=None, username=username, password="correct horse battery 42",
                         agency_code=agency, roles=roles)  # fmt: skip


def test_audit_of_an_operation_link_never_names_an_object_the_reader_may_not_see(
    world: World,
) -> None:
    """A link is a pointer, never a grant: its audit entry (object uuid, note) was as
    visible as the operation, so a member agency's administrator read which agency-only
    record of the lead was linked."""
    uio = token_client(world.engine, "officer")
    op = uio.post("/api/v1/operations", json={"name": "Una", "members": [{"agency": "BA-GP"}]})
    assert op.status_code == 201, op.text
    rec = uio.post("/api/v1/records", json={
        "status": "seized", "make": "Zastava", "model": "M70", "calibre": "7.62x39",
        "serial_number": "ATK 1001", "distribution": "agency"})  # fmt: skip
    assert rec.status_code == 201, rec.text
    rid = str(rec.json().get("record_id") or rec.json().get("uuid") or rec.json()["id"])
    url = f"/api/v1/operations/{op.json()['uuid']}/links"
    r = uio.post(url, json={"kind": "record", "object": rid, "note": "Tajna biljeska"})
    assert r.status_code == 201, r.text
    _make_user(world, "gp.admin", "BA-GP", ["admin"])
    gp = token_client(world.engine, "gp.admin")
    assert gp.get(url).json()["hidden"] == 1
    trail = gp.get("/api/v1/audit", params={"object_type": "OperationLink"})
    assert trail.status_code == 200, trail.text
    assert trail.json()  # the entry is there (when, who, what kind) ...
    assert rid not in trail.text and "Tajna" not in trail.text  # ... but not what was linked
