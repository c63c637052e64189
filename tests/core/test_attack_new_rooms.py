"""Attacks on the rooms built on 7 December (links, operations, sharing management,
reports, programme): an agency of another country, each role and anonymous callers try to
read, change or break what they may not. Each test here once found a defect (the class is
fixed in the room; the test keeps it fixed)."""

from __future__ import annotations

import sys
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

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


def test_xlsx_exports_hold_text_with_control_characters(world: World) -> None:
    """openpyxl refuses C0 control characters in a cell (IllegalCharacterError, a 500): the
    text a person typed through the API (``\\u0001``) must not break an export."""
    import io

    from openpyxl import load_workbook
    from sqlalchemy import update

    from kalibar.programme.models import Participant

    officer = token_client(world.engine, "officer")
    participant = {"full_name": "A", "agency": "BA-UIO", "unit": "Unit\x01\x0bA",
                   "gender": "female"}  # fmt: skip
    body = {"course": "Course", "start_date": "2026-04-01", "participants": [participant]}
    refused = officer.post("/api/v1/programme/trainings", json=body)
    assert refused.status_code == 422 and "unit" in refused.text  # refused at the door
    made = officer.post("/api/v1/programme/trainings", json=body | {
        "participants": [participant | {"unit": "Unit A"}]})  # fmt: skip
    assert made.status_code == 201, made.text
    with unit_of_work(world.engine) as s:  # as older data, or another writer, may hold it
        s.execute(update(Participant).values(unit="Unit\x01\x0bA"))
    xlsx = officer.get("/api/v1/programme/indicators.xlsx?from=2026-01-01&to=2026-12-31")
    assert xlsx.status_code == 200, xlsx.text
    book = load_workbook(io.BytesIO(xlsx.content))
    assert any("Unit" in str(c.value) for ws in book for row in ws.iter_rows() for c in row)


ROOMS = ("/links", "/operations", "/admin/sharing", "/reports", "/programme")


def _room_routes(app: Any) -> list[tuple[str, str]]:
    """(method, path) of every route of the new rooms, API and pages."""
    paths: list[tuple[str, str]] = []
    for route in app.routes:
        contexts = getattr(route, "effective_route_contexts", None)
        found = contexts() if contexts else [route]
        paths.extend((m, c.path) for c in found for m in getattr(c, "methods", None) or ())
    out = []
    for method, path in sorted(set(paths)):
        bare = path.removeprefix("/api/v1")
        bare = "/admin" + bare if bare.startswith("/sharing") else bare
        if bare.startswith(ROOMS) and method != "HEAD":
            out.append((method, path))
    return out


def test_anonymous_callers_reach_nothing_of_the_new_rooms(world: World) -> None:
    """Every route of the new rooms, API and page, any method: 401 for the API, the login
    page (or a CSRF refusal) for pages — never content, never a 404/422/500 that tells."""
    import re
    import uuid

    client = client_for(world.engine)
    from kalibar.app.web import create_app

    routes = _room_routes(create_app(world.engine))
    assert len(routes) > 40
    fake = str(uuid.uuid4())
    seen = []
    for method, path in routes:
        url = re.sub(r"\{[^}]+\}", fake, path)
        url = url.replace("{fmt}", "csv")
        r = client.request(method, url, json={} if method != "GET" else None)
        while r.status_code in (302, 303, 307) and "/login" not in r.headers["location"]:
            r = client.get(r.headers["location"])  # a room's landing page sends on
        seen.append((method, path, r.status_code))
        if path.startswith("/api/"):
            assert r.status_code == 401, (method, path, r.status_code, r.text[:200])
        else:
            ok = r.status_code in (401, 403) or (
                r.status_code in (302, 303, 307) and "/login" in r.headers.get("location", "")
            )
            assert ok, (method, path, r.status_code, r.text[:200])


def test_every_form_of_the_new_rooms_refuses_a_post_without_its_csrf_token(world: World) -> None:
    """A signed-in administrator's browser, lured to post to each page route of the new
    rooms without the session's CSRF token: refused (403) before anything is read."""
    import re
    import uuid

    from kalibar.app.web import create_app

    client = client_for(world.engine)
    login(client, "admin", world.passwords["admin"])
    fake = str(uuid.uuid4())
    posts = [
        path
        for method, path in _room_routes(create_app(world.engine))
        if method in ("POST", "PUT", "PATCH", "DELETE") and not path.startswith("/api/")
    ]
    assert len(posts) > 10
    for path in posts:
        url = re.sub(r"\{[^}]+\}", fake, path)
        r = client.post(url, data={"name": "x", "csrf_token": "forged"})
        assert r.status_code == 403, (path, r.status_code, r.text[:200])
        r = client.post(url, data={"name": "x"})
        assert r.status_code == 403, (path, r.status_code, r.text[:200])


def test_audit_of_a_saved_chart_never_names_nodes_its_reader_may_not_see(world: World) -> None:
    """The audit entry of a saved chart holds its body (node ids): an administrator of an
    agency that may read the chart must not read there what the chart hides from it."""
    shared, secret, secret_uuid = _plant_hidden_chart(world)
    uio = token_client(world.engine, "officer")
    body = {"name": "Bijača", "root": shared, "nodes": [shared, secret], "pinned": [secret],
            "positions": {secret: [1, 2]}, "distribution": "national"}  # fmt: skip
    r = uio.post("/api/v1/links/charts", json=body)
    assert r.status_code == 201, r.text
    uio.get("/api/v1/links/chart", params={"root": shared})
    _make_user(world, "gp.admin", "BA-GP", ["admin"])
    gp = token_client(world.engine, "gp.admin")
    for kind in ("SavedChart", "LinkChart"):
        trail = gp.get("/api/v1/audit", params={"object_type": kind})
        assert trail.status_code == 200, trail.text
        assert secret_uuid not in trail.text, kind


def test_audit_of_an_operation_group_is_for_its_members(world: World) -> None:
    """The list of groups hides an operation's group from non-members (it tells who works
    an operation); its audit entries (group, members) were in full to every administrator."""
    uio = token_client(world.engine, "officer")
    op = uio.post("/api/v1/operations", json={"name": "Una", "members": [{"agency": "BA-GP"}]})
    assert op.status_code == 201, op.text
    reference = op.json()["reference"]
    _make_user(world, "hr.admin", "HR-CU", ["admin"])
    _make_user(world, "gp.admin", "BA-GP", ["admin"])
    hr = token_client(world.engine, "hr.admin")
    gp = token_client(world.engine, "gp.admin")
    from sqlalchemy import select

    from kalibar.sharing.models import SharingGroup, SharingGroupMember

    with world.session() as s:
        group = s.execute(select(SharingGroup).where(SharingGroup.name == reference)).scalar_one()
        ids = {str(group.uuid)} | {
            str(u)
            for u in s.execute(
                select(SharingGroupMember.uuid).where(SharingGroupMember.group_id == group.id)
            ).scalars()
        }
    assert len(ids) == 3  # the group, its lead and its member
    for kind in ("SharingGroup", "SharingGroupMember"):
        outside = hr.get("/api/v1/audit", params={"object_type": kind, "limit": 1000})
        assert outside.status_code == 200, outside.text
        theirs = [e for e in outside.json() if e["redacted"]]
        assert theirs  # listed (when, who, what kind) ...
        assert not ids & {e["object_id"] for e in outside.json()}, kind  # ... not which
        assert reference not in outside.text
        inside = gp.get("/api/v1/audit", params={"object_type": kind, "limit": 1000})
        assert ids & {e["object_id"] for e in inside.json() if not e["redacted"]}, kind


def test_a_plain_group_cannot_take_the_name_of_an_operation_group(world: World) -> None:
    """Plain and operation groups share one namespace: an administrator of another country
    could learn that an operation exists (409 on its reference) or, taking the next
    reference first, stop an agency from opening operations."""
    _make_user(world, "hr.admin", "HR-CU", ["admin"])
    hr = token_client(world.engine, "hr.admin")
    squat = hr.post("/api/v1/sharing/groups", json={"name": "UIO-OP-2026-000001"})
    assert squat.status_code == 422 and "name" in squat.text, squat.text
    uio = token_client(world.engine, "officer")
    op = uio.post("/api/v1/operations", json={"name": "Una"})
    assert op.status_code == 201, op.text
    probe = hr.post("/api/v1/sharing/groups", json={"name": op.json()["reference"]})
    assert probe.status_code == 422 and probe.json() == squat.json() | {
        "error": squat.json()["error"] | {"details": probe.json()["error"]["details"]}
    }
    assert hr.post("/api/v1/sharing/groups", json={"name": "Neretva 2026"}).status_code == 201


FORMS = [
    ("/operations", {"name": "Una\x00Sana", "purpose": "x"}),
    ("/admin/sharing/groups", {"name": "Drina\x00", "description": "x" * 10_000}),
    ("/programme/trainings/new", {"course": "C\x00", "kind": "course", "start_date": "02.03.2026.",
                                  "distribution": "agency"}),
    ("/programme/procedures", {"name": "P\x00", "version": "1", "adopted_on": "02.03.2026."}),
    ("/reports/roadmap/2025-H2/values/1.1", {"value": "1\x00", "evidence": "e\x00"}),
    ("/operations", {"name": "Ж" * 100_000, "purpose": "x"}),
]  # fmt: skip


@pytest.mark.parametrize(("url", "fields"), FORMS)
def test_forms_answer_odd_text_with_a_4xx_never_a_500(
    world: World, url: str, fields: dict[str, str]
) -> None:
    """The API refuses NUL (PostgreSQL text cannot hold it) before any work; the pages'
    forms must too, and text longer than its column, with an error naming the field."""
    client = client_for(world.engine)
    token = login(client, "admin", world.passwords["admin"])
    r = client.post(url, data={"csrf_token": token, **fields})
    assert r.status_code < 500, (url, r.status_code)
    assert r.status_code in (303, 400, 403, 422), (url, r.status_code, r.text[:300])
    if r.status_code == 303:  # accepted: then stored as typed, without the NUL
        page = client.get(r.headers["location"])
        assert page.status_code == 200 and "\x00" not in page.text
