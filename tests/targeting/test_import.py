from __future__ import annotations

import csv
from pathlib import Path

import pytest
from sqlalchemy import func, select
from support import World

from kalibar.demo.targeting.synthetic import generate, write_csv
from kalibar.errors import Invalid
from kalibar.records.cli import cli_actor
from kalibar.targeting.fields import COLUMNS, HISTORY_COLUMNS
from kalibar.targeting.io_import import import_declarations
from kalibar.targeting.models import Declaration, DeclarationItem


def _agency(world: World) -> str:
    from kalibar.agencies.models import Agency

    with world.session() as s:
        return s.execute(select(Agency.code).order_by(Agency.id)).scalars().first() or ""


def _counts(world: World) -> tuple[int, int]:
    with world.session() as s:
        return (
            s.scalar(select(func.count()).select_from(Declaration)) or 0,
            s.scalar(select(func.count()).select_from(DeclarationItem)) or 0,
        )


def _import(world: World, path: Path, agency: str) -> object:
    with world.session() as s:
        report = import_declarations(
            s, actor=cli_actor(s, agency), source=path, filename=path.name, agency_code=agency
        )
        s.commit()
    return report


def test_import_history_file(world: World, tmp_path: Path) -> None:
    frame = generate(300, seed=4)
    path = tmp_path / "history.csv"
    write_csv(frame, path)
    agency = _agency(world)
    report = _import(world, path, agency)
    assert report.declarations == frame["declaration_id"].n_unique()  # type: ignore[attr-defined]
    assert _counts(world) == (frame["declaration_id"].n_unique(), frame.height)
    with world.session() as s:
        d = s.execute(select(Declaration).limit(1)).scalar_one()
        assert d.items and d.owner_country and d.inspected is not None


def test_bad_rows_reject_the_whole_file(world: World, tmp_path: Path) -> None:
    frame = generate(50, seed=4, history=False).drop("pattern")
    rows = frame.to_dicts()
    rows[3]["flow"] = "pigeon"
    rows[5]["quantity"] = "lots"
    rows[8]["lodged_at"] = "yesterday"
    path = tmp_path / "bad.csv"
    with path.open("w", encoding="utf-8", newline="") as fh:
        w = csv.DictWriter(fh, fieldnames=list(COLUMNS))
        w.writeheader()
        w.writerows(rows)
    with pytest.raises(Invalid) as info:
        _import(world, path, _agency(world))
    found = {(e["row"], e["column"]) for e in info.value.details}
    assert {(5, "flow"), (7, "quantity"), (10, "lodged_at")} <= found
    assert all(e["reason"] for e in info.value.details)
    assert _counts(world) == (0, 0)


def test_rows_of_one_declaration_must_agree(world: World, tmp_path: Path) -> None:
    base = {c: "" for c in HISTORY_COLUMNS}
    base.update(
        declaration_id="A1",
        flow="postal",
        lodged_at="2024-01-02T10:00:00Z",
        office="BA-POST-SA",
        declared_description="Majica",
        inspected="0",
    )
    other = dict(base, office="BA-POST-BL", declared_description="Jakna")
    path = tmp_path / "x.csv"
    with path.open("w", encoding="utf-8", newline="") as fh:
        w = csv.DictWriter(fh, fieldnames=list(HISTORY_COLUMNS))
        w.writeheader()
        w.writerows([base, other])
    with pytest.raises(Invalid) as info:
        _import(world, path, _agency(world))
    assert info.value.details[0]["row"] == 3
    assert info.value.details[0]["column"] == "office"


def test_unknown_column_and_reimport(world: World, tmp_path: Path) -> None:
    path = tmp_path / "h.csv"
    path.write_text("declaration_id,flow,colour\nA,postal,red\n", encoding="utf-8")
    with pytest.raises(Invalid) as info:
        _import(world, path, _agency(world))
    assert any(e["column"] == "colour" for e in info.value.details)
    good = tmp_path / "g.csv"
    write_csv(generate(20, seed=1, history=False), good)
    _import(world, good, _agency(world))
    with pytest.raises(Invalid):
        _import(world, good, _agency(world))
    assert _counts(world)[0] == 20
