"""Joint operations in a real browser: open an operation, add the Border Police, link a
seizure (shared with the operation), post to the log, add a task — and the Border Police
officer sees the seizure through the operation, until the agency leaves it."""

from __future__ import annotations

import re

import pytest
from browser_support import LiveServer, log_in
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.browser
pytest_plugins = ["browser_fixtures"]

SEIZURE = {
    "occurred_at": "2026-03-02T08:30:00+01:00",
    "context": "border_check",
    "place_code": "BA-GRADISKA",
    "direction": "entry",
    "distribution": "agency",
    "narrative": "Rounds under the bus floor.",
    "items": [{"kind": "ammunition", "calibre": "9x19", "ammunition_type": "ball", "quantity": 50}],
}


def _log_out(page: Page) -> None:
    page.locator("header").get_by_role("button", name="Log out").click()
    expect(page).to_have_url(re.compile(r".*/login.*"))


def _seizure(page: Page) -> str:
    """A seizure of the officer's agency, kept to the agency (through the API, as the
    logged-in browser: session cookie and CSRF header)."""
    csrf = page.locator("input[name=csrf_token]").first.get_attribute("value") or ""
    r = page.request.post("/api/v1/seizures", data=SEIZURE, headers={"X-CSRF-Token": csrf})
    assert r.status == 201, r.text()
    reference: str = r.json()["reference"]
    return reference


def test_open_an_operation_link_a_seizure_log_and_task(page: Page, live_server: LiveServer) -> None:
    log_in(page, live_server, "officer")
    page.goto("/operations")
    reference = _seizure(page)

    form = page.locator("form[action='/operations']")
    form.locator("input[name=name]").fill("Bus corridor Gradiška")
    form.locator("input[name=starts_on]").fill("2026-03-01")
    form.get_by_role("button", name="Open the operation").click()
    expect(page.locator("main h1")).to_contain_text("Bus corridor Gradiška")
    op_url = page.url

    members = page.locator("#members")
    members.locator("select[name=agency]").select_option("BA-GP")
    members.get_by_role("button", name="Add the agency").click()
    expect(page.locator("#members table")).to_contain_text("BA-GP")

    links = page.locator("#links")
    links.locator("select[name=kind]").select_option("seizure")
    links.locator("input[name=object]").fill(reference)
    links.locator("input[name=share]").check()
    links.get_by_role("button", name="Link", exact=True).click()
    expect(page.locator("#links table")).to_contain_text(reference)

    log = page.locator("#log")
    log.locator("textarea[name=body]").fill("Bus 12 stopped at Gradiška, 50 rounds found.")
    log.get_by_role("button", name="Post to the log").click()
    expect(page.locator("#log ul.log")).to_contain_text("Bus 12 stopped at Gradiška")

    tasks = page.locator("#tasks")
    tasks.locator("input[name=title]").fill("Interview the bus driver")
    tasks.locator("select[name=owner]").select_option("border")
    tasks.locator("input[name=due_on]").fill("2026-03-09")
    tasks.get_by_role("button", name="Add the task").click()
    expect(page.locator("#tasks table")).to_contain_text("Interview the bus driver")

    # a link to a seizure nobody showed us is refused on the page, in words
    links = page.locator("#links")
    links.locator("select[name=kind]").select_option("seizure")
    links.locator("input[name=object]").fill("UIO-SZ-2026-999999")
    links.get_by_role("button", name="Link", exact=True).click()
    expect(page.locator("#error-summary")).to_be_visible()
    expect(page).to_have_url(op_url)

    page.goto(op_url + "/summary")
    expect(page.locator("#figures")).to_contain_text("1")

    # the Border Police officer works the operation and opens the shared seizure
    _log_out(page)
    log_in(page, live_server, "border")
    page.goto("/operations")
    page.get_by_role("link", name=re.compile(r"UIO-OP-")).first.click()
    expect(page.locator("#tasks table")).to_contain_text("Interview the bus driver")
    page.locator("#links table").get_by_role("link", name=re.compile(reference)).click()
    expect(page.locator("main h1")).to_contain_text(reference)
    seizure_url = page.url

    # leaving ends access to the operation and to what was shared only through it
    page.goto(op_url)
    page.get_by_role("button", name="Leave the operation").click()
    expect(page).to_have_url(live_server.url("/operations"))
    assert page.goto(op_url).status == 404  # type: ignore[union-attr]
    assert page.goto(seizure_url).status == 404  # type: ignore[union-attr]
