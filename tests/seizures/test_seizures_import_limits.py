"""``kalibar seizures import`` and ``kalibar traces import`` within the file limits: nesting
and size refused with a message, never a traceback (issue 18 items 3, 4)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from support import World
from test_seizures_cli_import import _count, cli  # noqa: F401 - the fixture
from typer.testing import CliRunner

from kalibar.app.cli import app
from kalibar.config import get_settings
from kalibar.seizures.models import Seizure


def test_deeply_nested_file_is_refused(
    cli: CliRunner,  # noqa: F811
    world: World,
    tmp_path: Path,
) -> None:
    path = tmp_path / "deep.json"
    path.write_text("[" * 100_000 + "]" * 100_000)
    r = cli.invoke(app, ["seizures", "import", str(path), "--agency", "BA-GP"])
    assert r.exit_code == 1 and isinstance(r.exception, SystemExit)
    assert "nested too deeply" in r.output
    assert _count(world.engine, Seizure) == 0
    r = cli.invoke(app, ["traces", "import", str(path), "--agency", "BA-GP"])
    assert r.exit_code == 1 and "nested too deeply" in r.output


def test_oversize_file_is_refused_before_it_is_read(
    cli: CliRunner,  # noqa: F811
    world: World,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("KALIBAR_DOCUMENT_MAX_BYTES", "1000")
    get_settings.cache_clear()
    path = tmp_path / "big.json"
    path.write_text("[" + " " * 2000 + "]")
    r = cli.invoke(app, ["seizures", "import", str(path), "--agency", "BA-GP"])
    assert r.exit_code == 1 and "too large" in r.output
    path.write_text("{" + " " * 1_100_000 + "}")  # trace documents: 1 MB
    r = cli.invoke(app, ["traces", "import", str(path), "--agency", "BA-GP"])
    assert r.exit_code == 1 and "too large" in r.output


def test_many_bad_seizures_stop_reading_with_a_short_report(
    cli: CliRunner,  # noqa: F811
    world: World,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("KALIBAR_IMPORT_MAX_BAD_ROWS", "5")
    monkeypatch.setenv("KALIBAR_IMPORT_MAX_LISTED_ERRORS", "3")
    get_settings.cache_clear()
    path = tmp_path / "bad.json"
    path.write_text(json.dumps([{"context": "teleport"}] * 50))
    r = cli.invoke(app, ["seizures", "import", str(path), "--agency", "BA-GP"])
    assert r.exit_code == 1
    assert "reading stopped at [5]" in r.output
    assert "more errors" in r.output
    assert _count(world.engine, Seizure) == 0
