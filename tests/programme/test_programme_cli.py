"""``kalibar programme template|import|trainings|indicators``."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from openpyxl import load_workbook
from programme_support import write_book
from sqlalchemy import Engine, func, select
from support import World
from typer.testing import CliRunner

from kalibar.app.cli import app
from kalibar.config import get_settings
from kalibar.programme.models import Participant


@pytest.fixture
def cli(engine: Engine, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[CliRunner]:
    monkeypatch.setenv("KALIBAR_DATABASE_URL", engine.url.render_as_string(False))
    monkeypatch.setenv("KALIBAR_DATA_DIR", str(tmp_path / "var"))
    get_settings.cache_clear()
    yield CliRunner()
    get_settings.cache_clear()


def test_template_import_and_indicators(cli: CliRunner, world: World, tmp_path: Path) -> None:
    out = tmp_path / "template.xlsx"
    assert cli.invoke(app, ["programme", "template", str(out)]).exit_code == 0
    assert "trainings" in load_workbook(out).sheetnames
    book = write_book(tmp_path / "ledger.xlsx", {
        "trainings": [["reference", "course", "start_date"], ["T1", "Course", "10.01.2026"]],
        "participants": [["training", "full_name", "agency", "gender"],
                         ["T1", "A", "BA-UIO", "Ž"], ["T1", "B", "BA-GP", "M"]],
    })  # fmt: skip
    done = cli.invoke(app, ["programme", "import", str(book), "--agency", "BA-UIO"])
    assert done.exit_code == 0, done.output
    with world.session() as s:
        assert s.execute(select(func.count()).select_from(Participant)).scalar_one() == 2
    bad = write_book(tmp_path / "bad.xlsx", {
        "participants": [["training", "full_name", "agency"], ["T9", "C", "BA-UIO"]],
    })  # fmt: skip
    refused = cli.invoke(app, ["programme", "import", str(bad), "--agency", "BA-UIO"])
    assert refused.exit_code == 1 and "'sheet': 'participants'" in refused.output
    listed = cli.invoke(app, ["programme", "trainings", "--agency", "BA-UIO"])
    assert "T1" in listed.output
    period = ["--from", "2026-01-01", "--to", "2026-12-31", "--csv"]
    csv = cli.invoke(
        app, ["programme", "indicators", "--agency", "BA-UIO", *period, "trained_by_agency"]
    )
    assert csv.exit_code == 0, csv.output
    assert csv.output.splitlines()[1:] == ["BA-GP,1,0,1,0,0.0", "BA-UIO,1,1,0,0,1.0"]
    # BA-GP sees its own figures (none); with --national the country's totals.
    own = cli.invoke(app, ["programme", "indicators", "--agency", "BA-GP", "--from",
                           "2026-01-01", "--csv", "summary"])  # fmt: skip
    assert own.output.splitlines()[1].split(",")[6] == "0"
    national = cli.invoke(app, ["programme", "indicators", "--agency", "BA-GP", "--national",
                                "--from", "2026-01-01", "--csv", "summary"])  # fmt: skip
    assert national.output.splitlines()[1].split(",")[6] == "2"
