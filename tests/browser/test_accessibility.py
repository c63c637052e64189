"""axe-core over every main page, in English and in Serbian Cyrillic: no serious or
critical violation (issue 16).

axe-core is vendored for the tests only (``tests/browser/vendor/axe.min.js``, from the npm
registry, MPL-2.0, licence beside it); the app never serves it. It is injected through
Playwright's init script, which the page's content security policy does not apply to.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from browser_support import LiveServer
from playwright.sync_api import Browser, Page, expect

pytestmark = pytest.mark.browser
pytest_plugins = ["browser_fixtures"]

AXE = Path(__file__).parent / "vendor" / "axe.min.js"
SEVERE = ("serious", "critical")
LIST_PAGES = [
    "/",
    "/records",
    "/records/new",
    "/check",
    "/hits",
    "/traces",
    "/seizures",
    "/seizures/new",
    "/targeting/worklist",
    "/indicators",
    "/admin/agencies",
    "/admin/users",
    "/admin/catalogue",
    "/admin/procedures",
    "/admin/audit",
]
#: (list page, link to its first object) for the detail pages.
DETAIL_PAGES = [
    ("/records", "table.records tbody a[href^='/records/']"),
    ("/seizures", "table.seizures tbody a[href^='/seizures/']"),
    ("/hits", "table a[href^='/hits/']"),
    ("/traces", "table a[href^='/traces/']"),
]
RUN_AXE = """async () => {
  const result = await axe.run(document, { resultTypes: ["violations"] });
  return result.violations
    .filter(v => ["serious", "critical"].includes(v.impact))
    .map(v => ({ id: v.id, impact: v.impact, help: v.help,
                 nodes: v.nodes.slice(0, 3).map(n => n.target.join(" ")) }));
}"""


@pytest.fixture
def audited(browser: Browser, live_server: LiveServer) -> Iterator[Page]:
    context = browser.new_context(
        base_url=live_server.base_url, locale="en-GB", viewport={"width": 1280, "height": 800}
    )
    context.set_default_timeout(20_000)
    context.add_init_script(path=str(AXE))
    tab = context.new_page()
    try:
        yield tab
    finally:
        context.close()


def _violations(page: Page) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = page.evaluate(RUN_AXE)
    return found


def _switch(page: Page, language: str) -> None:
    page.goto(f"/language/{language}?next=/login")
    expect(page.locator("html")).to_have_attribute("lang", language.replace("_", "-"))


@pytest.mark.parametrize("language", ["en", "sr_Cyrl"])
def test_main_pages_have_no_serious_accessibility_violation(
    audited: Page, live_server: LiveServer, language: str
) -> None:
    page = audited
    problems: dict[str, list[dict[str, Any]]] = {}
    _switch(page, language)
    page.goto("/login")
    if found := _violations(page):
        problems["/login"] = found
    log_in_anywhere(page, live_server)
    _something_to_show(page, f"AX-{len(language)}10001")  # one weapon per language
    paths = list(LIST_PAGES)
    for list_page, link in DETAIL_PAGES:
        page.goto(list_page)
        first = page.locator(link).first
        if first.count():
            paths.append(str(first.get_attribute("href")))
    assert len(paths) >= len(LIST_PAGES) + 2, paths[len(LIST_PAGES) :]  # a record, a seizure
    for path in paths:
        response = page.goto(path)
        assert response is not None and response.ok, (path, response and response.status)
        if found := _violations(page):
            problems[path] = found
    assert not problems, "\n".join(f"{p}: {v}" for p, v in problems.items())


def _something_to_show(page: Page, serial: str) -> None:
    """A record and a seizure with a firearm, through the forms (field names, not words,
    so it works in any language)."""
    page.goto("/records/new")
    record = page.locator("form.record-form")
    record.locator("select[name=status]").select_option("stolen")
    record.locator("select[name=weapon_type]").select_option("pistol")
    record.locator("input[name=make]").fill("Zastava")
    record.locator("input[name=serial_number]").fill(serial)
    record.locator("button[type=submit]").click()
    expect(page).to_have_url(re.compile(r"/records/[0-9a-f-]{36}$"))
    page.goto("/seizures/new")
    seizure = page.locator("form.seizure-form")
    seizure.locator("input[name=place_code]").fill("Izačić")
    seizure.locator("textarea[name=legal_basis]").fill("Customs Policy Act of BiH, art. 12")
    line = seizure.locator(".sz-firearm-line").first
    line.locator("select[name=fa_weapon_type]").select_option("pistol")
    line.locator("input[name=fa_make]").fill("Zastava")
    line.locator("input[name=fa_serial_number]").fill(serial)
    seizure.locator("button[type=submit]").click()
    expect(page).to_have_url(re.compile(r"/seizures/[0-9a-f-]{36}"))


def log_in_anywhere(page: Page, server: LiveServer) -> None:
    """Log in as the administrator in whatever language the page is in."""
    page.goto("/login")
    form = page.locator("form[action='/login']")
    form.locator("input[name=username]").fill("admin")
    form.locator("input[name=password]").fill(server.passwords["admin"])
    form.locator("button[type=submit]").click()
    expect(page).to_have_url(server.url("/"))
