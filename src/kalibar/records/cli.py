"""``kalibar records import|export``.

The CLI acts as the system operator: an administrator actor named ``cli``. With
``--agency`` it acts for that agency (owner of every imported row, the viewer of an
export). Without ``--agency`` an import makes each row's ``reporting_agency`` its owner,
and an update of an existing ``record_id`` is checked against that row's owner agency.
"""

from __future__ import annotations

import sys
from pathlib import Path

import typer

from kalibar.cli_support import (
    command_session,
    console,
    err_console,
    handle_errors,
    print_row_errors,
    progress_bar,
)
from kalibar.cli_support import operator_actor as cli_actor
from kalibar.db.base import utcnow
from kalibar.errors import Invalid, KalibarError
from kalibar.i18n import _, use_language
from kalibar.records.hit_check import check_created_since
from kalibar.records.io_export import FORMATS, export_records
from kalibar.records.io_import import ImportReport, import_records

app = typer.Typer(
    help="Firearm records: add, show, edit, delete, list, import, export.", no_args_is_help=True
)


@app.command("import")
def import_cmd(
    file: Path = typer.Argument(..., exists=True, dir_okay=False, help="CSV, XLSX or JSON file."),
    agency: str = typer.Option(None, help="Owner agency code of every row (e.g. BA-UIO)."),
    partial: bool = typer.Option(False, help="Import good rows; write rejects beside the file."),
    encoding: str = typer.Option(None, help="CSV encoding (utf-8, utf-8-sig, cp1250, cp1251)."),
) -> None:
    """Import firearm records; by default one bad row rejects the whole file."""
    with use_language(None):
        try:
            report = _run_import(file, agency, partial, encoding)
        except Invalid as exc:
            err_console.print(f"[red]{_('error')}:[/red] {exc.message}")
            if exc.details and "row" in exc.details[0]:
                print_row_errors(file.name, exc.details)
            else:
                for detail in exc.details:
                    err_console.print(f"  - {detail}")
            raise typer.Exit(1) from exc
        except KalibarError as exc:
            err_console.print(f"[red]{_('error')}:[/red] {exc.message}")
            raise typer.Exit(1) from exc
    console.print(
        _(
            "%(file)s: %(read)d rows read, %(ins)d inserted, %(upd)d updated, %(rej)d rejected,"
            " %(hits)d hits"
        )
        % {
            "file": file.name,
            "read": report.rows_read,
            "ins": report.inserted,
            "hits": report.hits,
            "upd": report.updated,
            "rej": report.rejected,
        }
    )
    if report.errors:
        print_row_errors(file.name, report.error_details())
    if report.rejects_path:
        console.print(_("Rejected rows written to %(path)s") % {"path": report.rejects_path})


def _run_import(
    file: Path, agency: str | None, partial: bool, encoding: str | None
) -> ImportReport:
    with command_session() as session, progress_bar() as bar:
        actor = cli_actor(session, agency)
        session.info["actor"] = actor
        task = bar.add_task(_("importing"), total=None)
        plain = not err_console.is_terminal

        def started(total: int) -> None:
            bar.update(task, total=total or None)

        def advanced(done: int) -> None:
            bar.update(task, completed=done)
            if plain:
                err_console.print(_("progress: %(n)d rows") % {"n": done})

        since = utcnow()
        report = import_records(
            session,
            actor=actor,
            source=file,
            filename=file.name,
            agency_code=actor.agency_code or None,
            partial=partial,
            encoding=encoding,
            progress=advanced,
            on_start=started,
        )
        # Same transaction: the import and the hits it raises land together or not at all.
        scan = bar.add_task(_("checking against the register"), total=report.inserted or None)
        report.hits = check_created_since(
            session, since, progress=lambda n: bar.update(scan, completed=n)
        )
        return report


@app.command("export")
@handle_errors
def export_cmd(
    agency: str = typer.Option(..., help="Export what this agency may see (e.g. BA-UIO)."),
    format: str = typer.Option("csv", "--format", help="csv, xlsx or json."),  # noqa: A002
    out: Path = typer.Option(None, help="Output file (CSV and JSON default to standard output)."),
) -> None:
    """Export the records an agency may see, in the import's columns."""
    if format not in FORMATS:
        raise Invalid(
            _("Unknown export format; use one of: %(values)s") % {"values": ", ".join(FORMATS)}
        )
    if out is None and format == "xlsx":
        raise Invalid(_("XLSX needs --out FILE."))
    with command_session() as session:
        actor = cli_actor(session, agency)
        session.info["actor"] = actor
        if out is None:
            count = export_records(session, actor=actor, fmt=format, out=sys.stdout)
        else:
            mode, enc = ("wb", None) if format == "xlsx" else ("w", "utf-8")
            with out.open(mode, encoding=enc, newline="" if enc else None) as fh:
                count = export_records(session, actor=actor, fmt=format, out=fh)
    err_console.print(_("%(n)d records exported") % {"n": count})
