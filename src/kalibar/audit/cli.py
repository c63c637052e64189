"""``kalibar audit ...``"""

from __future__ import annotations

import typer

from kalibar.audit.service import count_entries, verify_chain
from kalibar.cli_support import command_session, console, err_console

app = typer.Typer(help="The tamper-evident audit trail.", no_args_is_help=True)


@app.command("verify")
def verify_cmd() -> None:
    """Recompute the hash chain; name every entry that was changed, removed or reordered."""
    with command_session() as session:
        total = count_entries(session)
        problems = verify_chain(session)
    if not problems:
        console.print(f"audit chain intact: {total} entries verified")
        return
    first = problems[0]
    err_console.print(f"[red]audit chain broken[/red] at entry {first.seq}: {first.message}")
    for p in problems:
        err_console.print(f"  entry {p.seq}: {p.kind}: {p.message}")
    raise typer.Exit(1)
