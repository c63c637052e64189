"""Issue 18, item 7: a hit on a record the viewer may not see is explained without the
characters of the edit, so the hidden serial cannot be rebuilt from one's own."""

from __future__ import annotations

import re
from typing import Any

import pytest
from support import World, client_for, login, token_client

from kalibar.matching.redaction import WITHHELD, redact, redact_line

STOLEN: dict[str, Any] = {
    "status": "stolen", "make": "Zastava", "model": "M70 AB2", "calibre": "7.62x39",
    "serial_number": "AB 102845", "distribution": "agency",  # BA-UIO's alone
}  # fmt: skip
SEIZED: dict[str, Any] = STOLEN | {"status": "seized", "serial_number": "AB-102345",
                                   "distribution": "national"}  # fmt: skip


pytestmark = pytest.mark.usefixtures("own_data_dir")


def test_a_hit_on_a_restricted_record_does_not_spell_the_edit(world: World) -> None:
    officer, border = token_client(world.engine, "officer"), token_client(world.engine, "border")
    stolen = officer.post("/api/v1/records", json=STOLEN)
    assert stolen.status_code == 201, stolen.text
    seized = border.post("/api/v1/records", json=SEIZED)
    assert seized.status_code == 201, seized.text
    assert border.get(f"/api/v1/records/{stolen.json()['record_id']}").status_code == 404

    # the owner of the restricted record sees both records and the full explanation
    [mine] = officer.get("/api/v1/hits").json()
    assert "serial: 1 substitution 3→8" in mine["explanation"]
    # the other agency sees that there is a hit, and what kind of edit — not which
    [theirs] = border.get("/api/v1/hits").json()
    assert theirs["matched_record"]["restricted"] is True
    assert "serial: 1 substitution" in theirs["explanation"]
    text = " ".join(theirs["explanation"])
    assert "→" not in text and "8" not in text and "Zastava" not in text
    one = border.get(f"/api/v1/hits/{theirs['hit_id']}").json()
    assert one["explanation"] == theirs["explanation"]
    # and the pages say no more than the API
    web = client_for(world.engine)
    login(web, "border", world.passwords["border"])
    for url in ("/hits", f"/hits/{theirs['hit_id']}"):
        page = web.get(url)
        assert page.status_code == 200
        lines = re.findall(r'<ul class="explanation">(.*?)</ul>', page.text, re.S)
        assert lines and not any("→" in block or "8" in block for block in lines)


def test_notifications_name_the_readers_own_record_only(world: World) -> None:
    """The stolen report arrives after the seizure: the seizing agency is told of its own
    record, never the reference of the restricted one; so is it when the hit is decided."""
    officer, border = token_client(world.engine, "officer"), token_client(world.engine, "border")
    seized = border.post("/api/v1/records", json=SEIZED).json()
    stolen = officer.post("/api/v1/records", json=STOLEN).json()
    [hit] = officer.get("/api/v1/hits").json()
    confirmed = officer.post(f"/api/v1/hits/{hit['hit_id']}/confirm", json={"reason": "same gun"})
    assert confirmed.status_code == 200, confirmed.text
    texts = [n["text"] for n in border.get("/api/v1/notifications").json()]
    assert len(texts) == 2 and all(seized["reference"] in t for t in texts)
    assert not any(stolen["reference"] in t for t in texts)
    assert any("stolen" in t and "BA-UIO" in t for t in texts)


@pytest.mark.parametrize(
    ("line", "redacted"),
    [
        ("serial: exact match", "serial: exact match"),
        ("serial: 2 substitutions O→0, I→1 (look-alike)", "serial: 2 substitutions (look-alike)"),
        ("serial: 1 substitution 8→3", "serial: 1 substitution"),
        ("serial: 1 unreadable character ?→7", "serial: 1 unreadable character"),
        ("serial: transposition 12→21", "serial: transposition"),
        ("serial: 2 extra characters in the query (AB)", "serial: 2 extra characters in the query"),
        ("serial: 1 character missing from the query (7)",
         "serial: 1 character missing from the query"),
        ("serial: unreadable run * covered 4455", "serial: unreadable run *"),
        ("make: agrees (Crvena Zastava)", "make: agrees"),
        ("calibre: differs (7.62x39 vs 7.62x54R)", "calibre: differs"),
        ("model: M70B1 is not in the catalogue (not compared)", "model: not compared"),
        ("type: not recorded", "type: not recorded"),
        ("serial 1234 with something new", WITHHELD),
    ],
)  # fmt: skip
def test_every_form_of_explanation_loses_its_characters(line: str, redacted: str) -> None:
    assert redact_line(line) == redacted
    assert redact([line, line]) == [redacted]
