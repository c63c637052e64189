"""``kalibar analysis alerts run|list`` and ``kalibar analysis stats``."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from analysis_support import PItem, Planted, plant
from openpyxl import load_workbook
from sqlalchemy import Engine
from support import World, actor_of
from typer.testing import CliRunner

from kalibar.app.cli import app
from kalibar.config import get_settings


@pytest.fixture
def cli(engine: Engine, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[CliRunner]:
    monkeypatch.setenv("KALIBAR_DATABASE_URL", engine.url.render_as_string(False))
    monkeypatch.setenv("KALIBAR_DATA_DIR", str(tmp_path / "var"))
    get_settings.cache_clear()
    yield CliRunner()
    get_settings.cache_clear()


def test_alerts_run_and_list_and_stats(cli: CliRunner, world: World, tmp_path: Path) -> None:
    officer, border = actor_of(world, "officer"), actor_of(world, "border")
    now = datetime.now(UTC)
    plant(world, [
        Planted(owner=officer, occurred_at=now - timedelta(days=2), plate="TZ 555-K",
                concealment="fuel_tank", items=[PItem(make="cz", model="CZ 75")]),
        Planted(owner=border, occurred_at=now - timedelta(days=9), plate="tz555k"),
    ])  # fmt: skip
    run = cli.invoke(app, ["analysis", "alerts", "run"])
    assert run.exit_code == 0, run.output
    assert "alerts created" in run.output
    listed = cli.invoke(app, ["analysis", "alerts", "list", "--agency", "BA-GP"])
    assert listed.exit_code == 0 and "same vehicle" in listed.output.replace("\n", " ")
    again = cli.invoke(app, ["analysis", "alerts", "run", "--detector", "shared_identifier"])
    assert "0 alerts created, 0 updated" in again.output
    bad = cli.invoke(app, ["analysis", "alerts", "run", "--detector", "astrology"])
    assert bad.exit_code == 1
    table = cli.invoke(app, ["analysis", "stats", "--agency", "BA-UIO", "--by", "concealment"])
    assert table.exit_code == 0 and "fuel tank" in table.output
    out = tmp_path / "makes.xlsx"
    written = cli.invoke(app, ["analysis", "stats", "--agency", "BA-UIO", "--by", "make",
                               "--format", "xlsx", "--out", str(out)])  # fmt: skip
    assert written.exit_code == 0, written.output
    cells = [[c.value for c in row] for row in load_workbook(out).active.iter_rows()]
    assert ["cz", "Česká zbrojovka", 1, 1] in cells
