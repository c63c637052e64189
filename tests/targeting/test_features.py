"""The optimised ``prepare`` equals the straightforward ``prepare_direct``."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest
from polars.testing import assert_frame_equal

from kalibar.demo.targeting.synthetic import generate
from kalibar.errors import Invalid
from kalibar.targeting import features
from kalibar.targeting.features import prepare, prepare_direct, read_frame


@pytest.fixture(scope="module")
def frame() -> pl.DataFrame:
    return generate(3_000, seed=4, illicit_scale=30).drop("pattern")


def _messy(frame: pl.DataFrame) -> pl.DataFrame:
    """Padding, decimal commas, spaces in numbers, odd dates, nulls and lower-case codes."""
    i = pl.int_range(pl.len())
    return frame.with_columns(
        pl.when(i % 7 == 0)
        .then(pl.lit("  ") + pl.col("declared_description") + pl.lit(" "))
        .otherwise(pl.col("declared_description"))
        .alias("declared_description"),
        pl.when(i % 11 == 0)
        .then(pl.lit(" ") + pl.col("hs_code"))
        .otherwise(pl.col("hs_code"))
        .alias("hs_code"),
        pl.when(i % 5 == 0)
        .then(pl.col("declared_value").str.replace(".", ",", literal=True))
        .when(i % 13 == 0)
        .then(pl.lit("1 234"))
        .otherwise(pl.col("declared_value"))
        .alias("declared_value"),
        pl.when(i % 17 == 0).then(None).otherwise(pl.col("quantity")).alias("quantity"),
        pl.when(i % 19 == 0)
        .then(pl.lit("not a date"))
        .otherwise(pl.col("lodged_at"))
        .alias("lodged_at"),
        pl.when(i % 3 == 0)
        .then(pl.col("origin_country").str.to_lowercase() + pl.lit(" "))
        .otherwise(pl.col("origin_country"))
        .alias("origin_country"),
        pl.when(i % 23 == 0).then(pl.lit("xyz")).otherwise(pl.col("currency")).alias("currency"),
    )


def test_prepare_equals_direct(frame: pl.DataFrame) -> None:
    assert frame.height > 3_000  # several items per declaration
    assert_frame_equal(prepare(frame), prepare_direct(frame))


def test_prepare_equals_direct_on_messy_values(frame: pl.DataFrame) -> None:
    messy = _messy(frame)
    fast = prepare(messy)
    assert_frame_equal(fast, prepare_direct(messy))
    assert fast["lodged_date"].null_count() > 0  # the general date parse was taken


def test_prepare_equals_direct_when_items_are_not_together(frame: pl.DataFrame) -> None:
    shuffled = frame.sample(fraction=1.0, shuffle=True, seed=1)
    assert_frame_equal(prepare(shuffled), prepare_direct(shuffled))


def test_prepare_equals_direct_with_one_item_each(frame: pl.DataFrame) -> None:
    single = frame.unique("declaration_id", keep="first", maintain_order=True)
    out = prepare(single)
    assert_frame_equal(out, prepare_direct(single))
    assert (out["n_items"] == 1.0).all()


def test_prepare_with_missing_columns_and_nothing_in_them() -> None:
    raw = pl.DataFrame(
        {
            "declaration_id": ["A", "A", "B"],
            "flow": ["postal", "postal", None],
            "lodged_at": ["2024-01-02T10:00", "2024-01-02T10:00", ""],
            "office": ["BA-SA", "BA-SA", "RS-BG"],
            "declared_description": ["Pištolj startni", None, "  "],
        }
    )
    assert_frame_equal(prepare(raw), prepare_direct(raw))
    assert_frame_equal(prepare(raw.head(0)), prepare_direct(raw.head(0)))


def test_fast_csv_read_matches_general_reader(
    frame: pl.DataFrame, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "d.csv"
    frame.write_csv(path)
    semi = tmp_path / "semi.csv"
    semi.write_text(path.read_text(encoding="utf-8").replace(",", ";"), encoding="utf-8")
    cp = tmp_path / "cp.csv"
    cp.write_bytes(path.read_text(encoding="utf-8").encode("cp1250", errors="replace"))
    fast = [read_frame(p) for p in (path, semi, cp)]
    monkeypatch.setattr(features, "_read_utf8_csv", lambda *_a: None)
    general = [read_frame(p) for p in (path, semi, cp)]
    for a, b in zip(fast, general, strict=True):
        assert_frame_equal(a, b)
    assert fast[0].height == frame.height


def test_fast_csv_read_checks_the_header(tmp_path: Path) -> None:
    path = tmp_path / "bad.csv"
    path.write_text("declaration_id,flow\nA,postal\n", encoding="utf-8")
    with pytest.raises(Invalid):
        read_frame(path)
