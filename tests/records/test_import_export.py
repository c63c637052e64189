"""Importing and exporting records: validation, modes, encodings, XLSX, round trips."""

from __future__ import annotations

import csv
import io
import json
import uuid
from pathlib import Path
from typing import Any

import pytest
from openpyxl import Workbook
from sqlalchemy import func, select, update
from support import World

from kalibar.agencies.service import sync_countries
from kalibar.audit.models import AuditEntry
from kalibar.audit.service import verify_chain
from kalibar.db.migrate import upgrade
from kalibar.db.session import make_engine, unit_of_work
from kalibar.demo.service import load_demo
from kalibar.errors import Forbidden, Invalid
from kalibar.records.cli import cli_actor
from kalibar.records.fields import COLUMNS
from kalibar.records.io_export import export_records
from kalibar.records.io_import import ImportReport, import_records
from kalibar.records.models import FirearmRecord

GOOD = {
    "status": "seized",
    "weapon_type": "pistol",
    "make": "Zastava",
    "model": "M57",
    "calibre": "7.62x25",
    "serial_number": "A123456",
    "country_of_manufacture": "RS",
    "year_of_manufacture": "1985",
    "event_date": "2024-03-01",
    "event_place": "GP Izačić",
    "reporting_agency": "BA-GP",
    "case_reference": "KT-1/24",
}


def write_csv(
    path: Path,
    rows: list[dict[str, str]],
    *,
    header: list[str] | None = None,
    encoding: str = "utf-8",
) -> Path:
    header = header or COLUMNS
    with path.open("w", encoding=encoding, newline="") as fh:
        w = csv.writer(fh)
        w.writerow(header)
        for row in rows:
            w.writerow([row.get(c, "") for c in header])
    return path


def run_import(
    engine: Any, path: Path, *, agency: str | None = "BA-UIO", **kw: Any
) -> ImportReport:
    with unit_of_work(engine) as s:
        actor = cli_actor(s, agency)
        s.info["actor"] = actor
        return import_records(
            s, actor=actor, source=path, filename=path.name, agency_code=agency, **kw
        )


def count(engine: Any) -> int:
    with unit_of_work(engine) as s:
        return int(s.execute(select(func.count()).select_from(FirearmRecord)).scalar_one())


def records(engine: Any) -> list[FirearmRecord]:
    with unit_of_work(engine) as s:
        return list(
            s.execute(select(FirearmRecord).order_by(FirearmRecord.serial_number)).scalars()
        )


def rejected(engine: Any, path: Path, **kw: Any) -> list[tuple[int, str]]:
    with pytest.raises(Invalid) as info:
        run_import(engine, path, **kw)
    assert path.name in info.value.message
    return sorted((d["row"], d["column"]) for d in info.value.details)


def test_good_file_is_imported_with_identification_and_audit(world: World, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "in.csv", [GOOD, {**GOOD, "serial_number": "B7", "make": "Glock"}])
    report = run_import(world.engine, path)
    assert (report.rows_read, report.inserted, report.rejected) == (2, 2, 0)
    recs = records(world.engine)
    assert {r.reference.split("-")[0] for r in recs} == {"UIO"}
    assert all(r.owner_country == "BA" and r.distribution == "national" for r in recs)
    with unit_of_work(world.engine) as s:
        entry = s.execute(select(AuditEntry).where(AuditEntry.action == "import")).scalar_one()
        assert set(json.loads(entry.changes)["records"]) == {str(r.uuid) for r in recs}
        assert verify_chain(s) == []


def test_unknown_column_and_missing_status_column(world: World, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "h.csv", [GOOD], header=["make", "colour", "serial_number"])
    with pytest.raises(Invalid) as info:
        run_import(world.engine, path)
    found = {(d["column"], d["reason"]) for d in info.value.details}
    assert ("colour", "unknown column") in found
    assert ("status", "required column is missing") in found


BAD_CELLS = [
    ("status", "misplaced", {}),
    ("record_id", "not-a-uuid", {}),
    ("country_of_manufacture", "Atlantis", {}),
    ("year_of_manufacture", "1700", {}),
    ("year_of_manufacture", "nineteen", {}),
    ("event_date", "31.02.2024", {}),  # no such day (01.03.2024 is accepted)
    ("event_date", "2999-01-01", {}),
    ("serial_number", "X" * 81, {}),
    ("reporting_agency", "XX-NOPE", {}),
    ("reporting_agency", "", {"agency": None}),
]


@pytest.mark.parametrize(("column", "value", "kw"), BAD_CELLS)
def test_each_bad_cell_is_named_by_row_and_column(
    world: World, tmp_path: Path, column: str, value: str, kw: dict[str, Any]
) -> None:
    rows = [GOOD, {**GOOD, "serial_number": "S2", column: value}, {**GOOD, "serial_number": "S3"}]
    path = write_csv(tmp_path / "bad.csv", rows)
    assert rejected(world.engine, path, **kw) == [(3, column)]
    assert count(world.engine) == 0


def test_every_bad_row_is_listed_and_nothing_written(world: World, tmp_path: Path) -> None:
    rows = [GOOD] * 3 + [{**GOOD, "status": "x"}, GOOD, {**GOOD, "year_of_manufacture": "x"}]
    rows = [{**r, "serial_number": f"S{i}"} for i, r in enumerate(rows)]
    rows += [{**GOOD, "serial_number": f"T{i}"} for i in range(30)]
    rows.append({**GOOD, "event_date": "yesterday", "country_of_manufacture": "Narnia"})
    path = write_csv(tmp_path / "bad.csv", rows)
    errors = rejected(world.engine, path)
    assert errors == [
        (5, "status"),
        (7, "year_of_manufacture"),
        (38, "country_of_manufacture"),
        (38, "event_date"),
    ]
    assert count(world.engine) == 0
    with unit_of_work(world.engine) as s:
        assert s.execute(select(AuditEntry).where(AuditEntry.action == "import")).first() is None


def test_partial_mode_imports_good_rows_and_writes_rejects(world: World, tmp_path: Path) -> None:
    rows = [
        GOOD,
        {**GOOD, "status": "misplaced", "serial_number": "Š-2"},
        {**GOOD, "serial_number": "3"},
    ]
    path = write_csv(tmp_path / "mixed.csv", rows)
    report = run_import(world.engine, path, partial=True)
    assert (report.inserted, report.rejected) == (2, 1)
    assert count(world.engine) == 2
    assert report.rejects_path == tmp_path / "mixed.rejects.csv"
    with report.rejects_path.open(encoding="utf-8-sig", newline="") as fh:
        back = list(csv.DictReader(fh))
    assert len(back) == 1 and back[0]["serial_number"] == "Š-2"
    assert back[0]["reason"].startswith("status: unknown status")


def test_owner_from_reporting_agency_without_agency(world: World, tmp_path: Path) -> None:
    rows = [GOOD, {**GOOD, "serial_number": "R1", "reporting_agency": "RS-UC"}]
    run_import(world.engine, write_csv(tmp_path / "o.csv", rows), agency=None)
    by_serial = {r.serial_number: r for r in records(world.engine)}
    assert by_serial["R1"].owner_country == "RS" and by_serial["R1"].reference.startswith("UC-")
    assert by_serial["A123456"].reference.startswith("GP-")


LATIN = {**GOOD, "event_place": "Čapljina, Đakovo, Šamac, Žepče, Ćuprija", "make": "Crvena Zastava"}
CYRILLIC = {**GOOD, "make": "Застава", "event_place": "Бијељина", "notes": "пиштољ у возилу"}


@pytest.mark.parametrize(
    ("row", "encoding"),
    [(LATIN, "utf-8"), (CYRILLIC, "utf-8-sig"), (LATIN, "cp1250"), (CYRILLIC, "cp1251")],
)
@pytest.mark.parametrize("explicit", [False, True])
def test_encodings(
    world: World, tmp_path: Path, row: dict[str, str], encoding: str, explicit: bool
) -> None:
    path = write_csv(tmp_path / "enc.csv", [row], encoding=encoding)
    report = run_import(world.engine, path, encoding=encoding if explicit else None)
    assert report.encoding == encoding
    (rec,) = records(world.engine)
    assert (rec.make, rec.event_place, rec.notes) == (
        row["make"],
        row["event_place"],
        row.get("notes", ""),
    )


def test_xlsx_with_typed_cells(world: World, tmp_path: Path) -> None:
    from datetime import datetime

    wb = Workbook()
    ws = wb.active
    ws.append(["serial_number", "status", "year_of_manufacture", "event_date", "make"])
    ws.append(["A1", "found", 1984, datetime(2024, 5, 6), "Застава"])
    ws.append([123456, "stolen", None, "2023-01-02", None])
    path = tmp_path / "in.xlsx"
    wb.save(path)
    report = run_import(world.engine, path)
    assert report.inserted == 2
    recs = {r.serial_number: r for r in records(world.engine)}
    assert recs["A1"].year_of_manufacture == 1984 and str(recs["A1"].event_date) == "2024-05-06"
    assert recs["123456"].status == "stolen"


def test_reimport_same_record_id_updates(world: World, tmp_path: Path) -> None:
    rid = str(uuid.uuid4())
    run_import(world.engine, write_csv(tmp_path / "a.csv", [{**GOOD, "record_id": rid}]))
    report = run_import(
        world.engine,
        write_csv(tmp_path / "b.csv", [{**GOOD, "record_id": rid, "status": "destroyed"}]),
    )
    assert (report.inserted, report.updated) == (0, 1)
    (rec,) = records(world.engine)
    assert str(rec.uuid) == rid and rec.status == "destroyed"
    # Another agency may not change it: the row is refused, nothing else changes.
    assert rejected(world.engine, tmp_path / "b.csv", agency="BA-GP") == [(2, "record_id")]
    with unit_of_work(world.engine) as s:
        updates = s.execute(select(AuditEntry).where(AuditEntry.action == "update")).scalars()
        assert [json.loads(e.changes)["status"] for e in updates] == [["seized", "destroyed"]]


def test_member_imports_only_for_own_agency(world: World, tmp_path: Path) -> None:
    from kalibar.auth.actor import Actor

    path = write_csv(tmp_path / "m.csv", [GOOD])
    with unit_of_work(world.engine) as s:
        actor = cli_actor(s, "BA-UIO")
        member = Actor(
            user_id=1,
            username="officer",
            agency_id=actor.agency_id,
            agency_code="BA-UIO",
            country="BA",
            roles=frozenset({"officer"}),
        )
        with pytest.raises(Forbidden):
            import_records(s, actor=member, source=path, filename="m.csv", agency_code="BA-GP")
        report = import_records(s, actor=member, source=path, filename="m.csv")
    assert report.inserted == 1 and records(world.engine)[0].owner_agency_id == actor.agency_id


# ------------------------------------------------------------------ export and round trip

TRICKY = [
    GOOD,
    {**CYRILLIC, "serial_number": "=1+2", "notes": 'line one\nline "two", with comma'},
    {
        "status": "lost",
        "serial_number": "",
        "make": "Unknown Maker",
        "model": "X 1",
        "reporting_agency": "BA-UIO",
        "other_markings": "proof mark: crown/N",
    },
    {
        **LATIN,
        "serial_number": "  spaced  ",
        "country_of_manufacture": "Serbia",
        "import_marking": "BIH 2001",
        "year_of_manufacture": "",
    },
]


def export_text(engine: Any, fmt: str, agency: str = "BA-UIO") -> bytes:
    with unit_of_work(engine) as s:
        actor = cli_actor(s, agency)
        if fmt == "xlsx":
            buf = io.BytesIO()
            export_records(s, actor=actor, fmt=fmt, out=buf)
            return buf.getvalue()
        text = io.StringIO()
        export_records(s, actor=actor, fmt=fmt, out=text)
        return text.getvalue().encode()


def _fresh_sqlite(path: Path) -> Any:
    engine = make_engine(f"sqlite:///{path}")
    upgrade(engine)
    with unit_of_work(engine) as s:
        sync_countries(s)
    with unit_of_work(engine) as s:
        load_demo(s)
    return engine


#: Everything but time stamps and the readable reference, which each instance issues.
LOCAL = ("created_at", "updated_at", "reference")
STORED = [c.name for c in FirearmRecord.__table__.c if c.name not in LOCAL]


def _stored(engine: Any) -> list[tuple[Any, ...]]:
    with unit_of_work(engine) as s:
        t = FirearmRecord.__table__
        return [tuple(r) for r in s.execute(select(*(t.c[n] for n in STORED)).order_by(t.c.uuid))]


@pytest.mark.parametrize("fmt", ["csv", "xlsx", "json"])
def test_round_trip_is_lossless(world: World, tmp_path: Path, fmt: str) -> None:
    run_import(world.engine, write_csv(tmp_path / "src.csv", TRICKY))
    data = export_text(world.engine, fmt)
    exported = tmp_path / f"export.{fmt}"
    exported.write_bytes(data)
    target = _fresh_sqlite(tmp_path / "target.sqlite3")
    try:
        report = run_import(target, exported)
        assert report.inserted == len(TRICKY)
        assert _stored(target) == _stored(world.engine)
        assert export_text(target, fmt) == data or fmt == "xlsx"
    finally:
        target.dispose()


def test_export_shows_only_visible_records_and_is_audited(world: World, tmp_path: Path) -> None:
    run_import(world.engine, write_csv(tmp_path / "v.csv", [GOOD, {**GOOD, "serial_number": "P"}]))
    with unit_of_work(world.engine) as s:
        s.execute(
            update(FirearmRecord)
            .where(FirearmRecord.serial_number == "P")
            .values(distribution="agency")
        )

    def serials(agency: str) -> list[str]:
        rows = list(csv.DictReader(io.StringIO(export_text(world.engine, "csv", agency).decode())))
        return sorted(r["serial_number"] for r in rows)

    assert serials("BA-UIO") == ["A123456", "P"]
    assert serials("BA-GP") == ["A123456"]
    assert serials("RS-UC") == []
    with unit_of_work(world.engine) as s:
        exports = s.execute(select(AuditEntry).where(AuditEntry.action == "export")).scalars()
        assert [json.loads(e.changes)["records"] for e in exports] == [2, 1, 0]


@pytest.mark.parametrize("partial", [False, True])
def test_worker_process_gives_the_same_result(world: World, tmp_path: Path, partial: bool) -> None:
    rows = [{**GOOD, "serial_number": f"W{i}"} for i in range(5)]
    rows[2]["status"] = "misplaced"
    path = write_csv(tmp_path / "w.csv", rows)
    results = []
    for parallel in (False, True):
        try:
            report = run_import(world.engine, path, partial=partial, parallel=parallel)
            results.append((report.inserted, report.rejected, report.errors))
        except Invalid as exc:
            results.append((0, 0, exc.details))
    assert results[0] == results[1]
    assert count(world.engine) == (8 if partial else 0)
