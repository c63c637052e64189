"""SDG 16.4.2 against a hand-computed example, through the service, the API and the page.

The example (period 2025-01-01 … 2025-12-31, seen by the focal point at BA-MS):

 #   owner   dist      status       type      year  event       origin        counted
 1   BA-UIO  national  seized       pistol    1990  2025-02-01  other         D N
 2   BA-UIO  national  seized       pistol    —     2025-03-01  —             D
 3   BA-UIO  national  seized       rifle     1885  2025-04-01  other         antique
 4   BA-UIO  national  found        pistol    1975  2025-05-01  tracing       D N
 5   BA-UIO  national  found        revolver  1899  2025-06-01  —             antique
 6   BA-UIO  national  surrendered  shotgun   1900  2025-07-01  —             D
 7   BA-UIO  national  surrendered  —         —     2025-12-31  —             D
 8   BA-UIO  national  seized       pistol    2000  2024-12-31  other         (before the period)
 9   BA-UIO  national  stolen       pistol    2000  2025-03-01  other         (not recovered)
10   BA-UIO  national  seized       pistol    2001  —           —             (no event date)
11   BA-GP   national  seized       rifle     1980  2025-08-01  other (API)   D N
12   BA-GP   agency    seized       pistol    1995  2025-09-01  —             (hidden from BA-MS)
13   RS-UC   national  seized       pistol    2010  2025-10-01  other         (another country)
14   BA-UIO  national  seized       pistol    2005  2025-05-05  other         (deleted)

Focal point: denominator 6 (1, 2, 4, 6, 7, 11), numerator 3 (1, 4, 11), ratio 0.5,
antiques 2 (3, 5).
"""

from __future__ import annotations

import csv
import io
import re
import uuid
from datetime import date
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from support import World, client_for, login

from kalibar.auth import service as auth
from kalibar.auth.models import User
from kalibar.db.session import unit_of_work
from kalibar.indicators import sdg, service
from kalibar.indicators import views as indicator_views
from kalibar.records.models import FirearmRecord
from kalibar.records.service import RecordData, create_record, delete_record

PERIOD = sdg.SdgQuery(date(2025, 1, 1), date(2025, 12, 31))
ROWS: list[tuple[str, str, str, str, int | None, str | None, str | None]] = [
    ("officer", "national", "seized", "pistol", 1990, "2025-02-01", "other"),
    ("officer", "national", "seized", "pistol", None, "2025-03-01", None),
    ("officer", "national", "seized", "rifle", 1885, "2025-04-01", "other"),
    ("officer", "national", "found", "pistol", 1975, "2025-05-01", "tracing"),
    ("officer", "national", "found", "revolver", 1899, "2025-06-01", None),
    ("officer", "national", "surrendered", "shotgun", 1900, "2025-07-01", None),
    ("officer", "national", "surrendered", "", None, "2025-12-31", None),
    ("officer", "national", "seized", "pistol", 2000, "2024-12-31", "other"),
    ("officer", "national", "stolen", "pistol", 2000, "2025-03-01", "other"),
    ("officer", "national", "seized", "pistol", 2001, None, None),
    ("border", "national", "seized", "rifle", 1980, "2025-08-01", "api"),
    ("border", "agency", "seized", "pistol", 1995, "2025-09-01", None),
    ("rs.officer", "national", "seized", "pistol", 2010, "2025-10-01", "other"),
    ("officer", "national", "seized", "pistol", 2005, "2025-05-05", "deleted"),
]


def actor(s: Any, username: str) -> Any:
    return auth.actor_for(s, s.execute(select(User).where(User.username == username)).scalar_one())


def token_client(world: World, username: str) -> TestClient:
    with unit_of_work(world.engine) as s:
        raw, _t = auth.create_token(s, username=username)
    client = client_for(world.engine)
    client.headers["Authorization"] = f"Bearer {raw}"
    return client


def build(world: World) -> list[uuid.UUID]:
    """The example's records; #11's origin is set later through the API."""
    ids: list[uuid.UUID] = []
    with unit_of_work(world.engine) as s:
        for n, (user, dist, status, wtype, year, when, origin) in enumerate(ROWS, 1):
            who = actor(s, user)
            record = create_record(
                s,
                actor=who,
                data=RecordData(
                    status=status,
                    weapon_type=wtype,
                    serial_number=f"SDG{n:04d}",
                    year_of_manufacture=year,
                    event_date=date.fromisoformat(when) if when else None,
                ),
                distribution=dist,
            )
            s.flush()
            ids.append(record.uuid)
            if origin in ("other", "deleted"):
                service.set_origin(
                    s, actor=who, record_id=record.uuid, established=True, note="court ruling"
                )
            elif origin == "tracing":  # what a trace's answer does
                record.origin_established = True
                record.origin_source = "tracing"
                record.origin_established_at = date(2025, 6, 1)
            if origin == "deleted":
                delete_record(s, actor=who, record_id=record.uuid)
    border = token_client(world, "border")
    r = border.post(
        f"/api/v1/records/{ids[10]}/origin",
        json={"established": True, "source": "other", "note": "confession, court file 12/25"},
    )
    assert r.status_code == 200, r.text
    assert r.json()["origin_established"] is True and r.json()["origin_source"] == "other"
    return ids


def cells(items: list[Any]) -> list[tuple[str, int, int]]:
    return [(c.key, c.denominator, c.numerator) for c in items]


def test_hand_computed_example(world: World) -> None:
    ids = build(world)
    with unit_of_work(world.engine) as s:
        report = service.sdg_report(s, actor=actor(s, "focalpoint"), query=PERIOD)
        assert (report.denominator, report.numerator, report.ratio) == (6, 3, 0.5)
        assert report.excluded_antiques == 2
        assert cells(report.by_weapon_type) == [
            ("pistol", 3, 2),
            ("rifle", 1, 1),
            ("shotgun", 1, 0),
            ("unknown", 1, 0),
        ]
        assert cells(report.by_context) == [
            ("seized", 3, 2),
            ("surrendered", 2, 0),
            ("found", 1, 1),
        ]
        assert cells(report.by_agency) == [("BA-UIO", 5, 2), ("BA-GP", 1, 1)]
        listed = service.sdg_drilldown(s, actor=actor(s, "focalpoint"), query=PERIOD)
        assert [r.uuid for r in listed] == [ids[i - 1] for i in (1, 2, 4, 6, 11, 7)]
        established = service.sdg_drilldown(
            s, actor=actor(s, "focalpoint"), query=PERIOD, established=True
        )
        assert [r.uuid for r in established] == [ids[0], ids[3], ids[10]]


def test_visibility_agency_and_country_filters(world: World) -> None:
    build(world)
    with unit_of_work(world.engine) as s:
        border = actor(s, "border")
        mine = service.sdg_report(s, actor=border, query=PERIOD)
        assert (mine.denominator, mine.numerator) == (7, 3)  # sees its own #12
        only_gp = sdg.SdgQuery(PERIOD.date_from, PERIOD.date_to, agency="BA-GP")
        gp = service.sdg_report(s, actor=border, query=only_gp)
        assert (gp.denominator, gp.numerator, gp.ratio) == (2, 1, 0.5)
        rs = sdg.SdgQuery(PERIOD.date_from, PERIOD.date_to, country="RS")
        none = service.sdg_report(s, actor=actor(s, "focalpoint"), query=rs)
        assert (none.denominator, none.numerator, none.ratio) == (0, 0, None)
        serbia = service.sdg_report(s, actor=actor(s, "rs.officer"), query=rs)
        assert (serbia.denominator, serbia.numerator) == (1, 1)
        admin = actor(s, "admin")
        ba = sdg.SdgQuery(PERIOD.date_from, PERIOD.date_to, country="BA")
        national = service.national_sdg_report(s, actor=admin, query=ba)
        assert (national.denominator, national.numerator, national.excluded_antiques) == (7, 3, 2)


def test_api_report_shape(world: World) -> None:
    build(world)
    r = token_client(world, "focalpoint").get(
        "/api/v1/indicators/sdg-16-4-2", params={"from": "2025-01-01", "to": "2025-12-31"}
    )
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["period"] == {"from": "2025-01-01", "to": "2025-12-31"}
    assert (body["denominator"], body["numerator"], body["ratio"]) == (6, 3, 0.5)
    assert body["excluded_antiques"] == 2 and body["country"] is None and body["agency"] is None
    assert body["by_context"][0] == {
        "key": "seized",
        "label": "seized",
        "denominator": 3,
        "numerator": 2,
        "ratio": 0.6667,
    }
    assert [c["key"] for c in body["by_weapon_type"]] == ["pistol", "rifle", "shotgun", "unknown"]
    assert body["by_agency"][1] == {
        "key": "BA-GP",
        "label": "BA-GP",
        "denominator": 1,
        "numerator": 1,
        "ratio": 1.0,
    }
    listed = token_client(world, "focalpoint").get(
        "/api/v1/indicators/sdg-16-4-2/records",
        params={"from": "2025-01-01", "to": "2025-12-31", "established": "false"},
    )
    assert [row["serial_number"] for row in listed.json()] == ["SDG0002", "SDG0006", "SDG0007"]


def test_api_rejects_bad_queries(world: World) -> None:
    client = token_client(world, "focalpoint")
    backwards = client.get(
        "/api/v1/indicators/sdg-16-4-2", params={"from": "2025-12-31", "to": "2025-01-01"}
    )
    assert backwards.status_code == 422
    assert backwards.json()["error"]["details"][0]["field"] == "from"
    url = "/api/v1/indicators/sdg-16-4-2"
    assert client.get(url, params={"agency": "XX-NOPE"}).status_code == 422
    assert client.get(url, params={"country": "Bosnia"}).status_code == 422
    assert client_for(world.engine).get("/api/v1/indicators/sdg-16-4-2").status_code == 401


def test_origin_owner_only_and_audited(world: World) -> None:
    ids = build(world)
    record_2 = ids[1]
    other = token_client(world, "border").post(
        f"/api/v1/records/{record_2}/origin", json={"established": True, "note": "x"}
    )
    assert other.status_code == 403
    hidden = token_client(world, "rs.officer").post(
        f"/api/v1/records/{record_2}/origin", json={"established": True, "note": "x"}
    )
    assert hidden.status_code == 404
    officer = token_client(world, "officer")
    no_basis = officer.post(f"/api/v1/records/{record_2}/origin", json={"established": True})
    assert no_basis.status_code == 422
    by_trace = officer.post(
        f"/api/v1/records/{ids[3]}/origin", json={"established": False, "note": ""}
    )
    assert by_trace.status_code == 409
    wrong_source = officer.post(
        f"/api/v1/records/{record_2}/origin",
        json={"established": True, "source": "tracing", "note": "x"},
    )
    assert wrong_source.status_code == 422
    ok = officer.post(
        f"/api/v1/records/{record_2}/origin",
        json={"established": True, "note": "import licence found"},
    )
    assert ok.status_code == 200 and ok.json()["origin_note"] == "import licence found"
    history = officer.get(f"/api/v1/records/{record_2}/history").json()
    assert "origin_established" in str(history[0]) or "origin_established" in str(history)
    undo = officer.post(f"/api/v1/records/{record_2}/origin", json={"established": False})
    assert undo.json()["origin_established"] is False and undo.json()["origin_source"] is None
    with unit_of_work(world.engine) as s:
        rec = s.get(FirearmRecord, record_2)
        assert rec is not None and rec.origin_established is False


def test_page_form_and_csv(world: World) -> None:
    ids = build(world)
    client = client_for(world.engine)
    login(client, "officer", world.passwords["officer"])
    page = client.get("/indicators/sdg-16-4-2?from=2025-01-01&to=2025-12-31")
    assert page.status_code == 200, page.text
    assert 'data-figure="denominator">6<' in page.text
    assert 'data-figure="numerator">3<' in page.text
    assert "50.0%" in page.text and f"/records/{ids[0]}" in page.text
    assert "style=" not in page.text and "<script>" not in page.text
    bad = client.get("/indicators/sdg-16-4-2?from=2025-13-01")
    assert bad.status_code == 422
    # The record page loads the origin card; the owner sees the form.
    detail = client.get(f"/records/{ids[1]}")
    assert f'hx-get="/records/{ids[1]}/origin"' in detail.text
    card = client.get(f"/records/{ids[1]}/origin", headers={"HX-Request": "true"})
    assert "<html" not in card.text and 'action="/records/' in card.text
    csrf = login(client, "officer", world.passwords["officer"])
    empty = client.post(
        f"/records/{ids[1]}/origin", data={"csrf_token": csrf, "established": "true", "note": ""}
    )
    assert empty.status_code == 422
    done = client.post(
        f"/records/{ids[1]}/origin",
        data={"csrf_token": csrf, "established": "true", "note": "registry check"},
    )
    assert done.status_code == 303
    page = client.get("/indicators/sdg-16-4-2?from=2025-01-01&to=2025-12-31")
    assert 'data-figure="numerator">4<' in page.text
    got = client.get("/indicators/sdg-16-4-2.csv?from=2025-01-01&to=2025-12-31&established=no")
    assert got.status_code == 200 and got.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(got.text.lstrip("\ufeff"))))
    assert [r["serial_number"] for r in rows] == ["SDG0006", "SDG0007"]
    # Another agency's officer sees the card without the form.
    border = client_for(world.engine)
    login(border, "border", world.passwords["border"])
    card = border.get(f"/records/{ids[1]}/origin", headers={"HX-Request": "true"})
    assert card.status_code == 200 and "<form" not in card.text


def test_page_lists_the_counted_arms_a_page_at_a_time(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The list is paged (1,314 rows at once was a wall); the CSV still has them all."""
    ids = build(world)
    monkeypatch.setattr(indicator_views, "DRILL_LIMIT", 4)
    client = client_for(world.engine)
    login(client, "officer", world.passwords["officer"])
    base = "/indicators/sdg-16-4-2?from=2025-01-01&to=2025-12-31"
    shown: list[str] = []
    first = client.get(base)
    listed = re.findall(r'<td><a href="/records/([0-9a-f-]{36})">', first.text)
    assert len(listed) == 4 and 'rel="next"' in first.text and 'rel="prev"' not in first.text
    shown += listed
    second = client.get(base + "&page=2")
    listed = re.findall(r'<td><a href="/records/([0-9a-f-]{36})">', second.text)
    assert len(listed) == 2 and 'rel="prev"' in second.text and 'rel="next"' not in second.text
    shown += listed
    assert len(set(shown)) == 6 and set(shown) <= {str(i) for i in ids}  # each once
    assert client.get(base + "&page=x").status_code == 200  # not a number: the first page


def test_context_comes_from_the_seizure_the_weapon_was_recorded_in(world: World) -> None:
    """A weapon recorded in a postal seizure counts under "postal inspection"; one recorded
    on its own keeps its status as context."""
    from datetime import UTC, datetime

    from support import actor_of

    from kalibar.records.service import RecordData, create_record
    from kalibar.seizures.service import ItemData, SeizureData, create_seizure

    officer = actor_of(world, "officer")
    with unit_of_work(world.engine, actor=officer) as s:
        create_seizure(
            s,
            actor=officer,
            data=SeizureData(
                occurred_at=datetime(2025, 6, 15, 9, 30, tzinfo=UTC),
                context="postal_inspection",
                place_name="Poštanski centar Sarajevo",
            ),
            items=[
                ItemData(
                    kind="firearm",
                    firearm=RecordData(status="seized", weapon_type="pistol", make="Glock",
                                       model="17", serial_number="PST101"),
                )
            ],
        )  # fmt: skip
        create_record(
            s,
            actor=officer,
            data=RecordData(status="found", weapon_type="rifle", serial_number="FND202",
                            event_date=date(2025, 7, 1)),
        )  # fmt: skip
    with unit_of_work(world.engine) as s:
        report = service.sdg_report(s, actor=actor(s, "focalpoint"), query=PERIOD)
    assert cells(report.by_context) == [("found", 1, 0), ("postal_inspection", 1, 0)]
    from kalibar.indicators.schemas import context_label

    assert context_label("postal_inspection") == "postal inspection"
