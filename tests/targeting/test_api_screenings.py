"""``POST /api/v1/screenings``: lanes with reasons and instructions, validation errors
with field paths, the 10,000 limit, and storing for the worklist."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select
from support import World, client_for

from kalibar.auth import service as auth
from kalibar.targeting.inspection_models import Screening
from kalibar.targeting.models import Declaration


def alarm_pistol(declaration_id: str = "P-1", **extra: Any) -> dict[str, Any]:
    """A converted-alarm-pistol parcel: TR > BG, postal, 2 pieces."""
    body: dict[str, Any] = {
        "declaration_id": declaration_id,
        "flow": "postal",
        "lodged_at": "2026-03-02T09:15:00Z",
        "office": "BA-SA-POST",
        "dispatch_country": "BG",
        "consignor_name": "Kurusiki Market",
        "consignor_country": "TR",
        "consignee_name": "Marko Marković",
        "consignee_city": "Sarajevo",
        "consignee_country": "BA",
        "item_category": "gift",
        "items": [
            {
                "declared_description": "alarm pistol Ekol, blank firing",
                "hs_code": "9303.90",
                "quantity": 2,
                "gross_weight_kg": 1.6,
                "declared_value": 120,
                "currency": "EUR",
                "origin_country": "TR",
            }
        ],
    }
    body.update(extra)
    return body


def books(declaration_id: str = "B-1") -> dict[str, Any]:
    return {
        "declaration_id": declaration_id,
        "flow": "postal",
        "lodged_at": "2026-03-02T10:00:00+01:00",
        "office": "BA-SA-POST",
        "consignee_country": "BA",
        "items": [
            {
                "declared_description": "books",
                "hs_code": "4901",
                "quantity": 3,
                "gross_weight_kg": 2,
                "declared_value": 30,
                "origin_country": "DE",
            }
        ],
    }


def _token(world: World, user: str = "officer") -> dict[str, str]:
    with world.session() as s:
        raw, _t = auth.create_token(s, username=user)
        s.commit()
    return {"authorization": f"Bearer {raw}"}


def test_one_declaration_gets_a_red_lane_with_reasons_and_instructions(world: World) -> None:
    client = client_for(world.engine)
    r = client.post(
        "/api/v1/screenings",
        json={"declarations": [alarm_pistol(), books()]},
        headers=_token(world),
    )
    assert r.status_code == 200, r.text
    results = {x["declaration_id"]: x for x in r.json()["results"]}
    red = results["P-1"]
    assert red["lane"] == "red"
    assert "ALARM-TR-BG-SMALL" in red["rules"]
    assert any(reason.startswith("rules:") for reason in red["reasons"])
    assert red["instructions"][0]["rule"] == "ALARM-TR-BG-SMALL"
    assert "Open the parcel" in red["instructions"][0]["instructions"]
    assert results["B-1"]["rules"] == []
    assert r.json()["stored"] == 0
    with world.session() as s:
        assert s.scalar(select(func.count()).select_from(Declaration)) == 0


def test_validation_errors_name_the_field(world: World) -> None:
    client = client_for(world.engine)
    bad = alarm_pistol()
    bad["flow"] = "pigeon"
    bad["items"][0]["quantity"] = -1
    r = client.post("/api/v1/screenings", json={"declarations": [bad]}, headers=_token(world))
    assert r.status_code == 422
    body = r.json()["error"]
    assert body["code"] == "invalid"
    fields = {d["field"] for d in body["details"]}
    assert "body.declarations.0.flow" in fields
    assert "body.declarations.0.items.0.quantity" in fields

    # Checked with the same rules as a file row: an unknown country.
    bad = alarm_pistol(consignee_country="Atlantis")
    r = client.post("/api/v1/screenings", json={"declarations": [bad]}, headers=_token(world))
    assert r.status_code == 422
    assert r.json()["error"]["details"][0]["field"] == "declarations.0.consignee_country"

    # The same id twice.
    r = client.post(
        "/api/v1/screenings",
        json={"declarations": [books("X"), books("X")]},
        headers=_token(world),
    )
    assert r.status_code == 422
    assert r.json()["error"]["details"][0]["field"] == "declarations.1.declaration_id"

    r = client.post("/api/v1/screenings", json={"declarations": []}, headers=_token(world))
    assert r.status_code == 422


def test_more_than_ten_thousand_is_refused(world: World) -> None:
    client = client_for(world.engine)
    many = [books(f"B-{i}") for i in range(10_001)]
    r = client.post("/api/v1/screenings", json={"declarations": many}, headers=_token(world))
    assert r.status_code == 422
    assert r.json()["error"]["details"][0]["field"] == "body.declarations"


def test_unauthenticated_is_refused(world: World) -> None:
    r = client_for(world.engine).post("/api/v1/screenings", json={"declarations": [books()]})
    assert r.status_code == 401
    assert r.json()["error"]["code"] == "unauthorized"


def test_store_keeps_declarations_with_their_lane(world: World) -> None:
    client = client_for(world.engine)
    headers = _token(world)
    r = client.post(
        "/api/v1/screenings",
        json={"declarations": [alarm_pistol(), books()], "store": True},
        headers=headers,
    )
    assert r.status_code == 200, r.text
    assert r.json()["stored"] == 2
    assert all(x["uuid"] for x in r.json()["results"])
    with world.session() as s:
        rows = s.execute(select(Declaration.declaration_id, Screening.lane).join(Screening)).all()
        assert dict(rows)["P-1"] == "red"
        decl = s.execute(
            select(Declaration).where(Declaration.declaration_id == "P-1")
        ).scalar_one()
        assert decl.items[0].hs_code == "9303.90"
    # Storing the same declaration again is refused, and nothing is written.
    r = client.post(
        "/api/v1/screenings",
        json={"declarations": [books("B-2"), alarm_pistol()], "store": True},
        headers=headers,
    )
    assert r.status_code == 422
    assert r.json()["error"]["details"][0]["field"] == "declarations.1.declaration_id"
    with world.session() as s:
        assert s.scalar(select(func.count()).select_from(Declaration)) == 2
    # The worklist through the API: the red one first.
    r = client.get("/api/v1/targeting/worklist", headers=headers)
    assert r.status_code == 200
    assert r.json()[0]["declaration_id"] == "P-1"


def test_small_requests_get_the_same_answers_as_the_polars_screen() -> None:
    """The row-by-row path for a few declarations agrees with the vectorised screen."""
    import sys
    from pathlib import Path

    sys.path.insert(0, str(Path(__file__).parents[2] / "bench"))
    from screening_api import declarations

    from kalibar.targeting import screening
    from kalibar.targeting.schemas import DeclarationIn

    models = [DeclarationIn.model_validate(d) for d in declarations(400)]
    parsed = screening.parse_declarations(models)
    batch = {r.declaration_id: r for r in screening.screen_frame(parsed.frame)}
    small: dict[str, screening.Result] = {}
    for start in range(0, len(models), 7):
        part = screening.parse_declarations(models[start : start + 7])
        small.update({r.declaration_id: r for r in screening.screen_parsed(part)})
    assert small.keys() == batch.keys()
    for key, r in batch.items():
        s = small[key]
        assert (s.lane, s.rules, s.random, s.reasons) == (r.lane, r.rules, r.random, r.reasons)
        assert abs(s.score - r.score) < 1e-6
    assert sum(r.lane == "red" for r in batch.values()) > 0
