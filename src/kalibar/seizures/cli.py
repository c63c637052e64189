"""``kalibar seizures import|list|show|report``.

The operator acts for ``--agency`` like a member of that agency (its visibility applies);
an import without ``--agency`` takes each seizure's ``agency``.
"""

from __future__ import annotations

from pathlib import Path

import typer
from rich.table import Table
from sqlalchemy import and_
from sqlalchemy.orm import Session

from kalibar.auth.actor import Actor
from kalibar.cli_support import (
    command_session,
    console,
    err_console,
    handle_errors,
    progress_bar,
    resolve_id,
)
from kalibar.cli_support import operator_actor as cli_actor
from kalibar.clock import moment
from kalibar.errors import Invalid, KalibarError
from kalibar.files import check_size, file_limits
from kalibar.i18n import _, use_language
from kalibar.seizures import listing, service
from kalibar.seizures.io_import import ImportReport, import_seizures
from kalibar.seizures.labels import quantity_text
from kalibar.seizures.models import Seizure
from kalibar.sharing.visibility import visible_clause

app = typer.Typer(help="Seizures: import from JSON, list, show, PDF report.",
                  no_args_is_help=True)  # fmt: skip
AGENCY = typer.Option(None, "--agency", help="Act for this agency (e.g. BA-UIO).")
_SHOWN_ERRORS = 200


def _print_errors(errors: list[dict[str, object]]) -> None:
    for e in errors[:_SHOWN_ERRORS]:
        err_console.print(
            f"  {e.get('field') or '$'}: {e.get('message') or e.get('reason', '')}", markup=False
        )
    if len(errors) > _SHOWN_ERRORS:
        err_console.print(_("  ... and %(n)d more") % {"n": len(errors) - _SHOWN_ERRORS})


@app.command("import")
def import_cmd(
    file: Path = typer.Argument(..., exists=True, dir_okay=False, help="A JSON list of seizures."),
    agency: str = typer.Option(None, "--agency", help="Owner agency of every seizure."),
    partial: bool = typer.Option(False, "--partial", help="Store the good seizures."),
) -> None:
    """Import seizures (API create bodies, plus custody events per item) from JSON.

    By default one bad seizure stores nothing; every error is printed with its JSON path.
    """
    with use_language(None):
        try:
            report = _run_import(file, agency, partial)
        except KalibarError as exc:
            err_console.print(f"[red]{_('error')}:[/red] {exc.message}")
            _print_errors([d for d in exc.details if isinstance(d, dict)])
            raise typer.Exit(1) from exc
        console.print(
            _(
                "%(file)s: %(read)d seizures read, %(ok)d stored (%(items)d items,"
                " %(events)d custody events), %(bad)d rejected"
            )
            % {
                "file": file.name,
                "read": report.read,
                "ok": report.stored,
                "items": report.items,
                "events": report.custody_events,
                "bad": report.rejected,
            }
        )
        if report.errors:
            _print_errors(report.error_details())


def read_file(file: Path) -> bytes:
    """The import file, refused (413) past ``KALIBAR_DOCUMENT_MAX_BYTES`` before reading."""
    check_size(file, name=file.name, max_bytes=file_limits().document_bytes)
    return file.read_bytes()


def _run_import(file: Path, agency: str | None, partial: bool) -> ImportReport:
    with command_session() as session, progress_bar() as bar:
        task = bar.add_task(_("importing"), total=None)

        def actor_for(code: str) -> Actor:
            return cli_actor(session, code)

        return import_seizures(
            session,
            actor_for=actor_for,
            raw=read_file(file),
            filename=file.name,
            agency=agency,
            partial=partial,
            on_start=lambda total: bar.update(task, total=total),
            progress=lambda done: bar.update(task, completed=done),
        )


def _find(session: Session, actor: Actor, ident: str) -> Seizure:
    """A seizure by UUID or readable reference, as the actor may see it."""
    live = and_(visible_clause(Seizure, actor), Seizure.deleted_at.is_(None))
    seizure_id = resolve_id(session, ident, Seizure, live, "Seizure")
    return service.get_seizure(session, actor=actor, seizure_id=seizure_id)


def _actor(session: Session, agency: str | None) -> Actor:
    if not agency:
        raise Invalid(_("Name the agency to act for: --agency."), [{"field": "--agency"}])
    actor = cli_actor(session, agency)
    session.info["actor"] = actor
    return actor


@app.command("list")
@handle_errors
def list_(
    agency: str = AGENCY,
    status: str = typer.Option(None, "--status", help="open or closed."),
    q: str = typer.Option(None, "--q", help="Reference, vehicle, parcel, place or words."),
    limit: int = typer.Option(50, "--limit", min=1, max=500),
) -> None:
    """The seizures the agency may see, newest first."""
    with command_session() as session:
        actor = _actor(session, agency)
        filters = listing.SeizureFilter(status=status, q=q)
        rows, _cursor = listing.list_seizures(session, actor=actor, filters=filters, limit=limit)
        table = Table(_("reference"), _("status"), _("when"), _("place"), _("items"), _("id"))
        table.columns[0].no_wrap = True
        for s in rows:
            items = ", ".join(f"{k} {v:g}" for k, v in listing.item_summary(s).items())
            table.add_row(s.reference, s.status, moment(s.occurred_at),
                          s.place_name or s.address, items, str(s.uuid))  # fmt: skip
    console.print(table)


@app.command("show")
@handle_errors
def show(
    ident: str = typer.Argument(..., metavar="REF|UUID"),
    agency: str = AGENCY,
) -> None:
    """One seizure: the event, its items, people, procedure steps."""
    with command_session() as session:
        actor = _actor(session, agency)
        s = _find(session, actor, ident)
        service.log_seizure_read(session, actor=actor, seizure=s)
        console.print(f"[bold]{s.reference}[/bold]  {s.status}  {moment(s.occurred_at)}")
        console.print(f"{s.context}  {s.place_name or s.address}  {s.place_country or ''}")
        if s.narrative:
            console.print(s.narrative, markup=False)
        items = Table(_("#"), _("kind"), _("description"), _("quantity"))
        for i in s.items:
            if i.deleted_at is None:
                what = i.part_kind or i.ammunition_type or i.explosive_type or i.description
                items.add_row(str(i.position), i.kind, f"{i.calibre} {what}".strip(),
                              quantity_text(i.quantity, i.unit))  # fmt: skip
        console.print(items)
        people = Table(_("role"), _("entity"), _("kind"))
        for inv in s.involvements:
            people.add_row(inv.role, inv.entity.name, inv.entity.kind)
        console.print(people)
        steps = Table(_("procedure"), _("step"), _("status"), _("due"))
        for st in s.steps:
            due = moment(st.due_at)
            steps.add_row(st.procedure_code, st.title, st.status, due)
        console.print(steps)


@app.command("report")
@handle_errors
def report(
    ident: str = typer.Argument(..., metavar="REF|UUID"),
    out: Path = typer.Option(..., "-o", "--out", help="PDF file to write."),
    agency: str = AGENCY,
) -> None:
    """Write the seizure report as PDF."""
    from kalibar.seizures import pdf

    with command_session() as session:
        actor = _actor(session, agency)
        s = _find(session, actor, ident)
        out.write_bytes(pdf.render_report(session, actor=actor, seizure_id=s.uuid))
    console.print(_("written to %(path)s") % {"path": out})
