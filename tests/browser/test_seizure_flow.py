"""A seizure in a real browser: a customs officer records two pistols and 50 rounds at the
Gradiška crossing, sees the hit on a stolen pistol (serial typed with Cyrillic letters and a
space), works through the procedure steps, hands the case over to SIPA; the investigator
accepts, closes it and downloads the PDF report, whose text is checked."""

from __future__ import annotations

import hashlib
import io
import re

import pytest
from browser_support import LiveServer, log_in
from PIL import Image
from playwright.sync_api import Page, expect
from pypdf import PdfReader

pytestmark = pytest.mark.browser
pytest_plugins = ["browser_fixtures"]

STOLEN_SERIAL = "KB-448812"
TYPED_SERIAL = "КВ 448812"  # Cyrillic К and В, a space instead of the hyphen
OTHER_SERIAL = "ZX-99017"


def _log_out(page: Page) -> None:
    page.locator("header").get_by_role("button", name="Log out").click()
    expect(page).to_have_url(re.compile(r".*/login.*"))


def _image(colour: tuple[int, int, int]) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (640, 480), colour).save(out, format="PNG")
    return out.getvalue()


def _stolen_record(page: Page, server: LiveServer) -> None:
    log_in(page, server, "investigator")
    page.goto("/records/new")
    form = page.locator("form.record-form")
    form.locator("select[name=status]").select_option("stolen")
    form.locator("select[name=weapon_type]").select_option("pistol")
    form.locator("input[name=make]").fill("CZ")
    form.locator("input[name=model]").fill("75 B")
    form.locator("input[name=calibre]").fill("9x19")
    form.locator("input[name=serial_number]").fill(STOLEN_SERIAL)
    form.get_by_role("button", name="Save").click()
    expect(page.locator("main h1")).to_contain_text("SIPA-")
    _log_out(page)


def _record_seizure(page: Page) -> str:
    page.locator("header nav.main").get_by_role("link", name="Seizures").click()
    page.get_by_role("link", name="Record a seizure").click()
    form = page.locator("form.seizure-form")
    form.locator("input[name=place_code]").fill("BA-GRADISKA")
    form.locator("select[name=context]").select_option("border_check")
    form.locator("select[name=direction]").select_option("entry")
    form.locator("select[name=detection_method]").select_option("xray")
    form.locator("select[name=concealment_method]").select_option("spare_tyre")
    form.locator("input[name=origin_country]").fill("HR")
    form.locator("select[name=conveyance_kind]").select_option("car")
    form.locator("input[name=vehicle_registration]").fill("A12-K-345")
    form.locator("textarea[name=legal_basis]").fill("Customs Policy Act of BiH, art. 12")
    form.locator("textarea[name=narrative]").fill("X-ray showed two pistols in the spare tyre.")
    guns = form.locator(".sz-firearm-line")
    for i, (make, model, serial) in enumerate(
        [("CZ", "75 B", TYPED_SERIAL), ("Glock", "17", OTHER_SERIAL)]
    ):
        line = guns.nth(i)
        line.locator("select[name=fa_weapon_type]").select_option("pistol")
        line.locator("input[name=fa_make]").fill(make)
        line.locator("input[name=fa_model]").fill(model)
        line.locator("input[name=fa_calibre]").fill("9x19")
        line.locator("input[name=fa_serial_number]").fill(serial)
    ammo = form.locator(".sz-other-line").first
    ammo.locator("select[name=ot_kind]").select_option("ammunition")
    ammo.locator("select[name=ot_subtype]").select_option("ball")
    ammo.locator("input[name=ot_calibre]").fill("9x19")
    ammo.locator("input[name=ot_quantity]").fill("50")
    form.get_by_role("button", name="Save the seizure").click()
    expect(page.locator("main h1")).to_contain_text("UIO-SZ-")
    return page.locator("main h1").inner_text().split()[0]


def _upload(page: Page, kind: str, name: str, content: bytes) -> None:
    form = page.locator("form.sz-upload")
    form.locator("select[name=kind]").select_option(kind)
    form.locator("input[name=caption]").fill(name)
    form.locator("input[name=file]").set_input_files(
        files=[{"name": f"{name}.png", "mimeType": "image/png", "buffer": content}]
    )
    form.get_by_role("button", name="Upload").click()
    expect(page.locator("li.sz-file", has_text=name)).to_be_visible()


def _custody(page: Page, action: str, **fields: str) -> None:
    """One custody event on every item."""
    count = page.locator(".sz-chain").count()
    for i in range(count):
        chain = page.locator(".sz-chain").nth(i)
        before = chain.locator(f"tr.sz-custody-{action}").count()
        chain.locator("details.sz-custody-add summary").click()
        form = chain.locator("form.sz-custody-form")
        form.locator("select[name=action]").select_option(action)
        for name, value in fields.items():
            form.locator(f"input[name={name}]").fill(f"{value}-{i + 1}")
        form.get_by_role("button", name="Sign and add").click()
        expect(page.locator(".sz-chain").nth(i).locator(f"tr.sz-custody-{action}")).to_have_count(
            before + 1
        )


def _complete(page: Page, code: str) -> None:
    step = page.locator(f'li[data-step="{code}"]')
    step.get_by_role("button", name="Complete").click()
    expect(page.locator(f'li[data-step="{code}"]')).to_have_class(re.compile("sz-step-done"))


def test_seizure_at_the_border_with_a_hit_handed_over_to_sipa(
    page: Page, live_server: LiveServer
) -> None:
    _stolen_record(page, live_server)

    log_in(page, live_server, "officer")
    reference = _record_seizure(page)
    seizure_url = page.url
    # The hit is shown on the pistol whose serial was typed in Cyrillic.
    expect(page.locator(".sz-hit-banner")).to_be_visible()
    hit_row = page.locator("tr.sz-has-hit")
    expect(hit_row).to_have_count(1)
    expect(hit_row).to_contain_text(TYPED_SERIAL)
    expect(hit_row.locator(".sz-hits")).to_contain_text(STOLEN_SERIAL)
    expect(hit_row.locator(".sz-hits")).to_contain_text("SIPA-")
    expect(page.locator("tr.sz-item-ammunition")).to_contain_text("50")

    # What the steps need: photos, seals, storage.
    photo = _image((140, 110, 80))
    markings = _image((60, 60, 60))
    _upload(page, "photo", "pistols in the spare tyre", photo)
    _upload(page, "markings", "slide markings", markings)
    expect(page.locator("li.sz-file", has_text="slide markings")).to_contain_text(
        hashlib.sha256(markings).hexdigest()
    )
    verify = page.locator("li.sz-file", has_text="slide markings").locator(".sz-verify")
    verify.get_by_role("button", name="Verify the hash").click()
    expect(verify).to_contain_text("verified")
    _custody(page, "sealed", seal_number="UIO-SEAL-0001")
    _custody(page, "stored", location="UIO evidence store Banja Luka")

    # Closing now is refused and names what is still open.
    page.locator("form.sz-close").get_by_role("button", name="Close the seizure").click()
    expect(page.locator(".sz-close-refused")).to_contain_text("Record the legal basis")
    page.goto(seizure_url)

    required = page.locator('li.sz-step-open[data-required="yes"]').evaluate_all(
        "els => els.map(e => e.dataset.step)"
    )
    assert "notification_handover/request_handover" in required
    for code in required:
        if code != "notification_handover/request_handover":
            _complete(page, code)

    # Hand over to SIPA, then the step that needs the request.
    handover = page.locator("form.sz-handover-form")
    handover.locator("select[name=to_agency]").select_option("BA-SIPA")
    handover.locator("input[name=note]").fill("Driver detained; stolen pistol among the goods")
    handover.get_by_role("button", name="Offer the hand-over").click()
    expect(page.locator("main h1")).to_contain_text("BA-SIPA")
    _complete(page, "notification_handover/request_handover")
    expect(page.locator('li.sz-step-open[data-required="yes"]')).to_have_count(0)
    _log_out(page)

    # The investigator finds the offer on the dashboard and accepts it.
    log_in(page, live_server, "investigator")
    offer = page.locator(".incoming-handovers li", has_text=reference)
    offer.get_by_role("link", name=reference).click()
    page.locator("form.sz-accept").get_by_role("button", name="Accept").click()
    expect(page.locator(".sz-event")).to_contain_text("BA-SIPA")
    expect(page.locator("tr.sz-handover-accepted")).to_be_visible()
    _complete(page, "notification_handover/accept_case")
    page.locator("form.sz-close").get_by_role("button", name="Close the seizure").click()
    expect(page.locator("main h1 .sz-status-closed")).to_be_visible()

    with page.expect_download() as info:
        page.get_by_role("link", name="Report (PDF)").click()
    path = info.value.path()
    text = "\n".join(p.extract_text() or "" for p in PdfReader(str(path)).pages)
    flat = re.sub(r"\s+", "", text)
    assert reference in text
    assert OTHER_SERIAL in text
    assert hashlib.sha256(markings).hexdigest() in flat
