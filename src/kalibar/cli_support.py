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
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table
from sqlalchemy import ColumnElement, select
from sqlalchemy.orm import Session

from kalibar.agencies.service import get_agency
from kalibar.auth.actor import Actor
from kalibar.db.session import default_engine, unit_of_work
from kalibar.errors import KalibarError, NotFound
from kalibar.i18n import _, use_language
from kalibar.sharing.service import group_ids_for, partner_countries

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


def resolve_id(
    session: Session, ident: str, model: Any, visible: ColumnElement[bool], what: str
) -> uuid.UUID:
    """The one resolver for what a command names: a UUID, or the readable reference the
    pages, PDFs and letters show (``TR-UIO-2026-000004``, ``UIO-SZ-2026-000012``), looked up
    among the rows ``visible`` lets the operator see (404 otherwise)."""
    text = ident.strip()
    try:
        return uuid.UUID(text)
    except ValueError:
        pass
    stmt = select(model.uuid).where(model.reference == text.upper(), visible)
    found: uuid.UUID | None = session.execute(stmt).scalar_one_or_none()
    if found is None:
        raise NotFound(what, text)
    return found


def read_secret(prompt: str, from_stdin: bool) -> str:
    if from_stdin:
        return sys.stdin.readline().rstrip("\n")
    value: str = typer.prompt(prompt, hide_input=True, confirmation_prompt=True)
    return value


#: The name CLI operators appear under in the audit trail.
CLI_USER = "cli"


def operator_actor(session: Session, agency: str | None) -> Actor:
    """The operator at the console: an administrator, acting for ``agency`` when given
    (its visibility, partners and groups apply, as for a member of that agency)."""
    if not agency:
        return Actor(
            user_id=None,
            username=CLI_USER,
            agency_id=None,
            agency_code="",
            country="",
            roles=frozenset({"admin"}),
        )
    found = get_agency(session, code=agency.strip().upper())
    return Actor(
        user_id=None,
        username=CLI_USER,
        agency_id=found.id,
        agency_code=found.code,
        country=found.country_code,
        roles=frozenset({"admin"}),
        partner_countries=partner_countries(session, found.country_code),
        group_ids=group_ids_for(session, found.id, found.country_code),
    )


def progress_bar() -> Progress:
    """Progress on standard error (standard output stays clean for data)."""
    return Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=err_console,
        disable=not err_console.is_terminal,
    )


_SHOWN_ERRORS = 1000


def print_row_errors(file: str, errors: list[dict[str, object]]) -> None:
    """The rows an import refused, as a table (file, row, column, value, reason) on stderr;
    every import command prints them the same way."""
    table = Table(_("file"), _("row"), _("column"), _("value"), _("reason"))
    for e in errors[:_SHOWN_ERRORS]:
        table.add_row(
            file,
            str(e.get("row", "")),
            str(e.get("column", "")),
            str(e.get("value", "")),
            str(e.get("reason", "")),
        )
    err_console.print(table)
    if len(errors) > _SHOWN_ERRORS:
        err_console.print(
            _("… and %(n)d more; --partial writes every rejected row to a file.")
            % {"n": len(errors) - _SHOWN_ERRORS}
        )
