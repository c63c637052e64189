"""Inspection capacity in a real browser: an administrator opens the capacity page from the
targeting tabs, is told what is wrong with a bad line, saves capacity per office and flow,
imports declarations and sees today's use against the quota."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from browser_support import LiveServer, log_in
from playwright.sync_api import Page, expect
from test_worklist_page import ROWS

from kalibar.targeting.fields import COLUMNS

pytestmark = pytest.mark.browser
pytest_plugins = ["browser_fixtures"]


def test_admin_sets_capacity_and_sees_todays_use(
    page: Page, live_server: LiveServer, tmp_path: Path
) -> None:
    log_in(page, live_server, "admin")
    page.locator("header nav.main").get_by_role("link", name="Targeting").click()
    page.locator("nav.tabs").get_by_role("link", name="Capacity").click()
    expect(page.get_by_role("heading", name="Inspection capacity")).to_be_visible()
    expect(page.locator("#lane-rates")).to_contain_text("red 2 %, yellow 5 %")

    editor = page.locator("form.rates-editor")
    editor.locator("textarea").fill("office,flow,red,yellow,blue\n*,boat,0.1,,\n")
    editor.get_by_role("button", name="Save capacity").click()
    problem = page.locator("table.rate-errors tbody tr").first
    expect(problem).to_contain_text("boat")
    expect(problem.locator("td.num")).to_have_text("2")

    editor = page.locator("form.rates-editor")
    editor.locator("textarea").fill("office,flow,red,yellow,blue\nBA-BL-POST,postal,0.5,0.3,\n")
    editor.get_by_role("button", name="Save capacity").click()
    expect(page.locator("p.notice")).to_have_text("Capacity saved.")
    expect(page.locator("form.rates-editor textarea")).to_have_value(
        "office,flow,red,yellow,blue\nBA-BL-POST,postal,0.5,0.3,\n"
    )

    rows = []
    for n, row in enumerate(ROWS, start=1):
        rows.append(
            {**row, "declaration_id": f"CAPACITY-{n}", "office": "BA-BL-POST",
             "lodged_at": "2026-03-04T10:00:00Z"}
        )  # fmt: skip
    path = tmp_path / "declarations.csv"
    with path.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(COLUMNS))
        writer.writeheader()
        writer.writerows(rows)
    page.get_by_role("link", name="Import declarations").first.click()
    form = page.locator("form.declarations-upload")
    form.locator("input[type=file]").set_input_files(str(path))
    form.get_by_role("button", name="Import and screen").click()
    expect(page.locator("p.notice")).to_contain_text("2 declarations imported")

    page.locator("nav.tabs").get_by_role("link", name="Capacity").click()
    used = page.locator("table.capacity-usage tr[data-office='BA-BL-POST'][data-flow='postal']")
    expect(used.locator("td.num").nth(0)).to_have_text("2")  # screened today
    expect(used.locator("td.num").nth(1)).to_contain_text("/ 1")  # red: quota of 50 % of 2
