"""The inspection worklist: order, visibility (another agency gets 404), recording a
result (audited, opens a seizure link), hit rates, and the upload page."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import polars as pl
from sqlalchemy import select
from support import World, client_for, login
from test_api_screenings import alarm_pistol, books

from kalibar.audit.models import AuditEntry
from kalibar.auth import service as auth
from kalibar.db.session import unit_of_work
from kalibar.demo.targeting.synthetic import generate, write_csv
from kalibar.targeting.fields import COLUMNS
from kalibar.targeting.inspection_models import Inspection
from kalibar.targeting.models import Declaration


def _store(world: World, declarations: list[dict[str, object]], user: str = "officer") -> None:
    with unit_of_work(world.engine) as s:
        raw, _t = auth.create_token(s, username=user)
    client = client_for(world.engine)
    r = client.post(
        "/api/v1/screenings",
        json={"declarations": declarations, "store": True},
        headers={"authorization": f"Bearer {raw}"},
    )
    assert r.status_code == 200, r.text


def _uuid(world: World, declaration_id: str) -> str:
    with world.session() as s:
        return str(
            s.execute(
                select(Declaration.uuid).where(Declaration.declaration_id == declaration_id)
            ).scalar_one()
        )


def test_worklist_puts_red_first_with_reasons_and_instructions(world: World) -> None:
    _store(world, [books("B-1"), alarm_pistol("P-1"), books("B-2")])
    client = client_for(world.engine)
    login(client, "officer", world.passwords["officer"])
    page = client.get("/targeting/worklist?state=all")
    assert page.status_code == 200
    html = page.text
    assert html.index("P-1") < html.index("B-1")
    assert "ALARM-TR-BG-SMALL" in html
    assert "Open the parcel" in html
    # Filters.
    assert "P-1" not in client.get("/targeting/worklist?state=all&lane=green").text
    assert "P-1" not in client.get("/targeting/worklist?state=all&flow=cargo").text
    assert "P-1" in client.get("/targeting/worklist?state=all&office=BA-SA-POST").text


def test_another_agency_sees_nothing_and_gets_404(world: World) -> None:
    _store(world, [alarm_pistol("P-1")])
    uid = _uuid(world, "P-1")
    client = client_for(world.engine)
    csrf = login(client, "border", world.passwords["border"])  # BA-GP, same country
    assert "P-1" not in client.get("/targeting/worklist?state=all").text
    assert client.get(f"/targeting/declarations/{uid}").status_code == 404
    r = client.post(
        f"/targeting/declarations/{uid}/inspection",
        data={"outcome": "firearms", "csrf_token": csrf},
    )
    assert r.status_code == 404
    with world.session() as s:
        assert s.execute(select(Inspection)).first() is None
    assert "P-1" not in client.get("/targeting/hit-rates").text


def test_recording_a_result_is_audited_and_counted(world: World) -> None:
    _store(world, [alarm_pistol("P-1"), books("B-1")])
    uid = _uuid(world, "P-1")
    client = client_for(world.engine)
    csrf = login(client, "officer", world.passwords["officer"])
    r = client.post(
        f"/targeting/declarations/{uid}/inspection",
        data={"outcome": "firearms", "notes": "two converted pistols", "csrf_token": csrf},
    )
    assert r.status_code == 303
    detail = client.get(r.headers["location"])
    assert "Record a seizure" in detail.text
    assert f"/seizures/new?declaration={uid}" in detail.text
    with world.session() as s:
        insp = s.execute(select(Inspection)).scalar_one()
        assert (insp.outcome, insp.inspected_by) == ("firearms", "officer")
        decl = s.get_one(Declaration, insp.declaration_uuid)
        assert (decl.inspected, decl.outcome) == (True, "firearms")
        entries = s.execute(
            select(AuditEntry).where(AuditEntry.object_type == "Inspection")
        ).scalars()
        (entry,) = list(entries)
        assert entry.action == "insert" and entry.actor == "officer"
        assert json.loads(entry.changes)["outcome"] == "firearms"
    # Now it is off the open list, and on the done one.
    assert "P-1" not in client.get("/targeting/worklist").text
    assert "P-1" in client.get("/targeting/worklist?state=done").text
    # Correcting it is an audited update; nothing found offers no seizure.
    r = client.post(
        f"/targeting/declarations/{uid}/inspection",
        data={"outcome": "no_finding", "csrf_token": csrf},
    )
    assert r.status_code == 303
    assert "Record a seizure" not in client.get(r.headers["location"]).text
    with world.session() as s:
        actions = s.execute(
            select(AuditEntry.action).where(AuditEntry.object_type == "Inspection")
        ).scalars()
        assert sorted(actions) == ["insert", "update"]
    # A bad outcome is refused.
    r = client.post(
        f"/targeting/declarations/{uid}/inspection",
        data={"outcome": "treasure", "csrf_token": csrf},
    )
    assert r.status_code == 422


def test_hit_rates_per_rule_and_random_sample(world: World) -> None:
    _store(world, [alarm_pistol("P-1"), alarm_pistol("P-2"), books("B-1")])
    with unit_of_work(world.engine) as s:
        from kalibar.records.cli import cli_actor
        from kalibar.targeting import worklist

        actor = cli_actor(s, "BA-UIO")
        for key, outcome in (("P-1", "firearms"), ("P-2", "no_finding"), ("B-1", "no_finding")):
            worklist.record_inspection(
                s, actor=actor, declaration_uuid=_uuid_in(s, key), outcome=outcome
            )
        rates = worklist.hit_rates(s, actor=actor)
    rule = rates.totals["rule"]["ALARM-TR-BG-SMALL"]
    assert (rule.inspected, rule.positive, rule.hit_rate) == (2, 1, 0.5)
    assert rates.totals["all"]["all"].inspected == 3
    assert "none" in rates.totals["score band"]
    assert len(rates.months) == 1
    client = client_for(world.engine)
    login(client, "officer", world.passwords["officer"])
    page = client.get("/targeting/hit-rates")
    assert page.status_code == 200
    assert "ALARM-TR-BG-SMALL" in page.text and "50.0 %" in page.text
    assert "<svg" in page.text and "style=" not in page.text.split("<main>")[1]


def _uuid_in(s: object, key: str) -> object:
    from sqlalchemy.orm import Session

    assert isinstance(s, Session)
    return s.execute(select(Declaration.uuid).where(Declaration.declaration_id == key)).scalar_one()


def test_upload_page_imports_and_screens(world: World, tmp_path: Path) -> None:
    frame = generate(80, seed=3, history=False)
    path = tmp_path / "decl.csv"
    write_csv(frame, path)
    n = frame["declaration_id"].n_unique()
    client = client_for(world.engine)
    csrf = login(client, "officer", world.passwords["officer"])
    r = client.post(
        "/targeting/import",
        data={"csrf_token": csrf},
        files={"file": ("decl.csv", path.read_bytes(), "text/csv")},
    )
    assert r.status_code == 200, r.text
    assert f"{n} declarations imported" in r.text
    with world.session() as s:
        from kalibar.targeting.inspection_models import Screening

        assert len(s.execute(select(Screening)).all()) == n
    # A bad file: nothing stays.
    rows = pl.read_csv(path, infer_schema=False).to_dicts()
    rows[0]["declaration_id"] = "NEW-1"
    rows[0]["flow"] = "pigeon"
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=[c for c in COLUMNS if c in rows[0]])
    writer.writeheader()
    writer.writerows(rows)
    r = client.post(
        "/targeting/import",
        data={"csrf_token": csrf},
        files={"file": ("bad.csv", buf.getvalue().encode(), "text/csv")},
    )
    assert r.status_code == 422
    assert "pigeon" in r.text
    with world.session() as s:
        assert len(s.execute(select(Declaration)).all()) == n
