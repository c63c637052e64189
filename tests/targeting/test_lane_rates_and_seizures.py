"""Lane rates kept per agency (validated, audited, used by the lanes), "consignee seen in a
seizure" from real seizures, and the model's top features through the API."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select
from support import World, actor_of, client_for, login
from test_api_screenings import _token, books

from kalibar.audit.models import AuditEntry
from kalibar.db.session import unit_of_work
from kalibar.errors import Forbidden, Invalid
from kalibar.seizures.models import Entity, Involvement, Seizure
from kalibar.targeting import lane_rates, rules_store
from kalibar.targeting.inspection_models import Screening
from kalibar.targeting.models import Declaration

SEEN = """rules:
  - id: SEEN-IN-SEIZURE
    lane: red
    weight: 90  # rules-only risk ≈ 0.7: asks red (risk.py)
    rationale: the consignee was party to a seizure
    instructions: open the parcel
    when:
      consignee_seen_in_seizure: true
"""


def _parcel(declaration_id: str, consignee: str, office: str = "BA-SA-POST") -> dict[str, Any]:
    body = books(declaration_id)
    body["consignee_name"] = consignee
    body["office"] = office
    return body


# ------------------------------------------------------------------ lane rates


def test_rates_are_parsed_with_every_error_and_line() -> None:
    lines = lane_rates.parse(
        "office,flow,red,yellow,blue\nba-sa-post,postal,0.03,8%,\n*,*,0.05,0.1,0.2\n"
    )
    assert lines[0] == lane_rates.RateLine("BA-SA-POST", "postal", 0.03, 0.08, None)
    assert lane_rates.as_text(lines).splitlines()[1] == "BA-SA-POST,postal,0.03,0.08,"
    with pytest.raises(Invalid) as err:
        lane_rates.parse("X,boat,0.1\nY,postal,2,,\nZ,cargo,0.6,0.6,\nX,*,a\n*,*,0.1\n*,*,0.2\n")
    found = {(e["line"], e["column"]) for e in err.value.details}
    assert found == {(1, "flow"), (2, "red"), (3, ""), (4, "red"), (6, "office")}


def test_admins_save_rates_audited_and_the_lanes_use_them(world: World) -> None:
    admin = actor_of(world, "admin")
    officer = actor_of(world, "officer")
    with unit_of_work(world.engine, actor=officer) as s, pytest.raises(Forbidden):
        lane_rates.save(s, actor=officer, text="*,*,0.1,,\n")
    with unit_of_work(world.engine, actor=admin) as s:
        saved = rules_store.save(
            s, actor=admin, text=SEEN.replace("consignee_seen_in_seizure: true", "flow: postal")
        )
        rules_store.activate(s, actor=admin, version=saved.version)
        lane_rates.save(s, actor=admin, text="BA-SA-POST,postal,0.25,0.75,\n")
    with world.session() as s:
        actions = s.execute(
            select(AuditEntry.action).where(AuditEntry.object_type == "LaneRate")
        ).scalars()
        assert list(actions) == ["insert"]
    client = client_for(world.engine)
    # eight postal parcels, all asking for red: at 25 % two stay red, the rest drop a lane
    # (yellow takes the rest: 0.75)
    parcels = [_parcel(f"R-{i}", f"Person {i}") for i in range(8)]
    r = client.post("/api/v1/screenings", headers=_token(world), json={"declarations": parcels})
    assert r.status_code == 200, r.text
    lanes = [x["lane"] for x in r.json()["results"] if not x["random"]]
    assert 1 <= lanes.count("red") <= 2  # the quota (random draws come on top)
    assert lanes.count("yellow") == len(lanes) - lanes.count("red")
    assert any("over_capacity:red>yellow" in x["reasons"] for x in r.json()["results"])
    # the API and the page show the same rows
    got = client.get("/api/v1/targeting/rules/lane-rates", headers=_token(world, "admin"))
    assert got.json() == [
        {"office": "BA-SA-POST", "flow": "postal", "red": 0.25, "yellow": 0.75, "blue": None}
    ]


def test_rates_page_refuses_bad_text_and_saves_good_text(world: World) -> None:
    client = client_for(world.engine)
    csrf = login(client, "admin", world.passwords["admin"])
    bad = client.post(
        "/targeting/rules/lane-rates", data={"rates": "*,boat,0.1,,", "csrf_token": csrf}
    )
    assert bad.status_code == 422
    assert "boat" in bad.text
    good = client.post(
        "/targeting/rules/lane-rates",
        data={"rates": "office,flow,red,yellow,blue\n*,postal,0.05,0.1,\n", "csrf_token": csrf},
    )
    assert good.status_code == 303
    page = client.get(good.headers["location"])
    assert "*,postal,0.05,0.1," in page.text
    with world.session() as s:
        assert lane_rates.rates_for(s, actor_of(world, "admin").agency_id) == {
            "*/postal": {"red": 0.05, "yellow": 0.1}
        }


# ------------------------------------------------------------------ seizures


def _seizure(world: World, *, declaration_uuid: Any = None, recipient: str = "") -> None:
    officer = actor_of(world, "officer")
    assert officer.agency_id is not None
    with unit_of_work(world.engine, actor=officer) as s:
        seizure = Seizure(
            reference=f"SZ-TEST-{datetime.now(UTC).timestamp()}",
            occurred_at=datetime(2026, 3, 1, tzinfo=UTC),
            context="postal_check",
            declaration_uuid=declaration_uuid,
            owner_agency_id=officer.agency_id,
            owner_country=officer.country,
            distribution="national",
        )
        s.add(seizure)
        if recipient:
            from kalibar.seizures.entities import name_key

            entity = Entity(
                reference=f"EN-TEST-{datetime.now(UTC).timestamp()}",
                kind="person",
                name=recipient,
                name_key=name_key("person", recipient),
                owner_agency_id=officer.agency_id,
                owner_country=officer.country,
                distribution="national",
            )
            s.add(entity)
            s.flush()
            s.add(Involvement(seizure_id=seizure.uuid, entity_id=entity.uuid, role="recipient"))


def test_consignee_seen_in_a_real_seizure(world: World) -> None:
    admin = actor_of(world, "admin")
    with unit_of_work(world.engine, actor=admin) as s:
        saved = rules_store.save(s, actor=admin, text=SEEN)
        rules_store.activate(s, actor=admin, version=saved.version)
    client = client_for(world.engine)
    headers = _token(world)

    def lane(decl_id: str, consignee: str, store: bool = False) -> list[str]:
        r = client.post(
            "/api/v1/screenings",
            headers=headers,
            json={"declarations": [_parcel(decl_id, consignee)], "store": store},
        )
        assert r.status_code == 200, r.text
        return r.json()["results"][0]["reasons"]

    assert "rules:SEEN-IN-SEIZURE" not in lane("S-1", "Jelena Savić", store=True)
    # a seizure linked to that declaration: its consignee is now "seen", in any script
    with world.session() as s:
        uid = s.execute(
            select(Declaration.uuid).where(Declaration.declaration_id == "S-1")
        ).scalar_one()
    _seizure(world, declaration_uuid=uid)
    assert "rules:SEEN-IN-SEIZURE" in lane("S-2", "Јелена Савић")
    # a recipient of another seizure, written in the other order and without diacritics
    assert "rules:SEEN-IN-SEIZURE" not in lane("S-3", "Dragan Đurić")
    _seizure(world, recipient="Đurić Dragan")
    assert "rules:SEEN-IN-SEIZURE" in lane("S-4", "Dragan Djuric")
    assert "rules:SEEN-IN-SEIZURE" not in lane("S-5", "Dragana Jurić")


# ------------------------------------------------------------------ top features


def test_api_returns_top_features_and_the_page_shows_them(
    world: World, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from kalibar.demo.targeting.synthetic import generate
    from kalibar.targeting import screening
    from kalibar.targeting.rules import load_rules
    from kalibar.targeting.training import train

    history = generate(30_000, seed=7, illicit_scale=40.0).drop("pattern")
    model, _meta = train(history, rules=load_rules(None), seed=3, max_iter=30)
    monkeypatch.setattr(screening, "current_model", lambda: model)
    from test_api_screenings import alarm_pistol

    client = client_for(world.engine)
    r = client.post(
        "/api/v1/screenings",
        headers=_token(world),
        json={"declarations": [alarm_pistol("T-1"), books("T-2")], "store": True},
    )
    assert r.status_code == 200, r.text
    red, green = r.json()["results"]
    assert red["lane"] == "red" and red["model_score"] is not None
    assert 1 <= len(red["top_features"]) <= 3
    assert all(f["contribution"] > 0 for f in red["top_features"])
    if green["lane"] == "green":
        assert green["top_features"] == []
    with world.session() as s:
        stored = s.execute(select(Screening.top_features)).scalars().all()
        assert any(stored)
    csrf = login(client, "officer", world.passwords["officer"])
    assert csrf
    page = client.get(f"/targeting/declarations/{red['uuid']}")
    assert page.status_code == 200
    assert red["top_features"][0]["feature"] in page.text
    item = client.get(f"/api/v1/targeting/declarations/{red['uuid']}", headers=_token(world))
    assert item.json()["top_features"][0]["feature"] == red["top_features"][0]["feature"]
