"""``kalibar reports iafq|sdg``: the questionnaire and SDG 16.4.2 by period from the console.

The console operator names the scope: ``--country`` for a national total (every record
and seizure owned by an agency of the country), else ``--agency`` for that agency's own.
Lists (the significant seizures) are what ``--agency`` may see — the visibility filter
for that agency — and say how many they leave out.
"""

from __future__ import annotations

from pathlib import Path

import typer
from rich.table import Table

from kalibar.cli_support import command_session, console, handle_errors, operator_actor
from kalibar.errors import Invalid
from kalibar.i18n import _
from kalibar.reports import drill, export, iafq, sdg_period
from kalibar.reports import labels as words
from kalibar.reports.periods import Period
from kalibar.reports.schemas import IafqOut, SdgPeriodOut
from kalibar.reports.scope import console_scope
from kalibar.reports.service import check_year

app = typer.Typer(help="Reports: IAFQ, SDG 16.4.2 by period.", no_args_is_help=True)
YEAR = typer.Option(..., help="Calendar year.")
COUNTRY = typer.Option(None, help="National total of this country (ISO alpha-2).")
AGENCY = typer.Option(None, help="This agency's own figures; whose lists are shown.")


@app.command("iafq")
@handle_errors
def iafq_cmd(
    year: int = YEAR,
    country: str = COUNTRY,
    agency: str = AGENCY,
    out: Path = typer.Option(None, help="Write the statistical tables (XLSX) here."),
    significant_out: Path = typer.Option(
        None, "--significant-out", help="Write the significant seizures (XLSX) here."
    ),
    as_json: bool = typer.Option(False, "--json", help="Print JSON (the API's shape)."),
) -> None:
    """The Illicit Arms Flows Questionnaire for a year."""
    if not agency and not country:
        raise Invalid(_("Give --agency, or --country for national totals."), [])
    with command_session() as session:
        reader = operator_actor(session, agency)
        session.info["actor"] = reader
        scope = console_scope(session, country=country, agency=None if country else agency)
        report = iafq.compute(session, scope=scope, year=check_year(year))
        if out:
            out.write_bytes(export.statistical_xlsx(report))
        if significant_out:
            rows, hidden = drill.significant_rows(session, reader=reader, report=report)
            significant_out.write_bytes(export.significant_xlsx(report, rows, hidden))
        result = IafqOut.of(report)
    if as_json:
        typer.echo(result.model_dump_json(indent=2))
        return
    table = Table(_("Type"), *(str(words.STATUS_TITLES[s]) for s in iafq.STATUSES), _("Total"))
    for row in result.arms["type"]:
        table.add_row(
            row.label, str(row.seized), str(row.found), str(row.surrendered), str(row.total)
        )
    console.print(_("IAFQ %(year)d, %(scope)s") % {"year": year, "scope": result.scope})
    console.print(table)
    sdg = result.sdg_16_4_2
    console.print(
        _("SDG 16.4.2: %(num)d of %(den)d (antiques left out: %(old)d)")
        % {"num": sdg.numerator, "den": sdg.denominator, "old": sdg.excluded_antiques}
    )


@app.command("sdg")
@handle_errors
def sdg_cmd(
    year: int = YEAR,
    country: str = COUNTRY,
    agency: str = AGENCY,
    as_json: bool = typer.Option(False, "--json", help="Print JSON (the API's shape)."),
) -> None:
    """SDG 16.4.2 for the year and each half of it."""
    if not agency and not country:
        raise Invalid(_("Give --agency, or --country for national totals."), [])
    with command_session() as session:
        scope = console_scope(session, country=country, agency=None if country else agency)
        whole = Period(check_year(year))
        rows = [
            SdgPeriodOut.of(sdg_period.compute_period(session, scope=scope, period=p))
            for p in (whole, *whole.halves())
        ]
    if as_json:
        typer.echo("[" + ",".join(r.model_dump_json() for r in rows) + "]")
        return
    table = Table(_("Field"), *(r.period for r in rows))
    for field in sdg_period.FIELDS:
        table.add_row(field, *(str(getattr(r, field)) for r in rows))
    table.add_row("ratio", *("—" if r.ratio is None else f"{r.ratio:.4f}" for r in rows))
    console.print(table)
