"""``kalibar records add|show|edit|delete|list``: the register from the command line.

The operator acts for ``--agency`` (whose records they may change and whose visibility
applies), like a member of that agency.
"""

from __future__ import annotations

import json
import uuid
from typing import Any

import typer
from rich.table import Table

from kalibar.agencies.service import agency_codes
from kalibar.cli_support import command_session, console, handle_errors
from kalibar.cli_support import operator_actor as cli_actor
from kalibar.errors import Invalid
from kalibar.i18n import _
from kalibar.records import service
from kalibar.records.cli import app
from kalibar.records.fields import STATED, parse_row
from kalibar.records.schemas import RecordOut

#: Where a flag is shorter than its column.
FLAGS = {
    "serial_number": "--serial",
    "country_of_manufacture": "--country",
    "year_of_manufacture": "--year",
}
AGENCY = typer.Option(..., help="Act for this agency (e.g. BA-UIO).")
#: Options of ``add`` and ``edit``: the import columns, as flags.
FIELDS = STATED


def _parse(given: dict[str, str | None], *, require_status: bool) -> dict[str, Any]:
    """Run the same field rules as forms and imports; name every bad option."""
    raw = {k: v for k, v in given.items() if v is not None}
    if not require_status and "status" not in raw:
        raw["status"] = "seized"  # placeholder so the shared rules run; dropped below
    parsed = parse_row(raw)
    if parsed.errors:
        raise Invalid(
            _("Some values are not valid."),
            [
                {"field": "--" + e.field.replace("_", "-"), "reason": e.message, "value": e.value}
                for e in parsed.errors
            ],
        )
    return {k: parsed.values[k] for k in given if given[k] is not None and k in parsed.values}


def _print(record: Any, codes: dict[int, str], as_json: bool) -> None:
    out = RecordOut.of(record, codes)
    if as_json:
        typer.echo(out.model_dump_json(indent=2))
        return
    table = Table(show_header=False)
    for key, value in out.model_dump().items():
        table.add_row(key, "" if value is None else str(value))
    console.print(table)


@app.command("add")
@handle_errors
def add(
    agency: str = AGENCY,
    status: str = typer.Option(
        ..., help="lost, stolen, trafficked, smuggled, seized, found, surrendered or destroyed."
    ),
    weapon_type: str = typer.Option(None),
    make: str = typer.Option(None),
    model: str = typer.Option(None),
    calibre: str = typer.Option(None),
    serial: str = typer.Option(None, "--serial", help="Serial number as written."),
    country: str = typer.Option(None, "--country", help="Country of manufacture."),
    year: str = typer.Option(None, "--year", help="Year of manufacture."),
    event_date: str = typer.Option(None),
    event_place: str = typer.Option(None),
    case_reference: str = typer.Option(None),
    notes: str = typer.Option(None),
    distribution: str = typer.Option("national", help="agency, national or partners."),
    allow_duplicate: bool = typer.Option(False, help="Save even if a likely duplicate exists."),
    as_json: bool = typer.Option(False, "--json"),
) -> None:
    """Record a firearm (a likely duplicate is refused unless --allow-duplicate)."""
    values = _parse(
        {
            "status": status,
            "weapon_type": weapon_type,
            "make": make,
            "model": model,
            "calibre": calibre,
            "serial_number": serial,
            "country_of_manufacture": country,
            "year_of_manufacture": year,
            "event_date": event_date,
            "event_place": event_place,
            "case_reference": case_reference,
            "notes": notes,
        },
        require_status=True,
    )
    with command_session() as session:
        actor = cli_actor(session, agency)
        session.info["actor"] = actor
        record = service.create_record(
            session,
            actor=actor,
            data=service.RecordData(**values),
            distribution=distribution,
            allow_duplicate=allow_duplicate,
        )
        session.flush()
        _print(record, agency_codes(session), as_json)


@app.command("show")
@handle_errors
def show(
    record_id: uuid.UUID, agency: str = AGENCY, as_json: bool = typer.Option(False, "--json")
) -> None:
    """Show one record the agency may see (the read is audited)."""
    with command_session() as session:
        actor = cli_actor(session, agency)
        record = service.get_record(session, actor=actor, record_id=record_id)
        service.log_record_read(session, actor=actor, record=record)
        _print(record, agency_codes(session), as_json)


@app.command("edit")
@handle_errors
def edit(
    record_id: uuid.UUID,
    agency: str = AGENCY,
    set_: list[str] = typer.Option(
        ..., "--set", help="FIELD=VALUE; repeat. Fields: " + ", ".join(FIELDS)
    ),
) -> None:
    """Change fields of a record the agency owns."""
    given: dict[str, str | None] = {}
    for item in set_:
        key, sep, value = item.partition("=")
        if not sep or key not in FIELDS:
            raise Invalid(
                _("Use --set FIELD=VALUE with a known field."), [{"field": "--set", "value": item}]
            )
        given[key] = value
    changes = _parse(given, require_status="status" in given)
    with command_session() as session:
        actor = cli_actor(session, agency)
        session.info["actor"] = actor
        record = service.update_record(session, actor=actor, record_id=record_id, changes=changes)
        console.print(
            _("%(ref)s changed: %(fields)s")
            % {"ref": record.reference, "fields": ", ".join(sorted(changes))}
        )


@app.command("delete")
@handle_errors
def delete(record_id: uuid.UUID, agency: str = AGENCY) -> None:
    """Soft-delete a record the agency owns (a tombstone; the history stays)."""
    with command_session() as session:
        actor = cli_actor(session, agency)
        session.info["actor"] = actor
        service.delete_record(session, actor=actor, record_id=record_id)
    console.print(_("record %(id)s deleted") % {"id": record_id})


@app.command("list")
@handle_errors
def list_(
    agency: str = AGENCY,
    q: str = typer.Option(None, help="Serial, make, model or reference."),
    status: str = typer.Option(None),
    make: str = typer.Option(None),
    limit: int = typer.Option(50, min=1, max=500),
    as_json: bool = typer.Option(False, "--json"),
) -> None:
    """List the records the agency may see, newest first."""
    with command_session() as session:
        actor = cli_actor(session, agency)
        rows, _next = service.list_records(
            session,
            actor=actor,
            filters=service.RecordFilter(q=q, status=status, make=make),
            limit=limit,
        )
        codes = agency_codes(session)
        items = [RecordOut.of(r, codes) for r in rows]
    if as_json:
        typer.echo(json.dumps([i.model_dump(mode="json") for i in items], ensure_ascii=False))
        return
    table = Table("reference", "status", "make", "model", "calibre", "serial", "agency")
    for i in items:
        table.add_row(
            i.reference, i.status, i.make, i.model, i.calibre, i.serial_number, i.owner_agency
        )
    console.print(table)
