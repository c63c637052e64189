"""``kalibar targeting generate``: synthetic declarations written to a CSV file.

The command lives with the generator in the demo room; the composition root
(:mod:`kalibar.app.cli`) adds it to the ``targeting`` command, so the targeting slice
itself never imports demo code.
"""

from __future__ import annotations

from pathlib import Path

import typer

from kalibar.cli_support import console
from kalibar.demo.targeting.synthetic import generate, write_csv
from kalibar.i18n import _, use_language


def generate_cmd(
    out: Path = typer.Argument(..., dir_okay=False, help="CSV file to write."),
    count: int = typer.Option(10_000, help="Number of declarations."),
    seed: int = typer.Option(0, help="Seed (same seed, same file)."),
    history: bool = typer.Option(True, help="Add inspected and outcome columns."),
    truth: Path = typer.Option(None, help="Also write the planted pattern per declaration."),
) -> None:
    """Write synthetic declarations with planted trafficking patterns."""
    with use_language(None):
        frame = generate(count, seed=seed, history=history)
        write_csv(frame, out, truth=truth)
        console.print(
            _("%(n)d declarations (%(rows)d rows) written to %(file)s")
            % {"n": count, "rows": frame.height, "file": out.name}
        )
