"""Import and export through the CLI and the API; a killed import leaves nothing."""

from __future__ import annotations

import csv
import io
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import func, select
from support import World, client_for
from test_import_export import GOOD, count, write_csv
from typer.testing import CliRunner

from kalibar.auth import service as auth
from kalibar.config import get_settings
from kalibar.db.session import engine_for, unit_of_work
from kalibar.records.cli import app
from kalibar.records.fields import COLUMNS
from kalibar.records.io_api import router
from kalibar.records.models import FirearmRecord


@pytest.fixture
def cli_db(world: World, monkeypatch: pytest.MonkeyPatch) -> Iterator[World]:
    """Point the CLI's default engine at the test database."""
    monkeypatch.setenv("KALIBAR_DATABASE_URL", world.engine.url.render_as_string(False))
    get_settings.cache_clear()
    engine_for.cache_clear()
    yield world
    get_settings.cache_clear()
    engine_for.cache_clear()


def test_cli_import_errors_table_and_exit_status(cli_db: World, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "bad.csv", [GOOD, {**GOOD, "status": "misplaced"}])
    result = CliRunner().invoke(app, ["import", str(path), "--agency", "BA-UIO"])
    assert result.exit_code == 1
    assert "misplaced" in result.output and "status" in result.output
    assert count(cli_db.engine) == 0


def test_cli_import_partial_then_export(cli_db: World, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "in.csv", [GOOD, {**GOOD, "status": "misplaced"}])
    result = CliRunner().invoke(app, ["import", str(path), "--agency", "BA-UIO", "--partial"])
    assert result.exit_code == 0, result.output
    assert "1 inserted" in result.output and (tmp_path / "in.rejects.csv").exists()
    result = CliRunner().invoke(app, ["export", "--agency", "BA-GP", "--format", "csv"])
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert [r["serial_number"] for r in rows] == [GOOD["serial_number"]]
    out = tmp_path / "out.xlsx"
    result = CliRunner().invoke(
        app, ["export", "--agency", "BA-UIO", "--format", "xlsx", "--out", str(out)]
    )
    assert result.exit_code == 0 and out.stat().st_size > 0


def _api(world: World, username: str):  # type: ignore[no-untyped-def]
    with unit_of_work(world.engine) as s:
        raw, _t = auth.create_token(s, username=username)
    client = client_for(world.engine)
    routes = client.app.router.routes
    if not any(getattr(r, "path", "") == "/api/v1/records/import" for r in routes):
        # Until the app includes it: before /records/{record_id}, which would match /export.
        before = len(routes)
        client.app.include_router(router, prefix="/api/v1")
        routes[:] = routes[before:] + routes[:before]
    client.headers["Authorization"] = f"Bearer {raw}"
    return client


def test_api_import_preview_errors_and_export(world: World, tmp_path: Path) -> None:
    client = _api(world, "officer")
    bad = write_csv(tmp_path / "bad.csv", [GOOD, {**GOOD, "year_of_manufacture": "x"}]).read_bytes()
    r = client.post("/api/v1/records/import", files={"file": ("bad.csv", bad, "text/csv")})
    assert r.status_code == 422
    (detail,) = r.json()["error"]["details"]
    assert detail == {
        "row": 3,
        "column": "year_of_manufacture",
        "value": "x",
        "reason": "not a year",
    }
    r = client.post(
        "/api/v1/records/import",
        files={"file": ("bad.csv", bad, "text/csv")},
        data={"partial": "true"},
    )
    assert r.status_code == 200 and r.json()["inserted"] == 1 and r.json()["rejected"] == 1
    r = client.post(
        "/api/v1/records/import",
        files={"file": ("bad.csv", bad, "text/csv")},
        data={"agency": "BA-GP"},
    )
    assert r.status_code == 403
    r = client.get("/api/v1/records/export?format=json")
    assert r.status_code == 200 and "attachment" in r.headers["content-disposition"]
    assert [o["serial_number"] for o in r.json()] == [GOOD["serial_number"]]


# ------------------------------------------------------------------ killed mid-import


def _big_file(path: Path, rows: int) -> Path:
    with path.open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(COLUMNS)
        for i in range(rows):
            row = {**GOOD, "serial_number": f"K{i:08d}", "case_reference": f"KT-{i}"}
            w.writerow([row.get(c, "") for c in COLUMNS])
    return path


def test_killed_import_leaves_nothing(world: World, tmp_path: Path) -> None:
    """SIGKILL mid-import (no cleanup runs): the database holds nothing of it, on both
    backends, and the audit chain still verifies."""
    data = tmp_path / "data"
    data.mkdir()
    db = world.engine
    source = _big_file(tmp_path / "big.csv", 150_000)
    env = {
        **os.environ,
        "KALIBAR_DATA_DIR": str(data),
        "KALIBAR_DATABASE_URL": db.url.render_as_string(hide_password=False),
    }
    cmd = [
        sys.executable,
        "-c",
        "from kalibar.app.cli import app; app()",
        "records",
        "import",
        str(source),
        "--agency",
        "BA-UIO",
    ]
    proc = subprocess.Popen(cmd, env=env, stderr=subprocess.PIPE, text=True)
    assert proc.stderr is not None
    deadline = time.monotonic() + 120
    seen = ""
    while "progress: 20000" not in seen and time.monotonic() < deadline:
        line = proc.stderr.readline()
        assert line or proc.poll() is None, f"import ended before it was killed: {seen}"
        seen += line
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    assert "progress: 20000" in seen
    with unit_of_work(db) as s:
        assert s.execute(select(func.count()).select_from(FirearmRecord)).scalar_one() == 0
    verify = subprocess.run(
        [sys.executable, "-c", "from kalibar.app.cli import app; app()", "audit", "verify"],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert verify.returncode == 0, verify.stderr
    assert "audit chain intact" in verify.stdout
