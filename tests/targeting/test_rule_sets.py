"""Rule sets kept in the database: validated on save (rule id and position), back-tested on
a history file, activated per agency (screening switches to them); the consignee features
(first-time consignee, consignee seen in a seizure); the admin page."""

from __future__ import annotations

import csv
import io
import json

import polars as pl
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session
from support import World, client_for, csrf_from, login

from kalibar.agencies.models import Agency
from kalibar.audit.models import AuditEntry
from kalibar.auth import service as auth
from kalibar.auth.actor import Actor
from kalibar.db.session import unit_of_work
from kalibar.reference.script import search_key
from kalibar.targeting import rules_store
from kalibar.targeting.consignees import known_consignee_keys, seizure_consignee_keys
from kalibar.targeting.features import consignee_features
from kalibar.targeting.fields import HISTORY_COLUMNS
from kalibar.targeting.inspection_models import Inspection
from kalibar.targeting.models import Declaration
from kalibar.targeting.rules import load_rules

GOOD = """rules:
  - id: CH93
    lane: red
    weight: 40
    rationale: chapter 93
    instructions: open it
    when:
      hs_ch93: true
  - id: POSTAL-NEW
    lane: yellow
    weight: 10
    rationale: a first parcel to this consignee
    instructions: check the consignee
    when:
      flow: postal
      first_time_consignee: true
"""

BAD = """rules:
  - id: OK-1
    lane: red
    weight: 10
    rationale: r
    instructions: i
    when: {hs_ch93: true}
  - id: BROKEN-2
    lane: red
    weight: 10
    rationale: r
    instructions: i
    when:
      no_such_field: 3
"""


def _api(world: World, user: str = "admin") -> tuple[TestClient, dict[str, str]]:
    with unit_of_work(world.engine) as s:
        raw, _t = auth.create_token(s, username=user)
    return client_for(world.engine), {"authorization": f"Bearer {raw}"}


def _history_csv() -> bytes:
    """Four declarations: two chapter 93 (both inspected, one found parts), a postal book
    parcel (first for its consignee, inspected, nothing), a second to the same consignee."""
    rows = [
        ("H-1", "postal", "2025-01-01", "pistol grip", "9305.10", "Ana Anić", "1", "parts"),
        (
            "H-2",
            "cargo",
            "2025-01-02",
            "revolver parts",
            "9305.10",
            "Firma d.o.o.",
            "1",
            "no_finding",
        ),
        ("H-3", "postal", "2025-01-03", "books", "4901", "Petar Petrović", "1", "no_finding"),
        ("H-4", "postal", "2025-01-04", "books", "4901", "Petar Petrovic", "0", ""),
    ]
    buf = io.StringIO()
    w = csv.DictWriter(buf, fieldnames=list(HISTORY_COLUMNS))
    w.writeheader()
    for did, flow, day, desc, hs, name, insp, outcome in rows:
        row = dict.fromkeys(HISTORY_COLUMNS, "")
        row.update(
            declaration_id=did,
            flow=flow,
            lodged_at=day + "T10:00:00Z",
            office="BA-SA-POST",
            declared_description=desc,
            hs_code=hs,
            quantity="1",
            gross_weight_kg="1",
            declared_value="10",
            currency="EUR",
            consignee_name=name,
            consignee_country="BA",
            inspected=insp,
            outcome=outcome,
        )
        w.writerow(row)
    return buf.getvalue().encode("utf-8")


def test_save_with_a_dsl_error_names_the_rule_and_position(world: World) -> None:
    client, headers = _api(world)
    r = client.post("/api/v1/targeting/rules", json={"yaml": BAD}, headers=headers)
    assert r.status_code == 422, r.text
    details = r.json()["error"]["details"]
    assert details[0] == {
        "rule": "BROKEN-2",
        "line": 14,
        "column": 7,
        "reason": "unknown field 'no_such_field'",
    }
    assert {d["rule"] for d in details} == {"BROKEN-2"}
    with world.session() as s:
        assert rules_store.latest_set(s, _agency_id(world, "BA-UIO")) is None
    r = client.post("/api/v1/targeting/rules", json={"yaml": GOOD}, headers=headers)
    assert r.status_code == 201, r.text
    assert r.json()["version"] == 1 and r.json()["rule_count"] == 2
    assert r.json()["active"] is False


def test_backtest_on_a_known_history_gives_the_known_counts(world: World) -> None:
    client, headers = _api(world)
    r = client.post(
        "/api/v1/targeting/rules/backtest",
        files={"file": ("history.csv", _history_csv(), "text/csv")},
        data={"yaml": GOOD},
        headers=headers,
    )
    assert r.status_code == 200, r.text
    body = r.json()
    assert (body["declarations"], body["inspected"], body["positive"]) == (4, 3, 1)
    rules = {x["rule"]: x for x in body["rules"]}
    assert (rules["CH93"]["hits"], rules["CH93"]["inspected"], rules["CH93"]["positive"]) == (
        2,
        2,
        1,
    )
    assert rules["CH93"]["hit_rate"] == 0.5
    # H-1 and H-3 are first parcels to their consignees; H-4 is Petrović again.
    assert (rules["POSTAL-NEW"]["hits"], rules["POSTAL-NEW"]["inspected"]) == (2, 2)
    assert rules["POSTAL-NEW"]["positive"] == 1


def _agency_id(world: World, code: str) -> int:
    with world.session() as s:
        return s.execute(select(Agency.id).where(Agency.code == code)).scalar_one()


def test_activation_switches_the_rules_screening_uses(world: World) -> None:
    client, headers = _api(world)
    uio, gp = _agency_id(world, "BA-UIO"), _agency_id(world, "BA-GP")
    starter = [r.id for r in load_rules()]
    with world.session() as s:
        assert [r.id for r in rules_store.rules_for_agency(s, uio)] == starter
    assert client.get("/api/v1/targeting/rules", headers=headers).json()["source"] == "starter"
    assert (
        client.post("/api/v1/targeting/rules", json={"yaml": GOOD}, headers=headers).status_code
        == 201
    )
    with world.session() as s:  # saved, not active: still the starter rules
        assert [r.id for r in rules_store.rules_for_agency(s, uio)] == starter
    r = client.post("/api/v1/targeting/rules/activate", json={"version": 1}, headers=headers)
    assert r.status_code == 200, r.text
    with world.session() as s:
        assert [r.id for r in rules_store.rules_for_agency(s, uio)] == ["CH93", "POSTAL-NEW"]
        assert [r.id for r in rules_store.rules_for_agency(s, gp)] == starter
        trail = s.execute(
            select(AuditEntry.action, AuditEntry.actor).where(AuditEntry.object_type == "RuleSet")
        ).all()
        assert ("insert", "admin") in trail and ("update", "admin") in trail
    got = client.get("/api/v1/targeting/rules", headers=headers).json()
    assert (got["source"], got["version"], got["active"]) == ("database", 1, True)
    # A second version activated replaces the first: one active set per agency.
    second = GOOD.replace("id: CH93", "id: CH93-V2")
    client.post("/api/v1/targeting/rules", json={"yaml": second}, headers=headers)
    client.post("/api/v1/targeting/rules/activate", json={"version": 2}, headers=headers)
    with world.session() as s:
        assert rules_store.rules_for_agency(s, uio)[0].id == "CH93-V2"
        assert len([v for v in rules_store.versions(s, actor=_admin(s)) if v.active]) == 1
    assert (
        client.post(
            "/api/v1/targeting/rules/activate", json={"version": 9}, headers=headers
        ).status_code
        == 404
    )


def test_activation_is_audited_for_the_set_switched_on_and_the_one_switched_off(
    world: World,
) -> None:
    """Activating a version switches the previous one off through the ORM, so the audit
    trail holds both changes (by the activating admin), not only the one switched on."""
    client, headers = _api(world)
    for text in (GOOD, GOOD.replace("id: CH93", "id: CH93-V2")):
        assert client.post("/api/v1/targeting/rules", json={"yaml": text}, headers=headers)
    for version in (1, 2):
        r = client.post(
            "/api/v1/targeting/rules/activate", json={"version": version}, headers=headers
        )
        assert r.status_code == 200, r.text
    with world.session() as s:
        first, second = sorted(rules_store.versions(s, actor=_admin(s)), key=lambda v: v.version)
        assert (first.active, second.active) == (False, True)
        trail = s.execute(
            select(AuditEntry.object_id, AuditEntry.changes, AuditEntry.actor)
            .where(AuditEntry.object_type == "RuleSet", AuditEntry.action == "update")
            .order_by(AuditEntry.seq)
        ).all()
    switched = [(oid, json.loads(changes).get("active"), who) for oid, changes, who in trail]
    assert (str(first.uuid), [False, True], "admin") in switched
    assert (str(second.uuid), [False, True], "admin") in switched
    assert (str(first.uuid), [True, False], "admin") in switched  # bypassed the hook before


def _admin(s: Session) -> Actor:
    return auth.actor_for(s, auth.get_user(s, username="admin"))


def test_non_admin_gets_403_on_api_and_page(world: World) -> None:
    client, headers = _api(world, "officer")
    assert client.get("/api/v1/targeting/rules", headers=headers).status_code == 403
    assert (
        client.post("/api/v1/targeting/rules", json={"yaml": GOOD}, headers=headers).status_code
        == 403
    )
    web = client_for(world.engine)
    login(web, "officer", world.passwords["officer"])
    assert web.get("/targeting/rules").status_code == 403


def test_admin_page_saves_shows_errors_backtests_and_activates(world: World) -> None:
    web = client_for(world.engine)
    login(web, "admin", world.passwords["admin"])
    page = web.get("/targeting/rules")
    assert page.status_code == 200
    assert "ALARM-TR-BG-SMALL" in page.text  # the editor opens with the starter rules
    csrf = csrf_from(page.text)
    bad = web.post("/targeting/rules", data={"yaml": BAD, "csrf_token": csrf})
    assert bad.status_code == 422
    assert "BROKEN-2" in bad.text and "no_such_field" in bad.text
    assert '<td class="num">14</td><td class="num">7</td>' in bad.text
    ok = web.post("/targeting/rules", data={"yaml": GOOD, "csrf_token": csrf})
    assert ok.status_code == 303
    shown = web.get(ok.headers["location"])
    assert "POSTAL-NEW" in shown.text and 'data-version="1"' in shown.text
    bt = web.post(
        "/targeting/rules/backtest",
        data={"yaml": GOOD, "csrf_token": csrf},
        files={"file": ("history.csv", _history_csv(), "text/csv")},
    )
    assert bt.status_code == 200, bt.text
    assert 'data-rule="CH93"' in bt.text and "50.0 %" in bt.text
    act = web.post("/targeting/rules/activate", data={"version": "1", "csrf_token": csrf})
    assert act.status_code == 303
    with world.session() as s:
        ids = [r.id for r in rules_store.rules_for_agency(s, _agency_id(world, "BA-UIO"))]
    assert ids == ["CH93", "POSTAL-NEW"]


def test_consignee_features_on_a_tiny_frame() -> None:
    df = pl.DataFrame(
        {
            "declaration_id": ["A", "A", "B", "C", "D", "E", "F"],
            "lodged_at": [
                "2025-01-02",
                "2025-01-02",
                "2025-01-01",
                "2025-01-03",
                "2025-01-04",
                "2025-01-05",
                "2025-01-06",
            ],
            "consignee_name": [
                "Đorđević Marko",
                "Đorđević Marko",
                "Djordjevic marko",
                "Ђорђевић Марко",
                "Petar Petrović",
                "",
                "Ana Anić",
            ],
        }
    )
    out = consignee_features(df, known={search_key("Ana Anic")}, seized={"petar petrovic"})
    # B is the earliest to Đorđević (A and C come later, in any script); F's is known.
    assert out["first_time_consignee"].to_list() == [False, False, True, False, True, False, False]
    assert out["consignee_seen_in_seizure"].to_list() == [False] * 4 + [True, False, False]
    assert out.columns == [*df.columns, "first_time_consignee", "consignee_seen_in_seizure"]


def test_known_and_seizure_consignee_keys_come_from_stored_declarations(world: World) -> None:
    client, headers = _api(world, "officer")
    from test_api_screenings import alarm_pistol, books

    other = books("B-1")
    other["consignee_name"] = "Jelena Đukić"
    r = client.post(
        "/api/v1/screenings",
        json={"declarations": [alarm_pistol("P-1"), other], "store": True},
        headers=headers,
    )
    assert r.status_code == 200, r.text
    uio = _agency_id(world, "BA-UIO")
    with world.session() as s:
        assert known_consignee_keys(s, uio) == {"marko markovic", "jelena djukic"}
        assert seizure_consignee_keys(s, uio) == frozenset()
        assert known_consignee_keys(s, _agency_id(world, "BA-GP")) == frozenset()
    with unit_of_work(world.engine) as s:
        decl = s.execute(
            select(Declaration).where(Declaration.declaration_id == "P-1")
        ).scalar_one()
        s.add(Inspection(declaration_uuid=decl.uuid, outcome="firearms", inspected_by="officer"))
    with world.session() as s:
        assert seizure_consignee_keys(s, uio) == {"marko markovic"}
