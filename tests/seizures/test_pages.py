"""Seizure pages without a browser: the guided form, refusals re-shown with nothing stored,
steps, custody, evidence, people, hand-over, the dashboard panel and the PDFs."""

from __future__ import annotations

import hashlib
import io
import re
from typing import Any

from fastapi.testclient import TestClient
from PIL import Image
from support import World, client_for, login, token_client

STOLEN = {
    "status": "stolen",
    "weapon_type": "pistol",
    "make": "CZ",
    "model": "75",
    "calibre": "9x19",
    "serial_number": "AB123456",
}
FORM: dict[str, Any] = {
    "occurred_at": "2026-01-10T10:30",
    "place_code": "BA-GRADISKA",
    "context": "border_check",
    "direction": "entry",
    "distribution": "national",
    "origin_country": "HR",
    "fa_weapon_type": ["pistol", "pistol"],
    "fa_make": ["CZ", "Glock"],
    "fa_model": ["75", "17"],
    "fa_calibre": ["9x19", "9x19"],
    "fa_serial_number": ["АВ-123456", "GLK999"],
    "ot_kind": ["ammunition", ""],
    "ot_subtype": ["ball", ""],
    "ot_calibre": ["9x19", ""],
    "ot_quantity": ["50", ""],
    "ot_unit": ["", ""],
    "ot_description": ["", ""],
}


def _web(world: World, username: str) -> tuple[TestClient, str]:
    web = client_for(world.engine)
    return web, login(web, username, world.passwords[username])


def _record(web: TestClient, csrf: str, **extra: Any) -> str:
    r = web.post("/seizures/new", data=FORM | {"csrf_token": csrf} | extra)
    assert r.status_code == 303, r.text
    return str(r.headers["location"]).rsplit("/", 1)[1]


def _step_id(html: str, code: str) -> str:
    match = re.search(r'id="step-([0-9a-f-]{36})" data-step="' + re.escape(code) + '"', html)
    assert match, code
    return match.group(1)


def _png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (400, 300), (120, 90, 60)).save(out, format="PNG")
    return out.getvalue()


def test_guided_form_records_a_seizure_and_shows_the_hit(world: World) -> None:
    sipa = token_client(world.engine, "investigator")
    assert sipa.post("/api/v1/records", json=STOLEN).status_code == 201
    web, csrf = _web(world, "officer")
    form = web.get("/seizures/new")
    assert form.status_code == 200
    assert 'value="BA-GRADISKA"' in form.text and 'name="occurred_at"' in form.text
    assert "fa_serial_number" in web.get("/seizures/new/line?kind=firearm").text
    assert "ot_quantity" in web.get("/seizures/new/line?kind=other").text
    # Refused: every bad field named, typed values kept, nothing stored.
    bad = FORM | {
        "csrf_token": csrf,
        "occurred_at": "yesterday",
        "ot_quantity": ["fifty", ""],
        "origin_country": "Croatia",
    }
    refused = web.post("/seizures/new", data=bad)
    assert refused.status_code == 422
    assert "Enter a date and time" in refused.text and "Enter a number." in refused.text
    assert "two-letter country code" in refused.text
    assert "АВ-123456" in refused.text and "GLK999" in refused.text
    assert "No seizures." in web.get("/seizures").text
    unknown = web.post("/seizures/new", data=FORM | {"csrf_token": csrf, "context": "picnic"})
    assert unknown.status_code == 422 and "No seizures." in web.get("/seizures").text
    # Accepted: two firearm records, one hit on the stolen pistol (Cyrillic serial).
    seizure_id = _record(web, csrf)
    page = web.get(f"/seizures/{seizure_id}")
    assert page.status_code == 200
    assert "UIO-SZ-" in page.text and "Gradiška" in page.text
    assert "sz-hit-banner" in page.text and "SIPA-" in page.text and "AB123456" in page.text
    assert page.text.count('class="sz-hit"') == 1
    assert "50" in page.text and "rounds" in page.text
    reference = re.search(r"UIO-SZ-\d{4}-\d+", page.text).group(0)  # type: ignore[union-attr]
    # The list with filters and the map.
    listed = web.get("/seizures", params={"q": reference})
    assert reference in listed.text and "seizure-map" in listed.text
    assert reference in web.get("/seizures", params={"place_code": "BA-GRADISKA"}).text
    assert "No seizures." in web.get("/seizures", params={"context": "postal_inspection"}).text
    odd = web.get("/seizures", params={"date_from": "soon"})
    assert odd.status_code == 200 and "Enter a date like" in odd.text
    # Another country's officer does not see it.
    other, _csrf = _web(world, "hr.officer")
    assert other.get(f"/seizures/{seizure_id}").status_code == 404
    assert reference not in other.get("/seizures").text


def test_steps_evidence_custody_close_and_pdfs(world: World) -> None:
    web, csrf = _web(world, "officer")
    seizure_id = _record(web, csrf)
    base = f"/seizures/{seizure_id}"
    page = web.get(base).text
    markings = _step_id(page, "identification_documentation/photograph_markings")
    # The seizure is from January: its steps are overdue on the dashboard.
    home = web.get("/").text
    assert 'class="overdue-steps"' in home and f"/seizures/{seizure_id}#step-" in home
    refused = web.post(f"{base}/steps/{markings}/complete", data={"csrf_token": csrf})
    assert refused.status_code == 409 and "cannot be completed yet" in refused.text
    # Evidence: a text file is refused by content, a PNG is stored with its hash.
    bad = web.post(
        f"{base}/evidence",
        data={"csrf_token": csrf, "kind": "markings"},
        files={"file": ("photo.png", b"just text", "image/png")},
    )
    assert bad.status_code == 422
    assert "No evidence files yet." in web.get(base).text
    png = _png()
    ok = web.post(
        f"{base}/evidence",
        data={"csrf_token": csrf, "kind": "markings", "caption": "serial on the slide"},
        files={"file": ("slide.png", png, "image/png")},
    )
    assert ok.status_code == 303, ok.text
    page = web.get(base).text
    assert hashlib.sha256(png).hexdigest() in page
    evidence_id = re.search(r'id="evidence-([0-9a-f-]{36})"', page).group(1)  # type: ignore[union-attr]
    assert web.get(f"{base}/evidence/{evidence_id}").content == png
    thumb = web.get(f"{base}/evidence/{evidence_id}/thumb")
    assert thumb.status_code == 200 and thumb.headers["content-type"] == "image/jpeg"
    verified = web.post(
        f"{base}/evidence/{evidence_id}/verify",
        data={"csrf_token": csrf},
        headers={"HX-Request": "true"},
    )
    assert verified.status_code == 200 and "verified" in verified.text
    done = web.post(f"{base}/steps/{markings}/complete", data={"csrf_token": csrf, "note": "ok"})
    assert done.status_code == 303
    assert 'class="sz-step sz-step-done' in web.get(base).text
    # Custody: "sealed" needs a seal number; then it is signed by the officer.
    item_id = re.search(r'id="item-([0-9a-f-]{36})"', page).group(1)  # type: ignore[union-attr]
    seal = {"csrf_token": csrf, "action": "sealed", "occurred_at": "2026-01-10T11:00"}
    no_seal = web.post(f"{base}/items/{item_id}/custody", data=seal)
    assert no_seal.status_code in (409, 422)
    assert web.get(base).text.count("sz-custody-sealed") == 0
    sealed = web.post(f"{base}/items/{item_id}/custody", data=seal | {"seal_number": "S-0042"})
    assert sealed.status_code == 303, sealed.text
    assert "S-0042" in web.get(base).text
    # More items from the page: a mismatched type is refused, a slide and a pistol are added.
    other = {"csrf_token": csrf, "line": "other", "ot_kind": "ammunition", "ot_subtype": "slide"}
    mismatch = web.post(f"{base}/items", data=other)
    assert mismatch.status_code == 422 and "does not belong to the chosen kind" in mismatch.text
    assert web.post(f"{base}/items", data=other | {"ot_kind": "part"}).status_code == 303
    gun = {"csrf_token": csrf, "line": "firearm", "fa_make": "Zastava", "fa_serial_number": "77"}
    assert (
        web.post(f"{base}/items", data=gun | {"fa_serial_number": "", "fa_make": ""}).status_code
        == 422
    )
    assert web.post(f"{base}/items", data=gun).status_code == 303
    page = web.get(base).text
    assert page.count('class="sz-item ') == 5 and "slide" in page
    last = re.findall(r'id="item-([0-9a-f-]{36})"', page)[-1]
    assert web.post(f"{base}/items/{last}/remove", data={"csrf_token": csrf}).status_code == 303
    assert web.get(base).text.count('class="sz-item ') == 4
    # Closing is refused while required steps are open; the page lists them.
    close = web.post(f"{base}/close", data={"csrf_token": csrf})
    assert close.status_code == 409 and "sz-close-refused" in close.text
    assert "Record the legal basis" in close.text
    # Editing the event fills in the legal basis.
    assert web.get(f"{base}/edit").status_code == 200
    edited = web.post(
        f"{base}/edit",
        data=FORM | {"csrf_token": csrf, "legal_basis": "Customs Policy Act art. 12"},
    )
    assert edited.status_code == 303
    assert "Customs Policy Act art. 12" in web.get(base).text
    # An admin waives a step, with a reason only.
    admin, admin_csrf = _web(world, "admin")
    narrative = _step_id(page, "identification_documentation/write_narrative")
    no_reason = admin.post(f"{base}/steps/{narrative}/waive", data={"csrf_token": admin_csrf})
    assert no_reason.status_code == 422
    waived = admin.post(
        f"{base}/steps/{narrative}/waive",
        data={"csrf_token": admin_csrf, "reason": "written on paper"},
    )
    assert waived.status_code == 303
    assert "written on paper" in web.get(base).text
    # The report and the custody form.
    report = web.get(f"{base}/report.pdf")
    assert report.status_code == 200 and report.content.startswith(b"%PDF")
    form = web.get(f"{base}/items/{item_id}/custody.pdf")
    assert form.status_code == 200 and form.content.startswith(b"%PDF")


def test_people_are_suggested_across_scripts_and_linked(world: World) -> None:
    web, csrf = _web(world, "officer")
    first = _record(web, csrf)
    person = {
        "csrf_token": csrf,
        "kind": "person",
        "family_name": "Petrović",
        "given_names": "Petar",
        "date_of_birth": "1980-05-31",
        "nationality": "RS",
    }
    no_role = web.post(f"/seizures/{first}/entities", data=person)
    assert no_role.status_code == 422 and "Choose the role" in no_role.text
    bad_date = web.post(
        f"/seizures/{first}/entities", data=person | {"role": "driver", "date_of_birth": "31.5.80"}
    )
    assert bad_date.status_code == 422 and "Enter a date like" in bad_date.text
    made = web.post(f"/seizures/{first}/entities", data=person | {"role": "driver"})
    assert made.status_code == 303, made.text
    page = web.get(f"/seizures/{first}").text
    entity_ref = re.search(r"UIO-EN-\d{4}-\d+", page).group(0)  # type: ignore[union-attr]
    second = _record(web, csrf)
    found = web.get(
        f"/seizures/{second}/entities/suggest",
        params={"kind": "person", "family_name": "Петровић", "given_names": "Петар"},
    )
    assert found.status_code == 200 and "Link existing" in found.text and entity_ref in found.text
    entity_id = re.search(r'name="entity_id" value="([0-9a-f-]{36})"', found.text).group(1)  # type: ignore[union-attr]
    assert web.get(f"/seizures/{second}/entities/suggest", params={"name": "ab"}).text.strip() == ""
    linked = web.post(
        f"/seizures/{second}/entities",
        data={"csrf_token": csrf, "role": "suspect", "entity_id": entity_id},
    )
    assert linked.status_code == 303
    page = web.get(f"/seizures/{second}").text
    assert entity_ref in page
    involvement = re.search(r"/involvements/([0-9a-f-]{36})/remove", page).group(1)  # type: ignore[union-attr]
    removed = web.post(
        f"/seizures/{second}/involvements/{involvement}/remove", data={"csrf_token": csrf}
    )
    assert removed.status_code == 303
    assert "Nobody recorded yet." in web.get(f"/seizures/{second}").text


def test_handover_to_sipa_accept_and_decline(world: World) -> None:
    web, csrf = _web(world, "officer")
    seizure_id = _record(web, csrf)
    base = f"/seizures/{seizure_id}"
    empty = web.post(f"{base}/handovers", data={"csrf_token": csrf, "to_agency": ""})
    assert empty.status_code in (404, 409, 422)
    offered = web.post(
        f"{base}/handovers",
        data={"csrf_token": csrf, "to_agency": "BA-SIPA", "note": "suspect detained"},
    )
    assert offered.status_code == 303, offered.text
    sipa, sipa_csrf = _web(world, "investigator")
    home = sipa.get("/").text
    assert "Hand-overs offered to your agency" in home and seizure_id in home
    page = sipa.get(base).text
    handover_id = re.search(r"/handovers/([0-9a-f-]{36})/accept", page).group(1)  # type: ignore[union-attr]
    accepted = sipa.post(f"{base}/handovers/{handover_id}/accept", data={"csrf_token": sipa_csrf})
    assert accepted.status_code == 303
    now = sipa.get(base).text
    assert "Owner agency</dt><dd>BA-SIPA" in now and f"{base}/close" in now
    # The customs officer still reads it, but no longer changes it.
    after = web.get(base)
    assert after.status_code == 200 and f"{base}/close" not in after.text
    # A second seizure is declined: a reason is required; then the decliner goes home.
    other = _record(web, csrf)
    web.post(f"/seizures/{other}/handovers", data={"csrf_token": csrf, "to_agency": "BA-SIPA"})
    page = sipa.get(f"/seizures/{other}").text
    handover_id = re.search(r"/handovers/([0-9a-f-]{36})/decline", page).group(1)  # type: ignore[union-attr]
    no_reason = sipa.post(
        f"/seizures/{other}/handovers/{handover_id}/decline", data={"csrf_token": sipa_csrf}
    )
    assert no_reason.status_code == 422
    declined = sipa.post(
        f"/seizures/{other}/handovers/{handover_id}/decline",
        data={"csrf_token": sipa_csrf, "reason": "not our case"},
    )
    assert declined.status_code == 303 and declined.headers["location"] == "/"
    assert "not our case" in web.get(f"/seizures/{other}").text


def test_form_prefilled_from_a_declaration(world: World) -> None:
    officer = token_client(world.engine, "officer")
    body = {
        "declaration_id": "P-77",
        "flow": "postal",
        "lodged_at": "2026-03-02T09:15:00Z",
        "office": "BA-SA-POST",
        "dispatch_country": "TR",
        "consignee_name": "Marko M.",
        "consignee_country": "BA",
        "items": [
            {
                "declared_description": "auto parts",
                "hs_code": "8708.99",
                "quantity": 1,
                "gross_weight_kg": 2.0,
                "declared_value": 40,
                "currency": "EUR",
                "origin_country": "TR",
            }
        ],
    }
    r = officer.post("/api/v1/screenings", json={"declarations": [body], "store": True})
    assert r.status_code == 200, r.text
    declaration = r.json()["results"][0]["uuid"]
    web, csrf = _web(world, "officer")
    form = web.get("/seizures/new", params={"declaration": declaration})
    assert form.status_code == 200
    assert 'value="postal_inspection" selected' in form.text and "P-77" in form.text
    assert f'value="{declaration}"' in form.text
    seizure_id = _record(web, csrf, declaration_uuid=declaration, context="postal_inspection")
    assert f"/targeting/declarations/{declaration}" in web.get(f"/seizures/{seizure_id}").text
    other, _c = _web(world, "hr.officer")
    assert other.get("/seizures/new", params={"declaration": declaration}).status_code == 404
