"""One language all the way (issue 16): the main pages, walked in each language with
demo data, show no coded value — a vocabulary code (lane, status, role, kind, action,
weapon type, field name) or an English explanation — where a word belongs."""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader
from support import World, client_for, login, token_client
from words_support import bare_tags, leftovers, visible_text

from kalibar.i18n import LANGUAGES


@pytest.fixture(autouse=True)
def _data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    from kalibar.config import get_settings
    from kalibar.matching import index_store

    monkeypatch.setenv("KALIBAR_DATA_DIR", str(tmp_path))
    get_settings.cache_clear()
    index_store.forget()
    yield
    get_settings.cache_clear()
    index_store.forget()


STOLEN: dict[str, Any] = {
    "status": "stolen",
    "weapon_type": "assault_rifle",
    "make": "Zastava",
    "model": "M70 AB2",
    "calibre": "7.62x39",
    "serial_number": "AB 102345",
}
SEIZED = STOLEN | {
    "status": "seized",
    "serial_number": "AB-1O2345",
    "allow_duplicate": True,
    "other_markings": "proof mark ZCZ",
    "event_place": "Gradiška border crossing",
    "event_date": "2025-04-02",
}
SEIZURE = {
    "occurred_at": "2026-01-15T18:42",
    "place_code": "BA-GRADISKA",
    "context": "border_check",
    "direction": "entry",
    "distribution": "national",
    "fa_weapon_type": ["assault_rifle"],
    "fa_make": ["Zastava"],
    "fa_model": ["M70"],
    "fa_calibre": ["7.62x39"],
    "fa_serial_number": ["ZZ998877"],
}


def _demo(world: World) -> dict[str, str]:
    officer, border = token_client(world.engine, "officer"), token_client(world.engine, "border")
    stolen = officer.post("/api/v1/records", json=STOLEN)
    assert stolen.status_code == 201, stolen.text
    seized = border.post("/api/v1/records", json=SEIZED)
    assert seized.status_code == 201, seized.text
    hits = officer.get("/api/v1/hits").json()
    assert hits, "the seized record should hit the stolen one"
    trace = border.post(
        "/api/v1/traces",
        json={
            "record_id": seized.json()["record_id"],
            "recipients": ["RS-UC"],
            "legal_basis": "Criminal Code art. 193a",
            "circumstances": "Found in a car at the border",
            "intended_use": "Criminal investigation",
            "photo_references": "Photos 1-4",
        },
    )
    assert trace.status_code == 201, trace.text
    trace_id = trace.json()["items"][0]["trace_id"]
    sent = border.post(f"/api/v1/traces/{trace_id}/send")
    assert sent.status_code == 200, sent.text
    web = client_for(world.engine)
    csrf = login(web, "officer", world.passwords["officer"])
    made = web.post("/seizures/new", data=SEIZURE | {"csrf_token": csrf})
    assert made.status_code == 303, made.text
    return {
        "record": stolen.json()["record_id"],
        "hit": hits[0]["hit_id"],
        "seizure": str(made.headers["location"]),
        "trace": trace_id,
        "seized": seized.json()["record_id"],
    }


@pytest.mark.parametrize("language", [code for code in LANGUAGES if code != "en"])
def test_main_pages_show_words_not_codes(world: World, language: str) -> None:
    ids = _demo(world)
    pages = {
        "officer": [
            "/",
            "/records",
            f"/records/{ids['record']}",
            "/hits",
            f"/hits/{ids['hit']}",
            ids["seizure"],
            "/seizures",
            "/traces",
            "/indicators/sdg-16-4-2",
            "/indicators/tracing",
            "/account",
        ],
        "border": ["/traces", f"/traces/{ids['trace']}", f"/records/{ids['seized']}"],
        "admin": [
            "/admin/users",
            "/admin/agencies",
            "/admin/audit",
            "/admin/catalogue",
            "/targeting/capacity",
            "/targeting/hit-rates",
        ],
    }
    problems: dict[str, list[str]] = {}
    for username, paths in pages.items():
        web = client_for(world.engine)
        csrf = login(web, username, world.passwords[username])
        web.cookies.set("kalibar_lang", language)
        if username == "officer":
            checked = web.post(
                "/check",
                data={"csrf_token": csrf, "serial_number": "AB 102345", "weapon_type": ""},
            )
            assert checked.status_code == 200, checked.text
            found = leftovers(visible_text(checked.text))
            if found:
                problems["/check (result)"] = found
        for path in paths:
            r = web.get(path)
            assert r.status_code == 200, (path, r.status_code)
            found = leftovers(visible_text(r.text)) + bare_tags(r.text, language)
            if found:
                text = visible_text(r.text)
                problems[path] = [
                    text[max(0, m.start() - 60) : m.end() + 20]
                    for w in found
                    for m in [re.search(re.escape(w), text)]
                    if m
                ]
        if username == "officer":
            report = web.get(f"{ids['seizure']}/report.pdf")
            assert report.status_code == 200
            pages = PdfReader(io.BytesIO(report.content)).pages
            found = leftovers(" ".join(" ".join((p.extract_text() or "").split()) for p in pages))
            if found:
                problems["report.pdf"] = found
    assert not problems, f"{language}: coded values shown as words: {problems}"
