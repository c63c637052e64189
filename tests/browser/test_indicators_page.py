"""SDG 16.4.2 in a real browser: see the figures, mark a record's origin established on
the record page, and see the numerator go up."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from typing import Any

import pytest
from browser_support import LiveServer, log_in
from playwright.sync_api import Page, expect
from sqlalchemy import select

from kalibar.auth.models import User
from kalibar.auth.service import actor_for
from kalibar.config import get_settings
from kalibar.db.session import make_engine, unit_of_work
from kalibar.matching import index_store
from kalibar.records import service as records

pytestmark = pytest.mark.browser
pytest_plugins = ["browser_fixtures"]

# A period no other browser test writes records in.
START, END = "2019-01-01", "2019-12-31"


def _record(server: LiveServer, username: str, **fields: Any) -> str:
    engine = make_engine(f"sqlite:///{server.log.parent / 'kalibar.sqlite3'}")
    try:
        with unit_of_work(engine) as s:
            user = s.execute(select(User).where(User.username == username)).scalar_one()
            actor = actor_for(s, user)
            s.info["actor"] = actor
            record = records.create_record(
                s, actor=actor, data=records.RecordData(**fields), allow_duplicate=True
            )
            return record.reference
    finally:
        engine.dispose()


@pytest.fixture
def shared_data_dir(live_server: LiveServer, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Records made here update the server's index directory, as another process would."""
    monkeypatch.setenv("KALIBAR_DATA_DIR", str(live_server.log.parent))
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()
    index_store.forget()


def _compute(page: Page) -> None:
    form = page.locator("form.sdg-filters")
    form.locator("input[name=from]").fill(START)
    form.locator("input[name=to]").fill(END)
    form.get_by_role("button", name="Compute").click()


def test_sdg_page_numerator_goes_up_when_origin_is_established(
    page: Page, live_server: LiveServer, shared_data_dir: None
) -> None:
    first = _record(
        live_server,
        "officer",
        status="seized",
        weapon_type="pistol",
        serial_number="SDG-B-1",
        year_of_manufacture=1990,
        event_date=date(2019, 3, 1),
    )
    _record(
        live_server,
        "officer",
        status="found",
        weapon_type="rifle",
        serial_number="SDG-B-2",
        event_date=date(2019, 4, 1),
    )
    _record(
        live_server,
        "officer",
        status="surrendered",
        weapon_type="revolver",
        serial_number="SDG-B-3",
        year_of_manufacture=1880,
        event_date=date(2019, 5, 1),
    )

    log_in(page, live_server, "officer")
    page.locator("header nav.main").get_by_role("link", name="Indicators").click()
    expect(page.locator("main h1")).to_have_text("SDG indicator 16.4.2")
    _compute(page)
    figures = page.locator(".sdg-figures")
    expect(figures.locator("[data-figure=denominator]")).to_have_text("2")
    expect(figures.locator("[data-figure=numerator]")).to_have_text("0")
    expect(figures.locator("[data-figure=antiques]")).to_have_text("1")
    expect(figures.locator("[data-figure=ratio]")).to_have_text("0.0%")
    expect(page.locator(".by-type svg.bar")).to_have_count(2)

    page.locator("table.sdg-records").get_by_role("link", name=first).click()
    expect(page.locator("main h1")).to_contain_text(first)
    card = page.locator("section.origin-card")  # loaded by htmx
    expect(card.locator("[data-origin]")).to_have_attribute("data-origin", "no")
    card.locator("textarea[name=note]").fill("Import licence and sales register checked")
    card.get_by_role("button", name="Mark origin as established").click()
    expect(page.locator("section.origin-card [data-origin]")).to_have_attribute(
        "data-origin", "yes"
    )
    expect(page.locator("section.origin-card")).to_contain_text("by other means")

    page.goto("/indicators/sdg-16-4-2")
    _compute(page)
    expect(figures.locator("[data-figure=numerator]")).to_have_text("1")
    expect(figures.locator("[data-figure=ratio]")).to_have_text("50.0%")
    row = page.locator("table.sdg-records tbody tr", has_text=first)
    expect(row).to_contain_text("by other means")
