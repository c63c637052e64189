"""Small helpers shared by the platform tests."""

from __future__ import annotations

import re
from dataclasses import dataclass

from fastapi.testclient import TestClient
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from kalibar.app.web import create_app
from kalibar.auth.actor import Actor
from kalibar.db.session import new_session

CSRF_RE = re.compile(r'name="csrf_token" value="([^"]+)"')


def client_for(engine: Engine) -> TestClient:
    return TestClient(create_app(engine), base_url="http://testserver", follow_redirects=False)


def csrf_from(html: str) -> str:
    match = CSRF_RE.search(html)
    assert match, "page has no CSRF token"
    return match.group(1)


def login(client: TestClient, username: str, password: str) -> str:
    """Log in through the form; returns the session's CSRF token."""
    page = client.get("/login")
    response = client.post(
        "/login",
        data={"username": username, "password": password, "csrf_token": csrf_from(page.text)},
    )
    assert response.status_code == 303, response.text
    home = client.get("/")
    assert home.status_code == 200, home.text
    return csrf_from(home.text)


@dataclass
class World:
    """A migrated database with the demo agencies and users, and their passwords."""

    engine: Engine
    passwords: dict[str, str]

    def session(self) -> Session:
        return new_session(self.engine)


def token_client(engine: Engine, username: str) -> TestClient:
    """A client that calls the API with a fresh bearer token of ``username``."""
    from kalibar.auth import service as auth
    from kalibar.db.session import unit_of_work

    with unit_of_work(engine) as s:
        raw, _token = auth.create_token(s, username=username)
    client = client_for(engine)
    client.headers["Authorization"] = f"Bearer {raw}"
    return client


def actor_of(world: World, username: str) -> Actor:
    """The :class:`Actor` a demo user acts as (for calling services directly)."""
    from sqlalchemy import select

    from kalibar.auth import service as auth
    from kalibar.auth.models import User

    with world.session() as s:
        user = s.execute(select(User).where(User.username == username)).scalar_one()
        return auth.actor_for(s, user)
