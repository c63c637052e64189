"""Login throttling, tokens, session fixation, CSRF, second factor, anonymous callers."""

from __future__ import annotations

import re
import time
from datetime import timedelta

import pyotp
import pytest
from support import World, client_for, csrf_from, login

from kalibar.auth import service as auth
from kalibar.auth import totp
from kalibar.auth.models import ApiToken
from kalibar.db.base import utcnow
from kalibar.db.session import unit_of_work
from kalibar.web.deps import SESSION_COOKIE


def _token(world: World, username: str = "admin", days: int | None = None) -> str:
    with unit_of_work(world.engine) as s:
        raw, _t = auth.create_token(s, username=username, expires_days=days)
    return raw


def test_wrong_passwords_throttle_the_account(world: World) -> None:
    client = client_for(world.engine)
    for _ in range(5):
        page = client.get("/login")
        r = client.post(
            "/login",
            data={
                "username": "officer",
                "password": "wrong-password",
                "csrf_token": csrf_from(page.text),
            },
        )
        assert r.status_code == 401
        assert "Wrong username or password" in r.text
    page = client.get("/login")
    r = client.post(
        "/login",
        data={
            "username": "officer",
            "password": world.passwords["officer"],
            "csrf_token": csrf_from(page.text),
        },
    )
    assert r.status_code == 429  # even the right password waits out the window
    assert SESSION_COOKIE not in r.cookies


def test_login_form_without_its_token_is_refused(world: World) -> None:
    client = client_for(world.engine)
    client.get("/login")
    r = client.post("/login", data={"username": "admin", "password": world.passwords["admin"]})
    assert r.status_code == 403
    assert SESSION_COOKIE not in r.cookies


def _login_cookie(client, password: str, username: str = "admin") -> str:  # type: ignore[no-untyped-def]
    page = client.get("/login")
    r = client.post(
        "/login",
        data={"username": username, "password": password, "csrf_token": csrf_from(page.text)},
    )
    assert r.status_code == 303
    return str(r.cookies[SESSION_COOKIE])


def test_each_login_gets_a_new_session_and_the_old_one_dies(world: World) -> None:
    client = client_for(world.engine)
    client.cookies.set(SESSION_COOKIE, "planted-by-an-attacker")
    first = _login_cookie(client, world.passwords["admin"])
    assert first != "planted-by-an-attacker"
    client.cookies.clear()
    client.cookies.set(SESSION_COOKIE, first)
    second = _login_cookie(client, world.passwords["admin"])
    assert second != first
    other = client_for(world.engine)
    other.cookies.set(SESSION_COOKIE, first)
    assert other.get("/api/v1/me").status_code == 401
    other.cookies.clear()
    other.cookies.set(SESSION_COOKIE, second)
    assert other.get("/api/v1/me").status_code == 200


def test_logout_ends_the_session(world: World) -> None:
    client = client_for(world.engine)
    csrf = login(client, "officer", world.passwords["officer"])
    raw = client.cookies.get(SESSION_COOKIE)
    assert client.post("/logout", data={"csrf_token": csrf}).status_code == 303
    again = client_for(world.engine)
    again.cookies.set(SESSION_COOKIE, raw)
    assert again.get("/").status_code == 303


def test_cookie_writes_need_the_csrf_token_but_bearer_calls_do_not(world: World) -> None:
    client = client_for(world.engine)
    csrf = login(client, "admin", world.passwords["admin"])
    body = {"code": "BA-CSRF", "name": "x", "country": "BA", "kind": "police"}
    refused = client.post("/api/v1/agencies", json=body)
    assert refused.status_code == 403
    assert refused.json()["error"]["code"] == "forbidden"
    form = client.post("/admin/agencies", data=body)
    assert form.status_code == 403
    ok = client.post("/api/v1/agencies", json=body, headers={"X-CSRF-Token": csrf})
    assert ok.status_code == 201, ok.text
    bearer = client_for(world.engine)
    r = bearer.post(
        "/api/v1/agencies",
        json=body | {"code": "BA-CSRF2"},
        headers={"Authorization": f"Bearer {_token(world)}"},
    )
    assert r.status_code == 201


def test_expired_and_revoked_tokens_are_refused(world: World) -> None:
    client = client_for(world.engine)
    good = _token(world, days=30)
    assert client.get("/api/v1/me", headers={"Authorization": f"Bearer {good}"}).status_code == 200
    expired = _token(world, days=1)
    with unit_of_work(world.engine) as s:
        for t in s.query(ApiToken).all():
            if t.token_hash == auth._sha256(expired):
                t.expires_at = utcnow() - timedelta(seconds=1)
    r = client.get("/api/v1/me", headers={"Authorization": f"Bearer {expired}"})
    assert r.status_code == 401 and "expired" in r.json()["error"]["message"]
    with unit_of_work(world.engine) as s:
        auth.revoke_token(s, prefix_or_uuid=good[:10])
    r = client.get("/api/v1/me", headers={"Authorization": f"Bearer {good}"})
    assert r.status_code == 401 and "revoked" in r.json()["error"]["message"]
    r = client.get("/api/v1/me", headers={"Authorization": "Bearer kbr_made-up"})
    assert r.status_code == 401


def test_tokens_are_stored_hashed(world: World) -> None:
    raw = _token(world)
    with world.session() as s:
        hashes = [t.token_hash for t in s.query(ApiToken).all()]
    assert raw not in hashes and auth._sha256(raw) in hashes


def test_second_factor_is_required_when_enabled(world: World) -> None:
    secret = pyotp.random_base32()
    with unit_of_work(world.engine) as s:
        user = auth.get_user(s, username="analyst")
        # enrolled with the previous step's code: the current one is still unused
        code = pyotp.TOTP(secret).at(time.time() - 30)
        totp.confirm_totp(s, user=user, secret=secret, code=code)
    client = client_for(world.engine)
    page = client.get("/login")
    r = client.post(
        "/login",
        data={
            "username": "analyst",
            "password": world.passwords["analyst"],
            "csrf_token": csrf_from(page.text),
        },
    )
    assert r.status_code == 303 and r.headers["location"].startswith("/login/totp")
    assert client.get("/api/v1/me").status_code == 401
    form = client.get("/login/totp")
    csrf = csrf_from(form.text)
    bad = client.post("/login/totp", data={"code": "000000", "csrf_token": csrf})
    assert bad.status_code == 401
    ok = client.post("/login/totp", data={"code": pyotp.TOTP(secret).now(), "csrf_token": csrf})
    assert ok.status_code == 303
    assert client.get("/api/v1/me").json()["username"] == "analyst"


def test_every_api_route_refuses_anonymous_callers(world: World) -> None:
    client = client_for(world.engine)
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    assert len(paths) >= 6
    checked = 0
    for template, operations in paths.items():
        path = template.replace("{code}", "BA-UIO").replace("{username}", "admin")
        path = re.sub(r"\{[a-z_]+\}", "00000000-0000-7000-8000-000000000000", path)
        for method in operations:
            r = client.request(method.upper(), path, json={})
            assert r.status_code == 401, (method, path, r.status_code)
            assert r.json()["error"]["code"] == "unauthorized"
            checked += 1
    assert checked >= 10
    assert client.get("/api/v1/openapi.json").status_code == 200


@pytest.mark.parametrize("path", ["/", "/admin/users", "/admin/audit", "/account"])
def test_pages_send_anonymous_visitors_to_login(world: World, path: str) -> None:
    r = client_for(world.engine).get(path)
    assert r.status_code == 303 and r.headers["location"].startswith("/login")
