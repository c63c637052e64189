"""Admins extend the catalogue; new makes and spellings are recognised at once."""

from __future__ import annotations

from fastapi.testclient import TestClient
from support import World, token_client


def _client(world: World, username: str) -> TestClient:
    return token_client(world.engine, username)


def test_package_catalogue_is_in_the_database(world: World) -> None:
    rows = _client(world, "officer").get("/api/v1/catalogue", params={"q": "Zastava"}).json()
    assert any(r["kind"] == "make" and r["code"] == "zastava" for r in rows)


def test_admin_added_make_model_and_alias_are_recognised(world: World) -> None:
    admin, officer = _client(world, "admin"), _client(world, "officer")
    unknown = officer.post(
        "/api/v1/records",
        json={"status": "seized", "make": "Kalibrovka", "model": "K-1", "serial_number": "K1"},
    )
    assert unknown.json()["needs_review"] is True
    r = admin.post(
        "/api/v1/catalogue",
        json={"kind": "make", "name": "Kalibrovka", "country": "ME", "aliases": ["Калибровка"]},
    )
    assert r.status_code == 201, r.text
    r = admin.post(
        "/api/v1/catalogue",
        json={
            "kind": "model",
            "name": "K-1",
            "make": "Калибровка",
            "weapon_type": "pistol",
            "calibres": ["9 mm Luger"],
        },
    )
    assert r.status_code == 201, r.text
    known = officer.post(
        "/api/v1/records",
        json={"status": "seized", "make": "КАЛИБРОВКА", "model": "K-1", "serial_number": "K2"},
    ).json()
    assert known["make_code"] == r.json()["make_code"] and known["needs_review"] is False
    assert known["weapon_type"] == "pistol" and known["country_of_manufacture"] == "ME"
    # an alias for a make the package knows
    r = admin.post(
        "/api/v1/catalogue", json={"kind": "make", "name": "Zastava", "aliases": ["Crvena Z."]}
    )
    assert r.status_code == 201
    norm = officer.get("/api/v1/catalogue/normalise", params={"make": "Crvena Z."}).json()
    assert norm[0]["value"] == "zastava"


def test_only_admins_extend_and_bad_entries_are_refused(world: World) -> None:
    officer, admin = _client(world, "officer"), _client(world, "admin")
    r = officer.post("/api/v1/catalogue", json={"kind": "make", "name": "X"})
    assert r.status_code == 403
    r = admin.post("/api/v1/catalogue", json={"kind": "model", "name": "Q", "make": "Nobody"})
    assert r.status_code == 422 and r.json()["error"]["details"][0]["field"] == "make"
    r = admin.post(
        "/api/v1/catalogue",
        json={"kind": "model", "name": "Q", "make": "Glock", "calibres": ["13 mm Imaginary"]},
    )
    assert r.status_code == 422 and r.json()["error"]["details"][0]["field"] == "calibres"
