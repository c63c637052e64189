"""``kalibar targeting watchlist add|import|list``, ``train`` and ``score``.

Registered on the ``targeting`` Typer app of ``targeting/cli.py`` (imported at its bottom).
"""

from __future__ import annotations

import json
import time
from pathlib import Path

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

watchlist_app = typer.Typer(
    help="Watchlists of persons, companies, addresses, phones and vehicle plates.",
    no_args_is_help=True,
)

#: Training, scoring and model versions; merged into ``kalibar targeting`` by its cli.
model_app = typer.Typer()
model_app.add_typer(watchlist_app, name="watchlist")


@watchlist_app.command("add")
@handle_errors
def watchlist_add(
    kind: str = typer.Argument(..., help="person, company, address, phone or plate."),
    name: str = typer.Argument(..., help="Name, address, phone number or plate."),
    agency: str = typer.Option(..., help="Owner agency (e.g. BA-UIO)."),
    country: str = typer.Option("", help="Country of the person or company (ISO code)."),
    note: str = typer.Option("", help="Why it is listed (shown to officers)."),
    distribution: str = typer.Option("agency", help="agency, national, partners or group."),
) -> None:
    """Add one watchlist entry."""
    from kalibar.targeting.watchlists import add_entry

    with command_session() as s:
        actor = operator_actor(s, agency)
        entry = add_entry(
            s,
            actor=actor,
            kind=kind,
            name=name,
            country=country,
            note=note,
            distribution=distribution,
        )
        ident = str(entry.uuid)
    console.print(_("watchlist entry %(id)s added") % {"id": ident})


@watchlist_app.command("import")
def watchlist_import(
    file: Path = typer.Argument(
        ..., exists=True, dir_okay=False, help="CSV: kind,name,country,note"
    ),
    agency: str = typer.Option(..., help="Owner agency (e.g. BA-UIO)."),
    distribution: str = typer.Option("agency", help="agency, national, partners or group."),
) -> None:
    """Import watchlist entries from CSV; one bad row rejects the whole file."""
    from kalibar.targeting.watchlists import import_entries, read_csv

    with use_language(None):
        try:
            rows = read_csv(file)
            with command_session() as s:
                n = import_entries(
                    s, actor=operator_actor(s, agency), rows=rows, distribution=distribution
                )
        except Invalid as exc:
            err_console.print(f"[red]{_('error')}:[/red] {exc.message}")
            print_row_errors(file.name, exc.details)
            raise typer.Exit(1) from exc
        console.print(_("%(n)d watchlist entries imported") % {"n": n})


@watchlist_app.command("list")
@handle_errors
def watchlist_list(
    agency: str = typer.Option(..., help="List what this agency may see."),
    kind: str = typer.Option(None, help="Only this kind."),
    limit: int = typer.Option(100, help="At most this many, newest first."),
) -> None:
    """Watchlist entries visible to an agency."""
    from rich.table import Table

    from kalibar.targeting.watchlists import list_entries

    with command_session() as s:
        entries = list_entries(s, actor=operator_actor(s, agency), kind=kind, limit=limit)
        table = Table(_("kind"), _("name"), _("country"), _("note"), _("distribution"), "uuid")
        for e in entries:
            table.add_row(e.kind, e.name, e.country, e.note, e.distribution, str(e.uuid))
    console.print(table)


@model_app.command("train")
@handle_errors
def train_cmd(
    file: Path = typer.Argument(
        None, exists=True, dir_okay=False, help="History file (or --from-db)."
    ),
    model_dir: Path = typer.Option(
        None, help="Folder of model versions (default: KALIBAR_DATA_DIR/models/targeting)."
    ),
    rules: Path = typer.Option(None, help="Rules to compare with (default: the starter set)."),
    seed: int = typer.Option(0, help="Seed of the model and of tie-breaking."),
    test: float = typer.Option(0.2, help="Newest share of inspected declarations held out."),
    from_db: bool = typer.Option(
        False,
        "--from-db",
        help="Train on the agency's recorded inspections (a candidate until activated).",
    ),
    agency: str = typer.Option(None, help="With --from-db: the agency whose inspections."),
) -> None:
    """Train, calibrate and store a risk model; report precision@k and recall@k."""
    from rich.table import Table

    from kalibar.targeting.features import read_frame
    from kalibar.targeting.rules import load_rules
    from kalibar.targeting.training import train

    if from_db:
        _train_from_db(agency, model_dir, load_rules(rules), seed)
        return
    if file is None:
        raise Invalid(_("Give a history file, or --from-db with --agency."))
    started = time.perf_counter()
    model, meta = train(read_frame(file), rules=load_rules(rules), seed=seed, test=test)
    folder = model.save(model_dir)
    elapsed = time.perf_counter() - started
    periods = meta["periods"]
    for name in ("train", "valid", "test"):
        p = periods[name]
        console.print(
            _("%(part)s: %(from)s – %(to)s, %(n)d inspected, %(hits)d with findings")
            % {
                "part": name,
                "from": p["from"],
                "to": p["to"],
                "n": p["inspected"],
                "hits": p["hits"],
            }
        )
    table = Table(_("held-out period"), "precision@1%", "recall@1%", "precision@5%", "recall@5%")
    for row in meta["metrics"]:
        table.add_row(
            row["method"],
            *(f"{row[c]:.1%}" for c in ("precision@1%", "recall@1%", "precision@5%", "recall@5%")),
        )
    console.print(table)
    console.print(
        _("model %(version)s stored in %(folder)s (%(s).1f s)")
        % {"version": model.version, "folder": folder, "s": elapsed}
    )


@model_app.command("score")
@handle_errors
def score_cmd(
    file: Path = typer.Argument(..., exists=True, dir_okay=False, help="Declarations file."),
    out: Path = typer.Option(..., help="Where to write declaration_id, score, top_features."),
    model: str = typer.Option("latest", help="Model version (default: the newest)."),
    model_dir: Path = typer.Option(None, help="Folder of model versions."),
    explain_top: int = typer.Option(
        None, help="Explain only this many highest scores (default: all)."
    ),
) -> None:
    """Score declarations with a stored model, with each score's top contributing features."""
    from kalibar.targeting.features import read_frame
    from kalibar.targeting.model import load_model

    risk = load_model(model, model_dir)
    started = time.perf_counter()
    scores = risk.score(read_frame(file), explain_top=explain_top)
    scores.with_columns(scores["score"].round(4)).write_csv(out)
    console.print(
        _("%(n)d declarations scored with model %(version)s in %(s).1f s")
        % {"n": scores.height, "version": risk.version, "s": time.perf_counter() - started}
    )


@model_app.command("models")
@handle_errors
def models_cmd(model_dir: Path = typer.Option(None, help="Folder of model versions.")) -> None:
    """Stored model versions with their held-out metrics."""
    from kalibar.targeting.model import load_model, versions

    for v in versions(model_dir):
        meta = load_model(v, model_dir).metadata
        console.print(v, json.dumps(meta.get("metrics", []), ensure_ascii=False))


def _train_from_db(agency: str | None, model_dir: Path | None, rules: list, seed: int) -> None:
    from kalibar.targeting import model_versions

    if not agency:
        raise Invalid(_("--from-db needs --agency: whose recorded inspections to learn from."))
    with command_session() as s:
        row = model_versions.train_from_db(
            s, actor=operator_actor(s, agency), rules=rules, model_dir=model_dir, seed=seed
        )
        version, comparison = row.version, json.loads(row.comparison)
    _print_comparison(comparison)
    console.print(
        _(
            "candidate model %(version)s stored; it screens only after "
            "`kalibar targeting activate %(version)s --note ...`"
        )
        % {"version": version}
    )


def _print_comparison(comparison: dict) -> None:
    from rich.table import Table

    period = comparison.get("period") or {}
    console.print(
        _("newest period: %(from)s – %(to)s, %(n)d inspected, %(hits)d with findings")
        % {
            "from": period.get("from"),
            "to": period.get("to"),
            "n": period.get("inspected", 0),
            "hits": period.get("hits", 0),
        }
    )
    cols = ("recall@1%", "recall@5%", "precision@1%", "auc", "brier")
    table = Table(_("model"), _("version"), *cols)
    for name in ("challenger", "champion"):
        m = comparison.get(name)
        label = _("new (challenger)") if name == "challenger" else _("active (champion)")
        if m is None:
            table.add_row(label, _("none"), *("" for _c in cols))
        else:
            table.add_row(label, m["version"], *(str(m.get(c, "")) for c in cols))
    console.print(table)


@model_app.command("activate")
@handle_errors
def activate_cmd(
    version: str = typer.Argument(..., help="Model version to screen with."),
    note: str = typer.Option(..., help="Why (kept in the audit trail)."),
    model_dir: Path = typer.Option(None, help="Folder of model versions."),
) -> None:
    """Make a trained model the one that screens (the decision is audited)."""
    from kalibar.targeting import model_versions

    with command_session() as s:
        model_versions.activate(
            s, actor=operator_actor(s, None), version=version, note=note, model_dir=model_dir
        )
    with command_session() as s:
        model_versions.publish(s, model_dir)
    console.print(_("model %(version)s screens from now on") % {"version": version})


@model_app.command("rollback")
@handle_errors
def rollback_cmd(
    note: str = typer.Option(..., help="Why (kept in the audit trail)."),
    model_dir: Path = typer.Option(None, help="Folder of model versions."),
) -> None:
    """Screen again with the model that screened before the active one."""
    from kalibar.targeting import model_versions

    with command_session() as s:
        row = model_versions.rollback(
            s, actor=operator_actor(s, None), note=note, model_dir=model_dir
        )
        version = row.version
    with command_session() as s:
        model_versions.publish(s, model_dir)
    console.print(_("model %(version)s screens again") % {"version": version})
