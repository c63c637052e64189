"""Former states (ISO 3166-3: SU, YU, CS, DD) as countries of manufacture: kept as stamped
in forms, imports, the API, exports and SDG breakdowns, named in the reader's language;
traces go to the successor that holds the maker's records."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from openpyxl import Workbook
from support import World, client_for, login, token_client
from test_import_export import export_text, records, rejected, run_import, write_csv

from kalibar.i18n import use_language
from kalibar.reference.catalogue import load_catalogue
from kalibar.reference.countries import (
    country_code,
    country_label,
    country_name,
    historic_states,
    successor,
)

ROW = {
    "status": "seized",
    "weapon_type": "pistol",
    "make": "Zastava",
    "model": "M57",
    "calibre": "7.62x25",
    "event_date": "2025-03-01",
    "reporting_agency": "BA-GP",
}

#: What people write → what is stored.
WRITTEN = [
    ("SU", "SU"),
    ("su", "SU"),
    ("SUHH", "SU"),
    ("USSR", "SU"),
    ("СССР", "SU"),
    ("YU", "YU"),
    ("YUG", "YU"),
    ("S.F.R.J.", "YU"),
    ("Jugoslavija", "YU"),
    ("CS", "CS"),
    ("CSHH", "CS"),
    ("ČSSR", "CS"),
    ("CSXX", "CS"),
    ("SCG", "CS"),
    ("Serbia and Montenegro", "CS"),
    ("DD", "DD"),
    ("DDR", "DD"),
    ("GDR", "DD"),
    ("RS", "RS"),
    ("BIH", "BA"),
    ("Germany", "DE"),
]


@pytest.mark.parametrize(("text", "code"), WRITTEN)
def test_every_written_form_of_a_former_state_is_read(text: str, code: str) -> None:
    assert country_code(text) == code


def test_names_and_the_successor_map() -> None:
    assert country_name("SU") == "Soviet Union"
    assert country_label("YU") == "YU — Yugoslavia"
    assert country_label("CS") == "CS — Czechoslovakia / Serbia and Montenegro"
    with use_language("sr_Cyrl"):
        assert country_name("RS") == "Србија"  # current states from CLDR in every language
    assert successor("YU", make_code="zastava") == "RS"
    assert successor("YU") == "RS"
    assert successor("SU", make_code="tula") == "RU"
    assert successor("SU", make_country="UA") == "UA"  # the catalogue's maker's country
    assert successor("SU", make_country="DE") == "RU"  # not a successor: the default
    assert successor("CS", make_code="cz") == "CZ"
    assert successor("CS", year=1985) == "CZ"
    assert successor("CS", year=2004) == "RS"  # Serbia and Montenegro, 2003–2006
    assert successor("DD") == "DE"
    assert successor("HR") == "HR" and successor(None) is None


def test_every_make_in_the_successor_map_is_in_the_catalogue() -> None:
    makes = set(load_catalogue().makes)
    for state in historic_states().values():
        assert set(state.makes) <= makes, state.code


def test_imports_keep_former_states_csv_xlsx_and_json(world: World, tmp_path: Path) -> None:
    rows = [ROW | {"serial_number": f"H{i}", "country_of_manufacture": t} for i, (t, _c) in
            enumerate(WRITTEN)]  # fmt: skip
    report = run_import(world.engine, write_csv(tmp_path / "in.csv", rows), agency=None)
    assert report.inserted == len(WRITTEN)
    stored = {r.serial_number: r.country_of_manufacture for r in records(world.engine)}
    assert stored == {f"H{i}": code for i, (_t, code) in enumerate(WRITTEN)}

    wb = Workbook()
    ws = wb.active
    ws.append(["serial_number", "status", "country_of_manufacture", "event_date"])
    ws.append(["X1", "found", "YUG", datetime(2024, 5, 6)])
    ws.append(["X2", "found", "DDR", "6.5.2024."])
    wb.save(tmp_path / "in.xlsx")
    assert run_import(world.engine, tmp_path / "in.xlsx").inserted == 2

    doc = [{"serial_number": "J1", "status": "stolen", "country_of_manufacture": "SUN"}]
    (tmp_path / "in.json").write_text(json.dumps(doc), encoding="utf-8")
    assert run_import(world.engine, tmp_path / "in.json").inserted == 1
    stored = {r.serial_number: r.country_of_manufacture for r in records(world.engine)}
    assert (stored["X1"], stored["X2"], stored["J1"]) == ("YU", "DD", "SU")


def test_an_unknown_country_is_refused_with_its_row_and_column(
    world: World, tmp_path: Path
) -> None:
    path = write_csv(tmp_path / "bad.csv", [ROW | {"country_of_manufacture": "Atlantis"}])
    assert rejected(world.engine, path, agency=None) == [(2, "country_of_manufacture")]


@pytest.mark.parametrize("fmt", ["csv", "json"])
def test_exports_keep_the_stamped_code(world: World, tmp_path: Path, fmt: str) -> None:
    rows = [ROW | {"serial_number": f"E{c}", "country_of_manufacture": c} for c in
            ("SU", "YU", "CS", "DD")]  # fmt: skip
    run_import(world.engine, write_csv(tmp_path / "in.csv", rows), agency=None)
    data = export_text(world.engine, fmt, agency="BA-GP").decode()
    if fmt == "json":
        exported = {r["serial_number"]: r["country_of_manufacture"] for r in json.loads(data)}
    else:
        lines = [line.split(",") for line in data.splitlines()]
        col, serial = lines[0].index("country_of_manufacture"), lines[0].index("serial_number")
        exported = {line[serial]: line[col] for line in lines[1:]}
    assert {exported[f"E{c}"] for c in ("SU", "YU", "CS", "DD")} == {"SU", "YU", "CS", "DD"}


def test_api_accepts_former_states_and_refuses_unknown_ones(world: World) -> None:
    client = token_client(world.engine, "border")
    body: dict[str, Any] = ROW | {"serial_number": "API1", "country_of_manufacture": "SFRJ"}
    r = client.post("/api/v1/records", json=body)
    assert r.status_code == 201, r.text
    assert r.json()["country_of_manufacture"] == "YU"
    bad = client.post("/api/v1/records", json=body | {"country_of_manufacture": "ZZ"})
    assert bad.status_code == 422
    assert "country_of_manufacture" in bad.text and "SU, YU, CS, DD" in bad.text


def test_form_keeps_the_former_state_and_the_page_names_it(world: World) -> None:
    client = client_for(world.engine)
    csrf = login(client, "border", world.passwords["border"])
    form = {k: v for k, v in ROW.items() if k != "reporting_agency"}
    form |= {"serial_number": "F1", "country_of_manufacture": "Jugoslavija", "csrf_token": csrf}
    r = client.post("/records/new", data=form | {"distribution": "national"})
    assert r.status_code == 303, r.text
    page = client.get(r.headers["location"])
    assert "YU — Yugoslavia" in page.text


def test_sdg_breakdown_names_former_states(world: World) -> None:
    client = token_client(world.engine, "border")
    for i, code in enumerate(["SU", "SU", "YU", "DD", ""]):
        body = ROW | {"serial_number": f"S{i}", "country_of_manufacture": code or None}
        assert client.post("/api/v1/records", json=body).status_code == 201
    period = {"from": "2025-01-01", "to": "2025-12-31"}
    r = client.get("/api/v1/indicators/sdg-16-4-2", params=period)
    assert r.status_code == 200, r.text
    cells = {c["key"]: c for c in r.json()["by_country_of_manufacture"]}
    assert cells["SU"]["denominator"] == 2 and cells["SU"]["label"] == "SU — Soviet Union"
    assert cells["YU"]["label"] == "YU — Yugoslavia"
    assert cells["DD"]["label"] == "DD — German Democratic Republic"
    assert cells["RS"]["label"] == "RS — Serbia"  # none given: the catalogue's for Zastava


@pytest.mark.parametrize(
    ("made", "make", "model", "year", "country"),
    [
        ("YU", "Zastava", "M70 AB2", None, "RS"),  # a Zastava made in Yugoslavia
        ("YU", "Some Workshop", "", None, "RS"),  # unknown make: the state's default
        ("SU", "Tula", "TT-33", None, "RU"),
        ("CS", "CZ", "vz. 61", None, "CZ"),
        ("CS", "", "", 2004, "RS"),  # Serbia and Montenegro by the year
        ("DD", "Walther", "", None, "DE"),
    ],
)
def test_trace_goes_to_the_successor_holding_the_makers_records(
    world: World, made: str, make: str, model: str, year: int | None, country: str
) -> None:
    officer = token_client(world.engine, "officer")
    body = ROW | {"serial_number": "T1", "make": make, "model": model, "calibre": "",
                  "country_of_manufacture": made, "year_of_manufacture": year}  # fmt: skip
    rec = officer.post("/api/v1/records", json=body | {"reporting_agency": None})
    assert rec.status_code == 201, rec.text
    r = officer.get("/api/v1/traces/suggestions", params={"record_id": rec.json()["record_id"]})
    assert r.status_code == 200, r.text
    first = r.json()[0]
    assert (first["reason"], first["country"]) == ("manufacture", country)
    assert made in first["explanation"] and "successor" in first["explanation"]
    if country == "RS":
        assert "RS-UC" in first["agencies"]


def test_an_import_marking_of_a_former_state_names_its_successor() -> None:
    from kalibar.tracing.suggest import country_of_import

    assert country_of_import("SUN 1980") == "RU"
    assert country_of_import("DDR 1985") == "DE"
    assert country_of_import("YU 1987") == "RS"
    assert country_of_import("CRO 2011") == "HR"
