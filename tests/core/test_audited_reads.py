"""Issue 18, item 9: reads of nominal data and of what names records are in the audit
trail — a person or entity, a search or suggestion of entities, the SDG 16.4.2 drill-down,
and the history of a record or a seizure."""

from __future__ import annotations

import json
from typing import Any

import pytest
from sqlalchemy import select
from support import World, token_client

from kalibar.audit.models import AuditEntry

PERSON = {"kind": "person", "given_names": "Petar", "family_name": "Petrović",
          "date_of_birth": "1980-05-01", "nationality": "rs"}  # fmt: skip
SEIZURE = {
    "occurred_at": "2026-03-02T08:30:00+01:00", "context": "border_check",
    "place_code": "BA-GRADISKA", "direction": "entry", "detection_method": "xray",
    "items": [{"kind": "firearm", "firearm": {"make": "Zastava", "model": "CZ 99",
                                              "calibre": "9x19", "serial_number": "Z99-771"}}],
    "involvements": [{"role": "driver", "entity": PERSON}],
}  # fmt: skip


pytestmark = pytest.mark.usefixtures("own_data_dir")


def _entries(world: World, username: str, action: str) -> list[dict[str, Any]]:
    with world.session() as s:
        rows = s.execute(
            select(AuditEntry)
            .where(AuditEntry.actor == username, AuditEntry.action == action)
            .order_by(AuditEntry.seq)
        ).scalars()
        return [
            {"type": e.object_type, "id": e.object_id, "details": json.loads(e.changes)}
            for e in rows
        ]


def _new(before: list[dict[str, Any]], after: list[dict[str, Any]]) -> list[dict[str, Any]]:
    assert after[: len(before)] == before
    return after[len(before) :]


def test_reading_and_searching_persons_is_audited(world: World) -> None:
    border, officer = token_client(world.engine, "border"), token_client(world.engine, "officer")
    s = border.post("/api/v1/seizures", json=SEIZURE)
    assert s.status_code == 201, s.text
    entity_id = s.json()["involvements"][0]["entity"]["entity_id"]

    reads = _entries(world, "officer", "read")
    assert officer.get(f"/api/v1/seizures/entities/{entity_id}").status_code == 200
    assert _new(reads, _entries(world, "officer", "read")) == [
        {"type": "Entity", "id": entity_id, "details": {}}
    ]

    searches = _entries(world, "officer", "search")
    found = officer.get("/api/v1/seizures/entities", params={"q": "петровић"})
    assert [e["entity_id"] for e in found.json()] == [entity_id]
    [search] = _new(searches, _entries(world, "officer", "search"))
    assert search["type"] == "Entity" and search["details"]["q"] == "петровић"
    assert search["details"]["ids"] == [entity_id] and search["details"]["found"] == 1

    searches = _entries(world, "officer", "search")
    suggested = officer.get(
        "/api/v1/seizures/entities/suggest",
        params={
            "kind": "person",
            "given_names": "Petar",
            "family_name": "Petrovic",
            "date_of_birth": "1980-05-01",
        },
    )
    assert suggested.status_code == 200 and suggested.json()  # fmt: skip
    [suggestion] = _new(searches, _entries(world, "officer", "search"))
    assert suggestion["details"]["suggest"] == "person"
    assert entity_id in suggestion["details"]["ids"]


def test_history_and_the_sdg_drill_down_are_audited_reads(world: World) -> None:
    border = token_client(world.engine, "border")
    s = border.post("/api/v1/seizures", json=SEIZURE | {"involvements": []}).json()
    record_id, seizure_id = s["items"][0]["record_id"], s["seizure_id"]

    reads = _entries(world, "border", "read")
    assert border.get(f"/api/v1/records/{record_id}/history").status_code == 200
    assert border.get(f"/api/v1/seizures/{seizure_id}/history").status_code == 200
    assert _new(reads, _entries(world, "border", "read")) == [
        {"type": "FirearmRecord", "id": record_id, "details": {"part": "history"}},
        {"type": "Seizure", "id": seizure_id, "details": {"part": "history"}},
    ]

    reads = _entries(world, "border", "read")
    drill = border.get("/api/v1/indicators/sdg-16-4-2/records",
                       params={"from": "2026-01-01", "to": "2026-12-31"})  # fmt: skip
    assert drill.status_code == 200, drill.text
    assert [r["record_id"] for r in drill.json()] == [record_id]
    [entry] = _new(reads, _entries(world, "border", "read"))
    assert entry["type"] == "SDG 16.4.2" and entry["id"] == "2026-01-01/2026-12-31"
    assert entry["details"]["records"] == 1
