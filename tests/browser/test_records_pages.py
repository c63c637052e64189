"""Records in a real browser: record with a Cyrillic make, find it by the Latin spelling,
edit it and see the change in its history."""

from __future__ import annotations

import pytest
from browser_support import LiveServer, log_in
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.browser
pytest_plugins = ["browser_fixtures"]


def test_cyrillic_make_found_by_latin_spelling_edited_with_history(
    page: Page, live_server: LiveServer
) -> None:
    log_in(page, live_server, "officer")
    page.locator("header nav.main").get_by_role("link", name="Records").click()
    page.get_by_role("link", name="New record").click()

    form = page.locator("form.record-form")
    form.locator("select[name=status]").select_option("seized")
    form.locator("input[name=make]").fill("Црвена Застава")
    form.locator("input[name=model]").fill("М70 АБ2")
    form.locator("input[name=calibre]").fill("7,62 M43")
    form.locator("input[name=serial_number]").fill("BR-77 1234")
    form.locator("input[name=event_date]").fill("2025-05-17")
    form.locator("input[name=event_place]").fill("Градишка")
    form.get_by_role("button", name="Save").click()

    expect(page.locator("main h1")).to_contain_text("UIO-")
    reference = page.locator("main h1").inner_text().split()[0]
    facts = page.locator("dl.facts").first
    expect(facts).to_contain_text("Црвена Застава")
    expect(facts).to_contain_text("zastava")
    expect(facts).to_contain_text("7.62×39mm")

    # Find it by the Latin spelling of the make.
    page.goto("/records")
    page.locator("form.filters input[name=make]").fill("Zastava")
    page.locator("form.filters").get_by_role("button", name="Filter").click()
    row = page.locator("table.records tbody tr", has_text=reference)
    expect(row).to_be_visible()
    row.get_by_role("link", name=reference).click()

    page.get_by_role("link", name="Edit").click()
    page.locator("form.record-form input[name=event_place]").fill("Gradiška")
    page.locator("form.record-form").get_by_role("button", name="Save").click()

    history = page.locator("table.history tbody")
    expect(history.locator(".tag-update")).to_be_visible()
    expect(history).to_contain_text("Градишка → Gradiška")
    expect(history.locator(".tag-insert")).to_be_visible()
