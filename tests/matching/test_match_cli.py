"""``kalibar check``, ``kalibar match``, ``kalibar index rebuild``."""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import select
from support import World
from typer.testing import CliRunner

from kalibar.app.cli import app
from kalibar.auth.models import User
from kalibar.auth.service import actor_for  # noqa: I001
from kalibar.config import get_settings
from kalibar.db.session import engine_for, unit_of_work
from kalibar.matching import index_store
from kalibar.matching.jobs import OUT_COLUMNS
from kalibar.records import service as records
from kalibar.records.service import RecordData

runner = CliRunner()


@pytest.fixture
def cli_world(world: World, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[World]:
    url = world.engine.url.render_as_string(hide_password=False)
    monkeypatch.setenv("KALIBAR_DATABASE_URL", url)
    monkeypatch.setenv("KALIBAR_DATA_DIR", str(tmp_path / "data"))
    get_settings.cache_clear()
    engine_for.cache_clear()
    with unit_of_work(world.engine) as s:
        actor = actor_for(s, s.execute(select(User).where(User.username == "officer")).scalar_one())
        s.info["actor"] = actor
        for serial, status in (("AB 102345", "stolen"), ("CZ 777111", "lost"), ("PR 5", "seized")):
            records.create_record(
                s,
                actor=actor,
                data=RecordData(status=status, make="Zastava", serial_number=serial),
            )
    yield world
    get_settings.cache_clear()
    engine_for.cache_clear()
    index_store.forget()


def test_check_json(cli_world: World) -> None:
    r = runner.invoke(app, ["check", "--serial", "AB-1O2345", "--make", "Crvena Zastava", "--json"])
    assert r.exit_code == 0, r.output
    out = json.loads(r.stdout)
    assert out["restricted_matches"] == 0
    top = out["candidates"][0]
    assert top["serial_number"] == "AB 102345"
    assert "make: Crvena Zastava = Zastava (alias)" in top["explanation"]


def test_check_as_agency_counts_restricted(cli_world: World) -> None:
    r = runner.invoke(app, ["check", "--serial", "AB102345", "--agency", "RS-UC", "--json"])
    assert r.exit_code == 0, r.output
    out = json.loads(r.stdout)
    assert out == {"candidates": [], "restricted_matches": 1}


def test_check_bad_serial_is_an_error(cli_world: World) -> None:
    r = runner.invoke(app, ["check", "--serial", "--/"])
    assert r.exit_code == 1


def test_bulk_match_writes_the_columns(cli_world: World, tmp_path: Path) -> None:
    queries = tmp_path / "q.csv"
    queries.write_text(
        "query_id,serial_number,make,model,calibre,weapon_type\n"
        "q1,AB1O2345,Zastava,,,\n"
        "q2,CZ-777-111,,,,\n"
        "q3,nothing99999,,,,\n",
        encoding="utf-8",
    )
    out = tmp_path / "out.csv"
    r = runner.invoke(app, ["match", str(queries), "--out", str(out), "--limit", "5"])
    assert r.exit_code == 0, r.output
    with out.open(encoding="utf-8") as fh:
        reader = csv.DictReader(fh)
        assert tuple(reader.fieldnames or ()) == OUT_COLUMNS
        rows = list(reader)
    by_q = {row["query_id"]: row for row in rows if row["rank"] == "1"}
    assert by_q["q1"]["serial_number"] == "AB 102345" and by_q["q1"]["status"] == "stolen"
    assert "look-alike" in by_q["q1"]["explanation"]
    assert by_q["q2"]["serial_number"] == "CZ 777111"
    assert "q3" not in by_q


def test_bulk_match_missing_columns(cli_world: World, tmp_path: Path) -> None:
    queries = tmp_path / "q.csv"
    queries.write_text("id,serial\n1,2\n", encoding="utf-8")
    r = runner.invoke(app, ["match", str(queries), "--out", str(tmp_path / "o.csv")])
    assert r.exit_code == 1


def test_index_rebuild_then_check(cli_world: World, tmp_path: Path) -> None:
    r = runner.invoke(app, ["index", "rebuild"])
    assert r.exit_code == 0, r.output
    assert "3 records indexed" in r.output
    index_store.forget()
    r = runner.invoke(app, ["check", "--serial", "CZ777111", "--json"])
    assert json.loads(r.stdout)["candidates"][0]["serial_number"] == "CZ 777111"
