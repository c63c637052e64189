"""``kalibar targeting generate``: the demo room's generator, added to the targeting
command by the composition root, writes the same file as the generator called directly."""

from __future__ import annotations

from pathlib import Path

import polars as pl
from typer.testing import CliRunner

from kalibar.app.cli import app
from kalibar.demo.targeting.synthetic import generate, write_csv


def test_generate_writes_the_generators_declarations(tmp_path: Path) -> None:
    out, direct = tmp_path / "cli.csv", tmp_path / "direct.csv"
    res = CliRunner().invoke(
        app, ["targeting", "generate", str(out), "--count", "50", "--seed", "4", "--no-history"]
    )
    assert res.exit_code == 0, res.output
    write_csv(generate(50, seed=4, history=False), direct)
    assert pl.read_csv(out).equals(pl.read_csv(direct))
    assert pl.read_csv(out)["declaration_id"].n_unique() == 50
