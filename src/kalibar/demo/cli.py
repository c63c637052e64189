"""``kalibar demo``"""

from __future__ import annotations

import os

import typer
from rich.table import Table

from kalibar.cli_support import command_session, console, handle_errors
from kalibar.config import get_settings
from kalibar.db.cli import upgrade_and_seed
from kalibar.demo.service import load_demo


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
) -> None:
    """Load demo agencies and users (idempotent). New users' passwords are printed once."""
    upgrade_and_seed()
    with command_session() as session:
        result = load_demo(session, force=force)
    console.print(f"demo world ready: {result.agencies_added} agencies added")
    if result.credentials:
        table = Table("username", "password", title="Demo credentials (shown once)")
        for username, password in result.credentials.items():
            table.add_row(username, password)
        console.print(table)
        console.print(f"also written to {write_credentials(result.credentials)}")
    else:
        console.print(
            "demo users exist already; their passwords are in "
            f"{get_settings().data_dir / 'demo-credentials.txt'}"
        )
