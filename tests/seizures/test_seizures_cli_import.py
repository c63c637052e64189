"""``kalibar seizures import|list|show|report`` against each test database."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, func, select
from support import World
from typer.testing import CliRunner

from kalibar.app.cli import app
from kalibar.config import get_settings
from kalibar.matching import index_store
from kalibar.seizures.models import CustodyEvent, Involvement, Seizure


@pytest.fixture
def cli(engine: Engine, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[CliRunner]:
    """Point the CLI at the test database and a scratch data folder."""
    monkeypatch.setenv("KALIBAR_DATABASE_URL", engine.url.render_as_string(False))
    monkeypatch.setenv("KALIBAR_DATA_DIR", str(tmp_path / "var"))
    get_settings.cache_clear()
    yield CliRunner()
    get_settings.cache_clear()
    index_store.forget()


def seizure(**extra: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "occurred_at": "2026-03-02T08:30:00+01:00",
        "context": "border_check",
        "place_code": "BA-GRADISKA",
        "vehicle_registration": "A12-B-345",
        "items": [
            {
                "kind": "firearm",
                "firearm": {"make": "Zastava", "model": "CZ 99", "serial_number": "Z99-771"},
                "custody": [
                    {"action": "seized", "occurred_at": "2026-03-02T08:30:00+01:00"},
                    {"action": "sealed", "seal_number": "GP-1", "occurred_at": "2026-03-02T09:00Z"},
                    {
                        "action": "transferred",
                        "to_party": "BA-SIPA",
                        "occurred_at": "2026-03-03T09:00:00Z",
                    },
                ],
            },  # fmt: skip
            {"kind": "ammunition", "calibre": "9x19", "quantity": 50},
        ],
        "involvements": [
            {"role": "driver", "entity": {"kind": "person", "name": "Marko Marković"}}
        ],
    }
    return base | extra


def bad_file(tmp_path: Path) -> Path:
    good = seizure()
    wrong_codes = seizure(context="teleport", involvements=[])
    wrong_codes["items"][1]["ammunition_type"] = "laser"
    out_of_order = seizure(involvements=[])
    out_of_order["items"][0]["custody"] = [{"action": "received", "from_party": "x"}]
    wrong_shape = seizure(involvements=[])
    wrong_shape["items"][1]["calibre"] = "9" * 200
    path = tmp_path / "seizures.json"
    doc = [good, wrong_codes, out_of_order, wrong_shape]
    path.write_text(json.dumps(doc), encoding="utf-8")
    return path


def _count(engine: Engine, model: Any) -> int:
    with engine.connect() as conn:
        return int(conn.execute(select(func.count()).select_from(model)).scalar_one())


def test_import_is_atomic_and_names_every_error_by_json_path(
    cli: CliRunner, world: World, tmp_path: Path
) -> None:
    path = bad_file(tmp_path)
    r = cli.invoke(app, ["seizures", "import", str(path), "--agency", "BA-GP"])
    assert r.exit_code == 1, r.output
    assert "nothing was imported" in r.output
    for where in (
        "[1].context:",
        "[1].items[1].ammunition_type:",
        "[2].items[0].custody[0].action:",
        "[3].items[1].calibre:",
    ):
        assert where in r.output, where
    assert not any(line.strip().startswith("[0]") for line in r.output.splitlines())
    assert _count(world.engine, Seizure) == 0
    assert _count(world.engine, CustodyEvent) == 0


def test_partial_import_stores_the_good_seizures(
    cli: CliRunner, world: World, tmp_path: Path
) -> None:
    path = bad_file(tmp_path)
    r = cli.invoke(app, ["seizures", "import", str(path), "--agency", "BA-GP", "--partial"])
    assert r.exit_code == 0, r.output
    assert "4 seizures read, 1 stored" in r.output and "3 rejected" in r.output
    assert "[2].items[0].custody[0].action:" in r.output
    with world.session() as s:
        [stored] = s.execute(select(Seizure)).scalars().all()
        assert stored.vehicle_registration == "A12-B-345"
        pistol = stored.items[0]
        assert [e.action for e in pistol.custody] == ["seized", "sealed", "transferred"]
        assert pistol.custody[1].seal_number == "GP-1" and pistol.custody[1].signed_by == "cli"
        assert len(stored.items[1].custody) == 1
        assert s.execute(select(func.count()).select_from(Involvement)).scalar_one() == 1
    reference = stored.reference

    listing = cli.invoke(app, ["seizures", "list", "--agency", "BA-GP"])
    assert listing.exit_code == 0 and reference in listing.output
    shown = cli.invoke(app, ["seizures", "show", reference, "--agency", "BA-GP"])
    assert shown.exit_code == 0, shown.output
    assert "Marko" in shown.output and "ammunition" in shown.output
    out = tmp_path / "out.pdf"
    made = cli.invoke(app, ["seizures", "report", str(stored.uuid), "-o", str(out),
                            "--agency", "BA-GP"])  # fmt: skip
    assert made.exit_code == 0, made.output
    assert out.read_bytes().startswith(b"%PDF")
    hidden = cli.invoke(app, ["seizures", "show", reference, "--agency", "RS-UC"])
    assert hidden.exit_code == 1 and "not found" in hidden.output


def test_owner_agency_from_each_seizure_and_plain_errors(
    cli: CliRunner, world: World, tmp_path: Path
) -> None:
    path = tmp_path / "two.json"
    doc = {"seizures": [seizure(agency="BA-UIO", involvements=[]), seizure(involvements=[])]}
    path.write_text(json.dumps(doc), encoding="utf-8")
    r = cli.invoke(app, ["seizures", "import", str(path), "--partial"])
    assert r.exit_code == 0, r.output
    assert "[1].agency:" in r.output
    with world.session() as s:
        [stored] = s.execute(select(Seizure)).scalars().all()
        assert stored.reference.startswith("UIO-SZ-")

    again = cli.invoke(app, ["seizures", "import", str(path), "--agency", "XX-NONE"])
    assert again.exit_code == 1 and "[0].agency:" in again.output

    broken = tmp_path / "broken.json"
    broken.write_text("[{", encoding="utf-8")
    r = cli.invoke(app, ["seizures", "import", str(broken)])
    assert r.exit_code == 1 and "not valid JSON" in r.output
    assert _count(world.engine, Seizure) == 1
