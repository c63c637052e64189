"""Helpers shared by the tracing tests."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient
from support import World, client_for

from kalibar.auth import service as auth
from kalibar.db.session import unit_of_work

SEIZED_M70: dict[str, Any] = {
    "status": "seized",
    "make": "Zastava",
    "model": "M70 AB2",
    "calibre": "7.62x39",
    "serial_number": "TR 445566",
    "other_markings": "proof mark ZCZ, assembly number 5566 on bolt",
    "event_date": "2025-04-02",
    "event_place": "Gradiška border crossing",
    "import_marking": "",
}

CONTENT: dict[str, Any] = {
    "legal_basis": "Criminal Code of BiH art. 193a (illicit trafficking); seizure order 12/25",
    "circumstances": "Found hidden in the spare tyre of a car entering from Croatia",
    "intended_use": "Criminal investigation and prosecution, case T-12/25",
    "photo_references": "Photos 1–4 of the receiver markings, case file T-12/25",
}


def api(world: World, username: str) -> TestClient:
    with unit_of_work(world.engine) as s:
        raw, _t = auth.create_token(s, username=username)
    client = client_for(world.engine)
    client.headers["Authorization"] = f"Bearer {raw}"
    return client


def seized_record(client: TestClient, **extra: Any) -> dict[str, Any]:
    r = client.post("/api/v1/records", json=SEIZED_M70 | extra)
    assert r.status_code == 201, r.text
    return dict(r.json())


def draft(
    client: TestClient, record_id: str, recipients: list[str], **extra: Any
) -> dict[str, Any]:
    body = {"record_id": record_id, "recipients": recipients} | CONTENT | extra
    r = client.post("/api/v1/traces", json=body)
    assert r.status_code == 201, r.text
    return dict(r.json()["items"][0])


def sent_trace(client: TestClient, record_id: str, to: str = "RS-UC", **extra: Any) -> dict:
    t = draft(client, record_id, [to], **extra)
    r = client.post(f"/api/v1/traces/{t['trace_id']}/send")
    assert r.status_code == 200, r.text
    return dict(r.json())
