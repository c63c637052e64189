"""Operations behind the indicator pages, API and CLI. Services never commit.

Who is counted: ``sdg_report`` counts what the acting user may see (the one visibility
filter); ``national_sdg_report`` is an administrator's command (the CLI's ``--country``)
that counts what any agency of the country may see, restricted to records owned in that
country — the country's national total.
"""

from __future__ import annotations

import io
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date

from sqlalchemy.orm import Session

from kalibar.agencies.service import agency_codes, list_agencies
from kalibar.audit.service import log_event
from kalibar.auth.actor import Actor
from kalibar.errors import Conflict, Forbidden, Invalid
from kalibar.files import writer as csv_writer
from kalibar.i18n import _
from kalibar.indicators import sdg
from kalibar.records.models import FirearmRecord
from kalibar.sharing.service import group_ids_for, partner_countries
from kalibar.sharing.visibility import can_edit, get_editable, get_visible

ORIGIN_SOURCES = ("tracing", "other")
#: The origin source a person may set by hand; ``tracing`` is set by a trace's answer.
MANUAL_SOURCE = "other"


def sdg_report(session: Session, *, actor: Actor, query: sdg.SdgQuery) -> sdg.SdgReport:
    """SDG 16.4.2 over the records ``actor`` may see."""
    return sdg.compute(session, viewers=[actor], query=query, viewer=actor.agency_code)


def national_viewers(session: Session, *, country: str) -> list[Actor]:
    """One viewer per active agency of ``country``, each with its own sharing rights."""
    country = country.upper()
    partners = partner_countries(session, country)
    return [
        Actor(
            user_id=None,
            username="indicators",
            agency_id=a.id,
            agency_code=a.code,
            country=a.country_code,
            partner_countries=partners,
            group_ids=group_ids_for(session, a.id, a.country_code),
        )
        for a in list_agencies(session, country=country)
        if a.active
    ]


def national_sdg_report(session: Session, *, actor: Actor, query: sdg.SdgQuery) -> sdg.SdgReport:
    """The country's total: an administrator's command, ``query.country`` required."""
    if not actor.is_admin:
        raise Forbidden(_("Administrator role required."))
    if not query.country:
        raise Invalid(_("Give a country for national totals."), [{"field": "country"}])
    viewers = national_viewers(session, country=query.country)
    return sdg.compute(session, viewers=viewers, query=query, viewer=query.country)


def sdg_drilldown(
    session: Session,
    *,
    actor: Actor,
    query: sdg.SdgQuery,
    established: bool | None = None,
    limit: int | None = None,
    offset: int = 0,
) -> list[FirearmRecord]:
    """The arms counted in the denominator (optionally only those (not) established), one
    page of them. The list names records: reading it is in the audit trail, like its CSV
    export."""
    rows = list(
        sdg.drilldown(
            session,
            viewers=[actor],
            query=query,
            established=established,
            limit=limit,
            offset=offset,
        )
    )
    log_event(
        session,
        actor=actor,
        action="read",
        object_type="SDG 16.4.2",
        object_id=f"{query.date_from.isoformat()}/{query.date_to.isoformat()}",
        details={"country": query.country, "agency": query.agency,
                 "established": established, "records": len(rows)},
    )  # fmt: skip
    return rows


def sdg_drilldown_csv(
    session: Session,
    *,
    actor: Actor,
    query: sdg.SdgQuery,
    established: bool | None = None,
) -> Iterator[str]:
    """The drill-down as CSV lines; the export is an event in the audit trail."""
    log_event(
        session,
        actor=actor,
        action="export",
        object_type="SDG 16.4.2",
        object_id=f"{query.date_from.isoformat()}/{query.date_to.isoformat()}",
        details={
            "format": "csv",
            "country": query.country,
            "agency": query.agency,
            "established": established,
        },
    )
    codes = agency_codes(session)
    buf = io.StringIO()
    writer = csv_writer(buf)
    writer.writerow(["record_id", *sdg.DRILL_COLUMNS])
    yield _take(buf)
    for record in sdg.drilldown(session, viewers=[actor], query=query, established=established):
        row = sdg.drill_row(record, codes)
        writer.writerow([row["record_id"], *(row[c] for c in sdg.DRILL_COLUMNS)])
        yield _take(buf)


def _take(buf: io.StringIO) -> str:
    value = buf.getvalue()
    buf.seek(0)
    buf.truncate()
    return value


# ---------------------------------------------------------------- origin of a record


@dataclass(frozen=True)
class Origin:
    record_id: uuid.UUID
    reference: str
    established: bool
    source: str | None
    established_at: date | None
    note: str
    editable: bool


def origin_of(record: FirearmRecord, *, editable: bool) -> Origin:
    return Origin(
        record_id=record.uuid,
        reference=record.reference,
        established=bool(record.origin_established),
        source=record.origin_source,
        established_at=record.origin_established_at,
        note=record.origin_note or "",
        editable=editable,
    )


def get_origin(session: Session, *, actor: Actor, record_id: uuid.UUID) -> Origin:
    record = get_visible(session, FirearmRecord, record_id, actor)
    return origin_of(record, editable=can_edit(record, actor))


def set_origin(
    session: Session,
    *,
    actor: Actor,
    record_id: uuid.UUID,
    established: bool,
    source: str = MANUAL_SOURCE,
    note: str = "",
    today: date | None = None,
) -> Origin:
    """Record that the illicit origin or context was (not) established other than by tracing.

    Owner agency only (the audit hook records the change). Establishing needs a note saying
    on what basis; an origin established by a trace's answer is changed through the trace.
    """
    record = get_editable(session, FirearmRecord, record_id, actor)
    if source != MANUAL_SOURCE:
        raise Invalid(
            _("Only an origin established by other means can be recorded here."),
            [{"field": "source", "value": source}],
        )
    note = note.strip()
    if established and not note:
        raise Invalid(_("Say on what basis the origin was established."), [{"field": "note"}])
    if len(note) > 2000:
        raise Invalid(_("The note is too long."), [{"field": "note"}])
    if record.origin_established and record.origin_source == "tracing":
        raise Conflict(_("The origin was established by tracing; change it through the trace."))
    if established:
        record.origin_established = True
        record.origin_source = MANUAL_SOURCE
        record.origin_established_at = today or date.today()
        record.origin_note = note
    else:
        record.origin_established = False
        record.origin_source = None
        record.origin_established_at = None
        record.origin_note = note
    session.flush()
    return origin_of(record, editable=True)
