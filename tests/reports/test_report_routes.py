# ruff: noqa: E501
"""The report pages and API as a person and a client use them; SDG 16.4.2 by period
equals the indicator for the same period."""

from __future__ import annotations

import re

import pytest
from plant import YEAR, Expected, Planted, plant
from support import World, actor_of, client_for, login, token_client

from kalibar.indicators import sdg
from kalibar.indicators import service as indicators
from kalibar.reports import service


@pytest.fixture
def planted(world: World) -> Planted:
    return plant(world.engine)


def test_sdg_by_period_equals_the_indicator(world: World, planted: Planted) -> None:
    focal = actor_of(world, "focalpoint")
    with world.session() as s:
        periods = service.sdg_by_period(s, actor=focal, year=YEAR)
        for p in periods:
            query = sdg.SdgQuery(p.period.first_day, p.period.last_day, country="BA")
            admin = actor_of(world, "admin")
            national = indicators.national_sdg_report(s, actor=admin, query=query)
            assert (p.figures["denominator"], p.figures["numerator"], p.figures["excluded_antiques"]) == (
                national.denominator, national.numerator, national.excluded_antiques
            )  # fmt: skip
            f = p.figures
            assert f["seized"] + f["found"] + f["surrendered"] == f["denominator"]
            assert f["established_by_tracing"] + f["established_otherwise"] == f["numerator"]
    year, h1, h2 = periods
    for field in year.figures:
        assert year.figures[field] == h1.figures[field] + h2.figures[field]
    assert year.figures["denominator"] == Expected(planted, "national", "BA").sdg()[0]
    with world.session() as s:
        report = service.iafq_report(s, actor=focal, year=YEAR)
    assert report.sdg is not None
    assert (report.sdg.denominator, report.sdg.numerator, report.sdg.excluded_antiques) == (
        year.figures["denominator"], year.figures["numerator"], year.figures["excluded_antiques"]
    )  # fmt: skip


def test_pages(world: World, planted: Planted) -> None:
    client = client_for(world.engine)
    login(client, "focalpoint", world.passwords["focalpoint"])
    page = client.get(f"/reports/iafq?year={YEAR}")
    assert page.status_code == 200, page.text
    assert "National total of" in page.text and "Arms by make" in page.text
    link = re.search(r'href="(/reports/iafq/drill\?[^"]*table=arms[^"]*)"', page.text)
    assert link
    drill = client.get(link.group(1).replace("&amp;", "&"))
    assert drill.status_code == 200 and 'data-figure="hidden"' in drill.text
    whole = client.get(f"/reports/iafq/drill?year={YEAR}&table=arms&dimension=type")
    hidden = re.search(r'data-figure="hidden">(\d+)<', whole.text)
    assert hidden and int(hidden.group(1)) > 0
    assert "not listed: they belong to agencies" in whole.text
    assert client.get(f"/reports/iafq?year={YEAR}&x=1").status_code == 200
    sdg_page = client.get(f"/reports/sdg-16-4-2?year={YEAR}")
    assert sdg_page.status_code == 200 and "January–June 2025" in sdg_page.text
    indicator = client.get("/indicators/sdg-16-4-2")
    assert 'href="/reports/sdg-16-4-2"' in indicator.text
    xlsx = client.get(f"/reports/iafq/{YEAR}/statistical.xlsx")
    assert xlsx.status_code == 200 and xlsx.content[:2] == b"PK"
    assert client.get(f"/reports/iafq/drill?year={YEAR}&table=nope").status_code == 422


def test_roadmap_form_and_freeze(world: World) -> None:
    client = client_for(world.engine)
    csrf = login(client, "officer", world.passwords["officer"])
    page = client.get("/reports/roadmap/2025-H2")
    assert page.status_code == 200 and "Goal 3" in page.text
    refused = client.post(
        "/reports/roadmap/2025-H2/values/1.1",
        data={"value": "2", "evidence": "", "csrf_token": csrf},
    )
    assert refused.status_code == 422
    assert 'id="error-summary"' in refused.text and 'href="#f-evidence-1-1"' in refused.text
    saved = client.post(
        "/reports/roadmap/2025-H2/values/1.1",
        data={"value": "2", "evidence": "Gazette 40/25", "csrf_token": csrf},
    )
    assert saved.status_code == 303
    assert "Gazette 40/25" in client.get("/reports/roadmap/2025-H2").text
    assert (
        client.post("/reports/roadmap/2025-H2/freeze", data={"csrf_token": csrf}).status_code == 303
    )
    frozen = client.get("/reports/roadmap/2025-H2")
    assert "roadmap-frozen" in frozen.text and 'name="evidence"' not in frozen.text
    again = client.post(
        "/reports/roadmap/2025-H2/values/1.1",
        data={"value": "5", "evidence": "x", "csrf_token": csrf},
    )
    assert again.status_code == 409
    listing = client.get("/reports/roadmap")
    assert "/reports/roadmap/2025-H2" in listing.text
    assert client.get("/reports/roadmap/2025-H2/report.pdf").content.startswith(b"%PDF")
    assert client.get("/reports/roadmap/2025").status_code == 422


def test_api(world: World, planted: Planted) -> None:
    api = token_client(world.engine, "focalpoint")
    body = api.get(f"/api/v1/reports/iafq?year={YEAR}").json()
    expected = Expected(planted, "national", "BA")
    assert body["scope_kind"] == "national"
    assert sum(r["total"] for r in body["arms"]["type"]) == len(expected.arms())
    drill = api.get(f"/api/v1/reports/iafq/drill?year={YEAR}&table=arms").json()
    assert drill["total"] == len(expected.arms()) and drill["hidden"] > 0
    assert len(drill["references"]) == drill["visible"]
    periods = api.get(f"/api/v1/reports/sdg-16-4-2?year={YEAR}").json()
    assert [p["period"] for p in periods] == ["2025", "2025-H1", "2025-H2"]
    officer = token_client(world.engine, "officer")
    put = officer.put(
        "/api/v1/reports/roadmap/2025-H1/values/6.1", json={"value": "3", "evidence": "site visits"}
    )
    assert put.status_code == 200, put.text
    assert {k["id"]: k["value"] for k in put.json()["kpis"]}["6.1"] == "3"
    assert officer.post("/api/v1/reports/roadmap/2025-H1/freeze").json()["status"] == "frozen"
    assert (
        officer.put(
            "/api/v1/reports/roadmap/2025-H1/values/6.1", json={"value": "4", "evidence": "x"}
        ).status_code
        == 409
    )


def test_the_page_keeps_figures_per_scope_and_computes_again_on_request(
    world: World, planted: Planted
) -> None:
    from datetime import date

    from kalibar.db.session import unit_of_work
    from kalibar.records.models import FirearmRecord
    from kalibar.reports import cache

    cache.forget()
    focal, officer = client_for(world.engine), client_for(world.engine)
    login(focal, "focalpoint", world.passwords["focalpoint"])
    login(officer, "officer", world.passwords["officer"])

    def total(client: object, extra: str = "") -> int:
        html = client.get(f"/reports/iafq?year={YEAR}{extra}").text  # type: ignore[attr-defined]
        found = re.search(
            r'data-table="arms-type".*?<tfoot>.*?dimension=type">(\d+)</a></td></tr>', html, re.S
        )
        assert found, html[:500]
        return int(found.group(1))

    national, own = total(focal), total(officer)
    assert national == len(Expected(planted, "national", "BA").arms())
    assert own == len(Expected(planted, "agency", "BA-UIO").arms())
    uio = actor_of(world, "officer")
    with unit_of_work(world.engine, actor=uio) as s:
        s.add(FirearmRecord(reference="LATE-REC", status="seized", event_date=date(YEAR, 5, 5),
                            owner_agency_id=uio.agency_id, owner_country="BA", distribution="national"))  # fmt: skip
    assert total(focal) == national  # kept
    assert total(focal, "&fresh=1") == national + 1
    assert total(officer, "&fresh=1") == own + 1


def test_significant_seizures_list_only_visible_ones(world: World, planted: Planted) -> None:
    expected = Expected(planted, "national", "BA")
    by_id = {z["uuid"]: z for z in planted.seizures}
    significant = expected.significant()
    visible = {by_id[i]["reference"] for i in significant if by_id[i]["distribution"] == "national"}
    client = client_for(world.engine)
    login(client, "focalpoint", world.passwords["focalpoint"])
    page = client.get(f"/reports/iafq?year={YEAR}")
    assert 'hx-get="/reports/iafq/significant?year=2025"' in page.text
    fragment = client.get(f"/reports/iafq/significant?year={YEAR}", headers={"HX-Request": "true"})
    assert fragment.status_code == 200 and "<html" not in fragment.text
    assert set(re.findall(r">(PL-SZ-[^<]+)</a>", fragment.text)) == visible
    hidden = len(significant) - len(visible)
    assert (f"{hidden} of them you may not see" in fragment.text) == (hidden > 0)
    alone = client.get(f"/reports/iafq/significant?year={YEAR}")
    assert "<html" in alone.text and "Back to the questionnaire" in alone.text
