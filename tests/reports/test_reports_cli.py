"""``kalibar reports iafq`` and ``kalibar reports sdg`` against the planted year."""

from __future__ import annotations

import io
import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from openpyxl import load_workbook
from plant import YEAR, Expected, plant
from sqlalchemy import Engine
from support import World
from typer.testing import CliRunner

from kalibar.app.cli import app
from kalibar.config import get_settings
from kalibar.reports import export


@pytest.fixture
def cli(engine: Engine, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[CliRunner]:
    monkeypatch.setenv("KALIBAR_DATABASE_URL", engine.url.render_as_string(False))
    monkeypatch.setenv("KALIBAR_DATA_DIR", str(tmp_path / "var"))
    get_settings.cache_clear()
    yield CliRunner()
    get_settings.cache_clear()


def test_iafq_and_sdg_from_the_console(cli: CliRunner, world: World, tmp_path: Path) -> None:
    planted = plant(world.engine)
    national = Expected(planted, "national", "BA")
    out, sig = tmp_path / "stats.xlsx", tmp_path / "sig.xlsx"
    done = cli.invoke(app, ["reports", "iafq", "--year", str(YEAR), "--country", "BA",
                            "--agency", "BA-MS", "--out", str(out), "--significant-out", str(sig),
                            "--json"])  # fmt: skip
    assert done.exit_code == 0, done.output
    body = json.loads(done.output)
    assert body["scope_kind"] == "national"
    assert sum(r["total"] for r in body["arms"]["type"]) == len(national.arms())
    wb = load_workbook(io.BytesIO(out.read_bytes()))
    assert export.ARMS_SHEETS["type"] in wb.sheetnames
    assert load_workbook(io.BytesIO(sig.read_bytes())).sheetnames == [export.SIGNIFICANT_SHEET]
    own = cli.invoke(app, ["reports", "iafq", "--year", str(YEAR), "--agency", "BA-UIO"])
    assert own.exit_code == 0 and "BA-UIO" in own.output
    periods = cli.invoke(app, ["reports", "sdg", "--year", str(YEAR), "--country", "BA", "--json"])
    assert periods.exit_code == 0, periods.output
    rows = json.loads(periods.output)
    assert rows[0]["denominator"] == national.sdg()[0]
    assert rows[0]["denominator"] == rows[1]["denominator"] + rows[2]["denominator"]
    missing = cli.invoke(app, ["reports", "iafq", "--year", str(YEAR)])
    assert missing.exit_code != 0
