"""``kalibar check``, ``kalibar match``, ``kalibar index rebuild``.

The CLI is the operator's tool: by default it checks against every record (an
administrator's view; nobody is notified). With ``--agency CODE`` the visibility of that
agency applies, restricted matches are only counted and their owners are notified.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import typer
from rich.table import Table

from kalibar.cli_support import (
    command_session,
    console,
    err_console,
    handle_errors,
    operator_actor,
    progress_bar,
)
from kalibar.db.session import default_engine
from kalibar.files import check_size, file_limits
from kalibar.i18n import _
from kalibar.matching import index_store, jobs, service

index_app = typer.Typer(help="The match index.", no_args_is_help=True)


@handle_errors
def check(
    serial: str = typer.Option(..., "--serial", help="Serial; ? = unreadable character, * = run."),
    make: str = typer.Option("", help="Make, in any spelling."),
    model: str = typer.Option("", help="Model."),
    calibre: str = typer.Option("", help="Calibre."),
    weapon_type: str = typer.Option("", "--type", help="Weapon type."),
    limit: int = typer.Option(10, help="Candidates to show."),
    agency: str = typer.Option(None, help="Check as this agency (its visibility applies)."),
    as_json: bool = typer.Option(False, "--json", help="Print JSON."),
) -> None:
    """Check a firearm against the records: ranked candidates with explanations."""
    with command_session() as s:
        actor = operator_actor(s, agency) if agency else None
        s.info["actor"] = actor
        result = service.check(
            s,
            actor=actor,
            query=service.CheckInput(serial, make, model, calibre, weapon_type, limit),
        )
        rows = [
            {
                "record_id": str(c.record.uuid),
                "reference": c.record.reference,
                "score": c.score,
                "serial_number": c.record.serial_number,
                "make": c.record.make,
                "model": c.record.model,
                "calibre": c.record.calibre,
                "weapon_type": c.record.weapon_type,
                "status": c.record.status,
                "owner_agency": c.owner_agency,
                "explanation": c.explanation,
            }
            for c in result.candidates
        ]
    if as_json:
        out = {"candidates": rows, "restricted_matches": result.restricted_matches}
        sys.stdout.write(json.dumps(out, ensure_ascii=False, indent=2) + "\n")
        return
    table = Table(_("Rank"), _("Score"), _("Reference"), _("Serial number"), _("Make"),
                  _("Status"), _("Agency"), _("Explanation"))  # fmt: skip
    for i, (r, c) in enumerate(zip(rows, result.candidates, strict=True), 1):
        table.add_row(str(i), f"{r['score']:.3f}", str(r["reference"]), str(r["serial_number"]),
                      str(r["make"]), str(r["status"]), str(r["owner_agency"]),
                      "\n".join(c.explanation))  # fmt: skip
    console.print(table)
    if result.restricted_matches:
        console.print(
            _("%(n)d restricted record(s) matched; their owners have been told.")
            % {"n": result.restricted_matches}
        )


@handle_errors
def match(
    queries: Path = typer.Argument(..., exists=True, dir_okay=False, help="Queries CSV."),
    out: Path = typer.Option(..., "--out", help="Results CSV to write."),
    limit: int = typer.Option(10, help="Candidates per query."),
    agency: str = typer.Option(None, help="Match as this agency (its visibility applies)."),
) -> None:
    """Cross-match a CSV of queries against the records."""
    check_size(queries, name=queries.name, max_bytes=file_limits().document_bytes)
    rows = jobs.read_queries(queries.read_text(encoding="utf-8-sig"))
    with command_session() as s, progress_bar() as bar:
        actor = operator_actor(s, agency) if agency else None
        s.info["actor"] = actor
        task = bar.add_task(_("Matching"), total=len(rows))
        tmp = out.with_name(f".{out.name}.tmp")
        with tmp.open("w", encoding="utf-8", newline="") as fh:
            n = jobs.write_csv(
                fh,
                jobs.match_rows(
                    s, actor=actor, rows=rows, limit=limit,
                    progress=lambda done: bar.update(task, completed=done),
                ),
            )  # fmt: skip
        tmp.replace(out)
    err_console.print(
        _("%(q)d queries, %(n)d candidate rows written to %(out)s")
        % {"q": len(rows), "n": n, "out": str(out)}
    )


@index_app.command("rebuild")
@handle_errors
def rebuild() -> None:
    """Rebuild the match index from the database (servers switch to it on their next check)."""
    with progress_bar() as bar:
        task = bar.add_task(_("Reading records"), total=None)

        def progress(done: int, total: int) -> None:
            bar.update(task, completed=done, total=total)

        n = index_store.rebuild(default_engine(), progress)
    err_console.print(_("%(n)d records indexed.") % {"n": n})
