"""Seizure statistics: counts by any dimension, the monthly trend, totals and what the
viewer may not see — all over the rows the one visibility filter lets the viewer see.

A figure counts **seizures** (a seizure once per value it holds) and **items** (lines of
what was seized: one per firearm, one per lot of ammunition, parts …). Months are those of
the instance's zone (``KALIBAR_TIME_ZONE``): SQL groups the instants by their UTC hour and
each hour is placed in its local month here (23:30 UTC on 31 March is an April seizure in
Sarajevo), so both backends agree without zone support in SQLite (zones of whole hours).

The ``hidden`` figure is how many seizures match the filter but are held by agencies that
do not share them with the viewer: counted, never broken down.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import lru_cache
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from kalibar.agencies.service import agency_codes
from kalibar.analysis.dimensions import (
    DIMENSIONS,
    UNKNOWN,
    Dimension,
    month_words,
    value_words,
)
from kalibar.analysis.filters import (
    StatsFilter,
    has_item_filter,
    item_clauses,
    item_exists,
    seizure_clauses,
    with_items,
)
from kalibar.auth.actor import Actor
from kalibar.clock import reader_zone
from kalibar.errors import Invalid
from kalibar.i18n import _
from kalibar.seizures.models import ItemKind, SeizedItem, Seizure
from kalibar.sharing.visibility import visible_clause

#: Item kinds a calibre is counted for.
CALIBRE_KINDS = (ItemKind.firearm.value, ItemKind.ammunition.value, ItemKind.part.value)


@dataclass
class Row:
    key: str
    label: str
    seizures: int
    items: int


@dataclass
class Figure:
    by: str
    title: str
    rows: list[Row]
    seizures: int = 0
    items: int = 0
    hidden: int = 0
    trend: list[Row] = field(default_factory=list)


def hour_of(session: Session) -> Any:
    """The UTC hour of a seizure as text, ``2026-03-31 22`` (both backends)."""
    if session.get_bind().dialect.name == "postgresql":
        return func.to_char(func.timezone("UTC", Seizure.occurred_at), "YYYY-MM-DD HH24")
    return func.substr(Seizure.occurred_at, 1, 13)


@lru_cache(maxsize=65536)
def _local_month(hour: str, zone: Any) -> str:
    moment = datetime.strptime(hour, "%Y-%m-%d %H").replace(tzinfo=UTC)
    return moment.astimezone(zone).strftime("%Y-%m")


def local_month(when: datetime) -> str:
    """The month of an instant in the instance's zone (tests and alerts use it too)."""
    aware = when if when.tzinfo else when.replace(tzinfo=UTC)
    return aware.astimezone(reader_zone()).strftime("%Y-%m")


def _dimension(by: str) -> Dimension:
    dim = DIMENSIONS.get(by)
    if dim is None:
        raise Invalid(_("Unknown figure or filter."), [{"field": "by", "value": by}])
    return dim


def conditions(actor: Actor, f: StatsFilter, *, seen: bool = True) -> list[Any]:
    conds = seizure_clauses(f)
    if has_item_filter(f):
        conds.append(item_exists(f))
    if seen:
        conds.append(visible_clause(Seizure, actor))
    return conds


def _item_conditions(dim: Dimension | None, f: StatsFilter) -> list[Any]:
    conds = item_clauses(f)
    if dim is not None and dim.level == "record":
        conds.append(SeizedItem.kind == ItemKind.firearm.value)
    if dim is not None and dim.key == "calibre":
        conds.append(SeizedItem.kind.in_(CALIBRE_KINDS))
    return conds


def _key_expr(session: Session, dim: Dimension) -> Any:
    return hour_of(session) if dim.key == "month" else dim.column()


def _fold(pairs: Iterable[tuple[Any, int]], dim: Dimension) -> dict[str, int]:
    """Raw group keys → the dimension's keys (hours → months, lists → their members)."""
    out: dict[str, int] = defaultdict(int)
    zone = reader_zone()
    for raw, n in pairs:
        key = "" if raw is None else str(raw)
        if dim.key == "month":
            out[_local_month(key, zone)] += int(n)
        elif dim.split:
            members = [c.strip() for c in key.split(",") if c.strip()]
            for member in members or [UNKNOWN]:
                out[member] += int(n)
        else:
            out[key or UNKNOWN] += int(n)
    return out


def _counts(
    session: Session, actor: Actor, dim: Dimension, f: StatsFilter
) -> tuple[dict[str, int], dict[str, int]]:
    """Seizures and items per key of ``dim``."""
    key = _key_expr(session, dim)
    conds = conditions(actor, f)
    item_conds = _item_conditions(dim, f)
    if dim.level == "seizure":
        seizures = session.execute(select(key, func.count()).where(*conds).group_by(key)).all()
        items = session.execute(
            with_items(select(key, func.count(SeizedItem.uuid)))
            .where(*conds, *item_conds)
            .group_by(key)
        ).all()
        return _fold(seizures, dim), _fold(items, dim)
    rows = session.execute(
        with_items(select(key, func.count(func.distinct(Seizure.uuid)), func.count()))
        .where(*conds, *item_conds)
        .group_by(key)
    ).all()
    return _fold(((k, s) for k, s, _i in rows), dim), _fold(((k, i) for k, _s, i in rows), dim)


def totals(session: Session, *, actor: Actor, f: StatsFilter) -> tuple[int, int, int]:
    """(seizures seen, items seen, seizures matching but hidden from ``actor``)."""
    seen = int(
        session.execute(
            select(func.count()).select_from(Seizure).where(*conditions(actor, f))
        ).scalar_one()
    )
    everything = int(
        session.execute(
            select(func.count()).select_from(Seizure).where(*conditions(actor, f, seen=False))
        ).scalar_one()
    )
    items = int(
        session.execute(
            with_items(select(func.count(SeizedItem.uuid))).where(
                *conditions(actor, f), *item_clauses(f)
            )
        ).scalar_one()
    )
    return seen, items, max(0, everything - seen)


def _rows(dim: Dimension, seizures: dict[str, int], items: dict[str, int],
          agencies: dict[int, str]) -> list[Row]:  # fmt: skip
    keys = set(seizures) | set(items)
    rows = [
        Row(k, value_words(dim, k, agencies), seizures.get(k, 0), items.get(k, 0)) for k in keys
    ]
    if dim.key == "month":
        return sorted(rows, key=lambda r: r.key)
    return sorted(rows, key=lambda r: (-r.seizures, -r.items, r.label))


def breakdown(session: Session, *, actor: Actor, by: str, f: StatsFilter) -> list[Row]:
    """One figure's rows: every value of ``by`` with its seizures and items."""
    dim = _dimension(by)
    seizures, items = _counts(session, actor, dim, f)
    return _rows(dim, seizures, items, agency_codes(session) if by == "agency" else {})


def fill_months(rows: list[Row]) -> list[Row]:
    """The trend with the months that had nothing (a gap reads as zero, not as absent)."""
    if not rows:
        return rows
    found = {r.key: r for r in rows}
    year, month = (int(p) for p in rows[0].key.split("-"))
    last = rows[-1].key
    out: list[Row] = []
    while True:
        key = f"{year:04d}-{month:02d}"
        out.append(found.get(key) or Row(key, month_words(key), 0, 0))
        if key >= last:
            return out
        year, month = year + (month == 12), month % 12 + 1


def figure(session: Session, *, actor: Actor, by: str, f: StatsFilter) -> Figure:
    """A whole view: the breakdown, the monthly trend, totals and the hidden count."""
    dim = _dimension(by)
    seizures, items, hidden = totals(session, actor=actor, f=f)
    return Figure(
        by=by,
        title=str(dim.title),
        rows=breakdown(session, actor=actor, by=by, f=f),
        seizures=seizures,
        items=items,
        hidden=hidden,
        trend=fill_months(breakdown(session, actor=actor, by="month", f=f)),
    )


__all__ = ["Figure", "Row", "breakdown", "figure", "fill_months", "local_month", "totals"]
