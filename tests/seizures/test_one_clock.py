"""One clock (issue 16): the same instant reads the same on the seizure page, in the audit
trail and in the PDF report — the reader's zone, named — and exports stay UTC ISO 8601."""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from pypdf import PdfReader
from seizure_support import fresh_data_dir
from sqlalchemy import select
from support import World, client_for, login

from kalibar.audit.models import AuditEntry
from kalibar.clock import machine, moment, use_zone
from kalibar.i18n import use_language
from kalibar.seizures.models import Handover


@pytest.fixture(autouse=True)
def _data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    yield from fresh_data_dir(tmp_path, monkeypatch)


def _pdf_text(pdf: bytes) -> str:
    reader = PdfReader(io.BytesIO(pdf))
    return " ".join(" ".join((p.extract_text() or "").split()) for p in reader.pages)


def _flat(html: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def test_moment_names_the_zone_in_each_language() -> None:
    winter = datetime(2026, 1, 15, 17, 42, tzinfo=UTC)
    summer = datetime(2026, 7, 15, 17, 42)  # naive: stored UTC (SQLite)
    with use_language("en"):
        assert moment(winter) == "Jan 15, 2026, 6:42\u202fPM CET"
        assert moment(summer) == "Jul 15, 2026, 7:42\u202fPM CEST"
    with use_language("sr_Cyrl"):
        assert moment(winter) == "15. 1. 2026. 18:42 CET"
    with use_language("hr"), use_zone("UTC"):
        assert moment(winter).endswith("17:42 UTC")
    assert machine(summer) == "2026-07-15T17:42:00+00:00"


def test_same_instant_on_page_audit_and_pdf(world: World) -> None:
    officer = client_for(world.engine)
    csrf = login(officer, "officer", world.passwords["officer"])
    officer.cookies.set("kalibar_lang", "sr_Cyrl")
    form = {
        "csrf_token": csrf,
        "occurred_at": "2026-01-15T18:42",  # typed in the reader's zone (CET)
        "place_code": "BA-GRADISKA",
        "context": "border_check",
        "direction": "entry",
        "distribution": "national",
        "fa_weapon_type": ["pistol"],
        "fa_make": ["CZ"],
        "fa_model": ["75"],
        "fa_calibre": ["9x19"],
        "fa_serial_number": ["AB123456"],
    }
    created = officer.post("/seizures/new", data=form)
    assert created.status_code == 303, created.text
    base = str(created.headers["location"])
    offered = officer.post(f"{base}/handovers", data={"csrf_token": csrf, "to_agency": "BA-SIPA"})
    assert offered.status_code == 303, offered.text
    sipa = client_for(world.engine)
    sipa_csrf = login(sipa, "investigator", world.passwords["investigator"])
    sipa.cookies.set("kalibar_lang", "sr_Cyrl")
    handover_id = re.search(r"/handovers/([0-9a-f-]{36})/accept", sipa.get(base).text)
    assert handover_id
    accepted = sipa.post(
        f"{base}/handovers/{handover_id[1]}/accept", data={"csrf_token": sipa_csrf}
    )
    assert accepted.status_code == 303, accepted.text

    with world.session() as s:
        handover = s.execute(select(Handover)).scalars().one()
        entry = (
            s.execute(select(AuditEntry).where(AuditEntry.action == "handover_accept"))
            .scalars()
            .first()
        )
        decided_at = handover.decided_at
    assert decided_at is not None
    with use_language("sr_Cyrl"):
        occurred = moment(datetime(2026, 1, 15, 17, 42, tzinfo=UTC))
        decided = moment(decided_at)
    assert occurred == "15. 1. 2026. 18:42 CET"
    assert re.search(r"\d\d:\d\d CES?T$", decided)

    page = _flat(sipa.get(base).text)
    pdf = _pdf_text(sipa.get(f"{base}/report.pdf").content)
    for shown in (page, pdf):
        assert occurred in shown and decided in shown
        assert "UTC" not in shown  # one clock: no second zone anywhere

    admin = client_for(world.engine)
    login(admin, "admin", world.passwords["admin"])
    admin.cookies.set("kalibar_lang", "sr_Cyrl")
    trail = _flat(admin.get("/admin/audit").text)
    if entry is not None:
        with use_language("sr_Cyrl"):
            assert moment(entry.at) in trail
    assert re.search(r"\d\d:\d\d CES?T", trail)
    assert not re.search(r"\d:\d\d:\d\d", trail)  # the old babel "medium" time (UTC) is gone


def test_no_page_or_pdf_formats_a_time_itself() -> None:
    """The class of defect, not one instance: times reach people only through the clock."""
    import kalibar

    root = Path(kalibar.__file__).parent
    offenders = [
        str(p.relative_to(root))
        for p in (root / "web" / "templates").rglob("*.html")
        if re.search(r"\.strftime\(|_at\.isoformat\(\)", p.read_text(encoding="utf-8"))
    ]
    offenders += [
        str(p.relative_to(root))
        for p in root.rglob("*.py")
        if ("pdf" in p.name or p.name.startswith("views"))
        and re.search(r"%H:%M|format_datetime\(", p.read_text(encoding="utf-8"))
    ]
    assert offenders == []
