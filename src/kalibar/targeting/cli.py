"""``kalibar targeting import|screen|backtest`` (``generate`` comes from the demo room,
registered by the composition root)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import typer

from kalibar.cli_support import (
    command_session,
    console,
    err_console,
    handle_errors,
    operator_actor,
    print_row_errors,
)
from kalibar.errors import Invalid
from kalibar.i18n import _, use_language
from kalibar.targeting.cli_capacity import capacity_app
from kalibar.targeting.cli_model import model_app
from kalibar.targeting.rules import Rule

if TYPE_CHECKING:
    from kalibar.targeting.model import RiskModel
    from kalibar.targeting.names import WatchEntry

app = typer.Typer(
    help="Risk targeting of declarations: import, screen, back-test, generate.",
    no_args_is_help=True,
)
app.add_typer(model_app)  # train, score, models, activate, rollback, watchlist
app.add_typer(capacity_app, name="capacity")


def _invalid(file: str, exc: Invalid) -> None:
    err_console.print(f"[red]{_('error')}:[/red] {exc.message}")
    if exc.details and "row" in exc.details[0]:
        print_row_errors(file, exc.details)
    else:
        for d in exc.details:
            where = f"{d.get('rule') or '-'} {d.get('line', '')}:{d.get('column', '')}"
            err_console.print(f"  {where}  {d.get('reason', d)}")


@app.command("import")
def import_cmd(
    file: Path = typer.Argument(..., exists=True, dir_okay=False, help="CSV, XLSX or JSON."),
    agency: str = typer.Option(..., help="Importing customs or postal agency (e.g. BA-UIO)."),
    encoding: str = typer.Option(None, help="CSV encoding (utf-8, cp1250, cp1251)."),
    screen: bool = typer.Option(
        True,
        "--screen/--no-screen",
        help="Screen the declarations as the upload page does (lanes, worklist).",
    ),
) -> None:
    """Import declarations (or a history file) and screen them onto the worklist, as the
    upload page does; one bad row rejects the whole file."""
    from kalibar.targeting.io_import import import_declarations
    from kalibar.targeting.screening import import_and_screen

    with use_language(None):
        lanes: dict[str, int] | None = None
        warnings: list[dict[str, object]] = []
        try:
            with command_session() as s:
                actor = operator_actor(s, agency)
                if screen:
                    upload = import_and_screen(
                        s, actor=actor, source=file, filename=file.name, encoding=encoding
                    )
                    report, lanes, warnings = upload.report, upload.lanes, upload.over_capacity
                else:
                    report = import_declarations(
                        s,
                        actor=actor,
                        source=file,
                        filename=file.name,
                        agency_code=actor.agency_code,
                        encoding=encoding,
                    )
        except Invalid as exc:
            _invalid(file.name, exc)
            raise typer.Exit(1) from exc
        console.print(
            _("%(file)s: %(rows)d rows, %(n)d declarations, %(items)d items imported")
            % {
                "file": file.name,
                "rows": report.rows_read,
                "n": report.declarations,
                "items": report.items,
            }
        )
        if lanes is None:
            console.print(
                _(
                    "Not screened (--no-screen): the declarations have no lane and are not "
                    "on the worklist."
                )
            )
            return
        console.print(
            _("Screened onto the worklist: %(lanes)s")
            % {"lanes": ", ".join(f"{lane} {n}" for lane, n in lanes.items())}
        )
        for w in warnings:
            err_console.print(
                _(
                    "warning: %(office)s %(flow)s: %(n)d mandatory hits alone exceed the red "
                    "capacity (%(quota)d); all of them are red."
                )
                % {
                    "office": w["office"],
                    "flow": w["flow"],
                    "n": w["mandatory"],
                    "quota": w["quota"],
                }
            )


def _rules(path: Path | None) -> list[Rule]:
    from kalibar.targeting.rules import load_rules

    return load_rules(path)


def _watchlist(agency: str) -> list[WatchEntry]:
    from kalibar.targeting.watchlists import entries_for_screening

    with command_session() as s:
        return entries_for_screening(s, actor=operator_actor(s, agency))


def _model(version: str, model_dir: Path | None) -> RiskModel:
    from kalibar.targeting.model import load_model

    return load_model(version, model_dir)


@app.command("screen")
@handle_errors
def screen_cmd(
    file: Path = typer.Argument(..., exists=True, dir_okay=False),
    out: Path = typer.Option(..., help="Where to write declaration_id, score, lane, reasons."),
    rules: Path = typer.Option(None, help="Rule file (default: the starter rule set)."),
    random_rate: float = typer.Option(0.01, help="Share of declarations drawn at random."),
    seed: int = typer.Option(0, help="Seed of the random control sample."),
    red_rate: float = typer.Option(
        0.02, min=0, max=1, help="Capacity: most declarations sent red, per office and flow."
    ),
    yellow_rate: float = typer.Option(
        0.05, min=0, max=1, help="Capacity: most declarations sent yellow, per office and flow."
    ),
    agency: str = typer.Option(
        None, help="Match the watchlist entries visible to this agency (e.g. BA-UIO)."
    ),
    model: str = typer.Option(None, help="Add the model score: a model version or 'latest'."),
    model_dir: Path = typer.Option(None, help="Model folder (default: the data folder's)."),
) -> None:
    """Screen a declarations file and write one lane per declaration."""
    from kalibar.targeting.norms import MIN_TRAFFIC
    from kalibar.targeting.screen import screen_file

    used: dict[str, object] = {}
    with use_language(None):
        try:
            summary = screen_file(
                file,
                out,
                rules=_rules(rules),
                random_rate=random_rate,
                seed=seed,
                red_rate=red_rate,
                yellow_rate=yellow_rate,
                watchlist=_watchlist(agency) if agency else None,
                model=_model(model, model_dir) if model else None,
                used=used,
            )
        except Invalid as exc:
            _invalid(file.name, exc)
            raise typer.Exit(1) from exc
        if used.get("norms") == "traffic":
            console.print(
                _("Value and weight measured against this file's own norms (%(n)s items).")
                % {"n": used["items"]}
            )
        elif used:
            console.print(
                _(
                    "Value and weight measured against the model's norms: the file has fewer "
                    "than %(n)s items to learn its own from."
                )
                % {"n": MIN_TRAFFIC}
            )
    console.print(", ".join(f"{lane}: {n}" for lane, n in summary.items()))


@app.command("backtest")
@handle_errors
def backtest_cmd(
    file: Path = typer.Argument(..., exists=True, dir_okay=False, help="History file."),
    rules: Path = typer.Option(None, help="Rule file (default: the starter rule set)."),
) -> None:
    """Hits and hit rate of every rule (active or not) on a history file."""
    from rich.table import Table

    from kalibar.targeting.engine import backtest
    from kalibar.targeting.features import read_frame
    from kalibar.targeting.hygiene import check, flag_text

    result = backtest(read_frame(file), _rules(rules))
    checked = check(result)
    table = Table(
        _("rule"),
        _("lane"),
        _("active"),
        _("hits"),
        _("inspected"),
        _("found"),
        _("hit rate"),
        _("flags"),
    )
    for r in result.rules:
        rate = "" if r.hit_rate is None else f"{r.hit_rate:.1%}"
        flags = ", ".join(flag_text(f) for f in checked.flags.get(r.rule, []))
        table.add_row(
            r.rule,
            r.lane,
            str(r.active),
            str(r.hits),
            str(r.inspected),
            str(r.positive),
            rate,
            flags,
        )
    console.print(table)
    base = "" if result.base_rate is None else f"{result.base_rate:.2%}"
    console.print(
        _("%(n)d declarations, %(i)d inspected, hit rate of all inspections %(b)s")
        % {"n": result.declarations, "i": result.inspected, "b": base}
    )
