"""Tracing in a real browser: from a seized Zastava record, send an urgent trace to Serbia,
answer it as the Serbian agency, and see the record's illicit origin established (and the
SDG 16.4.2 numerator go up)."""

from __future__ import annotations

from datetime import date

import pytest
from browser_support import LiveServer, log_in
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.browser
pytest_plugins = ["browser_fixtures"]


def _log_out(page: Page) -> None:
    page.locator("header").get_by_role("button", name="Log out").click()
    expect(page).to_have_url(__import__("re").compile(r".*/login.*"))


def _numerator(page: Page) -> int:
    page.goto("/indicators/sdg-16-4-2")
    return int(page.locator("[data-figure=numerator]").inner_text())


def test_urgent_trace_answered_as_traced_marks_the_record(
    page: Page, live_server: LiveServer
) -> None:
    log_in(page, live_server, "officer")
    before = _numerator(page)

    page.goto("/records/new")
    form = page.locator("form.record-form")
    form.locator("select[name=status]").select_option("seized")
    form.locator("input[name=make]").fill("Zastava")
    form.locator("input[name=model]").fill("M70 AB2")
    form.locator("input[name=calibre]").fill("7.62x39")
    form.locator("input[name=serial_number]").fill("BRW-558811")
    form.locator("input[name=other_markings]").fill("proof mark ZCZ; bolt 8811")
    form.locator("input[name=event_date]").fill(date.today().isoformat())
    form.locator("input[name=event_place]").fill("Šamac")
    form.get_by_role("button", name="Save").click()
    expect(page.locator("main h1")).to_contain_text("UIO-")
    record_url = page.url

    page.get_by_role("link", name="Request a trace").click()
    trace = page.locator("form.trace-form")
    # Serbia is suggested as the country of manufacture; send to its customs.
    expect(trace.locator(".recipients")).to_contain_text("RS")
    for box in trace.locator("input[name=recipients]").all():
        box.uncheck()
    trace.locator("input[name=recipients][value=RS-UC]").check()
    trace.locator("select[name=priority]").select_option("urgent")
    trace.locator("textarea[name=urgency_justification]").fill("Suspect detained for 48 hours")
    trace.locator("textarea[name=legal_basis]").fill("Criminal Code of BiH, art. 193a")
    trace.locator("textarea[name=circumstances]").fill("Hidden in a car door panel at Šamac")
    trace.locator("textarea[name=intended_use]").fill("Criminal proceedings, case T-9/26")
    trace.locator("textarea[name=photo_references]").fill("Photos 1-3 of the receiver")
    trace.get_by_role("button", name="Send").click()

    expect(page.locator("main h1")).to_contain_text("TR-UIO-")
    expect(page.locator("main h1 .tag")).to_have_text("sent")
    reference = page.locator("main h1").inner_text().split()[0]
    _log_out(page)

    log_in(page, live_server, "rs.officer")
    page.locator("header nav.main").get_by_role("link", name="Tracing").click()
    row = page.locator("table.traces tbody tr", has_text=reference)
    expect(row).to_contain_text("BRW-558811")
    row.get_by_role("link", name=reference).click()
    answer = page.locator("form.answer-form")
    answer.locator("select[name=result]").select_option("traced")
    answer.locator("input[name=diversion_holder]").fill("Lovačko društvo Sokolac")
    answer.locator("input[name=diversion_country]").fill("RS")
    answer.locator("textarea[name=diversion_how]").fill("Stolen from the club in 2015")
    answer.get_by_role("button", name="Record the answer").click()
    expect(page.locator("main h1 .tag").first).to_have_text("answered")
    expect(page.locator("section.answer")).to_contain_text("Lovačko društvo Sokolac")
    _log_out(page)

    log_in(page, live_server, "officer")
    page.goto(record_url)
    expect(page.locator(".tracing-panel .origin-established")).to_contain_text(
        "Illicit origin established"
    )
    expect(page.locator(".tracing-panel")).to_contain_text(reference)
    assert _numerator(page) == before + 1
