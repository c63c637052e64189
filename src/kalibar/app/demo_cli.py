"""``kalibar demo``"""

from __future__ import annotations

import os
import time

import typer
from rich.table import Table

from kalibar.app.db_cli import upgrade_and_seed
from kalibar.cli_support import command_session, console, handle_errors, progress_bar
from kalibar.config import get_settings
from kalibar.db.base import utcnow
from kalibar.db.session import refresh_statistics
from kalibar.demo.operations import load_demo_operations
from kalibar.demo.programme import load_demo_programme
from kalibar.demo.records.load import establish_demo_origins, load_demo_records
from kalibar.demo.seizures.load import load_demo_seizures
from kalibar.demo.service import load_demo
from kalibar.demo.tracing import load_demo_traces
from kalibar.i18n import _
from kalibar.matching.hits import scan_created_since

MAX_RECORDS = 10_000_000
MAX_SEIZURES = 1_000_000
DEFAULT_SEIZURES = 3_000


def write_credentials(credentials: dict[str, str]) -> str:
    """Keep the printed demo passwords beside the database (readable by the owner only)."""
    path = get_settings().data_dir / "demo-credentials.txt"
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
    with os.fdopen(fd, "a", encoding="utf-8") as fh:
        for username, password in credentials.items():
            fh.write(f"{username}\t{password}\n")
    return str(path)


@handle_errors
def demo(
    force: bool = typer.Option(False, help="Add demo data even to a database with real data."),
    records: int = typer.Option(
        20_000,
        "--records",
        min=0,
        max=MAX_RECORDS,
        help="Make sure this many generated demo firearm records exist (0 for none).",
    ),
    seed: int = typer.Option(1, "--seed", help="Seed of the generated records and seizures."),
    seizures: int | None = typer.Option(
        None,
        "--seizures",
        min=0,
        max=MAX_SEIZURES,
        help="Make sure this many generated demo seizures exist "
        f"(default {DEFAULT_SEIZURES}, none with --records 0).",
        show_default=False,
    ),
) -> None:
    """Load demo agencies, users, firearm records and seizures (idempotent).

    New users' passwords are printed once.
    """
    upgrade_and_seed()
    with command_session() as session:
        result = load_demo(session, force=force)
    console.print(_("demo world ready: %(n)d agencies added") % {"n": result.agencies_added})
    if result.credentials:
        table = Table(_("username"), _("password"), title=_("Demo credentials (shown once)"))
        for username, password in result.credentials.items():
            table.add_row(username, password)
        console.print(table)
        path = write_credentials(result.credentials)
        console.print(_("also written to %(path)s") % {"path": path})
    else:
        console.print(
            _("demo users exist already; their passwords are in %(path)s")
            % {"path": get_settings().data_dir / "demo-credentials.txt"}
        )
    if records:
        _load_records(records, seed)
        with command_session() as session:
            traces = load_demo_traces(session)
        if traces:
            console.print(_("demo trace requests: %(n)d added") % {"n": traces})
    if seizures is None:
        seizures = DEFAULT_SEIZURES if records else 0
    if seizures:
        _load_seizures(seizures, seed)
    with command_session() as session:
        if load_demo_operations(session):
            console.print(_("demo joint operation added"))
    with command_session() as session:
        if trainings := load_demo_programme(session, seed=seed):
            console.print(_("demo programme ledger: %(n)d trainings added") % {"n": trainings})
        refresh_statistics(session)


def _load_records(records: int, seed: int) -> None:
    started = time.perf_counter()
    with progress_bar() as bar:
        task = bar.add_task(_("demo records"), total=None)
        with command_session() as session:
            since = utcnow()
            outcome = load_demo_records(
                session,
                n=records,
                seed=seed,
                on_start=lambda total: bar.update(task, total=total),
                progress=lambda done: bar.update(task, completed=done),
            )
            scan = bar.add_task(_("checking against the register"), total=outcome.added or None)
            hits = scan_created_since(
                session, since, progress=lambda n: bar.update(scan, completed=n)
            )
            establish_demo_origins(session)
    if outcome.added:
        console.print(
            _("demo records: %(added)d added in %(seconds).1f s (%(total)d in all), %(hits)d hits")
            % {
                "hits": hits,
                "added": outcome.added,
                "seconds": time.perf_counter() - started,
                "total": outcome.existing + outcome.added,
            }
        )
    else:
        console.print(
            _("demo records exist already: %(n)d (nothing added)") % {"n": outcome.existing}
        )


def _load_seizures(n: int, seed: int) -> None:
    started = time.perf_counter()
    with progress_bar() as bar:
        task = bar.add_task(_("demo seizures"), total=None)
        with command_session() as session:
            outcome = load_demo_seizures(
                session,
                n=n,
                seed=seed,
                on_start=lambda total: bar.update(task, total=total),
                progress=lambda done: bar.update(task, completed=done),
            )
    if outcome.added:
        console.print(
            _(
                "demo seizures: %(added)d added in %(seconds).1f s (%(total)d in all), "
                "%(entities)d persons and vehicles, %(records)d firearm records, %(hits)d hits"
            )
            % {
                "added": outcome.added,
                "seconds": time.perf_counter() - started,
                "total": outcome.existing + outcome.added,
                "entities": outcome.entities,
                "records": outcome.records,
                "hits": outcome.hits,
            }
        )
    else:
        console.print(
            _("demo seizures exist already: %(n)d (nothing added)") % {"n": outcome.existing}
        )
