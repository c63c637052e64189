"""``kalibar programme import|template|indicators|trainings``.

The console operator acts for an agency (``--agency``): imports belong to it, and the
figures are that agency's own — or, with ``--national``, the national totals a focal
point of that agency's country reports (everything the agency may see).
"""

from __future__ import annotations

import dataclasses
import sys
from datetime import date
from pathlib import Path

import typer
from rich.table import Table
from sqlalchemy.orm import Session

from kalibar.auth.actor import Actor
from kalibar.cli_support import (
    command_session,
    console,
    handle_errors,
    operator_actor,
    progress_bar,
)
from kalibar.dates import DateError, parse_day
from kalibar.errors import Invalid
from kalibar.i18n import _
from kalibar.indicators import charts
from kalibar.programme import indicators, io_export, service
from kalibar.programme.io_import import import_ledger

app = typer.Typer(
    help="Programme ledger: trainings, equipment, procedures and their indicators.",
    no_args_is_help=True,
)
AGENCY = typer.Option(..., "--agency", help="Agency code to act for (e.g. BA-UIO).")


def _actor(session: Session, agency: str, national: bool = False) -> Actor:
    actor = operator_actor(session, agency)
    if national:
        actor = dataclasses.replace(actor, roles=actor.roles | {"focal_point"})
    return actor


def _day(value: str | None, field: str) -> date | None:
    if not value:
        return None
    try:
        return parse_day(value)
    except DateError as exc:
        raise Invalid(exc.message, [{"field": field, "value": value}]) from exc


@app.command("import")
@handle_errors
def import_file(
    file: Path = typer.Argument(..., exists=True, dir_okay=False, readable=True),
    agency: str = AGENCY,
    sheet: str = typer.Option(None, help="The sheet a CSV file holds (default: its name)."),
) -> None:
    """Import an XLSX workbook (or one CSV per sheet); one bad row refuses the file."""
    with command_session() as session, progress_bar() as bar:
        task = bar.add_task(_("importing"), total=None)
        actor = _actor(session, agency)
        report = import_ledger(session, actor=actor, source=file, filename=file.name, sheet=sheet)
        bar.update(task, total=report.rows_read, completed=report.rows_read)
    table = Table(_("imported"), _("rows"), title_justify="left")
    for kind, n in report.created.items():
        table.add_row(kind, str(n))
    console.print(table)


@app.command("template")
@handle_errors
def template(out: Path = typer.Argument(..., dir_okay=False)) -> None:
    """Write the import template (an XLSX workbook with every sheet and its columns)."""
    with out.open("wb") as fh:
        io_export.write_template(fh)
    console.print(str(out))


@app.command("trainings")
@handle_errors
def trainings(agency: str = AGENCY, q: str = typer.Option("", help="Search text.")) -> None:
    """The trainings the agency may see, newest first."""
    with command_session() as session:
        actor = _actor(session, agency)
        page = service.list_trainings(session, actor=actor, q=q, limit=500)
        counts = service.participant_counts(session, [t.uuid for t in page.rows])
        table = Table(_("Reference"), _("Course"), _("First day"), _("Participants"))
        for t in page.rows:
            table.add_row(
                t.reference, t.course, t.start_date.isoformat(), str(counts.get(t.uuid, 0))
            )
        console.print(table)


@app.command("indicators")
@handle_errors
def show_indicators(
    agency: str = AGENCY,
    national: bool = typer.Option(False, help="National totals (a focal point's figures)."),
    date_from: str = typer.Option(None, "--from", help="First day (default 1 January)."),
    date_to: str = typer.Option(None, "--to", help="Last day, included (default today)."),
    window: int = typer.Option(indicators.WINDOW_DAYS, min=1, max=indicators.MAX_WINDOW_DAYS),
    xlsx: Path = typer.Option(None, help="Write every table to this XLSX file."),
    csv: str = typer.Option(None, help="Print this table as CSV (e.g. trained_by_agency)."),
) -> None:
    """Officers trained by gender, trainers, equipment, detections before/after, steps."""
    default = indicators.Period.year_to_date()
    period = indicators.Period(
        _day(date_from, "from") or default.date_from, _day(date_to, "to") or default.date_to
    )
    with command_session() as session:
        actor = _actor(session, agency, national)
        ind = indicators.compute(session, actor=actor, period=period, days=window)
    if xlsx is not None:
        with xlsx.open("wb") as fh:
            io_export.write_xlsx(ind, fh)
    if csv:
        io_export.write_csv(ind, csv, sys.stdout)
        return
    t = ind.trained
    table = Table(_("Agency"), _("Trained"), _("Women"), _("Share of women"), title_justify="left")
    for c in t.by_agency:
        table.add_row(c.key, str(c.total), str(c.women), charts.percent(c.share_women))
    table.add_row(_("Total"), str(t.total.total), str(t.total.women),
                  charts.percent(t.total.share_women))  # fmt: skip
    console.print(table)
    console.print(
        _("%(s)d sessions, %(w)d gender workshops; %(n)d trainers trained.")
        % {"s": t.sessions, "w": t.workshops, "n": t.trainers.total}
    )
