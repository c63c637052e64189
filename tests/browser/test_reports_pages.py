"""Reports in a real browser: type a Roadmap value with its evidence, export the report
(XLSX and PDF), and read an IAFQ table whose figure drills down to the record behind it."""

from __future__ import annotations

import io
from datetime import date

import pytest
from browser_support import LiveServer, log_in
from openpyxl import load_workbook
from playwright.sync_api import Page, expect
from sqlalchemy import select

from kalibar.auth.models import User
from kalibar.auth.service import actor_for
from kalibar.db.session import make_engine, unit_of_work
from kalibar.records.models import FirearmRecord

pytestmark = pytest.mark.browser
pytest_plugins = ["browser_fixtures"]

#: A year and a half-year no other browser test writes in.
YEAR, HALF = 2017, "2017-H1"


def _plant_record(server: LiveServer) -> str:
    """A seized pistol of 2017 owned by BA-UIO, inserted straight into the server's file."""
    engine = make_engine(f"sqlite:///{server.log.parent / 'kalibar.sqlite3'}")
    try:
        with unit_of_work(engine) as s:
            user = s.execute(select(User).where(User.username == "officer")).scalar_one()
            actor = actor_for(s, user)
            s.info["actor"] = actor
            record = FirearmRecord(
                reference="BRW-IAFQ-2017-1", status="seized", weapon_type="pistol",
                make="Zastava", make_code="zastava", calibre="9mm", event_date=date(YEAR, 5, 1),
                owner_agency_id=actor.agency_id, owner_country="BA", distribution="national",
            )  # fmt: skip
            s.add(record)
            return record.reference
    finally:
        engine.dispose()


def test_roadmap_export_and_an_iafq_table(page: Page, live_server: LiveServer) -> None:
    reference = _plant_record(live_server)
    log_in(page, live_server, "officer")
    page.goto("/reports/roadmap")
    page.locator("input[name=period]").fill(HALF)
    page.get_by_role("button", name="Open the report").click()
    expect(page).to_have_url(live_server.url(f"/reports/roadmap/{HALF}"))
    row = page.locator("tr[data-kpi='1.1']")
    row.locator("input[name=value]").fill("2")
    row.get_by_role("button", name="Save").click()
    # no evidence: refused, said at the top and beside the field, the address bar kept
    expect(page.locator("#error-summary")).to_be_visible()
    expect(page).to_have_url(live_server.url(f"/reports/roadmap/{HALF}"))
    row = page.locator("tr[data-kpi='1.1']")
    row.locator("textarea[name=evidence]").fill("Official Gazette 12/17")
    row.get_by_role("button", name="Save").click()
    expect(page.locator("tr[data-kpi='1.1'] .kpi-value")).to_have_text("2")
    with page.expect_download() as info:
        page.get_by_role("link", name="Download XLSX").click()
    ws = load_workbook(io.BytesIO(info.value.path().read_bytes()))["roadmap"]
    values = {r[1]: (r[3], r[5]) for r in ws.iter_rows(min_row=5, values_only=True)}
    assert values["1.1"] == ("2", "Official Gazette 12/17")
    with page.expect_download() as pdf:
        page.get_by_role("link", name="Download PDF").click()
    assert pdf.value.path().read_bytes().startswith(b"%PDF")

    page.goto(f"/reports/iafq?year={YEAR}")
    table = page.locator("table[data-table='arms-type']")
    expect(table).to_be_visible()
    pistol = table.locator("tr[data-key='pistol']")
    expect(pistol).to_contain_text("pistol")
    pistol.locator("td").nth(1).get_by_role("link").click()
    expect(page.locator(".drill-rows")).to_contain_text(reference)
    expect(page.locator("[data-figure='hidden']")).to_have_text("0")
