"""Evidence keeps a plain name with the extension of its content (issue 18 item 9)."""

from __future__ import annotations

import pytest
from support import World, actor_of, token_client
from test_evidence import make_seizure, picture, store_as
from test_seizures_api_files import API, _seizure, png


@pytest.mark.parametrize(
    ("name", "fmt", "stored"),
    [
        ("x\x00.html", "JPEG", "x.jpg"),
        ("../../etc/cron.d/job.jpg", "PNG", "job.png"),
        ("..", "JPEG", "evidence.jpg"),
        ("scan\r\n.pdf.exe", "GIF", "scan.pdf.gif"),
        ("\u202eexe.jpg", "JPEG", "exe.jpg"),
    ],
)
def test_stored_name_is_plain_with_the_sniffed_extension(
    world: World, name: str, fmt: str, stored: str
) -> None:
    officer = actor_of(world, "officer")
    seizure_id, _items = make_seizure(world, officer)
    ev = store_as(world, officer, seizure_id, picture(fmt), name)
    assert ev.original_name == stored


def test_api_download_uses_the_safe_name(world: World) -> None:
    border = token_client(world.engine, "border")
    sid = _seizure(border)["seizure_id"]
    r = border.post(f"{API}/{sid}/evidence", files={"file": ("x.html", png(), "text/html")})
    assert r.status_code == 201, r.text
    ev = r.json()
    assert ev["original_name"] == "x.png" and ev["media_type"] == "image/png"
    got = border.get(f"{API}/evidence/{ev['evidence_id']}")
    assert got.headers["content-type"] == "image/png"
    assert 'filename="x.png"' in got.headers["content-disposition"]
