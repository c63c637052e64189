"""Issue 18: every state change of an owned object goes through one ownership rule
(``sharing.visibility.require_owner``) — no role overrides it. BA-UIO's administrator sees
BA-GP's national seizure, its record and its steps, and may change none of them, by any
route: API, page, or a file import."""

from __future__ import annotations

import csv
import io
import uuid
from typing import Any

import pytest
from sqlalchemy import select
from support import World, token_client

from kalibar.audit.models import AuditEntry
from kalibar.records.models import FirearmRecord

SEIZURE: dict[str, Any] = {
    "occurred_at": "2026-03-02T08:30:00+01:00", "context": "border_check",
    "place_code": "BA-GRADISKA", "direction": "entry", "detection_method": "xray",
    "items": [{"kind": "firearm", "firearm": {"make": "Zastava", "model": "CZ 99",
                                              "calibre": "9x19", "serial_number": "Z99-771"}},
              {"kind": "ammunition", "calibre": "9x19", "quantity": 50}],
    "involvements": [{"role": "driver", "entity": {"kind": "person", "given_names": "Petar",
                                                   "family_name": "Petrović"}}],
}  # fmt: skip


pytestmark = pytest.mark.usefixtures("own_data_dir")


def _changes(world: World) -> int:
    """Audit entries that change data (inserts, updates, deletes), whoever made them."""
    with world.session() as s:
        rows = s.execute(
            select(AuditEntry.seq).where(AuditEntry.action.in_(["insert", "update", "delete"]))
        ).all()
        return len(rows)


def test_no_role_changes_another_agencys_objects(world: World) -> None:
    border, admin = token_client(world.engine, "border"), token_client(world.engine, "admin")
    s = border.post("/api/v1/seizures", json=SEIZURE)
    assert s.status_code == 201, s.text
    seizure = s.json()
    sid, record_id = seizure["seizure_id"], seizure["items"][0]["record_id"]
    item_id = seizure["items"][1]["item_id"]
    step_id = next(st["step_id"] for st in seizure["steps"] if st["status"] == "open")
    involvement_id = seizure["involvements"][0]["involvement_id"]
    assert admin.get(f"/api/v1/seizures/{sid}").status_code == 200  # visible: national
    assert admin.get(f"/api/v1/records/{record_id}").status_code == 200

    before = _changes(world)
    attempts: list[tuple[str, str, dict[str, Any]]] = [
        ("patch", f"/api/v1/records/{record_id}", {"json": {"notes": "x"}}),
        ("delete", f"/api/v1/records/{record_id}", {}),
        ("post", f"/api/v1/records/{record_id}/origin",
         {"json": {"established": True, "note": "because"}}),
        ("patch", f"/api/v1/seizures/{sid}", {"json": {"narrative": "x"}}),
        ("post", f"/api/v1/seizures/{sid}/items", {"json": {"kind": "part",
                                                            "part_kind": "slide"}}),
        ("delete", f"/api/v1/seizures/items/{item_id}", {}),
        ("post", f"/api/v1/seizures/{sid}/involvements",
         {"json": {"role": "passenger", "entity": {"kind": "person", "given_names": "Ana",
                                                   "family_name": "Anić"}}}),
        ("delete", f"/api/v1/seizures/involvements/{involvement_id}", {}),
        ("post", f"/api/v1/seizures/steps/{step_id}/complete", {"json": {}}),
        ("post", f"/api/v1/seizures/steps/{step_id}/waive", {"json": {"reason": "admin"}}),
        ("post", f"/api/v1/seizures/items/{item_id}/custody",
         {"json": {"action": "sealed", "seal_number": "S-1"}}),
        ("post", f"/api/v1/seizures/{sid}/handover", {"json": {"to_agency": "BA-SIPA"}}),
        ("post", f"/api/v1/seizures/{sid}/close", {}),
        ("delete", f"/api/v1/seizures/{sid}", {}),
        ("post", "/api/v1/traces", {"json": {"record_id": record_id, "recipients": ["RS-UC"]}}),
    ]  # fmt: skip
    for method, url, kwargs in attempts:
        r = getattr(admin, method)(url, **kwargs)
        assert r.status_code == 403, (method, url, r.status_code, r.text)
    assert _changes(world) == before


def _csv(rows: list[dict[str, str]]) -> bytes:
    buf = io.StringIO()
    w = csv.DictWriter(buf, fieldnames=list(rows[0]))
    w.writeheader()
    w.writerows(rows)
    return buf.getvalue().encode()


def test_an_import_by_a_person_never_writes_for_another_agency(world: World) -> None:
    """An administrator's upload is an import of its own agency, like anybody's; only the
    console operator loads files for other agencies."""
    border, admin = token_client(world.engine, "border"), token_client(world.engine, "admin")
    theirs = border.post("/api/v1/records", json={"status": "stolen", "make": "Zastava",
                                                  "serial_number": "G-1"}).json()  # fmt: skip
    for_them = admin.post("/api/v1/records/import",
                          files={"file": ("r.csv", _csv([{"status": "stolen", "make": "CZ",
                                                          "serial_number": "N-1"}]),
                                          "text/csv")},
                          data={"agency": "BA-GP"})  # fmt: skip
    assert for_them.status_code == 403, for_them.text
    rewrite = _csv(
        [
            {
                "record_id": theirs["record_id"],
                "status": "stolen",
                "make": "Zastava",
                "serial_number": "G-2",
                "reporting_agency": "BA-GP",
            }
        ]
    )
    r = admin.post("/api/v1/records/import", files={"file": ("r.csv", rewrite, "text/csv")},
                   data={"partial": "true"})  # fmt: skip
    assert r.status_code in (200, 403, 422), r.text
    with world.session() as s:
        record = s.get(FirearmRecord, uuid.UUID(theirs["record_id"]))
        assert record is not None and record.serial_number == "G-1"
        owners = set(s.execute(select(FirearmRecord.owner_agency_id)).scalars())
    assert len(owners) == 1  # nothing new: the row was refused, not added as a new record
