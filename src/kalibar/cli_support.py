"""What every CLI command shares: one unit of work, clear errors, exit codes."""

from __future__ import annotations

import functools
import sys
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, TypeVar

import typer
from rich.console import Console
from sqlalchemy.orm import Session

from kalibar.auth.actor import Actor
from kalibar.db.session import default_engine, unit_of_work
from kalibar.errors import KalibarError
from kalibar.i18n import use_language

console = Console()
err_console = Console(stderr=True)

F = TypeVar("F", bound=Callable[..., Any])


@contextmanager
def command_session(actor: Actor | None = None) -> Iterator[Session]:
    """A unit of work for one CLI command, tagged with a request id for the audit trail."""
    with unit_of_work(
        default_engine(), actor=actor, request_id=f"cli-{uuid.uuid4().hex[:12]}"
    ) as s:
        yield s


def handle_errors(fn: F) -> F:
    """Turn domain errors into a message on stderr and exit status 1."""

    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        with use_language(None):
            try:
                return fn(*args, **kwargs)
            except KalibarError as exc:
                err_console.print(f"[red]error:[/red] {exc.message}")
                for detail in exc.details:
                    err_console.print(f"  - {detail}")
                raise typer.Exit(1) from exc

    return wrapper  # type: ignore[return-value]


def read_secret(prompt: str, from_stdin: bool) -> str:
    if from_stdin:
        return sys.stdin.readline().rstrip("\n")
    value: str = typer.prompt(prompt, hide_input=True, confirmation_prompt=True)
    return value
