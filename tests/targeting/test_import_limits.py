"""Declaration files within the shared file limits (issue 18 items 3, 4): the same reader as
record imports, so the same refusals, each a 4xx naming what and where."""

from __future__ import annotations

import sys
from dataclasses import replace
from pathlib import Path

import pytest
from sqlalchemy import func, select
from support import World

from kalibar.demo.targeting.synthetic import generate, write_csv
from kalibar.errors import Invalid, TooLarge
from kalibar.files import file_limits
from kalibar.records.cli import cli_actor
from kalibar.targeting.io_import import import_declarations
from kalibar.targeting.models import Declaration

sys.path.insert(0, str(Path(__file__).parent.parent / "records"))
from upload_support import with_doctype, zip_bomb  # noqa: E402


def _import(world: World, path: Path, **kw: object) -> object:
    with world.session() as s:
        report = import_declarations(
            s, actor=cli_actor(s, "BA-UIO"), source=path, filename=path.name,
            agency_code="BA-UIO", **kw,  # type: ignore[arg-type]
        )  # fmt: skip
        s.commit()
    return report


def _count(world: World) -> int:
    with world.session() as s:
        return s.scalar(select(func.count()).select_from(Declaration)) or 0


def test_xlsx_bomb_and_doctype_are_refused(world: World, tmp_path: Path) -> None:
    with pytest.raises(TooLarge) as big:
        _import(world, zip_bomb(tmp_path / "bomb.xlsx", unpacked=600 << 20))
    assert big.value.details[0]["error"] == "unpacked_too_large"
    with pytest.raises(Invalid) as dtd:
        _import(world, with_doctype(tmp_path / "dtd.xlsx"))
    assert dtd.value.details[0]["error"] == "xml_doctype"
    assert _count(world) == 0


def test_unknown_encoding_is_422(world: World, tmp_path: Path) -> None:
    path = tmp_path / "d.csv"
    write_csv(generate(5, seed=1, history=False), path)
    with pytest.raises(Invalid) as info:
        _import(world, path, encoding="foo")
    assert info.value.details == [{"field": "encoding", "value": "foo"}]


def test_bad_rows_stop_reading_and_the_report_is_short(world: World, tmp_path: Path) -> None:
    frame = generate(400, seed=2, history=False)
    path = tmp_path / "d.csv"
    write_csv(frame.with_columns(frame["flow"].str.replace(r".*", "pigeon")), path)
    small = replace(file_limits(), bad_rows=50, listed_errors=20)
    with pytest.raises(Invalid) as info:
        _import(world, path, limits=small)
    details = info.value.details
    assert "reading stopped at row 52" in info.value.message
    assert [d.get("error") for d in details[-2:]] == ["more_errors", "too_many_bad_rows"]
    assert len([d for d in details if "column" in d]) == 20
    assert _count(world) == 0


def test_watchlist_file_with_a_huge_cell_names_the_row(tmp_path: Path) -> None:
    from kalibar.targeting.watchlists import read_csv

    path = tmp_path / "w.csv"
    path.write_text("kind,name\nperson,Marko\nperson," + "x" * 200_000 + "\n", encoding="utf-8")
    with pytest.raises(Invalid) as info:
        read_csv(path)
    assert info.value.details[0]["row"] == 3


def test_history_files_read_whole_hold_to_the_limits(tmp_path: Path) -> None:
    """Back-tests, training and file screening read through Polars: the same limits."""
    from kalibar.targeting.features import read_frame

    path = tmp_path / "h.csv"
    write_csv(generate(30, seed=3, history=False), path)
    assert read_frame(path).height > 0
    rows = read_frame(path).height
    tight = replace(file_limits(), rows=rows - 1)
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr("kalibar.files.file_limits", lambda: tight)
        with pytest.raises(TooLarge) as many:
            read_frame(path)
        assert many.value.details[0]["error"] == "too_many_rows"
    frame = generate(30, seed=3, history=False)
    long = frame.with_columns(frame["declared_description"].str.replace(r"^", "y" * 70_000))
    write_csv(long, path)
    with pytest.raises(Invalid) as cell:
        read_frame(path)
    assert cell.value.details[0]["row"] == 2
    assert cell.value.details[0]["column"] == "declared_description"
