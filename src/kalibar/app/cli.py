"""The ``kalibar`` command: each slice's sub-commands, assembled here."""

from __future__ import annotations

import logging

import typer

from kalibar.analysis.cli import app as analysis_app
from kalibar.app import assemble
from kalibar.app.db_cli import app as db_app
from kalibar.app.demo_cli import demo
from kalibar.audit.cli import app as audit_app
from kalibar.auth.cli import tokens, users
from kalibar.config import get_settings
from kalibar.demo.targeting.cli import generate_cmd
from kalibar.federation.cli import app as federation_app
from kalibar.indicators.cli import app as indicators_app
from kalibar.matching import cli as matching_cli
from kalibar.operations.cli import app as operations_app
from kalibar.programme.cli import app as programme_app
from kalibar.records.cli_crud import app as records_app
from kalibar.reports.cli import app as reports_app
from kalibar.seizures.cli import app as seizures_app
from kalibar.sharing.cli import app as sharing_app
from kalibar.targeting.cli import app as targeting_app
from kalibar.tracing.cli import app as traces_app

app = typer.Typer(
    help="Kalibar: detect, record, identify, match and trace illicit small arms.",
    no_args_is_help=True,
)


@app.callback()
def _assemble() -> None:
    """Every sub-command runs with the listeners and need-to-know rules installed."""
    assemble()


app.add_typer(db_app, name="db")
app.add_typer(users, name="users")
app.add_typer(tokens, name="tokens")
app.add_typer(audit_app, name="audit")
app.add_typer(records_app, name="records")
app.add_typer(traces_app, name="traces")
targeting_app.command("generate")(generate_cmd)  # the demo room's generator
app.add_typer(targeting_app, name="targeting")
app.add_typer(indicators_app, name="indicators")
app.add_typer(reports_app, name="reports")
app.add_typer(analysis_app, name="analysis")
app.add_typer(seizures_app, name="seizures")
app.add_typer(sharing_app, name="sharing")
app.add_typer(operations_app, name="operations")
app.add_typer(programme_app, name="programme")
app.add_typer(federation_app, name="federation")
app.command("demo")(demo)
app.command("check")(matching_cli.check)
app.command("match")(matching_cli.match)
app.add_typer(matching_cli.index_app, name="index")


#: Connections waiting to be accepted (uvicorn's default, said out loud).
BACKLOG = 2048


@app.command()
def serve(
    host: str = typer.Option(None, help="Address to listen on (default KALIBAR_HOST)."),
    port: int = typer.Option(None, help="Port (default KALIBAR_PORT)."),
    workers: int = typer.Option(None, help="Worker processes (default KALIBAR_WORKERS)."),
) -> None:
    """Serve the web UI and the API."""
    # Requests beyond what the workers' threads can run wait in the listen backlog and in
    # the thread pool; none is refused for load (no concurrency limit). Writers then queue
    # on the database's write lock (docs/operations.md, "Concurrent writers").
    import uvicorn

    settings = get_settings()
    logging.basicConfig(level=logging.INFO)
    uvicorn.run(
        "kalibar.app.asgi:app",
        host=host or settings.host,
        port=port or settings.port,
        workers=workers or settings.workers,
        proxy_headers=False,
        backlog=BACKLOG,
    )


def main() -> None:
    app()
