"""Targeting in a real browser: upload declarations, find the red-lane parcel with its
reasons on the worklist, record "firearms found", and see the hit-rate page count it."""

from __future__ import annotations

import csv
import re
from pathlib import Path

import pytest
from browser_support import LiveServer, log_in
from playwright.sync_api import Page, expect

from kalibar.targeting.fields import COLUMNS

pytestmark = pytest.mark.browser
pytest_plugins = ["browser_fixtures"]

ROWS = [
    {
        "declaration_id": "WL-PISTOL-1",
        "flow": "postal",
        "lodged_at": "2026-03-02T09:15:00Z",
        "office": "BA-SA-POST",
        "declared_description": "alarm pistol Ekol, blank firing",
        "hs_code": "9303.90",
        "quantity": "2",
        "gross_weight_kg": "1.6",
        "declared_value": "120",
        "currency": "EUR",
        "origin_country": "TR",
        "dispatch_country": "BG",
        "consignor_name": "Kurusiki Market",
        "consignor_country": "TR",
        "consignee_name": "Marko Marković",
        "consignee_city": "Sarajevo",
        "consignee_country": "BA",
        "item_category": "gift",
    },
    {
        "declaration_id": "WL-BOOKS-1",
        "flow": "postal",
        "lodged_at": "2026-03-02T10:00:00Z",
        "office": "BA-SA-POST",
        "declared_description": "books",
        "hs_code": "4901",
        "quantity": "3",
        "gross_weight_kg": "2",
        "declared_value": "30",
        "currency": "EUR",
        "origin_country": "DE",
        "consignee_country": "BA",
        "item_category": "sale",
    },
]


def test_upload_work_the_list_record_firearms_and_see_the_hit_rate(
    page: Page, live_server: LiveServer, tmp_path: Path
) -> None:
    path = tmp_path / "declarations.csv"
    with path.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(COLUMNS))
        writer.writeheader()
        writer.writerows(ROWS)

    log_in(page, live_server, "officer")
    page.locator("header nav.main").get_by_role("link", name="Targeting").click()
    page.get_by_role("link", name="Import declarations").first.click()
    form = page.locator("form.declarations-upload")
    form.locator("input[type=file]").set_input_files(str(path))
    form.get_by_role("button", name="Import and screen").click()
    expect(page.locator("p.notice")).to_contain_text("2 declarations imported")

    page.get_by_role("link", name="Open the worklist").click()
    row = page.locator("table.worklist tbody tr", has_text="WL-PISTOL-1")
    expect(row.locator(".lane-red")).to_be_visible()
    expect(row).to_contain_text("ALARM-TR-BG-SMALL")
    expect(row).to_contain_text("Open the parcel")
    first = page.locator("table.worklist tbody tr").first
    expect(first).to_contain_text("WL-PISTOL-1")  # red before the rest
    row.get_by_role("link", name="WL-PISTOL-1").click()

    expect(page.locator("table.instructions")).to_contain_text("ALARM-TR-BG-SMALL")
    result = page.locator("form.inspection-form")
    result.get_by_label("Firearms").check()
    result.locator("textarea[name=notes]").fill("two converted pistols, live-calibre barrels")
    result.get_by_role("button", name="Record result").click()
    expect(page.locator(".inspection-result")).to_contain_text("Firearms")
    expect(page.locator(".inspection-result")).to_contain_text("officer")
    seizure = page.get_by_role("link", name="Record a seizure")
    expect(seizure).to_have_attribute(
        "href", re.compile(r"^/seizures/new\?declaration=[0-9a-f-]{36}$")
    )

    page.get_by_role("link", name="Hit rates").click()
    rule = page.locator("table.hit-rates tbody tr[data-key='ALARM-TR-BG-SMALL']")
    expect(rule).to_contain_text("100.0 %")
    expect(rule.locator("td.num").nth(0)).to_have_text("1")
    expect(rule.locator("svg rect.tg-bar")).to_have_attribute("width", "240.0")
