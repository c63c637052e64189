"""Attempt limits that hold under parallel requests, single-use second-factor codes,
password rules, token lifetimes, usernames and ``Cache-Control`` on private answers."""

from __future__ import annotations

import threading
import time
from collections import Counter
from datetime import timedelta

import pyotp
import pytest
from fastapi.testclient import TestClient
from support import World, client_for, csrf_from, login, token_client

from kalibar.auth import service as auth
from kalibar.auth import totp
from kalibar.auth.models import ApiToken
from kalibar.config import get_settings
from kalibar.db.base import utcnow
from kalibar.db.session import unit_of_work
from kalibar.web.deps import SESSION_COOKIE


def _post_login(client: TestClient, username: str, password: str) -> int:
    page = client.get("/login")
    r = client.post(
        "/login",
        data={"username": username, "password": password, "csrf_token": csrf_from(page.text)},
    )
    return r.status_code


def _parallel(n: int, work) -> Counter[int]:  # type: ignore[no-untyped-def]
    """Run ``work(i)`` in ``n`` threads released together; count the statuses returned."""
    barrier = threading.Barrier(n)
    statuses: Counter[int] = Counter()
    errors: list[BaseException] = []
    lock = threading.Lock()

    def run(i: int) -> None:
        try:
            barrier.wait()
            status = work(i)
            with lock:
                statuses[status] += 1
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=run, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    return statuses


# ---------------------------------------------------------------- login throttling


def test_parallel_wrong_passwords_get_no_more_answers_than_the_limit(world: World) -> None:
    limit = get_settings().login_max_failures
    clients = [client_for(world.engine) for _ in range(24)]
    pages = [c.get("/login") for c in clients]

    def attempt(i: int) -> int:
        r = clients[i].post(
            "/login",
            data={
                "username": "officer",
                "password": f"wrong-password-{i}",
                "csrf_token": csrf_from(pages[i].text),
            },
        )
        return r.status_code

    statuses = _parallel(24, attempt)
    assert statuses == Counter({401: limit, 429: 24 - limit})
    # and the right password now waits out the window too
    assert _post_login(client_for(world.engine), "officer", world.passwords["officer"]) == 429


def test_a_successful_login_clears_the_count(world: World) -> None:
    client = client_for(world.engine)
    for _ in range(get_settings().login_max_failures - 1):
        assert _post_login(client, "officer", "wrong-password") == 401
    assert _post_login(client, "officer", world.passwords["officer"]) == 303
    for _ in range(get_settings().login_max_failures - 1):
        assert _post_login(client_for(world.engine), "officer", "wrong-password") == 401
    assert _post_login(client_for(world.engine), "officer", world.passwords["officer"]) == 303


# ---------------------------------------------------------------- second factor


def _enable_totp(world: World, username: str) -> str:
    secret = pyotp.random_base32()
    with unit_of_work(world.engine) as s:
        user = auth.get_user(s, username=username)
        # enrolled with the previous step's code, so the current code is still unused
        totp.confirm_totp(
            s, user=user, secret=secret, code=pyotp.TOTP(secret).at(time.time() - 30)
        )
    return secret


def _pending_client(world: World, username: str) -> tuple[TestClient, str]:
    """A client past the password, at the second-factor form; returns its CSRF token."""
    client = client_for(world.engine)
    page = client.get("/login")
    r = client.post(
        "/login",
        data={
            "username": username,
            "password": world.passwords[username],
            "csrf_token": csrf_from(page.text),
        },
    )
    assert r.status_code == 303 and r.headers["location"].startswith("/login/totp")
    return client, csrf_from(client.get("/login/totp").text)


def _wrong_code(secret: str) -> str:
    now = time.time()
    valid = {pyotp.TOTP(secret).at(now + d * 30) for d in (-2, -1, 0, 1, 2)}
    return next(c for c in (f"{n:06d}" for n in range(1000)) if c not in valid)


def test_wrong_codes_are_limited_and_then_even_the_right_code_is_refused(world: World) -> None:
    secret = _enable_totp(world, "analyst")
    client, csrf = _pending_client(world, "analyst")
    wrong = _wrong_code(secret)
    statuses = Counter(
        client.post("/login/totp", data={"code": wrong, "csrf_token": csrf}).status_code
        for _ in range(25)
    )
    limit = get_settings().totp_max_failures
    assert statuses == Counter({401: limit, 429: 25 - limit})
    right = client.post(
        "/login/totp", data={"code": pyotp.TOTP(secret).now(), "csrf_token": csrf}
    )
    assert right.status_code == 429
    assert client.get("/api/v1/me").status_code == 401
    # a new login does not reset the count: it belongs to the user, not the session
    other, other_csrf = _pending_client(world, "analyst")
    again = other.post(
        "/login/totp", data={"code": pyotp.TOTP(secret).now(), "csrf_token": other_csrf}
    )
    assert again.status_code == 429


def test_parallel_wrong_codes_get_no_more_answers_than_the_limit(world: World) -> None:
    secret = _enable_totp(world, "analyst")
    client, csrf = _pending_client(world, "analyst")
    cookie = client.cookies.get(SESSION_COOKIE)
    wrong = _wrong_code(secret)

    def attempt(_i: int) -> int:
        c = client_for(world.engine)
        c.cookies.set(SESSION_COOKIE, cookie)
        return c.post("/login/totp", data={"code": wrong, "csrf_token": csrf}).status_code

    limit = get_settings().totp_max_failures
    assert _parallel(16, attempt) == Counter({401: limit, 429: 16 - limit})


def test_a_code_works_once_even_in_another_session(world: World) -> None:
    secret = _enable_totp(world, "analyst")
    code = pyotp.TOTP(secret).now()
    first, first_csrf = _pending_client(world, "analyst")
    ok = first.post("/login/totp", data={"code": code, "csrf_token": first_csrf})
    assert ok.status_code == 303
    assert first.get("/api/v1/me").json()["username"] == "analyst"
    second, second_csrf = _pending_client(world, "analyst")
    replay = second.post("/login/totp", data={"code": code, "csrf_token": second_csrf})
    assert replay.status_code == 401 and "already been used" in replay.text
    assert second.get("/api/v1/me").status_code == 401
    # an older code (the step before, still inside the drift window) is refused as well
    older = pyotp.TOTP(secret).at(time.time() - 30)
    replay = second.post("/login/totp", data={"code": older, "csrf_token": second_csrf})
    assert replay.status_code == 401


def test_one_code_sent_in_parallel_from_two_sessions_lets_one_in(world: World) -> None:
    secret = _enable_totp(world, "analyst")
    sessions = [_pending_client(world, "analyst") for _ in range(6)]
    code = pyotp.TOTP(secret).now()

    def attempt(i: int) -> int:
        client, csrf = sessions[i]
        return client.post("/login/totp", data={"code": code, "csrf_token": csrf}).status_code

    statuses = _parallel(6, attempt)
    if statuses[303] == 0:  # the 30-second step turned between reading and sending: retry
        code = pyotp.TOTP(secret).now()
        statuses = _parallel(6, attempt)
    assert statuses[303] == 1 and statuses[401] == 5


# ---------------------------------------------------------------- passwords


@pytest.mark.parametrize(
    ("password", "why"),
    [
        (" " * 10, "only spaces"),
        (" " * 14, "only spaces"),
        ("1234567890", "at least 12"),
        ("123456789012", "too easy"),
        ("abcdefghijklmn", "too easy"),
        ("qwertzuiopasd", "too easy"),
        ("aaaaaaaaaaaaaa", "too easy"),
        ("abcabcabcabc", "too easy"),
        ("Password1234", "too easy"),
        ("Sarajevo2026!", "too easy"),
        ("new.officer.1", "cannot be the username"),
    ],
)
def test_weak_passwords_are_refused_with_the_reason(world: World, password: str, why: str) -> None:
    admin = token_client(world.engine, "admin")
    r = admin.post(
        "/api/v1/users",
        json={
            "username": "new.officer.1",
            "password": password,
            "agency": "BA-GP",
            "roles": ["officer"],
        },
    )
    assert r.status_code == 422, r.text
    error = r.json()["error"]
    assert why in error["message"] and error["details"][0]["field"] == "password"


def test_a_reasonable_password_is_accepted(world: World) -> None:
    admin = token_client(world.engine, "admin")
    r = admin.post(
        "/api/v1/users",
        json={
            "username": "new.officer.2",
            "password": "tram-kettle-Drina-57",
            "agency": "BA-GP",
            "roles": ["officer"],
        },
    )
    assert r.status_code == 201, r.text


def _change_password(client: TestClient, csrf: str, current: str, new: str) -> int:
    r = client.post(
        "/account/password",
        data={"current": current, "new": new, "repeat": new, "csrf_token": csrf},
    )
    return r.status_code


def test_wrong_current_passwords_are_throttled(world: World) -> None:
    client = client_for(world.engine)
    csrf = login(client, "officer", world.passwords["officer"])
    limit = get_settings().login_max_failures
    statuses = [
        _change_password(client, csrf, "not-my-password", "tram-kettle-Drina-57")
        for _ in range(limit + 3)
    ]
    assert statuses == [422] * limit + [429] * 3
    right = _change_password(client, csrf, world.passwords["officer"], "tram-kettle-Drina-57")
    assert right == 429


def test_a_password_change_revokes_tokens_and_ends_other_sessions(world: World) -> None:
    token_holder = token_client(world.engine, "officer")
    assert token_holder.get("/api/v1/me").status_code == 200
    elsewhere = client_for(world.engine)
    login(elsewhere, "officer", world.passwords["officer"])
    here = client_for(world.engine)
    csrf = login(here, "officer", world.passwords["officer"])
    new = "tram-kettle-Drina-57"
    assert _change_password(here, csrf, world.passwords["officer"], new) == 303
    assert here.get("/api/v1/me").status_code == 200  # this browser continues
    assert elsewhere.get("/api/v1/me").status_code == 401
    r = token_holder.get("/api/v1/me")
    assert r.status_code == 401 and "revoked" in r.json()["error"]["message"]
    assert _post_login(client_for(world.engine), "officer", new) == 303


# ---------------------------------------------------------------- tokens


def test_tokens_expire_by_default(world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    with unit_of_work(world.engine) as s:
        _raw, token = auth.create_token(s, username="officer")
        default_expiry = token.expires_at
    assert default_expiry is not None
    days = (default_expiry - utcnow()) / timedelta(days=1)
    assert 89.9 < days <= 90
    monkeypatch.setenv("KALIBAR_TOKEN_DEFAULT_DAYS", "7")
    get_settings.cache_clear()
    try:
        with unit_of_work(world.engine) as s:
            raw, token = auth.create_token(s, username="officer")
            assert token.expires_at is not None
            assert (token.expires_at - utcnow()) <= timedelta(days=7)
            token.expires_at = utcnow() - timedelta(seconds=1)
    finally:
        monkeypatch.undo()
        get_settings.cache_clear()
    r = client_for(world.engine).get("/api/v1/me", headers={"Authorization": f"Bearer {raw}"})
    assert r.status_code == 401 and "expired" in r.json()["error"]["message"]


@pytest.mark.parametrize("days", [0, -1, 3651, 10**30])
def test_token_lifetimes_out_of_range_are_refused(world: World, days: int) -> None:
    from kalibar.errors import Invalid

    with unit_of_work(world.engine) as s, pytest.raises(Invalid, match="between 1 and 3650"):
        auth.create_token(s, username="officer", expires_days=days)
    with world.session() as s:
        assert all(t.expires_at is not None for t in s.query(ApiToken).all())


# ---------------------------------------------------------------- usernames


@pytest.mark.parametrize(
    "username", ["bell\x07name", "tab\tname", "new\nline", "zero\u200bwidth", "x" * 65, "a b"]
)
def test_usernames_with_control_characters_or_spaces_are_refused(
    world: World, username: str
) -> None:
    admin = token_client(world.engine, "admin")
    r = admin.post(
        "/api/v1/users",
        json={
            "username": username,
            "password": "tram-kettle-Drina-57",
            "agency": "BA-GP",
            "roles": ["officer"],
        },
    )
    assert r.status_code == 422, r.text
    assert r.json()["error"]["details"][0]["field"] in ("username", "body.username")


# ---------------------------------------------------------------- caching


def test_private_answers_are_not_stored_but_static_assets_cache(world: World) -> None:
    client = client_for(world.engine)
    login(client, "officer", world.passwords["officer"])
    for path in ("/", "/account", "/api/v1/me", "/api/v1/records/export?format=csv", "/login"):
        r = client.get(path)
        assert r.status_code in (200, 303), (path, r.status_code)
        assert r.headers.get("cache-control") == "no-store", path
    bearer = token_client(world.engine, "officer")
    r = bearer.get("/api/v1/records/export?format=json")
    assert r.status_code == 200 and r.headers["cache-control"] == "no-store"
    assert bearer.get("/api/v1/nothing-here").headers["cache-control"] == "no-store"
    static = client.get("/static/kalibar.css")
    assert static.status_code == 200 and "no-store" not in static.headers.get("cache-control", "")


def test_parallel_wrong_passwords_against_a_real_server(world: World, tmp_path) -> None:  # type: ignore[no-untyped-def]
    """The same race against ``kalibar serve`` (uvicorn, its own thread pool): 24 clients
    released together with wrong passwords; no more than the limit are checked."""
    import re

    import httpx
    import write_load

    limit = get_settings().login_max_failures
    url = world.engine.url.render_as_string(hide_password=False)
    with write_load.serve(url, tmp_path, tmp_path / "server.log") as base_url:
        clients = [httpx.Client(base_url=base_url, timeout=60) for _ in range(24)]
        tokens = []
        for c in clients:
            match = re.search(r'name="csrf_token" value="([^"]+)"', c.get("/login").text)
            assert match
            tokens.append(match.group(1))

        def attempt(i: int) -> int:
            data = {"username": "officer", "password": f"wrong-{i}", "csrf_token": tokens[i]}
            return clients[i].post("/login", data=data).status_code

        try:
            statuses = _parallel(24, attempt)
        finally:
            for c in clients:
                c.close()
    assert statuses == Counter({401: limit, 429: 24 - limit}), write_load.tail(
        tmp_path / "server.log"
    )


def test_turning_the_second_factor_off_needs_a_fresh_code(world: World) -> None:
    secret = _enable_totp(world, "analyst")
    client, csrf = _pending_client(world, "analyst")
    code = pyotp.TOTP(secret).now()
    assert client.post("/login/totp", data={"code": code, "csrf_token": csrf}).status_code == 303
    csrf = csrf_from(client.get("/account").text)
    off = {"action": "disable", "csrf_token": csrf}
    assert client.post("/account/totp", data=off).status_code == 401  # no code
    assert client.post("/account/totp", data=off | {"code": code}).status_code == 401  # spent
    with world.session() as s:
        assert auth.get_user(s, username="analyst").totp_secret == secret
    later = pyotp.TOTP(secret).at(time.time() + 30)  # the next step, inside the drift
    assert client.post("/account/totp", data=off | {"code": later}).status_code == 303
    with world.session() as s:
        assert auth.get_user(s, username="analyst").totp_secret is None
