"""Shared fixtures: every database test runs on SQLite and, when configured, PostgreSQL.

PostgreSQL comes from ``KALIBAR_TEST_DATABASE_URL`` (CI sets it). Each test gets its own
database cloned from a migrated template, and it is dropped afterwards.
"""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy import Engine, create_engine, text
from sqlalchemy.engine import make_url
from support import World

from kalibar.app import assemble
from kalibar.app.seed import upgrade_and_seed
from kalibar.db.session import make_engine, unit_of_work
from kalibar.demo.service import load_demo

PG_ENV = "KALIBAR_TEST_DATABASE_URL"
IN_CI = os.environ.get("CI", "").lower() == "true"
BACKENDS = ["sqlite", "postgres"]

# Tests use the services directly, so they assemble the process as every entry point does.
assemble()


def _unavailable(reason: str) -> None:
    if IN_CI:
        pytest.fail(f"{reason} — CI must run the PostgreSQL tests", pytrace=False)
    pytest.skip(reason)


def _pg_admin_url() -> str:
    url = os.environ.get(PG_ENV)
    if not url:
        _unavailable(f"{PG_ENV} is not set: PostgreSQL tests skipped")
    assert url is not None
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url[len("postgresql://") :]
    return url


def _pg_exec(admin_url: str, sql: str) -> None:
    engine = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as conn:
            conn.execute(text(sql))
    finally:
        engine.dispose()


@dataclass
class Template:
    backend: str
    location: str  # a file path (SQLite) or a database name (PostgreSQL)
    admin_url: str = ""


@pytest.fixture(scope="session")
def _templates(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Template]]:
    made: dict[str, Template] = {}
    yield made
    for tpl in made.values():
        if tpl.backend == "postgres":
            _pg_exec(tpl.admin_url, f'DROP DATABASE IF EXISTS "{tpl.location}" WITH (FORCE)')


def _template(backend: str, templates: dict[str, Template], tmp: Path) -> Template:
    if backend in templates:
        return templates[backend]
    if backend == "sqlite":
        path = tmp / "template.sqlite3"
        engine = make_engine(f"sqlite:///{path}")
        _migrate_and_seed(engine)
        engine.dispose()
        templates[backend] = Template("sqlite", str(path))
    else:
        admin = _pg_admin_url()
        name = f"kalibar_tpl_{uuid.uuid4().hex[:10]}"
        try:
            _pg_exec(admin, f'CREATE DATABASE "{name}"')
        except Exception as exc:  # noqa: BLE001
            _unavailable(f"PostgreSQL at {PG_ENV} is not reachable: {exc}")
        templates[backend] = Template("postgres", name, admin)
        engine = make_engine(make_url(admin).set(database=name).render_as_string(False))
        _migrate_and_seed(engine)
        engine.dispose()
    return templates[backend]


def _migrate_and_seed(engine: Engine) -> None:
    upgrade_and_seed(engine)


@pytest.fixture(params=BACKENDS)
def engine(
    request: pytest.FixtureRequest,
    _templates: dict[str, Template],
    tmp_path_factory: pytest.TempPathFactory,
    tmp_path: Path,
) -> Iterator[Engine]:
    """A freshly migrated database on each backend."""
    backend: str = request.param
    tpl = _template(backend, _templates, tmp_path_factory.getbasetemp())
    if backend == "sqlite":
        path = tmp_path / "kalibar.sqlite3"
        shutil.copy(tpl.location, path)
        eng = make_engine(f"sqlite:///{path}")
        yield eng
        eng.dispose()
        return
    name = f"kalibar_test_{uuid.uuid4().hex[:12]}"
    _pg_exec(tpl.admin_url, f'CREATE DATABASE "{name}" TEMPLATE "{tpl.location}"')
    eng = make_engine(make_url(tpl.admin_url).set(database=name).render_as_string(False))
    try:
        yield eng
    finally:
        eng.dispose()
        _pg_exec(tpl.admin_url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
def world(engine: Engine) -> World:
    """The demo agencies and users, with their passwords."""
    with unit_of_work(engine) as s:
        result = load_demo(s)
    return World(engine=engine, passwords=result.credentials)


@pytest.fixture(autouse=True, scope="session")
def _fast_password_hashing() -> Iterator[None]:
    """Argon2 with small parameters: same code path, a fraction of the time."""
    from argon2 import PasswordHasher

    from kalibar.auth import passwords

    original = passwords._hasher
    passwords._hasher = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
    yield
    passwords._hasher = original


@pytest.fixture(autouse=True, scope="session")
def _scratch_data_dir(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """Indexes and files go to a scratch folder, never to the working tree's ./var."""
    from kalibar.config import get_settings

    old = os.environ.get("KALIBAR_DATA_DIR")
    os.environ["KALIBAR_DATA_DIR"] = str(tmp_path_factory.mktemp("data"))
    get_settings.cache_clear()
    yield
    if old is None:
        os.environ.pop("KALIBAR_DATA_DIR", None)
    else:
        os.environ["KALIBAR_DATA_DIR"] = old
    get_settings.cache_clear()


@pytest.fixture
def own_data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """A data folder (index, evidence) of the test's own, and the index forgotten after it."""
    from kalibar.config import get_settings
    from kalibar.matching import index_store

    monkeypatch.setenv("KALIBAR_DATA_DIR", str(tmp_path / "data"))
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()
    index_store.forget()


@pytest.fixture(autouse=True, scope="session")
def _test_audit_key() -> Iterator[None]:
    """A throwaway audit key for the run, in the environment so that servers the tests
    start (with data folders of their own) seal the chain with the same key."""
    import secrets

    from kalibar.config import get_settings

    old = os.environ.get("KALIBAR_AUDIT_KEY")
    os.environ["KALIBAR_AUDIT_KEY"] = secrets.token_hex(32)
    get_settings.cache_clear()
    yield
    if old is None:
        os.environ.pop("KALIBAR_AUDIT_KEY", None)
    else:
        os.environ["KALIBAR_AUDIT_KEY"] = old
    get_settings.cache_clear()
