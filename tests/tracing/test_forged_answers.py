"""Issue 18, item 1: a trace answer imported as a file changes only a record the importer
owns, and only for a request this instance sent to a recipient that does not work here."""

from __future__ import annotations

import json
import uuid
from typing import Any

from sqlalchemy import select
from support import World
from tracing_support import CONTENT, api, seized_record, sent_trace

from kalibar.agencies.models import Agency
from kalibar.db.session import unit_of_work
from kalibar.records.models import FirearmRecord


def _answer(trace_id: str, sender: str, recipient: str, result: str = "traced") -> dict[str, Any]:
    country = sender.split("-", 1)[0]
    return {
        "schema": "kalibar.trace-answer", "schema_version": 1, "request_id": trace_id,
        "sender": {"instance": country, "country": country, "agency": sender},
        "recipient": {"instance": "BA", "country": "BA", "agency": recipient},
        "answered_at": "2026-03-20T10:00:00+00:00", "answered_by": "forged",
        "answer": {"result": result, "diversion_holder": "Nobody", "diversion_country": country,
                   "diversion_how": "made up"},
    }  # fmt: skip


def _import(client: Any, doc: dict[str, Any]) -> Any:
    return client.post("/api/v1/traces/import", content=json.dumps(doc),
                       headers={"Content-Type": "application/json"})  # fmt: skip


def _origin(world: World, record_id: str) -> tuple[bool, str | None, str]:
    with world.session() as s:
        record = s.get(FirearmRecord, uuid.UUID(record_id))
        assert record is not None
        return record.origin_established, record.origin_source, record.origin_note


def test_the_reproduction_border_cannot_establish_another_agencys_origin(world: World) -> None:
    """As ``border`` (BA-GP) on BA-UIO's seized record: no trace, no forged answer."""
    officer, border = api(world, "officer"), api(world, "border")
    rec = seized_record(officer)
    assert border.get(f"/api/v1/records/{rec['record_id']}").status_code == 200  # visible
    body = {"record_id": rec["record_id"], "recipients": ["RS-UC"]} | CONTENT
    created = border.post("/api/v1/traces", json=body)
    assert created.status_code == 403, created.text
    assert created.json()["error"]["code"] == "forbidden"
    # the same answer as PATCH /records/{id} gives this user
    patched = border.patch(f"/api/v1/records/{rec['record_id']}", json={"notes": "x"})
    assert patched.status_code == 403
    # the page to start one is refused as well
    assert border.get(f"/traces/new?record_id={rec['record_id']}").status_code == 403
    assert _origin(world, rec["record_id"]) == (False, None, "")


def test_an_answer_from_an_agency_working_here_is_refused_as_a_file(world: World) -> None:
    """RS-UC has users on this instance: it answers in Kalibar, never by file."""
    officer = api(world, "officer")
    rec = seized_record(officer)
    sent = sent_trace(officer, rec["record_id"], to="RS-UC")
    r = _import(officer, _answer(sent["trace_id"], "RS-UC", "BA-UIO"))
    assert r.status_code == 422, r.text
    assert "answers in Kalibar itself" in r.json()["error"]["message"]
    assert r.json()["error"]["details"][0]["field"] == "sender.agency"
    assert officer.get(f"/api/v1/traces/{sent['trace_id']}").json()["status"] == "sent"
    # an agency of this instance's country is refused the same way (no users needed)
    local = sent_trace(officer, rec["record_id"], to="BA-TBIH")
    r = _import(officer, _answer(local["trace_id"], "BA-TBIH", "BA-UIO"))
    assert r.status_code == 422 and "BA-TBIH works on this instance" in r.text
    assert _origin(world, rec["record_id"]) == (False, None, "")


def test_the_owner_imports_the_answer_of_a_partner_without_kalibar(world: World) -> None:
    officer = api(world, "officer")
    rec = seized_record(officer)
    sent = sent_trace(officer, rec["record_id"], to="RS-MUP")  # no users here, another country
    r = _import(officer, _answer(sent["trace_id"], "RS-MUP", "BA-UIO"))
    assert r.status_code == 201, r.text
    established, source, note = _origin(world, rec["record_id"])
    assert established and source == "tracing" and "RS-MUP" in note


def _move_record(world: World, record_id: str, to: str) -> None:
    with unit_of_work(world.engine) as s:
        agency = s.execute(select(Agency).where(Agency.code == to)).scalar_one()
        record = s.get(FirearmRecord, uuid.UUID(record_id))
        assert record is not None
        record.owner_agency_id = agency.id


def test_an_answer_never_changes_a_record_the_requester_no_longer_owns(world: World) -> None:
    officer = api(world, "officer")
    rec = seized_record(officer)
    by_file = sent_trace(officer, rec["record_id"], to="RS-MUP")
    in_app = sent_trace(officer, rec["record_id"], to="RS-UC")
    _move_record(world, rec["record_id"], "BA-GP")  # e.g. the seizure was handed over

    r = _import(officer, _answer(by_file["trace_id"], "RS-MUP", "BA-UIO"))
    assert r.status_code == 403, r.text
    assert officer.get(f"/api/v1/traces/{by_file['trace_id']}").json()["status"] == "sent"

    rs = api(world, "rs.officer")
    answered = rs.post(f"/api/v1/traces/{in_app['trace_id']}/answer", json={
        "result": "traced", "diversion_holder": "Club", "diversion_country": "RS",
        "diversion_how": "theft"})  # fmt: skip
    assert answered.status_code == 200, answered.text
    assert answered.json()["status"] == "answered"
    assert _origin(world, rec["record_id"]) == (False, None, "")


def test_an_imported_request_is_answered_here_not_by_importing_an_answer(world: World) -> None:
    fp = api(world, "focalpoint")
    request_doc = {
        "schema": "kalibar.trace-request", "schema_version": 1,
        "request_id": str(uuid.uuid4()), "reference": "TR-CU-2026-000001",
        "sender": {"instance": "HR", "country": "HR", "agency": "HR-MUP"},
        "recipient": {"instance": "BA", "country": "BA", "agency": "BA-MS"},
        "priority": "routine", "legal_basis": "art. 1", "circumstances": "found",
        "intended_use": "investigation", "firearm": {"make": "Zastava", "serial_number": "1"},
    }  # fmt: skip
    r = _import(fp, request_doc)
    assert r.status_code == 201, r.text
    forged = _answer(request_doc["request_id"], "HR-MUP", "BA-MS")
    r = _import(fp, forged)
    assert r.status_code == 422 and "No request" in r.json()["error"]["message"]
