"""Tracing pages without a browser: start from a record, refusals shown on the form."""

from __future__ import annotations

import json

from support import World, client_for, login
from tracing_support import CONTENT, api, seized_record


def test_form_prefills_suggests_and_names_missing_fields(world: World) -> None:
    rec = seized_record(api(world, "officer"), import_marking="MNE 2012")
    web = client_for(world.engine)
    csrf = login(web, "officer", world.passwords["officer"])
    detail = web.get(f"/records/{rec['record_id']}")
    assert f"/traces/new?record_id={rec['record_id']}" in detail.text
    panel = web.get(f"/traces/record/{rec['record_id']}/panel")
    assert "Illicit origin not established yet." in panel.text
    form = web.get(f"/traces/new?record_id={rec['record_id']}")
    assert form.status_code == 200
    # pre-ticked: the Serbian agency whose people use Kalibar (RS-UC), not one without users
    assert 'value="RS-UC" checked' in form.text and 'value="RS-MUP" checked' not in form.text
    assert 'value="RS-MUP"' in form.text and 'value="ME-UPC"' in form.text
    assert "TR 445566" in form.text and "proof mark ZCZ" in form.text
    data = {"csrf_token": csrf, "record_id": rec["record_id"], "recipients": ["RS-UC"],
            "priority": "urgent", "action": "send", "make": "Zastava", "model": "M70 AB2",
            "calibre": "7.62x39", "serial_number": "TR 445566", "weapon_type": "assault_rifle",
            "country_of_manufacture": "RS", "event_place": "Gradiška",
            "markings": "ZCZ", "confidentiality": "LE only"}  # fmt: skip
    refused = web.post("/traces/new", data=data)
    assert refused.status_code == 422
    assert "legal_basis" in refused.text and "urgency_justification" in refused.text
    assert "No trace requests." in web.get("/traces?queue=outgoing").text  # nothing saved
    ok = web.post("/traces/new", data=data | CONTENT | {"urgency_justification": "48 h"})
    assert ok.status_code == 303, ok.text
    page = web.get(ok.headers["location"])
    assert "sent" in page.text and "TR-UIO-" in page.text
    assert "RS-UC" in web.get("/traces?queue=outgoing").text


def test_answer_form_errors_and_import_page(world: World) -> None:
    officer = api(world, "officer")
    rec = seized_record(officer)
    t = officer.post("/api/v1/traces", json={"record_id": rec["record_id"],
                     "recipients": ["RS-UC"]} | CONTENT).json()["items"][0]  # fmt: skip
    assert officer.post(f"/api/v1/traces/{t['trace_id']}/send").status_code == 200
    web = client_for(world.engine)
    csrf = login(web, "rs.officer", world.passwords["rs.officer"])
    assert t["reference"] in web.get("/traces").text
    r = web.post(f"/traces/{t['trace_id']}/answer", data={"csrf_token": csrf, "result": "traced"})
    assert r.status_code == 422 and "diversion_holder" in r.text
    r = web.post(f"/traces/{t['trace_id']}/messages", data={"csrf_token": csrf, "body": "Hvala"})
    assert r.status_code == 303
    assert "Hvala" in web.get(f"/traces/{t['trace_id']}").text
    bad = web.post("/traces/import", data={"csrf_token": csrf},
                   files={"file": ("x.json", b"{oops", "application/json")})  # fmt: skip
    assert bad.status_code == 422 and "not valid JSON" in bad.text
    doc = officer.get(f"/api/v1/traces/{t['trace_id']}/export").json()
    upload = {"file": ("x.json", json.dumps(doc).encode(), "application/json")}
    wrong = web.post("/traces/import", data={"csrf_token": csrf}, files=upload)
    assert wrong.status_code == 409  # it is already here
    # others: 404 page
    other = client_for(world.engine)
    login(other, "hr.officer", world.passwords["hr.officer"])
    assert other.get(f"/traces/{t['trace_id']}").status_code == 404
