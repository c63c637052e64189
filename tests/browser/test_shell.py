"""The web shell in a real browser: login, admin pages, language switch, CSRF, logout."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from browser_support import LiveServer, log_in
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.browser
# The fixtures live in a plain module, not a conftest.py (see browser_fixtures).
pytest_plugins = ["browser_fixtures"]

CYRILLIC = re.compile(r"[\u0400-\u04FF]")


def test_admin_sees_dashboard_users_agencies_and_audit(
    page: Page, live_server: LiveServer, tmp_path: Path
) -> None:
    log_in(page, live_server, "admin")
    expect(page.locator("header .who")).to_have_text(re.compile(r"admin\s*·\s*BA-UIO"))
    expect(page.locator("main h1")).to_have_text("Dashboard")
    expect(page.locator("main .lead")).to_contain_text("admin")
    shot = tmp_path / "dashboard.png"
    page.screenshot(path=str(shot), full_page=True)
    assert shot.stat().st_size > 0

    nav = page.locator("header nav.main")
    nav.get_by_role("link", name="Users").click()
    expect(page).to_have_url(live_server.url("/admin/users"))
    expect(nav.locator("a[aria-current=page]")).to_have_text("Users")
    users_table = page.locator("main table.data tbody")
    for username in live_server.passwords:
        expect(users_table.get_by_role("link", name=username, exact=True)).to_be_visible()

    nav.get_by_role("link", name="Agencies").click()
    expect(page).to_have_url(live_server.url("/admin/agencies"))
    agencies_table = page.locator("main table.data tbody")
    expect(agencies_table.get_by_role("link", name="BA-UIO", exact=True)).to_be_visible()

    nav.get_by_role("link", name="Audit trail").click()
    expect(page).to_have_url(live_server.url("/admin/audit"))
    expect(page.locator("main h1")).to_have_text("Audit trail")
    # Newest first: this test's own login is on the first page.
    expect(page.locator("table.audit tbody .tag-login").first).to_be_visible()

    # Filter through the form: only login entries remain, among them admin's.
    filters = page.locator("form.filters")
    filters.locator("input[name=action]").fill("login")
    filters.get_by_role("button", name="Filter").click()
    expect(page).to_have_url(re.compile(r"/admin/audit\?.*action=login"))
    rows = page.locator("table.audit tbody tr")
    expect(rows.first).to_be_visible()
    tags = page.locator("table.audit tbody .tag").all_inner_texts()
    assert tags, "no audit entries shown for action=login"
    assert set(tags) == {"logged in"}, tags  # the action in words (labels.py)
    expect(rows.filter(has_text="admin").first).to_be_visible()


def test_language_switch_to_serbian_cyrillic_and_back(page: Page, live_server: LiveServer) -> None:
    log_in(page, live_server, "admin")
    page.goto("/admin/users")
    logout = page.locator("header form[action='/logout'] button")
    nav = page.locator("header nav.main")
    expect(logout).to_have_text("Log out")

    switcher = page.locator("header details.lang")
    switcher.locator("summary").click()
    switcher.locator("a[data-lang='sr_Cyrl']").click()

    # The switch keeps the user on the page they were on.
    expect(page).to_have_url(live_server.url("/admin/users"))
    expect(page.locator("html")).to_have_attribute("lang", "sr-Cyrl")
    expect(switcher.locator("summary")).to_have_text("Српски (ћирилица)")
    expect(logout).to_have_text(CYRILLIC)
    expect(logout).not_to_have_text("Log out")
    nav_text = nav.inner_text()
    assert CYRILLIC.search(nav_text), f"navigation not in Cyrillic: {nav_text!r}"
    assert "Dashboard" not in nav_text, nav_text
    expect(page.locator("main h1")).to_have_text(CYRILLIC)
    # The choice sticks for the next page too.
    page.goto("/")
    expect(page.locator("html")).to_have_attribute("lang", "sr-Cyrl")
    expect(logout).to_have_text(CYRILLIC)

    switcher.locator("summary").click()
    switcher.locator("a[data-lang='en']").click()
    expect(page).to_have_url(live_server.url("/"))
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(switcher.locator("summary")).to_have_text("English")
    expect(logout).to_have_text("Log out")
    expect(page.locator("main h1")).to_have_text("Dashboard")


def test_form_post_without_csrf_token_is_refused(page: Page, live_server: LiveServer) -> None:
    log_in(page, live_server, "admin")
    page.goto("/admin/users")

    # 1. A script posts a complete, valid form body, just without the token.
    result = page.evaluate(
        """async () => {
            const body = new URLSearchParams({
                username: "csrf.fetch", full_name: "No Token", password: "long-enough-pw-1",
                agency: "BA-UIO", roles: "officer",
            });
            const r = await fetch("/admin/users", {method: "POST", body, redirect: "manual"});
            return {status: r.status, text: await r.text()};
        }"""
    )
    assert result["status"] == 403, result

    # 2. The real New user form, with its hidden token removed, submitted by the browser.
    form = page.locator("main form[action='/admin/users']")
    form.locator("input[name=username]").fill("csrf.form")
    form.locator("input[name=full_name]").fill("No Token Either")
    form.locator("input[name=password]").fill("long-enough-pw-2")
    form.locator("select[name=agency]").select_option("BA-UIO")
    form.locator("input[name=roles][value=officer]").check()
    removed = form.evaluate(
        "f => { const i = f.querySelector('input[name=csrf_token]'); i.remove(); return !!i; }"
    )
    assert removed
    with page.expect_response(
        lambda r: r.url == live_server.url("/admin/users") and r.request.method == "POST"
    ) as posted:
        form.get_by_role("button", name="Create").click()
    assert posted.value.status == 403
    expect(page.locator("main h1")).to_have_text("Not allowed")

    page.goto("/admin/users")
    users_table = page.locator("main table.data tbody")
    expect(users_table.get_by_role("link", name="admin", exact=True)).to_be_visible()
    expect(users_table).not_to_contain_text("csrf.fetch")
    expect(users_table).not_to_contain_text("csrf.form")

    # Control: the same form with its token intact does create the user, so the refusals
    # above were about the missing token and nothing else.
    form.locator("input[name=username]").fill("csrf.control")
    form.locator("input[name=password]").fill("long-enough-pw-3")
    form.locator("select[name=agency]").select_option("BA-UIO")
    form.locator("input[name=roles][value=officer]").check()
    form.get_by_role("button", name="Create").click()
    expect(page).to_have_url(live_server.url("/admin/users"))
    expect(users_table.get_by_role("link", name="csrf.control", exact=True)).to_be_visible()


def test_logout_returns_to_login_and_locks_the_dashboard(
    page: Page, live_server: LiveServer
) -> None:
    log_in(page, live_server, "officer")
    page.locator("header form[action='/logout']").get_by_role("button", name="Log out").click()
    expect(page).to_have_url(live_server.url("/login"))
    expect(page.locator("header .who")).to_have_count(0)
    expect(page.locator("form[action='/login']")).to_be_visible()

    page.goto("/")
    expect(page).to_have_url(re.compile(re.escape(live_server.url("/login")) + r"(\?.*)?$"))
    expect(page.locator("form[action='/login']")).to_be_visible()
    expect(page.locator("header .who")).to_have_count(0)


def test_wrong_password_shows_error_and_does_not_log_in(
    page: Page, live_server: LiveServer
) -> None:
    page.goto("/login")
    form = page.locator("form[action='/login']")
    form.locator("input[name=username]").fill("analyst")
    form.locator("input[name=password]").fill(live_server.passwords["analyst"] + "-wrong")
    with page.expect_response(
        lambda r: r.url == live_server.url("/login") and r.request.method == "POST"
    ) as posted:
        form.locator("button[type=submit]").click()
    assert posted.value.status >= 400
    expect(page).to_have_url(live_server.url("/login"))
    alert = page.get_by_role("alert")
    expect(alert).to_be_visible()
    expect(alert).not_to_be_empty()
    expect(page.locator("header .who")).to_have_count(0)
    expect(page.locator("form[action='/login'] input[name=username]")).to_be_visible()

    page.goto("/")
    expect(page).to_have_url(re.compile(re.escape(live_server.url("/login")) + r"(\?.*)?$"))
    expect(page.locator("header .who")).to_have_count(0)
