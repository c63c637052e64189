"""The design system in a real browser (issue 16): form attributes reach the page, the
crossing is found by any spelling, a refused form shows an error summary at the top with
the address bar on the page's own URL, the language menu is legible, the check page and
the first screen of Record a seizure work on a 390 × 844 phone, and no page trips the
content security policy."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from browser_support import LiveServer, log_in
from playwright.sync_api import Browser, Page, expect

pytestmark = pytest.mark.browser
pytest_plugins = ["browser_fixtures"]

PHONE = {"width": 390, "height": 844}

#: WCAG contrast ratio of two CSS ``rgb(...)`` colours, computed in the page.
CONTRAST_JS = """([fg, bg]) => {
  const parse = c => c.match(/[\\d.]+/g).slice(0, 3).map(Number);
  const lum = rgb => {
    const [r, g, b] = rgb.map(v => {
      v /= 255;
      return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4;
    });
    return 0.2126 * r + 0.7152 * g + 0.0722 * b;
  };
  const [a, b] = [lum(parse(fg)), lum(parse(bg))].sort((x, y) => y - x);
  return (a + 0.05) / (b + 0.05);
}"""


@pytest.fixture
def phone(browser: Browser, live_server: LiveServer) -> Iterator[Page]:
    context = browser.new_context(
        base_url=live_server.base_url,
        locale="en-GB",
        viewport=PHONE,
        is_mobile=True,
        has_touch=True,
        device_scale_factor=2,
    )
    context.set_default_timeout(10_000)
    tab = context.new_page()
    try:
        yield tab
    finally:
        context.close()


def _fill_seizure(page: Page, place: str) -> None:
    form = page.locator("form.seizure-form")
    form.locator("input[name=place_code]").fill(place)
    form.locator("select[name=context]").select_option("border_check")
    form.locator("select[name=direction]").select_option("entry")
    form.locator("textarea[name=legal_basis]").fill("Customs Policy Act of BiH, art. 12")


def test_form_attributes_reach_the_page_and_the_crossing_is_found_by_any_spelling(
    page: Page, live_server: LiveServer
) -> None:
    log_in(page, live_server, "officer")
    page.goto("/seizures/new")
    form = page.locator("form.seizure-form")
    place = form.locator("input[name=place_code]")
    # Not `list=&#34;sz-places&#34;`: the attributes are attributes.
    expect(place).to_have_attribute("list", "sz-places")
    expect(place).to_have_attribute("autocomplete", "off")
    expect(form.locator("input[name=origin_country]")).to_have_attribute("maxlength", "2")
    expect(form.locator("input[name=vehicle_registration]")).to_have_class(re.compile("mono"))
    assert page.locator("#sz-places option[value='BA-IZACIC']").count() == 1
    html = page.content()
    assert "&#34;" not in html and "&amp;#34;" not in html

    for typed in ["Изачић", "izacic"]:
        page.goto("/seizures/new")
        _fill_seizure(page, typed)
        page.locator("form.seizure-form").get_by_role("button", name="Save the seizure").click()
        expect(page.locator("main h1")).to_contain_text("UIO-SZ-")
        event = page.locator(".sz-event")
        expect(event).to_contain_text("Izačić")
        expect(event).to_contain_text("BA-IZACIC")


def test_new_record_loads_the_models_of_the_make_picked(
    page: Page, live_server: LiveServer
) -> None:
    log_in(page, live_server, "officer")
    page.goto("/records/new")
    make = page.locator("form.record-form input[name=make]")
    expect(make).to_have_attribute("list", "makes")
    expect(make).to_have_attribute("hx-get", "/records/suggest/models")
    expect(page.locator("form.record-form input[name=serial_number]")).to_have_attribute(
        "autocomplete", "off"
    )
    assert page.locator("#models option").count() == 0
    make.fill("Zastava")
    make.dispatch_event("change")
    expect(page.locator("#models option").first).to_be_attached()
    assert page.locator("#models option").count() > 1


def test_language_menu_is_legible_on_login_and_pages(page: Page, live_server: LiveServer) -> None:
    for path in ["/login", "/"]:
        if path == "/":
            log_in(page, live_server, "officer")
        page.goto(path)
        summary = page.locator("header details.lang summary")
        expect(summary).to_be_visible()
        colours = summary.evaluate(
            "el => [getComputedStyle(el).color,"
            " getComputedStyle(el.closest('header')).backgroundColor]"
        )
        ratio = page.evaluate(CONTRAST_JS, colours)
        assert ratio >= 4.5, f"{path}: language menu contrast {ratio:.2f}:1 ({colours})"


def test_refused_step_shows_the_summary_at_the_top_on_the_page_url(
    page: Page, live_server: LiveServer
) -> None:
    log_in(page, live_server, "officer")
    page.goto("/seizures/new")
    _fill_seizure(page, "BA-GRADISKA")
    page.locator("form.seizure-form").get_by_role("button", name="Save the seizure").click()
    expect(page.locator("main h1")).to_contain_text("UIO-SZ-")
    seizure_url = page.url
    # A step that needs what is not there yet (photographs, seals, …) cannot be completed.
    step = page.locator("li.sz-step-open:has(.sz-requires):has(form.sz-complete)").first
    step_id = step.get_attribute("id")
    assert step_id
    step.get_by_role("button", name="Complete").click()

    summary = page.locator("#error-summary")
    expect(summary).to_be_visible()
    expect(summary).to_be_focused()
    expect(summary.locator("h2")).to_have_text("There is a problem")
    # The address bar is back on the seizure's own page, not the POST address.
    assert page.url.split("#")[0] == seizure_url.split("#")[0], page.url
    assert "/complete" not in page.url
    # The summary is in view (the page scrolled to it), and links to the refused step,
    # whose own message stands beside it.
    top = summary.evaluate("el => el.getBoundingClientRect().top")
    assert 0 <= top < PHONE["height"], top
    link = summary.locator(f"a[href='#{step_id}']").first
    expect(link).to_be_visible()
    expect(page.locator(f"#{step_id} .alert")).to_be_visible()
    link.click()
    expect(page.locator(f"#{step_id} input[name=note]")).to_be_focused()


def test_record_form_summary_names_fields_by_their_labels(
    page: Page, live_server: LiveServer
) -> None:
    log_in(page, live_server, "officer")
    page.goto("/records/new")
    form = page.locator("form.record-form")
    form.locator("input[name=year_of_manufacture]").fill("1066")
    form.locator("input[name=event_date]").fill("not a date")
    form.get_by_role("button", name="Save").click()
    summary = page.locator("#error-summary")
    expect(summary).to_be_focused()
    assert page.url == live_server.url("/records/new")
    text = summary.inner_text()
    assert "year_of_manufacture" not in text and "event_date" not in text, text
    expect(summary.get_by_role("link", name=re.compile("^Event date"))).to_have_attribute(
        "href", "#f-event_date"
    )


def test_check_page_on_a_phone_shows_why_without_sideways_scrolling(
    phone: Page, live_server: LiveServer
) -> None:
    log_in(phone, live_server, "officer")
    known = "PH-390844"
    phone.goto("/records/new")
    record = phone.locator("form.record-form")
    record.locator("select[name=status]").select_option("stolen")
    record.locator("input[name=make]").fill("Zastava")
    record.locator("input[name=serial_number]").fill(known)
    record.get_by_role("button", name="Save").click()
    expect(phone.locator("main h1")).to_contain_text("UIO-")
    phone.goto("/check")
    header = phone.locator("header.top").bounding_box()
    assert header and header["height"] <= 100, header
    serial = phone.locator("form.check-form input[name=serial_number]")
    for name, value in {
        "autocapitalize": "characters",
        "autocomplete": "off",
        "spellcheck": "false",
        "inputmode": "text",
    }.items():
        expect(serial).to_have_attribute(name, value)
    button = phone.locator("form.check-form button[type=submit]").bounding_box()
    assert button and button["height"] >= 44, button
    serial.fill(known)
    phone.locator("form.check-form button[type=submit]").click()
    why = phone.locator("table.candidates td.why").first
    expect(why).to_be_visible()
    box = why.bounding_box()
    assert box and box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"] + 1, box
    width = phone.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"the page scrolls sideways: {width}px"


def test_record_a_seizure_first_screen_on_a_phone(phone: Page, live_server: LiveServer) -> None:
    log_in(phone, live_server, "officer")
    phone.goto("/seizures/new")
    place = phone.locator("input[name=place_code]")
    box = place.bounding_box()
    assert box and box["y"] + box["height"] <= PHONE["height"], box
    assert box["height"] >= 44 and box["x"] + box["width"] <= PHONE["width"], box
    width = phone.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"the page scrolls sideways: {width}px"
    serial = phone.locator("input[name=fa_serial_number]").first
    expect(serial).to_have_attribute("autocapitalize", "characters")
    expect(serial).to_have_attribute("spellcheck", "false")


def test_pages_keep_the_content_security_policy_and_small_things_answer(
    page: Page, live_server: LiveServer
) -> None:
    refused: list[str] = []
    page.on(
        "console",
        lambda msg: refused.append(msg.text) if "Content Security Policy" in msg.text else None,
    )
    log_in(page, live_server, "officer")
    for path in ["/", "/records/new", "/seizures/new", "/check"]:
        page.goto(path)
        page.wait_for_load_state("networkidle")
    assert refused == [], refused
    assert page.request.get("/favicon.ico").status == 200
    head = page.request.head("/login")
    assert head.status == 200, head.status
    assert head.body() == b""


def test_add_person_form_shows_the_fields_of_the_kind_and_suggestions_above_create(
    page: Page, live_server: LiveServer
) -> None:
    log_in(page, live_server, "officer")
    page.goto("/seizures/new")
    _fill_seizure(page, "Bijača")
    page.locator("form.seizure-form").get_by_role("button", name="Save the seizure").click()
    expect(page.locator("main h1")).to_contain_text("UIO-SZ-")
    page.locator("details.sz-add-entity summary").click()
    form = page.locator("form.sz-entity-form")
    person_only = form.locator("input[name=family_name]")
    vehicle_only = form.locator("input[name=vehicle_registration]")
    expect(person_only).to_be_visible()
    expect(vehicle_only).to_be_hidden()
    expect(form.locator("textarea[name=identity_documents]")).to_be_visible()
    assert "kind:number:country" not in form.inner_text()
    form.locator("select[name=kind]").select_option("vehicle")
    expect(vehicle_only).to_be_visible()
    expect(person_only).to_be_hidden()
    expect(form.locator("textarea[name=identity_documents]")).to_be_hidden()
    form.locator("select[name=kind]").select_option("phone")
    expect(form.locator("input[name=phone_number]")).to_be_visible()
    expect(vehicle_only).to_be_hidden()
    # The suggestions of people already known come before the Create button.
    before = form.evaluate(
        "f => !!(f.querySelector('#entity-suggestions').compareDocumentPosition("
        "f.querySelector('button.sz-create-entity')) & Node.DOCUMENT_POSITION_FOLLOWING)"
    )
    assert before, "duplicate suggestions appear below the Create button"


def test_a_refused_form_without_a_summary_still_brings_its_message_into_view(
    page: Page, live_server: LiveServer
) -> None:
    """Closing a seizure with open steps is refused in the summary at the top; the login
    page's one-line refusal takes the focus the same way (kalibar.js), with no view code."""
    log_in(page, live_server, "officer")
    page.goto("/seizures/new")
    _fill_seizure(page, "BA-GRADISKA")
    page.locator("form.seizure-form").get_by_role("button", name="Save the seizure").click()
    seizure_url = page.url
    page.locator("form.sz-close").get_by_role("button", name="Close the seizure").click()
    refused = page.locator("#error-summary")
    expect(refused).to_be_focused()
    assert page.url.split("#")[0] == seizure_url.split("#")[0]
    page.context.clear_cookies()  # logged out: the login page has its own one-line error
    page.goto("/login")
    form = page.locator("form[action='/login']")
    form.locator("input[name=username]").fill("officer")
    form.locator("input[name=password]").fill("not the password")
    form.locator("button[type=submit]").click()
    expect(page.locator("main [role=alert], main .alert, main .error").first).to_be_focused()
    assert page.url.startswith(live_server.url("/login"))


def test_lists_and_a_seizure_page_fit_a_phone(phone: Page, live_server: LiveServer) -> None:
    log_in(phone, live_server, "officer")
    phone.goto("/seizures/new")
    _fill_seizure(phone, "Bijača")
    line = phone.locator(".sz-firearm-line").first
    line.locator("select[name=fa_weapon_type]").select_option("pistol")
    line.locator("input[name=fa_make]").fill("Zastava")
    line.locator("input[name=fa_serial_number]").fill("PH-100200")
    phone.locator("form.seizure-form button[type=submit]").click()
    expect(phone.locator("main h1")).to_contain_text("UIO-SZ-")
    seizure = phone.url
    for path in ["/", "/records", "/seizures", "/hits", "/traces", seizure]:
        phone.goto(path)
        width = phone.evaluate("document.documentElement.scrollWidth")
        assert width <= PHONE["width"], f"{path} scrolls sideways: {width}px"
    # a stacked row names each of its cells
    phone.goto("/records")
    cell = phone.locator("table.records tbody td[data-label]").first
    label = cell.evaluate("el => getComputedStyle(el, '::before').content")
    assert label.strip('"') == "Reference", label


def test_seizure_form_summary_links_each_field_by_its_words(
    page: Page, live_server: LiveServer
) -> None:
    log_in(page, live_server, "officer")
    page.goto("/seizures/new")
    _fill_seizure(page, "Bijača")
    page.locator("form.seizure-form input[name=origin_country]").fill("Q1")
    page.locator("form.seizure-form").get_by_role("button", name="Save the seizure").click()
    summary = page.locator("#error-summary")
    expect(summary).to_be_focused()
    assert page.url == live_server.url("/seizures/new")
    country = summary.get_by_role("link", name=re.compile("^Country of origin"))
    expect(country).to_have_attribute("href", "#f-origin_country")
    assert "origin_country" not in summary.inner_text()

    page.locator("form.seizure-form input[name=origin_country]").fill("HR")
    page.locator("form.seizure-form input[name=place_code]").fill("Nowhere at all")
    page.locator("form.seizure-form").get_by_role("button", name="Save the seizure").click()
    expect(summary).to_be_focused()
    assert page.url == live_server.url("/seizures/new")
    assert "place_code" not in summary.inner_text(), summary.inner_text()
    place = summary.get_by_role("link", name=re.compile("^Place from the catalogue"))
    expect(place).to_have_attribute("href", "#f-place_code")
    # the field keeps what was typed and carries its own message
    field = page.locator("#f-place_code")
    expect(field).to_have_value("Nowhere at all")
    expect(field).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#f-place_code-error")).to_be_visible()
    place.click()
    expect(field).to_be_focused()
