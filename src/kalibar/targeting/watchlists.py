"""Watchlist operations: add, import a CSV, list, and the entries a screening may use.

Visibility decision: a screening run for an agency uses exactly the entries that agency
may *see* (``sharing.visibility``): its own entries of any distribution, ``national`` and
``partners`` entries of its country, ``partners`` entries of partner countries and
``group`` entries of its groups. An entry kept at ``agency`` level by one agency is never
used to screen another agency's declarations (it would leak through the reasons).
Only active, not deleted entries are used.
"""

from __future__ import annotations

import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from kalibar.auth.actor import Actor
from kalibar.db.base import Distribution
from kalibar.errors import Forbidden, Invalid
from kalibar.files import check_size, file_limits, header_detail, open_checked, problem_of
from kalibar.i18n import _
from kalibar.records.fields import FieldError, parse_country
from kalibar.sharing.visibility import visible
from kalibar.targeting.names import KINDS, WatchEntry
from kalibar.targeting.watchlist_models import WatchlistEntry

CSV_COLUMNS = ("kind", "name", "country", "note")


@dataclass(frozen=True)
class EntryInput:
    kind: str
    name: str
    country: str = ""
    note: str = ""


def _parse(raw: dict[str, str]) -> EntryInput:
    kind = (raw.get("kind") or "").strip().lower()
    if kind not in KINDS:
        raise FieldError("kind", _("one of: %(kinds)s") % {"kinds": ", ".join(KINDS)}, kind)
    name = (raw.get("name") or "").strip()
    if not name:
        raise FieldError("name", _("required"), name)
    if len(name) > 300:
        raise FieldError("name", _("too long (at most 300 characters)"), name[:40])
    country = parse_country("country", raw.get("country") or "") or ""
    note = (raw.get("note") or "").strip()[:500]
    return EntryInput(kind, name, country, note)


def _check_writer(actor: Actor) -> int:
    if actor.agency_id is None:
        raise Forbidden(_("a watchlist entry belongs to an agency; act for one"))
    return actor.agency_id


def _check_distribution(distribution: str) -> str:
    allowed = [d.value for d in Distribution]
    if distribution not in allowed:
        raise Invalid(
            _("unknown distribution"),
            [{"column": "distribution", "value": distribution, "reason": ", ".join(allowed)}],
        )
    return distribution


def add_entry(
    session: Session,
    *,
    actor: Actor,
    kind: str,
    name: str,
    country: str = "",
    note: str = "",
    distribution: str = Distribution.agency.value,
) -> WatchlistEntry:
    """One new entry owned by the actor's agency (not committed)."""
    agency_id = _check_writer(actor)
    try:
        parsed = _parse({"kind": kind, "name": name, "country": country, "note": note})
    except FieldError as exc:
        raise Invalid(
            _("invalid watchlist entry"),
            [{"column": exc.field, "value": exc.value, "reason": exc.message}],
        ) from exc
    entry = WatchlistEntry(
        kind=parsed.kind,
        name=parsed.name,
        country=parsed.country,
        note=parsed.note,
        owner_agency_id=agency_id,
        owner_country=actor.country,
        distribution=_check_distribution(distribution),
    )
    session.add(entry)
    session.flush()
    return entry


def _missing_columns(header: list[str]) -> list[dict[str, Any]]:
    names = {h.strip().lower() for h in header}
    return [
        header_detail(c, "", _("required column is missing"))
        for c in ("kind", "name")
        if c not in names
    ]


def read_csv(source: Path | str) -> list[EntryInput]:
    """Parse a watchlist file (``kind,name,country,note``; CSV in any of the region's
    encodings, XLSX or JSON, read by the shared table reader); any bad row rejects the
    file."""
    if isinstance(source, str):
        with tempfile.TemporaryDirectory(prefix="kalibar-watchlist-") as tmp:
            path = Path(tmp) / "watchlist.csv"
            path.write_text(source, encoding="utf-8")
            return read_csv(path)
    check_size(source, name=source.name, max_bytes=file_limits().document_bytes)
    table = open_checked(source, _missing_columns)
    out: list[EntryInput] = []
    errors: list[dict[str, Any]] = []
    for number, raw in table.rows():
        if (bad := problem_of(raw)) is not None:
            column, reason = bad
            errors.append({"row": number, "column": column, "value": "", "reason": reason})
            continue
        try:
            out.append(_parse({k.strip().lower(): v or "" for k, v in raw.items() if k}))
        except FieldError as exc:
            errors.append(
                {
                    "row": number,
                    "column": exc.field,
                    "value": exc.value[:100],
                    "reason": exc.message,
                }
            )
    if errors:
        raise Invalid(_("%(n)d bad rows; nothing imported") % {"n": len(errors)}, errors)
    return out


def import_entries(
    session: Session,
    *,
    actor: Actor,
    rows: Sequence[EntryInput],
    distribution: str = Distribution.agency.value,
) -> int:
    """Add parsed rows as entries of the actor's agency; returns how many (not committed)."""
    agency_id = _check_writer(actor)
    _check_distribution(distribution)
    session.add_all(
        WatchlistEntry(
            kind=r.kind,
            name=r.name,
            country=r.country,
            note=r.note,
            owner_agency_id=agency_id,
            owner_country=actor.country,
            distribution=distribution,
        )
        for r in rows
    )
    session.flush()
    return len(rows)


def list_entries(
    session: Session, *, actor: Actor, kind: str | None = None, limit: int = 1000
) -> list[WatchlistEntry]:
    """Entries the actor may see, newest first."""
    stmt = select(WatchlistEntry)
    if kind:
        stmt = stmt.where(WatchlistEntry.kind == kind)
    stmt = visible(stmt, WatchlistEntry, actor).order_by(WatchlistEntry.created_at.desc())
    return list(session.execute(stmt.limit(limit)).scalars())


def entries_for_screening(session: Session, *, actor: Actor) -> list[WatchEntry]:
    """Active entries visible to the screening agency (see the module docstring)."""
    stmt = visible(
        select(
            WatchlistEntry.uuid, WatchlistEntry.kind, WatchlistEntry.name, WatchlistEntry.country
        ).where(WatchlistEntry.active.is_(True)),
        WatchlistEntry,
        actor,
    )
    return [
        WatchEntry(kind=k, name=n, country=c or "", entry_id=str(u))
        for u, k, n, c in session.execute(stmt)
    ]


__all__ = [
    "CSV_COLUMNS",
    "EntryInput",
    "add_entry",
    "entries_for_screening",
    "import_entries",
    "list_entries",
    "read_csv",
]
