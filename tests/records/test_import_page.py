"""The import page: errors previewed with row and column, nothing stored; good files land."""

from __future__ import annotations

from sqlalchemy import func, select
from support import World, client_for, login

from kalibar.records.models import FirearmRecord

HEADER = "status,make,model,calibre,serial_number,event_date\n"


def _count(world: World) -> int:
    with world.session() as s:
        return int(s.execute(select(func.count()).select_from(FirearmRecord)).scalar_one())


def test_bad_file_is_previewed_and_nothing_is_stored(world: World) -> None:
    client = client_for(world.engine)
    csrf = login(client, "officer", world.passwords["officer"])
    body = (
        HEADER + "seized,Zastava,M70,7.62x39,A1,2024-01-01\nmisplaced,Glock,17,9mm,B2,2024-13-01\n"
    )
    r = client.post(
        "/records/import",
        data={"csrf_token": csrf},
        files={"file": ("bad.csv", body.encode(), "text/csv")},
    )
    assert r.status_code == 422
    assert "table" in r.text and "import-errors" in r.text
    assert ">3<" in r.text and "status" in r.text and "event_date" in r.text
    assert _count(world) == 0


def test_good_file_is_imported_and_reported(world: World) -> None:
    client = client_for(world.engine)
    csrf = login(client, "officer", world.passwords["officer"])
    body = (
        HEADER + 'seized,Застава,M70,"7,62 M43",A1,2024-01-01\nstolen,Glock,17,9mm,B2,2024-02-01\n'
    )
    r = client.post(
        "/records/import",
        data={"csrf_token": csrf},
        files={"file": ("good.csv", body.encode("cp1251"), "text/csv")},
    )
    assert r.status_code == 200, r.text
    assert "2 rows read, 2 inserted" in r.text
    assert _count(world) == 2


def test_upload_without_csrf_token_is_refused(world: World) -> None:
    client = client_for(world.engine)
    login(client, "officer", world.passwords["officer"])
    r = client.post("/records/import", files={"file": ("x.csv", HEADER.encode(), "text/csv")})
    assert r.status_code == 403 and _count(world) == 0


def test_imported_record_history_names_its_import(world: World) -> None:
    client = client_for(world.engine)
    csrf = login(client, "officer", world.passwords["officer"])
    body = HEADER + "seized,Zastava,M70,7.62x39,A1,2024-01-01\n"
    client.post("/records/import", data={"csrf_token": csrf},
                files={"file": ("one.csv", body.encode(), "text/csv")})
    with world.session() as s:
        rid = s.execute(select(FirearmRecord.uuid)).scalar_one()
    page = client.get(f"/records/{rid}")
    assert "tag-import" in page.text and "imported from one.csv" in page.text
