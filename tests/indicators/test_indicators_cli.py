"""``kalibar indicators sdg1642`` and ``kalibar indicators tracing``."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine
from support import World
from test_sdg_16_4_2 import build
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


PERIOD = ["--from", "2025-01-01", "--to", "2025-12-31"]


def test_sdg_for_an_agency_and_national_totals(cli: CliRunner, world: World) -> None:
    build(world)
    seen = cli.invoke(app, ["indicators", "sdg1642", *PERIOD, "--agency", "BA-MS", "--json"])
    assert seen.exit_code == 0, seen.output
    body = json.loads(seen.output)
    assert (body["denominator"], body["numerator"], body["ratio"]) == (6, 3, 0.5)
    assert (
        body["period"] == {"from": "2025-01-01", "to": "2025-12-31"} and body["viewer"] == "BA-MS"
    )
    national = cli.invoke(app, ["indicators", "sdg1642", *PERIOD, "--country", "BA", "--json"])
    assert national.exit_code == 0, national.output
    body = json.loads(national.output)
    assert (body["denominator"], body["numerator"], body["excluded_antiques"]) == (7, 3, 2)
    owner = cli.invoke(
        app, ["indicators", "sdg1642", *PERIOD, "--country", "BA", "--owner", "BA-GP", "--json"]
    )
    assert json.loads(owner.output)["denominator"] == 2
    text = cli.invoke(app, ["indicators", "sdg1642", *PERIOD, "--agency", "BA-MS"])
    assert text.exit_code == 0 and "3 of 6" in text.output and "50.0%" in text.output
    missing = cli.invoke(app, ["indicators", "sdg1642", *PERIOD])
    assert missing.exit_code == 1 and "--country" in missing.output
    bad = cli.invoke(app, ["indicators", "sdg1642", "--from", "2025-99-01", "--country", "BA"])
    assert bad.exit_code == 1


def test_tracing_command(cli: CliRunner, world: World) -> None:
    result = cli.invoke(app, ["indicators", "tracing", *PERIOD, "--agency", "BA-UIO", "--json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["sent"] == 0
    assert cli.invoke(app, ["indicators", "--help"]).exit_code == 0
