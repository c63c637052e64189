"""``kalibar indicators sdg1642|tracing``.

The CLI is the system operator. With ``--agency`` it acts for that agency: the figures
count what that agency may see (its own records and what others share with it), exactly
as the agency's users would see them on the page. Without ``--agency`` it is an
administrator's command for national totals: ``--country`` is required and every record
owned by an agency of that country is counted (the union of what the country's agencies
may see, narrowed to records owned in the country). ``--owner`` narrows to one owner agency.
"""

from __future__ import annotations

from datetime import date

import typer
from rich.table import Table

from kalibar.cli_support import command_session, console, handle_errors, operator_actor
from kalibar.dates import DateError, parse_day
from kalibar.errors import Invalid
from kalibar.i18n import _
from kalibar.indicators import charts, sdg, service, tracing_stats
from kalibar.indicators.schemas import SdgCellOut, SdgReportOut, TracingStatsOut

app = typer.Typer(help="Indicators: SDG 16.4.2, tracing statistics.", no_args_is_help=True)

FROM = typer.Option(None, "--from", help="First day, 31.12.2025 or 2025-12-31 (default 1 January).")
TO = typer.Option(None, "--to", help="Last day, included (default today).")
AS_JSON = typer.Option(False, "--json", help="Print JSON (the API's shape).")


def _day(value: str | None, field: str) -> date | None:
    if not value:
        return None
    try:
        return parse_day(value)
    except DateError as exc:
        raise Invalid(exc.message, [{"field": field, "value": value}]) from exc


def _query(
    date_from: str | None, date_to: str | None, country: str | None, owner: str | None
) -> sdg.SdgQuery:
    start, end = _day(date_from, "from"), _day(date_to, "to")
    return sdg.make_query(start, end, country, owner)


def _table(title: str, cells: list[SdgCellOut]) -> Table:
    table = Table(title, _("counted"), _("origin established"), _("share"), title_justify="left")
    for c in cells:
        table.add_row(c.label, str(c.denominator), str(c.numerator), charts.percent(c.ratio))
    return table


@app.command("sdg1642")
@handle_errors
def sdg1642(
    date_from: str = FROM,
    date_to: str = TO,
    country: str = typer.Option(None, help="Owner country (ISO alpha-2); national totals."),
    agency: str = typer.Option(None, help="Act for this agency (its visibility)."),
    owner: str = typer.Option(None, help="Count only records owned by this agency."),
    as_json: bool = AS_JSON,
) -> None:
    """SDG indicator 16.4.2 for a period, a country and an agency."""
    if not agency and not country:
        raise Invalid(_("Give --agency, or --country for national totals."), [])
    with command_session() as session:
        actor = operator_actor(session, agency)
        session.info["actor"] = actor
        query = _query(date_from, date_to, country, owner)
        if agency:
            report = service.sdg_report(session, actor=actor, query=query)
        else:
            report = service.national_sdg_report(session, actor=actor, query=query)
        out = SdgReportOut.of(report)
    if as_json:
        typer.echo(out.model_dump_json(indent=2, by_alias=True))
        return
    console.print(
        _("SDG 16.4.2, %(start)s – %(end)s, as seen by %(viewer)s")
        % {"start": out.period.from_, "end": out.period.to, "viewer": out.viewer}
    )
    console.print(
        _("%(num)d of %(den)d arms with origin established: %(ratio)s (antiques left out: %(old)d)")
        % {
            "num": out.numerator,
            "den": out.denominator,
            "ratio": charts.percent(out.ratio),
            "old": out.excluded_antiques,
        }
    )
    console.print(_table(_("weapon type"), out.by_weapon_type))
    console.print(_table(_("context"), out.by_context))
    console.print(_table(_("agency"), out.by_agency))
    console.print(_table(_("country of manufacture"), out.by_country_of_manufacture))


@app.command("tracing")
@handle_errors
def tracing(
    agency: str = typer.Option(..., help="The agency whose requests are counted."),
    date_from: str = FROM,
    date_to: str = TO,
    country: str = typer.Option(None, help="Recipient country (ISO alpha-2)."),
    as_json: bool = AS_JSON,
) -> None:
    """Tracing statistics of an agency: requests sent and received, delays, time-to-crime."""
    with command_session() as session:
        actor = operator_actor(session, agency)
        session.info["actor"] = actor
        stats = tracing_stats.tracing_stats(
            session, actor=actor, query=_query(date_from, date_to, country, None)
        )
        out = TracingStatsOut.of(stats)
    if as_json:
        typer.echo(out.model_dump_json(indent=2, by_alias=True))
        return
    console.print(
        _("%(sent)d sent (%(ans)d answered, %(late)d overdue), %(recv)d received")
        % {
            "sent": out.sent,
            "ans": out.answered_sent,
            "late": out.overdue_sent,
            "recv": out.received,
        }
    )
    table = Table(
        _("country"), _("requests"), _("median days to acknowledge"), _("median days to answer")
    )
    for c in out.by_recipient_country:
        table.add_row(
            c.country,
            str(c.requests),
            charts.number(c.median_ack_days),
            charts.number(c.median_answer_days),
        )
    console.print(table)
