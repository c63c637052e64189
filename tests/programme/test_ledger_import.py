"""Importing the ledger's sheets: a clean workbook lands whole, one bad row refuses the
whole file and the error names file, sheet, row, column and field; CSV per sheet."""

from __future__ import annotations

from pathlib import Path

import pytest
from programme_support import write_book
from sqlalchemy import func, select
from support import World, actor_of

from kalibar.db.session import unit_of_work
from kalibar.errors import Invalid
from kalibar.programme.io_import import import_ledger
from kalibar.programme.models import Equipment, Participant, ProcedureAdoption, Training

TRAININGS = ["reference", "kind", "course", "start_date", "end_date", "place_code",
             "trainers", "trainers_training"]  # fmt: skip
PEOPLE = ["training", "full_name", "agency", "unit", "region", "role", "gender", "certificate"]


def good_book(path: Path) -> Path:
    return write_book(
        path,
        {
            "trainings": [
                TRAININGS,
                ["T-1", "course", "Detecting concealed firearms", "02.03.2026.", "04.03.2026",
                 "Izačić", "A. Trainer, B. Trainer", "no"],
                ["T-2", "gender_workshop", "Gender and SALW", "2026-04-10", "", "", "C. T", "da"],
            ],
            "participants": [
                PEOPLE,
                ["T-1", "Amra A", "ba-uio", "Mobile team", "Bihać", "inspector", "Ž", "C-1"],
                ["T-1", "Mirko B", "BA-UIO", "Mobile team", "Bihać", "inspector", "M", ""],
                ["T-1", "Sanja C", "BA-GP", "Izačić BCP", "Bihać", "officer", "female", ""],
                ["T-2", "Edin D", "BA-GP", "Izačić BCP", "Bihać", "officer", "m", "C-2"],
                ["T-2", "Jelena E", "BA-SIPA", "", "Sarajevo", "", "", ""],
            ],
            "equipment": [
                ["kind", "model", "serial", "place_code", "issued_on"],
                ["videoscope", "Olympus IPLEX", "VS-001", "BA-IZACIC", "01.02.2026"],
            ],
            "equipment_events": [
                ["kind", "serial", "event", "on", "note"],
                ["videoscope", "VS-001", "maintained", "2026-05-01", "lens"],
            ],
            "procedures": [
                ["name", "version", "adopted_on", "procedure_code"],
                ["SOP border seizure", "2", "15.01.2026", "border_seizure"],
            ],
            "instructions": [["anything"], ["is skipped"]],
        },  # fmt: skip
    )


def counts(world: World) -> tuple[int, int, int, int]:
    with world.session() as s:
        return tuple(  # type: ignore[return-value]
            s.execute(select(func.count()).select_from(m)).scalar_one()
            for m in (Training, Participant, Equipment, ProcedureAdoption)
        )


def test_a_clean_workbook_lands_whole(world: World, tmp_path: Path) -> None:
    officer = actor_of(world, "officer")
    path = good_book(tmp_path / "ledger.xlsx")
    with unit_of_work(world.engine, actor=officer) as s:
        report = import_ledger(s, actor=officer, source=path, filename="ledger.xlsx")
    assert report.created == {
        "trainings": 2, "participants": 5, "equipment": 1, "equipment_events": 1,
        "procedures": 1,
    }  # fmt: skip
    assert counts(world) == (2, 5, 1, 1)
    with world.session() as s:
        t1 = s.execute(select(Training).where(Training.reference == "T-1")).scalar_one()
        assert t1.place_code == "BA-IZACIC" and str(t1.end_date) == "2026-03-04"
        assert [p.gender for p in t1.participants] == ["female", "male", "female"]
        assert t1.participants[0].agency == "BA-UIO"
        t2 = s.execute(select(Training).where(Training.reference == "T-2")).scalar_one()
        assert t2.trainers_training and t2.end_date == t2.start_date
        assert t2.owner_agency_id == officer.agency_id and t2.distribution == "national"
        eq = s.execute(select(Equipment)).scalar_one()
        assert [e.kind for e in eq.events] == ["issued", "maintained"]


def test_one_bad_row_refuses_the_whole_file(world: World, tmp_path: Path) -> None:
    officer = actor_of(world, "officer")
    path = good_book(tmp_path / "ledger.xlsx")
    from openpyxl import load_workbook

    wb = load_workbook(path)
    wb["participants"].append(["T-1", "Bad Date", "BA-UIO", "", "", "", "X?", ""])
    wb["trainings"].append(["T-3", "course", "Late", "31.02.2026", "", "", "", ""])
    wb["participants"].append(["T-9", "Nobody", "BA-UIO", "", "", "", "", ""])
    wb.save(path)
    with pytest.raises(Invalid) as caught, unit_of_work(world.engine, actor=officer) as s:
        import_ledger(s, actor=officer, source=path, filename="ledger.xlsx")
    assert counts(world) == (0, 0, 0, 0)
    details = caught.value.details
    by_place = {(d["sheet"], d["row"], d["column"]): d for d in details}
    assert ("participants", 7, "gender") in by_place
    assert ("trainings", 4, "start_date") in by_place
    assert ("participants", 8, "training") in by_place
    gender = by_place[("participants", 7, "gender")]
    assert gender["file"] == "ledger.xlsx" and gender["field"] == "gender"
    assert gender["value"] == "X?"
    assert "3 rows" in caught.value.message


def test_header_problems_name_the_sheet_and_column(world: World, tmp_path: Path) -> None:
    officer = actor_of(world, "officer")
    path = write_book(
        tmp_path / "bad.xlsx",
        {"trainings": [["reference", "course", "colour"], ["T", "C", "red"]], "misc": [["a"]]},
    )
    with pytest.raises(Invalid) as caught, unit_of_work(world.engine, actor=officer) as s:
        import_ledger(s, actor=officer, source=path, filename="bad.xlsx")
    found = {(d["sheet"], d["row"], d["column"], d["reason"]) for d in caught.value.details}
    assert ("trainings", 1, "colour", "unknown column") in found
    assert ("trainings", 1, "start_date", "required column is missing") in found
    assert ("misc", 1, "", "unknown sheet") in found


def test_csv_per_sheet_and_links_to_existing_trainings(world: World, tmp_path: Path) -> None:
    officer = actor_of(world, "officer")
    trainings = tmp_path / "trainings.csv"
    trainings.write_text("reference,course,start_date\nT-10,Course,01.06.2026\n", "utf-8")
    people = tmp_path / "people.csv"
    people.write_text(
        "training,full_name,agency,gender\nT-10,Ana,BA-UIO,F\nT-10,Ivo,BA-UIO,M\n", "utf-8"
    )
    with unit_of_work(world.engine, actor=officer) as s:
        import_ledger(s, actor=officer, source=trainings, filename="trainings.csv")
    # The sheet cannot be told from the name "people".
    with pytest.raises(Invalid), unit_of_work(world.engine, actor=officer) as s:
        import_ledger(s, actor=officer, source=people, filename="people.csv")
    with unit_of_work(world.engine, actor=officer) as s:
        report = import_ledger(
            s, actor=officer, source=people, filename="people.csv", sheet="participants"
        )
    assert report.created["participants"] == 2
    assert counts(world)[:2] == (1, 2)
    # Another agency cannot add participants to BA-UIO's training by naming it.
    border = actor_of(world, "border")
    with pytest.raises(Invalid) as caught, unit_of_work(world.engine, actor=border) as s:
        import_ledger(s, actor=border, source=people, filename="people.csv", sheet="participants")
    assert {d["column"] for d in caught.value.details} == {"training"}


def test_duplicates_in_file_and_ledger_are_row_errors(world: World, tmp_path: Path) -> None:
    officer = actor_of(world, "officer")
    path = good_book(tmp_path / "ledger.xlsx")
    with unit_of_work(world.engine, actor=officer) as s:
        import_ledger(s, actor=officer, source=path, filename="ledger.xlsx")
    with pytest.raises(Invalid) as caught, unit_of_work(world.engine, actor=officer) as s:
        import_ledger(s, actor=officer, source=path, filename="ledger.xlsx")
    found = {(d["sheet"], d["column"]) for d in caught.value.details}
    assert {("trainings", "reference"), ("equipment", "serial"), ("procedures", "version")} <= found
    assert counts(world) == (2, 5, 1, 1)
