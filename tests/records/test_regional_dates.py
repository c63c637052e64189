"""Dates written the region's way (31.12.2025, 31.12.2025., 31. 12. 2025., 31/12/2025) in
imports, forms and the CLI; the API and exports stay ISO 8601; an impossible date is
refused saying where and why."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from openpyxl import Workbook
from support import World, client_for, login, token_client
from test_import_export import export_text, records, run_import, write_csv
from typer.testing import CliRunner

from kalibar.app.cli import app
from kalibar.config import get_settings
from kalibar.dates import DateError, parse_day
from kalibar.errors import Invalid

WRITTEN = ["31.12.2024", "31.12.2024.", "31. 12. 2024.", "31/12/2024", "2024-12-31"]
ROW = {"status": "found", "make": "Zastava", "model": "M57", "reporting_agency": "BA-GP"}


@pytest.mark.parametrize("text", [*WRITTEN, " 31.12.2024 ", "2024-12-31T08:30:00"])
def test_every_regional_form_is_the_same_day(text: str) -> None:
    assert parse_day(text) == date(2024, 12, 31)


def test_short_forms_and_iso_only_mode() -> None:
    assert parse_day("1.2.2025.") == date(2025, 2, 1)
    with pytest.raises(DateError, match="not an ISO 8601 date"):
        parse_day("31.12.2024", regional=False)
    assert parse_day("2024-12-31", regional=False) == date(2024, 12, 31)


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("31.02.2025", "February 2025 has 28 days, not 31"),
        ("29.02.2023.", "February 2023 has 28 days, not 29"),
        ("2025-04-31", "April 2025 has 30 days, not 31"),
        ("12.13.2025", "no month 13"),
        ("31.12.25", "not a date"),  # which century is a guess
        ("31/12.2025", "not a date"),  # separators must agree
        ("yesterday", "not a date"),
    ],
)
def test_impossible_or_unclear_dates_say_why(text: str, reason: str) -> None:
    with pytest.raises(DateError) as info:
        parse_day(text)
    assert reason in info.value.message


def test_imports_read_regional_dates_and_exports_write_iso(world: World, tmp_path: Path) -> None:
    rows = [ROW | {"serial_number": f"D{i}", "event_date": t} for i, t in enumerate(WRITTEN)]
    assert run_import(world.engine, write_csv(tmp_path / "in.csv", rows)).inserted == len(WRITTEN)
    assert {r.event_date for r in records(world.engine)} == {date(2024, 12, 31)}

    wb = Workbook()
    ws = wb.active
    ws.append(["serial_number", "status", "event_date"])
    ws.append(["X1", "found", "6.5.2024."])  # typed as text in a spreadsheet
    wb.save(tmp_path / "in.xlsx")
    assert run_import(world.engine, tmp_path / "in.xlsx").inserted == 1

    data = export_text(world.engine, "csv").decode()
    assert "2024-12-31" in data and "2024-05-06" in data
    assert "31.12.2024" not in data
    exported = json.loads(export_text(world.engine, "json"))
    assert {r["event_date"] for r in exported} == {"2024-12-31", "2024-05-06"}


def test_an_impossible_date_in_a_file_names_row_column_and_reason(
    world: World, tmp_path: Path
) -> None:
    rows = [ROW | {"serial_number": "A", "event_date": "30.12.2024."},
            ROW | {"serial_number": "B", "event_date": "31.02.2025"}]  # fmt: skip
    path = write_csv(tmp_path / "dates.csv", rows)
    with pytest.raises(Invalid) as info:
        run_import(world.engine, path)
    (detail,) = info.value.details
    assert (detail["row"], detail["column"], detail["value"]) == (3, "event_date", "31.02.2025")
    assert "February 2025 has 28 days" in detail["reason"]
    assert records(world.engine) == []  # nothing half-written


def test_form_accepts_a_regional_date_and_names_an_impossible_one(world: World) -> None:
    client = client_for(world.engine)
    csrf = login(client, "border", world.passwords["border"])
    form = {"status": "found", "make": "Zastava", "serial_number": "F1", "csrf_token": csrf}
    bad = client.post("/records/new", data=form | {"event_date": "31.02.2025"})
    assert bad.status_code == 422
    assert "February 2025 has 28 days" in bad.text
    assert 'value="31.02.2025"' in bad.text  # what was typed is kept for correcting
    ok = client.post("/records/new", data=form | {"event_date": "31. 12. 2024."})
    assert ok.status_code == 303, ok.text
    page = client.get(ok.headers["location"])
    assert "2024-12-31" in page.text


def test_api_stays_iso_8601(world: World) -> None:
    client = token_client(world.engine, "border")
    body = ROW | {"serial_number": "API1"}
    regional = client.post("/api/v1/records", json=body | {"event_date": "31.12.2024"})
    assert regional.status_code == 422 and "event_date" in regional.text
    iso = client.post("/api/v1/records", json=body | {"event_date": "2024-12-31"})
    assert iso.status_code == 201 and iso.json()["event_date"] == "2024-12-31"


@pytest.fixture
def cli(world: World, monkeypatch: pytest.MonkeyPatch) -> Iterator[CliRunner]:
    monkeypatch.setenv("KALIBAR_DATABASE_URL", world.engine.url.render_as_string(False))
    get_settings.cache_clear()
    yield CliRunner()
    get_settings.cache_clear()


def test_cli_reads_regional_dates_and_prints_iso(cli: CliRunner) -> None:
    args = ["records", "add", "--agency", "BA-UIO", "--status", "stolen", "--serial", "C1"]
    added = cli.invoke(app, [*args, "--event-date", "31.12.2024.", "--json"])
    assert added.exit_code == 0, added.output
    assert json.loads(added.output)["event_date"] == "2024-12-31"
    bad = cli.invoke(app, [*args, "--event-date", "31.02.2025"])
    assert bad.exit_code != 0
    said = " ".join(bad.output.split())  # the console wraps long lines
    assert "--event-date" in said and "February 2025 has 28 days" in said
    report = cli.invoke(
        app,
        [
            "indicators",
            "sdg1642",
            "--agency",
            "BA-UIO",
            "--from",
            "1.1.2024.",
            "--to",
            "31/12/2024",
            "--json",
        ],
    )
    assert report.exit_code == 0, report.output
    period = json.loads(report.output)["period"]
    assert (period["from"], period["to"]) == ("2024-01-01", "2024-12-31")
