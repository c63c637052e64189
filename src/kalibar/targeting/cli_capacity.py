"""``kalibar targeting capacity show|set``: inspection capacity per office and flow.

Registered on the ``targeting`` Typer app of ``targeting/cli.py`` (imported at its bottom).
"""

from __future__ import annotations

from pathlib import Path

import typer

from kalibar.cli_support import command_session, console, err_console, handle_errors
from kalibar.errors import Invalid
from kalibar.i18n import _, use_language

capacity_app = typer.Typer(
    help="Inspection capacity: the share of declarations red, yellow and blue may take.",
    no_args_is_help=True,
)


def _show(agency: str) -> None:
    from rich.table import Table

    from kalibar.cli_support import operator_actor
    from kalibar.targeting import capacity, lane_rates
    from kalibar.targeting.lanes import DEFAULT_CAPACITY
    from kalibar.targeting.screening import RANDOM_RATE

    with command_session() as s:
        actor = operator_actor(s, agency)
        lines = lane_rates.lines_for(s, actor.agency_id)
        policy = lane_rates.policy_for(s, actor.agency_id, random_rate=RANDOM_RATE)
        used = capacity.usage(s, actor=actor, policy=policy)
    console.print(
        _("Defaults: red %(red)s, yellow %(yellow)s, blue uncapped; random sample %(r)s on top.")
        % {
            "red": f"{DEFAULT_CAPACITY['red']:.0%}",
            "yellow": f"{DEFAULT_CAPACITY['yellow']:.0%}",
            "r": f"{RANDOM_RATE:.0%}",
        }
    )
    console.print(lane_rates.as_text(lines).rstrip(), markup=False, highlight=False)
    table = Table(_("office"), _("flow"), _("screened"), "red", "yellow", "blue", _("mandatory"))
    for u in used:
        cells = [f"{u.taken[lane]}/{u.quota(lane) if u.quota(lane) is not None else '-'}"
                 for lane in capacity.LANES]  # fmt: skip
        table.add_row(u.office, u.flow, str(u.total), *cells, str(u.mandatory))
    console.print(_("Today (%(day)s, UTC):") % {"day": capacity.period_of().isoformat()})
    console.print(table)
    for u in used:
        if u.mandatory_over:
            err_console.print(
                _("warning: %(office)s %(flow)s: mandatory hits alone exceed the red capacity.")
                % {"office": u.office, "flow": u.flow}
            )


@capacity_app.command("show")
@handle_errors
def show_cmd(agency: str = typer.Option(..., help="Agency (e.g. BA-UIO).")) -> None:
    """The agency's capacity lines, the defaults, and today's use per office and flow."""
    _show(agency)


@capacity_app.command("set")
@handle_errors
def set_cmd(
    file: Path = typer.Argument(
        ..., exists=True, dir_okay=False, help="CSV: office,flow,red,yellow,blue."
    ),
    agency: str = typer.Option(..., help="Agency (e.g. BA-UIO)."),
) -> None:
    """Replace the agency's capacity lines with those of FILE (all checked first; audited)."""
    from kalibar.cli_support import operator_actor
    from kalibar.targeting import lane_rates

    with use_language(None):
        try:
            with command_session() as s:
                actor = operator_actor(s, agency)
                saved = lane_rates.save(s, actor=actor, text=file.read_text(encoding="utf-8"))
        except Invalid as exc:
            err_console.print(f"[red]{_('error')}:[/red] {exc.message}")
            for d in exc.details:
                err_console.print(
                    f"  {_('line')} {d.get('line', '')} {d.get('column', '')}: "
                    f"{d.get('value', '')} — {d.get('reason', '')}",
                    markup=False,
                )
            raise typer.Exit(1) from exc
        console.print(_("%(n)d capacity lines saved.") % {"n": len(saved)})
    _show(agency)
