"""The JSON API: error shape, status codes, admin operations, health."""

from __future__ import annotations

from fastapi.testclient import TestClient
from support import World, client_for, token_client


def _client(world: World, username: str) -> TestClient:
    return token_client(world.engine, username)


def _error(body: dict) -> dict:  # type: ignore[type-arg]
    assert set(body) == {"error"}
    assert set(body["error"]) == {"code", "message", "details"}
    return body["error"]  # type: ignore[no-any-return]


def test_health_checks_the_database(world: World) -> None:
    r = client_for(world.engine).get("/healthz")
    assert r.status_code == 200 and r.json() == {"status": "ok", "database": "ok"}


def test_openapi_document_lists_the_api(world: World) -> None:
    doc = client_for(world.engine).get("/api/v1/openapi.json").json()
    assert "/api/v1/agencies" in doc["paths"] and "/api/v1/users" in doc["paths"]


def test_me_describes_the_caller(world: World) -> None:
    me = _client(world, "officer").get("/api/v1/me").json()
    assert me == {
        "username": "officer",
        "agency": "BA-UIO",
        "country": "BA",
        "roles": ["officer"],
        "partner_countries": ["HR", "ME", "RS"],
    }


def test_admin_creates_and_edits_agencies_and_users(world: World) -> None:
    admin = _client(world, "admin")
    r = admin.post(
        "/api/v1/agencies",
        json={"code": "ba-ku", "name": "Canton police", "country": "ba", "kind": "police"},
    )
    assert r.status_code == 201 and r.json()["code"] == "BA-KU"
    r = admin.patch("/api/v1/agencies/BA-KU", json={"active": False})
    assert r.json()["active"] is False
    r = admin.post(
        "/api/v1/users",
        json={
            "username": "amir",
            "password": "a-long-password",
            "agency": "BA-GP",
            "roles": ["officer", "analyst"],
        },
    )
    assert r.status_code == 201 and r.json()["roles"] == ["analyst", "officer"]
    r = admin.patch("/api/v1/users/amir", json={"active": False})
    assert r.json()["active"] is False


def test_status_codes_and_one_error_shape(world: World) -> None:
    admin = _client(world, "admin")
    officer = _client(world, "officer")
    body = {"code": "BA-UIO", "name": "dup", "country": "BA", "kind": "customs"}
    conflict = admin.post("/api/v1/agencies", json=body)
    assert conflict.status_code == 409 and _error(conflict.json())["code"] == "conflict"
    invalid = admin.post("/api/v1/agencies", json={"code": "X"})
    err = _error(invalid.json())
    assert invalid.status_code == 422 and err["code"] == "invalid"
    assert {d["field"] for d in err["details"]} >= {"body.code", "body.name"}
    bad_code = admin.post("/api/v1/agencies", json=body | {"code": "UIO-BA"})
    assert bad_code.status_code == 422 and "BA-UIO" in _error(bad_code.json())["message"]
    forbidden = officer.post("/api/v1/agencies", json=body | {"code": "BA-NEW"})
    assert forbidden.status_code == 403 and _error(forbidden.json())["code"] == "forbidden"
    missing = admin.get("/api/v1/agencies/XX-NONE")
    assert missing.status_code == 404 and _error(missing.json())["code"] == "not_found"
    no_route = admin.get("/api/v1/nothing-here")
    assert no_route.status_code == 404 and _error(no_route.json())["code"] == "not_found"
    short = admin.post(
        "/api/v1/users",
        json={"username": "x", "password": "short", "agency": "BA-GP", "roles": ["officer"]},
    )
    assert short.status_code == 422 and _error(short.json())["details"][0]["field"] == "password"


def test_audit_trail_is_for_admins_and_filters(world: World) -> None:
    admin = _client(world, "admin")
    assert _client(world, "officer").get("/api/v1/audit").status_code == 403
    rows = admin.get("/api/v1/audit", params={"object_type": "Agency", "limit": 5}).json()
    assert len(rows) == 5 and {r["object_type"] for r in rows} == {"Agency"}
    seqs = [r["seq"] for r in rows]
    assert seqs == sorted(seqs, reverse=True)
    older = admin.get("/api/v1/audit", params={"object_type": "Agency", "before": seqs[-1]}).json()
    assert older and max(r["seq"] for r in older) < seqs[-1]


def test_request_id_is_echoed_and_audited(world: World) -> None:
    admin = _client(world, "admin")
    r = admin.post(
        "/api/v1/agencies",
        json={"code": "BA-RID", "name": "x", "country": "BA", "kind": "police"},
        headers={"X-Request-ID": "trace-123"},
    )
    assert r.headers["X-Request-ID"] == "trace-123"
    rows = admin.get("/api/v1/audit", params={"object_type": "Agency", "limit": 1}).json()
    assert rows[0]["request_id"] == "trace-123" and rows[0]["actor"] == "admin"
