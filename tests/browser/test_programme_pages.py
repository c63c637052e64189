"""The programme ledger in a real browser: add a training with participants through the
forms and see the indicators change (officers trained, women, share of women)."""

from __future__ import annotations

import pytest
from browser_support import LiveServer, log_in
from playwright.sync_api import Browser, Page, expect
from test_accessibility import AXE, RUN_AXE

pytestmark = pytest.mark.browser
pytest_plugins = ["browser_fixtures"]

# A period no other browser test writes trainings in.
PERIOD = "/programme/indicators?from=2018-01-01&to=2018-12-31"


def _figure(page: Page, name: str) -> object:
    return page.locator(f".programme-figures [data-figure={name}]")


def test_add_a_training_with_participants_and_see_the_indicator_change(
    page: Page, live_server: LiveServer
) -> None:
    log_in(page, live_server, "officer")
    page.goto(PERIOD)
    expect(page.locator("main h1")).to_have_text("Programme indicators")
    expect(_figure(page, "trained")).to_have_text("0")

    page.locator("nav.programme-tabs").get_by_role("link", name="Trainings").click()
    page.get_by_role("link", name="Add a training").click()
    form = page.locator("form.programme-training-form")
    form.locator("#f-course").fill("Concealment in buses")
    form.locator("#f-start_date").fill("31.02.2018")
    form.get_by_role("button", name="Save the training").click()
    expect(page.locator("#error-summary")).to_be_visible()
    expect(page).to_have_url(live_server.url("/programme/trainings/new"))
    form.locator("#f-start_date").fill("12.03.2018.")
    form.locator("#f-end_date").fill("14.03.2018")
    form.locator("#f-place_code").fill("Izačić")
    form.locator("#f-trainers_training").check()
    form.get_by_role("button", name="Save the training").click()
    expect(page.locator("main h1")).to_have_text("Concealment in buses")

    people = page.locator("form.programme-participant-form")
    for name, agency, gender in (("Amra Hodžić", "BA-UIO", "female"),
                                 ("Dragan Perić", "BA-GP", "male"),
                                 ("Lejla Begić", "BA-UIO", "female")):  # fmt: skip
        people.locator("#f-full_name").fill(name)
        people.locator("#f-agency").fill(agency)
        people.locator("#f-gender").select_option(gender)
        people.get_by_role("button", name="Add the participant").click()
        expect(page.locator("table.programme-participants")).to_contain_text(name)
    expect(page.locator("[data-figure=participants]")).to_have_text("3")

    page.goto(PERIOD)
    expect(_figure(page, "trained")).to_have_text("3")
    expect(_figure(page, "women")).to_have_text("2")
    expect(_figure(page, "share-women")).to_have_text("66.7%")
    expect(_figure(page, "trainers")).to_have_text("3")
    row = page.locator("table.programme-by-agency tbody tr", has_text="BA-UIO")
    expect(row).to_contain_text("100.0%")
    expect(page.locator(".by-agency svg.bar")).to_have_count(2)


PAGES = [
    "/programme/indicators",
    "/programme/trainings",
    "/programme/trainings/new",
    "/programme/equipment",
    "/programme/equipment/new",
    "/programme/procedures",
    "/programme/import",
]


def test_programme_pages_have_no_serious_accessibility_violation(
    browser: Browser, live_server: LiveServer
) -> None:
    """axe-core (vendored for the tests) over the ledger's pages, a training's included."""
    context = browser.new_context(
        base_url=live_server.base_url, locale="en-GB", viewport={"width": 1280, "height": 800}
    )
    context.set_default_timeout(20_000)
    context.add_init_script(path=str(AXE))
    page = context.new_page()
    try:
        log_in(page, live_server, "border")
        page.goto("/programme/trainings/new")
        form = page.locator("form.programme-training-form")
        form.locator("#f-course").fill("Axe course")
        form.locator("#f-start_date").fill("01.05.2018")
        form.get_by_role("button", name="Save the training").click()
        expect(page.locator("main h1")).to_have_text("Axe course")
        problems = {}
        for path in [*PAGES, page.url.removeprefix(live_server.base_url)]:
            response = page.goto(path)
            assert response is not None and response.ok, path
            if found := page.evaluate(RUN_AXE):
                problems[path] = found
        assert not problems, problems
    finally:
        context.close()
