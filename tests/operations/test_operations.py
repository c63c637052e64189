"""Issue 14, item 4: joint-operation workspaces — members and roles, links only to what the
linker may see and seen by others only when the owner shares it, a shared log, tasks, the
after-action summary; every change audited; leaving the operation ends access."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from support import World, client_for, csrf_from, login, token_client

from kalibar.audit.models import AuditEntry

pytestmark = pytest.mark.usefixtures("own_data_dir")
OPS = "/api/v1/operations"
RECORD: dict[str, Any] = {
    "status": "seized", "make": "Zastava", "model": "M70 AB2", "calibre": "7.62x39",
    "serial_number": "OP 400100", "distribution": "agency",
}  # fmt: skip


def _record(client: TestClient, serial: str, distribution: str = "agency") -> dict[str, Any]:
    r = client.post(
        "/api/v1/records",
        json=RECORD | {"serial_number": serial, "distribution": distribution},
    )
    assert r.status_code == 201, r.text
    out: dict[str, Any] = r.json()
    return out


def _op(client: TestClient, **extra: Any) -> dict[str, Any]:
    body = {"name": "Una corridor", "purpose": "Ant trafficking by bus."} | extra
    r = client.post(OPS, json=body)
    assert r.status_code == 201, r.text
    out: dict[str, Any] = r.json()
    return out


def _audited(world: World, object_type: str, action: str) -> int:
    with world.session() as s:
        stmt = select(AuditEntry.seq).where(
            AuditEntry.object_type == object_type, AuditEntry.action == action
        )
        return len(s.execute(stmt).all())


def _id(rec: dict[str, Any]) -> str:
    return str(rec.get("record_id") or rec.get("uuid") or rec["id"])


def test_access_follows_membership_and_ends_on_leaving(world: World) -> None:
    uio = token_client(world.engine, "officer")  # BA-UIO, the lead
    gp = token_client(world.engine, "border")  # BA-GP, a member
    rs = token_client(world.engine, "rs.officer")  # RS-UC, not a member
    op = _op(uio, members=[{"agency": "BA-GP", "role": "member"}])
    assert op["lead_agency"] == "BA-UIO" and op["reference"].startswith("UIO-OP-")
    url = f"{OPS}/{op['uuid']}"
    assert gp.get(url).status_code == 200
    assert rs.get(url).status_code == 404  # hidden is absent
    assert op["uuid"] not in {o["uuid"] for o in rs.get(OPS).json()}
    # its sharing group (named by the reference only) is listed to its members only
    groups = [g for g in gp.get("/api/v1/sharing/groups").json() if g["purpose"]]
    assert [g["name"] for g in groups] == [op["reference"]]
    assert not [g for g in rs.get("/api/v1/sharing/groups").json() if g["purpose"]]
    assert rs.get(f"/api/v1/sharing/groups/{groups[0]['uuid']}").status_code == 404
    members_url = f"/api/v1/sharing/groups/{groups[0]['uuid']}/members"
    assert rs.post(members_url, json={"agency": "RS-UC"}).status_code == 404
    r = token_client(world.engine, "admin").post(members_url, json={"agency": "RS-UC"})
    assert r.status_code == 403  # the lead's administrator: members change on the operation

    # the lead links its own record and shares it with the operation
    mine = _record(uio, "OP 400101")
    rid = _id(mine)
    assert gp.get(f"/api/v1/records/{rid}").status_code == 404
    r = uio.post(f"{url}/links", json={"kind": "record", "object": rid, "share": True})
    assert r.status_code == 201, r.text
    assert r.json()["links"][0]["shared_with_operation"] is True
    assert gp.get(f"/api/v1/records/{rid}").status_code == 200

    # a member links its own record without sharing it: the lead sees a count, not it
    theirs = _record(gp, "OP 400102")
    r = gp.post(f"{url}/links", json={"kind": "record", "object": _id(theirs), "note": "bus"})
    assert r.status_code == 201, r.text
    seen_by_lead = uio.get(f"{url}/links").json()
    assert [x["object_uuid"] for x in seen_by_lead["links"]] == [rid]
    assert seen_by_lead["hidden"] == 1
    seen_by_gp = gp.get(f"{url}/links").json()
    assert len(seen_by_gp["links"]) == 2 and seen_by_gp["hidden"] == 0

    assert gp.post(f"{url}/log", json={"body": "Bus 12 checked at Gradiška."}).status_code == 201
    # leaving ends access to the workspace and to what was shared only through it
    assert gp.post(f"{url}/leave").status_code == 204
    assert gp.get(url).status_code == 404
    assert gp.get(f"{url}/log").status_code == 404
    assert gp.get(f"/api/v1/records/{rid}").status_code == 404
    assert op["uuid"] not in {o["uuid"] for o in gp.get(OPS).json()}
    assert gp.get(f"/api/v1/records/{_id(theirs)}").status_code == 200  # its own stays
    members = {m["agency"]: m for m in uio.get(f"{url}/members").json()}
    assert members["BA-GP"]["left_at"] is not None

    assert _audited(world, "Operation", "insert") >= 1
    assert _audited(world, "OperationMember", "update") >= 1  # left_at set
    assert _audited(world, "OperationLink", "insert") >= 2
    assert _audited(world, "OperationLogEntry", "insert") >= 1
    assert _audited(world, "ObjectSharingGroup", "insert") >= 2  # the operation, the record
    assert _audited(world, "SharingGroupMember", "purge") >= 1


def test_roles_and_permissions(world: World) -> None:
    uio = token_client(world.engine, "officer")
    gp = token_client(world.engine, "border")
    sipa = token_client(world.engine, "investigator")
    op = _op(uio, members=[{"agency": "BA-GP"}, {"agency": "BA-SIPA", "role": "observer"}])
    url = f"{OPS}/{op['uuid']}"

    # only the lead manages members, the summary and closing
    assert gp.post(f"{url}/members", json={"agency": "RS-UC"}).status_code == 403
    assert gp.put(f"{url}/summary", json={"text": "x"}).status_code == 403
    assert gp.post(f"{url}/close").status_code == 403
    assert uio.post(f"{url}/members", json={"agency": "BA-GP"}).status_code == 409
    assert uio.post(f"{url}/members", json={"agency": "RS-UC", "role": "lead"}).status_code == 422
    assert uio.post(f"{url}/leave").status_code == 422  # the lead closes, never leaves
    assert uio.patch(f"{url}/members/BA-SIPA", json={"role": "member"}).status_code == 200
    assert uio.patch(f"{url}/members/BA-SIPA", json={"role": "observer"}).status_code == 200

    # an observer writes in the log but links and assigns nothing
    assert sipa.post(f"{url}/log", json={"body": "Seen."}).status_code == 201
    rec = _record(sipa, "OP 400200", "agency")
    assert sipa.post(f"{url}/links", json={"kind": "record", "object": _id(rec)}).status_code == 403
    assert sipa.post(f"{url}/tasks", json={"title": "Check bus"}).status_code == 403

    # a link only to what the linker may see: hidden and absent get the same 422
    hidden = _record(uio, "OP 400201", "agency")
    r1 = gp.post(f"{url}/links", json={"kind": "record", "object": _id(hidden)})
    r2 = gp.post(f"{url}/links", json={"kind": "record", "object": "UIO-2026-999999"})
    assert r1.status_code == r2.status_code == 422
    assert r1.json()["error"]["message"] == r2.json()["error"]["message"]
    # only the owner shares; a nationally shared object is never narrowed to the group
    r = uio.post(f"{url}/links", json={"kind": "record", "object": _id(hidden)})
    link_id = r.json()["links"][0]["uuid"]
    assert gp.post(f"{url}/links/{link_id}/share").status_code == 404  # gp cannot see it
    national = _record(uio, "OP 400202", "national")
    r = uio.post(f"{url}/links", json={"kind": "record", "object": _id(national), "share": True})
    assert r.status_code == 422

    # tasks: owners are users of member agencies; the owner or the lead closes a task
    r = uio.post(f"{url}/tasks", json={"title": "Brief RS", "owner": "rs.officer"})
    assert r.status_code == 422
    r = uio.post(f"{url}/tasks", json={"title": "Stop bus 12", "owner": "border",
                                      "due_on": "2026-01-10"})  # fmt: skip
    assert r.status_code == 201, r.text
    task = r.json()
    assert task["overdue"] is True
    assert sipa.patch(f"{url}/tasks/{task['uuid']}", json={"status": "done"}).status_code == 403
    r = gp.patch(f"{url}/tasks/{task['uuid']}", json={"status": "done"})
    assert r.status_code == 200 and r.json()["status"] == "done"
    assert _audited(world, "OperationTask", "update") >= 1

    # the lead removes a member; a closed operation takes nothing new
    assert uio.delete(f"{url}/members/BA-SIPA").status_code == 204
    assert sipa.get(url).status_code == 404
    assert uio.post(f"{url}/close").status_code == 200
    assert uio.post(f"{url}/log", json={"body": "late"}).status_code == 422
    assert gp.get(url).status_code == 200  # members still read the closed workspace


def test_after_action_summary_page_and_pdf(world: World) -> None:
    uio = token_client(world.engine, "officer")
    op = _op(uio, members=[{"agency": "RS-UC"}])
    url = f"{OPS}/{op['uuid']}"
    rec = _record(uio, "OP 400300")
    uio.post(f"{url}/links", json={"kind": "record", "object": _id(rec), "share": True})
    uio.post(f"{url}/tasks", json={"title": "Ask RS for the bus manifest", "owner": "rs.officer"})
    uio.post(f"{url}/log", json={"body": "Joint check agreed."})
    assert uio.put(f"{url}/summary", json={"text": "Two pistols found."}).status_code == 200
    pdf = uio.get(f"{url}/summary.pdf")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    assert pdf.headers["content-type"] == "application/pdf"
    with world.session() as s:
        exports = s.execute(
            select(AuditEntry.changes).where(
                AuditEntry.object_type == "Operation",
                AuditEntry.action == "export",
                AuditEntry.object_id == op["uuid"],
            )
        ).scalars()
        assert any("summary" in c for c in exports)

    client = client_for(world.engine)
    login(client, "rs.officer", world.passwords["rs.officer"])
    page = client.get(f"/operations/{op['uuid']}/summary")
    assert page.status_code == 200
    assert "Two pistols found." in page.text and "Save the summary" not in page.text


def test_pages_open_a_workspace_add_a_member_a_link_a_log_entry_and_a_task(
    world: World,
) -> None:
    api = token_client(world.engine, "officer")
    rec = _record(api, "OP 400400")
    client = client_for(world.engine)
    csrf = login(client, "officer", world.passwords["officer"])
    r = client.post("/operations", data={"name": "Drina", "csrf_token": csrf})
    assert r.status_code == 303
    page_url = r.headers["location"]
    assert client.get("/operations").text.count("Drina") >= 1

    def post(action: str, **data: str) -> Any:
        return client.post(f"{page_url}/{action}", data=data | {"csrf_token": csrf})

    assert post("members", agency="BA-GP", role="member").status_code == 303
    assert post("links", kind="record", object=rec["reference"], share="yes").status_code == 303
    assert post("log", body="Posted from the page.").status_code == 303
    assert post("tasks", title="Call the bus company", owner="border").status_code == 303
    r = post("links", kind="record", object="NOT-A-REFERENCE")
    assert r.status_code == 422 and "There is a problem" in r.text
    page = client.get(page_url).text
    for seen in ("BA-GP", rec["reference"], "Posted from the page.", "Call the bus company"):
        assert seen in page
    assert csrf_from(page)

    # the member sees the workspace; after leaving, the page is gone
    border = client_for(world.engine)
    csrf_b = login(border, "border", world.passwords["border"])
    assert rec["reference"] in border.get(page_url).text
    r = border.post(f"{page_url}/leave", data={"csrf_token": csrf_b})
    assert r.status_code == 303
    assert border.get(page_url).status_code == 404
