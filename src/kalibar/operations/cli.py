"""``kalibar operations list|show|summary``: the workspaces an agency may see, read as that
agency (the console operator acts for ``--agency``; its visibility applies)."""

from __future__ import annotations

from pathlib import Path

import typer
from rich.markup import escape
from rich.table import Table

from kalibar.cli_support import (
    command_session,
    console,
    handle_errors,
    operator_actor,
    resolve_id,
)
from kalibar.i18n import _, ngettext
from kalibar.operations import labels, service, summary
from kalibar.operations.models import Operation
from kalibar.sharing.visibility import visible_clause

app = typer.Typer(help="Joint-operation workspaces.", no_args_is_help=True)
AGENCY = typer.Option(..., "--agency", help="Read as this agency (its visibility applies).")


@app.command("list")
@handle_errors
def list_(agency: str = AGENCY) -> None:
    """List the operations the agency may see."""
    table = Table(_("reference"), _("name"), _("status"), _("starts"), _("ends"))
    with command_session() as session:
        actor = operator_actor(session, agency)
        for op in service.list_operations(session, actor=actor):
            table.add_row(
                op.reference,
                op.name,
                labels.word(labels.STATUS, op.status),
                str(op.starts_on or ""),
                str(op.ends_on or ""),
            )
    console.print(table)


@app.command("show")
@handle_errors
def show(
    operation: str = typer.Argument(..., help="The operation's reference or id."),
    agency: str = AGENCY,
) -> None:
    """Members, linked objects (those the agency may see), tasks and the log's size."""
    with command_session() as session:
        actor = operator_actor(session, agency)
        op_id = resolve_id(
            session, operation, Operation, visible_clause(Operation, actor), "Operation"
        )
        s = summary.summarise(session, actor=actor, operation_id=op_id)
        console.print(f"[bold]{s.op.reference}[/bold] {s.op.name}")
        for m, code in s.members:
            console.print(f"  {code}: {labels.word(labels.ROLE, m.role)}")
            if m.left_at:
                console.print("    " + _("%(agency)s left the operation.") % {"agency": code})
        for v in s.linked.shown:
            console.print(escape(f"  {labels.word(labels.KIND, v.kind)}: {v.label}"))
        if s.linked.hidden:
            hidden = ngettext(
                "%(num)d linked object you may not see.",
                "%(num)d linked objects you may not see.",
                s.linked.hidden,
            )
            console.print("  " + hidden % {"num": s.linked.hidden})
        for t in s.tasks:
            status = labels.word(labels.TASK_STATUS, t.task.status)
            line = f"  {status}: {t.task.title} · {t.owner or '—'} · {t.task.due_on or '—'}"
            console.print(escape(line))
        console.print(_("log entries: %(n)d") % {"n": s.log})


@app.command("summary")
@handle_errors
def summary_pdf(
    operation: str = typer.Argument(..., help="The operation's reference or id."),
    agency: str = AGENCY,
    out: Path = typer.Option(..., "--out", help="Where to write the PDF."),
) -> None:
    """Write the after-action summary as a PDF (audited export)."""
    with command_session() as session:
        actor = operator_actor(session, agency)
        session.info["actor"] = actor
        op_id = resolve_id(
            session, operation, Operation, visible_clause(Operation, actor), "Operation"
        )
        content = summary.render_pdf(session, actor=actor, operation_id=op_id)
    out.write_bytes(content)
    console.print(_("written %(path)s") % {"path": out})
