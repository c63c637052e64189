"""``kalibar traces export|import|list``: trace requests for partners without Kalibar.

The operator acts for ``--agency`` (the requester or recipient of the request), like a
member of that agency; visibility and who-may-do-what are the same as on the web.
"""

from __future__ import annotations

import json
import uuid
from pathlib import Path

import typer
from rich.table import Table
from sqlalchemy.orm import Session

from kalibar.auth.actor import Actor
from kalibar.cli_support import command_session, console, handle_errors, resolve_id
from kalibar.cli_support import operator_actor as cli_actor
from kalibar.errors import Invalid
from kalibar.files import check_size
from kalibar.i18n import _
from kalibar.tracing import exchange, pdf, queues
from kalibar.tracing.models import TraceRequest
from kalibar.tracing.service import visible_clause

app = typer.Typer(help="Trace requests: list, export as PDF or JSON, import JSON.",
                  no_args_is_help=True)  # fmt: skip
AGENCY = typer.Option(..., "--agency", help="Act for this agency (e.g. BA-UIO).")


def _trace_id(session: Session, actor: Actor, value: str) -> uuid.UUID:
    """The request's UUID or its readable reference (``TR-UIO-2026-000004``)."""
    return resolve_id(session, value, TraceRequest, visible_clause(actor), "Trace request")


@app.command("export")
@handle_errors
def export(
    trace_id: str = typer.Argument(..., metavar="REF|UUID", help="Reference (TR-…) or UUID."),
    format: str = typer.Option("pdf", "--format", help="pdf or json."),
    document: str = typer.Option("request", "--document", help="request or answer (json)."),
    agency: str = AGENCY,
    out: Path = typer.Option(..., "--out", help="File to write."),
) -> None:
    """Write a trace request as a formal PDF letter, or the request or answer as JSON."""
    if format not in ("pdf", "json") or document not in ("request", "answer"):
        raise Invalid(_("Use --format pdf|json and --document request|answer."),
                      [{"field": "--format", "value": format}])  # fmt: skip
    with command_session() as session:
        actor = cli_actor(session, agency)
        session.info["actor"] = actor
        tid = _trace_id(session, actor, trace_id)
        if format == "pdf":
            data, _name = pdf.export_pdf(session, actor=actor, trace_id=tid)
            out.write_bytes(data)
        else:
            doc = exchange.export_json(session, actor=actor, trace_id=tid, what=document)
            out.write_text(json.dumps(doc, ensure_ascii=False, indent=2), encoding="utf-8")
    console.print(_("written to %(path)s") % {"path": out})


@app.command("import")
@handle_errors
def import_(
    file: Path = typer.Argument(..., exists=True, dir_okay=False, help="A JSON document."),
    agency: str = AGENCY,
) -> None:
    """Import a trace request addressed to --agency, or the answer to one of its requests."""
    with command_session() as session:
        actor = cli_actor(session, agency)
        session.info["actor"] = actor
        check_size(file, name=file.name, max_bytes=exchange.MAX_BYTES)
        t = exchange.import_document(session, actor=actor, raw=file.read_bytes())
        reference, status, tid = t.reference, t.status, t.uuid
    console.print(
        _("imported %(ref)s (%(id)s), now %(status)s")
        % {"ref": reference, "id": tid, "status": status}
    )


@app.command("list")
@handle_errors
def list_(
    agency: str = AGENCY,
    queue: str = typer.Option("incoming", "--queue", help="incoming or outgoing."),
    overdue: bool = typer.Option(False, "--overdue", help="Only overdue requests."),
) -> None:
    """The agency's incoming or outgoing requests."""
    with command_session() as session:
        actor = cli_actor(session, agency)
        filters = queues.TraceFilter(queue=queue, overdue=overdue)
        rows, _total = queues.list_traces(session, actor=actor, filters=filters, limit=500)
        table = Table(_("id"), _("reference"), _("status"), _("from"), _("to"), _("serial"))
        for t in rows:
            table.add_row(str(t.uuid), t.reference, t.status, t.requester_agency_code,
                          t.recipient_agency_code, t.serial_number)  # fmt: skip
    console.print(table)
