"""A Cyrillic-stamped serial recorded by one agency, found by another typing it in Latin."""

from __future__ import annotations

import pytest
from browser_support import LiveServer, log_in
from playwright.sync_api import Page, expect
from test_check_page import _record, shared_data_dir  # noqa: F401 (fixture)

pytestmark = pytest.mark.browser
pytest_plugins = ["browser_fixtures"]


def test_cyrillic_record_found_by_transliterated_latin_check(
    page: Page,
    live_server: LiveServer,
    shared_data_dir: None,  # noqa: F811
) -> None:
    # Recorded in Cyrillic by the police (shared nationally, the default) ...
    _record(live_server, "officer", status="stolen", make="Tula", serial_number="РС 770123")
    # ... and checked at the border, typed by transliteration with the model in front.
    log_in(page, live_server, "border")
    page.goto("/check")
    form = page.locator("form.check-form")
    form.locator("input[name=serial_number]").fill("TT-33 RS770123")
    form.get_by_role("button", name="Check").click()
    row = page.locator("table.candidates tbody tr").filter(has_text="РС 770123")
    expect(row).to_have_count(1)
    expect(row).to_contain_text("stolen", ignore_case=True)
    why = row.locator("ul.explanation")
    expect(why).to_contain_text("serial: exact match")
    expect(why).to_contain_text("Latin look-alikes of the Cyrillic")
    expect(why).to_contain_text("set aside as a make or model designation: TT33")
    # Without make or model the search was narrow, and the page says what would widen it.
    expect(page.locator("p.search-note")).to_contain_text("Give the make, model")
