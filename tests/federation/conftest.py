"""A second database on the same backend as ``engine``, for a peer instance."""

from __future__ import annotations

import importlib.util
import shutil
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine
from sqlalchemy.engine import make_url

from kalibar.db.session import make_engine

_spec = importlib.util.spec_from_file_location(
    "kalibar_tests_root", Path(__file__).parent.parent / "conftest.py"
)
assert _spec is not None and _spec.loader is not None
_root = importlib.util.module_from_spec(_spec)
sys.modules["kalibar_tests_root"] = _root
_spec.loader.exec_module(_root)
Template, _pg_exec, _template = _root.Template, _root._pg_exec, _root._template


@pytest.fixture
def peer_engine(
    engine: Engine,
    _templates: dict[str, object],
    tmp_path_factory: pytest.TempPathFactory,
    tmp_path: Path,
) -> Iterator[Engine]:
    backend = "postgres" if engine.dialect.name == "postgresql" else "sqlite"
    tpl = _template(backend, _templates, tmp_path_factory.getbasetemp())
    if backend == "sqlite":
        path = tmp_path / "peer.sqlite3"
        shutil.copy(tpl.location, path)
        eng = make_engine(f"sqlite:///{path}")
        yield eng
        eng.dispose()
        return
    name = f"kalibar_peer_{uuid.uuid4().hex[:12]}"
    _pg_exec(tpl.admin_url, f'CREATE DATABASE "{name}" TEMPLATE "{tpl.location}"')
    eng = make_engine(make_url(tpl.admin_url).set(database=name).render_as_string(False))
    try:
        yield eng
    finally:
        eng.dispose()
        _pg_exec(tpl.admin_url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
