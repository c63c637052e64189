"""Issue 18, item 7: the audit trail shows an agency's administrator the entries about
objects its agency may see; others are listed without their object and fields. The
platform-wide ``auditor`` reads everything."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from support import World, client_for, login, token_client

from kalibar.auth import service as auth
from kalibar.db.session import unit_of_work

SECRET_SERIAL = "RSX-445566"
SEIZURE: dict[str, Any] = {
    "occurred_at": "2026-03-02T08:30:00+01:00", "context": "border_check",
    "place_code": "BA-GRADISKA", "direction": "entry", "detection_method": "xray",
    "narrative": "Hidden narrative of Serbian customs", "distribution": "agency",
    "items": [{"kind": "firearm", "firearm": {"make": "Zastava", "model": "CZ 99",
                                              "calibre": "9x19", "serial_number": "RSZ-1"}}],
}  # fmt: skip


pytestmark = pytest.mark.usefixtures("own_data_dir")


def _audit(client: Any, **params: Any) -> list[dict[str, Any]]:
    r = client.get("/api/v1/audit", params={"limit": 1000} | params)
    assert r.status_code == 200, r.text
    return list(r.json())


def _about(rows: list[dict[str, Any]], object_id: str) -> list[dict[str, Any]]:
    return [r for r in rows if r["object_id"] == object_id]


def test_an_admin_sees_in_full_only_what_its_agency_may_see(world: World) -> None:
    serbia, border = token_client(world.engine, "rs.officer"), token_client(world.engine, "border")
    hidden = serbia.post("/api/v1/records", json={"status": "stolen", "make": "Zastava",
                                                  "serial_number": SECRET_SERIAL})  # fmt: skip
    assert hidden.status_code == 201, hidden.text
    hidden_id = hidden.json()["record_id"]
    seizure = serbia.post("/api/v1/seizures", json=SEIZURE)
    assert seizure.status_code == 201, seizure.text
    item_id = seizure.json()["items"][0]["item_id"]
    shown = border.post("/api/v1/records", json={"status": "stolen", "make": "Zastava",
                                                 "serial_number": "GP-1"}).json()  # fmt: skip

    admin = token_client(world.engine, "admin")  # BA-UIO
    assert admin.get(f"/api/v1/records/{hidden_id}").status_code == 404
    rows = _audit(admin)
    text = str(rows)
    assert SECRET_SERIAL not in text and "Hidden narrative" not in text and "RSZ-1" not in text
    assert hidden_id not in text and item_id not in text
    redacted = [r for r in rows if r["redacted"]]
    assert redacted and all(r["changes"] == {} and r["object_id"] == "" for r in redacted)
    assert {"FirearmRecord", "Seizure", "SeizedItem"} <= {r["object_type"] for r in redacted}
    assert all(r["agency"] for r in redacted)  # who and when stay: the sequence is complete
    [insert] = [r for r in _about(rows, shown["record_id"]) if r["action"] == "insert"]
    assert insert["changes"]["serial_number"] == "GP-1" and not insert["redacted"]
    # asking for the hidden object by id confirms nothing
    assert _audit(admin, object_id=hidden_id) == []
    assert _audit(admin, object_id=item_id) == []
    # platform objects (users, agencies) stay in full for administrators
    assert any(r["object_type"] == "Agency" and r["changes"] for r in rows)

    web = client_for(world.engine)
    login(web, "admin", world.passwords["admin"])
    page = web.get("/admin/audit", params={"object_type": "FirearmRecord"})
    assert page.status_code == 200
    assert SECRET_SERIAL not in page.text and "GP-1" in page.text
    assert "Withheld: your agency may not see this object." in page.text


def test_the_auditor_reads_the_whole_trail_and_nothing_more(world: World) -> None:
    serbia = token_client(world.engine, "rs.officer")
    wanted = {"status": "stolen", "make": "Zastava", "serial_number": SECRET_SERIAL}
    hidden = serbia.post("/api/v1/records", json=wanted).json()
    with unit_of_work(world.engine) as s:
        auth.create_user(s, actor=None, username="inspector", password="Audit-trail-2026!",
                         agency_code="BA-MS", roles=["auditor"])  # fmt: skip
    auditor = token_client(world.engine, "inspector")
    rows = _audit(auditor, object_id=hidden["record_id"])
    assert rows and not any(r["redacted"] for r in rows)
    assert any(r["changes"].get("serial_number") == SECRET_SERIAL for r in rows)
    # the role reads the trail only: the record itself stays hidden, nothing is editable
    assert auditor.get(f"/api/v1/records/{hidden['record_id']}").status_code == 404
    assert auditor.get("/api/v1/users").status_code == 403
    assert token_client(world.engine, "officer").get("/api/v1/audit").status_code == 403
    web = client_for(world.engine)
    login(web, "inspector", "Audit-trail-2026!")
    assert "/admin/audit" in web.get("/").text
    assert web.get("/admin/audit").status_code == 200


def test_a_records_history_names_no_other_record_of_its_import(
    world: World, tmp_path: Path
) -> None:
    """One import chunk names every record it created; a record's history shows the
    import, naming that record only (the others may be hidden from the reader)."""
    from sqlalchemy import select

    from kalibar.cli_support import operator_actor
    from kalibar.records.io_import import import_records
    from kalibar.records.models import FirearmRecord

    path = tmp_path / "two.csv"
    path.write_text(
        "status,make,serial_number,reporting_agency\n"
        "stolen,Zastava,GP-77,BA-GP\n"
        f"stolen,Zastava,{SECRET_SERIAL},RS-UC\n",
        encoding="utf-8",
    )
    with unit_of_work(world.engine) as s:
        operator = operator_actor(s, None)
        s.info["actor"] = operator
        import_records(s, actor=operator, source=path, filename="two.csv", parallel=False)
    with world.session() as s:
        ids = dict(s.execute(select(FirearmRecord.serial_number, FirearmRecord.uuid)).all())
    mine, hidden = str(ids["GP-77"]), str(ids[SECRET_SERIAL])
    border = token_client(world.engine, "border")
    history = border.get(f"/api/v1/records/{mine}/history")
    assert history.status_code == 200, history.text
    [entry] = [e for e in history.json() if e["action"] == "import"]
    assert entry["changes"]["records"] == [mine] and hidden not in history.text
    web = client_for(world.engine)
    login(web, "border", world.passwords["border"])
    page = web.get(f"/records/{mine}")
    assert page.status_code == 200 and hidden not in page.text
