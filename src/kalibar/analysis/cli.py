"""``kalibar analysis alerts run|list`` and ``kalibar analysis stats``.

``alerts run`` runs the early-warning detectors over the whole database (the console
operator is the system) and tells the agencies concerned. ``stats`` prints or writes a
seizure statistic as an agency sees it (``--agency``: its visibility applies).
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import typer
from rich.table import Table

from kalibar.analysis import alerts, export, service
from kalibar.analysis.detectors import DETECTORS
from kalibar.analysis.filters import parse_filter
from kalibar.analysis.stats import figure
from kalibar.cli_support import (
    command_session,
    console,
    err_console,
    handle_errors,
    operator_actor,
    progress_bar,
)
from kalibar.errors import Invalid
from kalibar.i18n import _

app = typer.Typer(help="Analysis: seizure statistics and early warning.", no_args_is_help=True)
alerts_app = typer.Typer(help="Early-warning alerts.", no_args_is_help=True)
app.add_typer(alerts_app, name="alerts")


def _moment(value: str | None) -> datetime | None:
    if not value:
        return None
    try:
        moment = datetime.fromisoformat(value)
    except ValueError as exc:
        raise Invalid(_("Enter a time like 2026-03-01T12:00:00Z."), [{"field": "now"}]) from exc
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


@alerts_app.command("run")
@handle_errors
def run(
    detector: list[str] = typer.Option(
        None, "--detector", help="Run only these: " + ", ".join(DETECTORS) + "."
    ),
    now: str = typer.Option(None, help="Run as of this UTC time (default now)."),
) -> None:
    """Run the early-warning detectors and tell the agencies concerned."""
    names = detector or list(DETECTORS)
    with command_session() as session, progress_bar() as bar:
        task = bar.add_task(_("Detectors"), total=len(names))
        result = alerts.run(
            session, now=_moment(now), only=names, progress=lambda _name: bar.advance(task)
        )
    table = Table(_("Detector"), _("Patterns found"), title_justify="left")
    for name in names:
        table.add_row(name, str(result.findings.get(name, 0)))
    console.print(table)
    console.print(
        _("%(created)d alerts created, %(updated)d updated.")
        % {"created": result.created, "updated": result.updated}
    )


@alerts_app.command("list")
@handle_errors
def list_alerts(
    agency: str = typer.Option(..., help="The agency whose alerts to list."),
    status: str = typer.Option("open", help="open or dismissed."),
) -> None:
    """The alerts sent to an agency, with what its members may see of them."""
    with command_session() as session:
        actor = operator_actor(session, agency)
        table = Table(_("Alert"), _("Pattern"), _("What was found"), title_justify="left")
        for a in alerts.list_alerts(session, actor=actor, status=status):
            out = service.alert_out(session, actor=actor, alert=a, with_evidence=False)
            table.add_row(str(a.uuid), out.detector_label, out.summary)
        console.print(table)


@app.command("stats")
@handle_errors
def stats(
    by: str = typer.Option("concealment", help="The figure (dimension)."),
    agency: str = typer.Option(..., help="Count what this agency may see."),
    date_from: str = typer.Option(None, "--from", help="First day."),
    date_to: str = typer.Option(None, "--to", help="Last day, included."),
    where: list[str] = typer.Option(None, help="A dimension's value, e.g. make=zastava."),
    fmt: str = typer.Option("table", "--format", help="table, csv or xlsx."),
    out: Path = typer.Option(None, help="Write the CSV or XLSX here."),
) -> None:
    """A seizure statistic for an agency."""
    params = {"from": date_from or "", "to": date_to or ""}
    for pair in where or []:
        key, sep, value = pair.partition("=")
        if not sep:
            raise Invalid(_("Write a filter as dimension=value."), [{"field": "where"}])
        params[key.strip()] = value.strip()
    with command_session() as session:
        actor = operator_actor(session, agency)
        f = parse_filter(params)
        fig = figure(session, actor=actor, by=by, f=f)
        if fmt in export.FORMATS:
            if out is None:
                raise Invalid(_("Give --out for a file."), [{"field": "out"}])
            data = export.to_csv(fig, f).encode("utf-8") if fmt == "csv" else export.to_xlsx(fig, f)
            out.write_bytes(data)
            err_console.print(_("Written: %(path)s") % {"path": str(out)})
            return
        table = Table(fig.title, _("Seizures"), _("Items"), title_justify="left")
        for r in fig.rows:
            table.add_row(r.label, str(r.seizures), str(r.items))
        console.print(table)
        console.print(
            _("%(seizures)d seizures, %(items)d items counted; %(hidden)d seizures not shared "
              "with this agency.")
            % {"seizures": fig.seizures, "items": fig.items, "hidden": fig.hidden}
        )  # fmt: skip
