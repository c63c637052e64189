"""``kalibar records add|show|edit|delete|list`` on each test database."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest
from support import World
from typer.testing import CliRunner

from kalibar.app.cli import app
from kalibar.config import get_settings


@pytest.fixture
def cli(world: World, monkeypatch: pytest.MonkeyPatch) -> Iterator[CliRunner]:
    monkeypatch.setenv("KALIBAR_DATABASE_URL", world.engine.url.render_as_string(False))
    get_settings.cache_clear()
    yield CliRunner()
    get_settings.cache_clear()


def test_add_show_edit_list_delete(cli: CliRunner) -> None:
    added = cli.invoke(
        app,
        [
            "records",
            "add",
            "--agency",
            "BA-UIO",
            "--status",
            "stolen",
            "--make",
            "Црвена Застава",
            "--model",
            "M70AB2",
            "--calibre",
            "7,62 M43",
            "--serial",
            "AB-1234",
            "--event-date",
            "2024-05-01",
            "--json",
        ],
    )
    assert added.exit_code == 0, added.output
    rec = json.loads(added.output)
    assert rec["make_code"] == "zastava" and rec["reference"].startswith("UIO-")
    rid = rec["record_id"]
    dup = cli.invoke(
        app,
        [
            "records",
            "add",
            "--agency",
            "BA-UIO",
            "--status",
            "seized",
            "--make",
            "Zastava",
            "--serial",
            "ab 1234",
        ],
    )
    assert dup.exit_code == 1 and "exists already" in dup.output
    shown = cli.invoke(app, ["records", "show", rid, "--agency", "BA-GP", "--json"])
    assert json.loads(shown.output)["serial_number"] == "AB-1234"
    hidden = cli.invoke(app, ["records", "show", rid, "--agency", "RS-UC"])
    assert hidden.exit_code == 1 and "not found" in hidden.output
    not_owner = cli.invoke(app, ["records", "edit", rid, "--agency", "BA-GP", "--set", "notes=x"])
    assert not_owner.exit_code == 1
    edited = cli.invoke(
        app,
        [
            "records",
            "edit",
            rid,
            "--agency",
            "BA-UIO",
            "--set",
            "status=seized",
            "--set",
            "event_place=Brčko",
        ],
    )
    assert edited.exit_code == 0, edited.output
    listed = cli.invoke(app, ["records", "list", "--agency", "BA-UIO", "--q", "Zastava", "--json"])
    rows = json.loads(listed.output)
    assert [r["event_place"] for r in rows] == ["Brčko"] and rows[0]["status"] == "seized"
    assert cli.invoke(app, ["records", "delete", rid, "--agency", "BA-UIO"]).exit_code == 0
    gone = cli.invoke(app, ["records", "show", rid, "--agency", "BA-UIO"])
    assert gone.exit_code == 1


def test_bad_options_are_named(cli: CliRunner) -> None:
    r = cli.invoke(
        app,
        [
            "records",
            "add",
            "--agency",
            "BA-UIO",
            "--status",
            "misplaced",
            "--year",
            "3000",
            "--country",
            "Atlantis",
        ],
    )
    assert r.exit_code == 1
    for flag in ("--status", "--year", "--country"):
        assert flag in r.output
