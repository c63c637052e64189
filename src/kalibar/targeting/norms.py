"""What is normal, learned from the office's own recent traffic: the default of screening.

A model carries the HS-heading norms (value and weight per piece, value per kg), the
chapters' description texts and the empirical tail of the distance from the norm that its
training traffic had. Traffic it has never seen (another agency, new goods, prices a year
later) has other norms, and measuring "is this item off for what it claims to be" against
the wrong ones makes everything look off or nothing. So screening measures against the
norms of the agency's own declarations of the ``RECENT_DAYS`` days up to its newest (no labels are
needed: ``Signals.with_traffic``), where a heading or chapter has enough of them, and falls
back to the model's own norms for the rest — wholly so when the agency has fewer than
``MIN_TRAFFIC`` recent items (a new agency, an empty database). What the model learned
from labels (its trees, the text weights, the anomaly weight) does not change.

The API, the page, the CLI import (``screening``) and the batch screen of a file
(``screen.screen_file``: the file is the recent traffic) use the same function,
:func:`with_norms`. Re-learned at most every ``REFRESH_SECONDS`` per agency and model.
"""

from __future__ import annotations

import threading
import time
from dataclasses import replace
from datetime import timedelta
from typing import Any

import polars as pl
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from kalibar.auth.actor import Actor
from kalibar.sharing.visibility import visible
from kalibar.targeting.features import prepare
from kalibar.targeting.fields import COLUMNS
from kalibar.targeting.model import RiskModel
from kalibar.targeting.models import Declaration, DeclarationItem

#: How far back the agency's traffic sets the norms.
RECENT_DAYS = 90
#: Fewer recent items than this: the model's own norms (too little traffic to learn from).
MIN_TRAFFIC = 2_000
#: Most recent items read (the norms need a sample, not every row).
MAX_ITEMS = 200_000
#: Seconds a model with learned norms is reused before the traffic is read again.
REFRESH_SECONDS = 3600.0

_CACHE: dict[tuple[int | None, str], tuple[float, RiskModel]] = {}
_LOCK = threading.Lock()


def item_row(decl: Declaration, item: DeclarationItem, columns: Any = COLUMNS) -> dict[str, str]:
    """One stored item as a row of the file's text columns (``lodged_at`` in ISO form)."""
    row = {c: "" for c in columns}
    for c in columns:
        for source in (decl, item):
            value = getattr(source, c, None)
            if value is not None and c not in ("inspected", "outcome", "lodged_at"):
                row[c] = str(value)
    row["lodged_at"] = decl.lodged_at.strftime("%Y-%m-%dT%H:%M:%SZ")
    return row


def recent_traffic(session: Session, *, actor: Actor, days: int = RECENT_DAYS) -> pl.DataFrame:
    """The agency's declarations of the ``days`` days up to its newest (newest first, at most
    ``MAX_ITEMS`` items) as item rows, read through the visibility filter."""
    newest = session.execute(
        visible(
            select(func.max(Declaration.lodged_at)).where(
                Declaration.owner_agency_id == actor.agency_id
            ),
            Declaration,
            actor,
        )
    ).scalar()
    if newest is None:
        return pl.DataFrame(schema={c: pl.Utf8 for c in COLUMNS})
    since = newest - timedelta(days=days)
    stmt = (
        select(Declaration, DeclarationItem)
        .join(DeclarationItem, DeclarationItem.declaration_uuid == Declaration.uuid)
        .where(Declaration.owner_agency_id == actor.agency_id, Declaration.lodged_at >= since)
        .order_by(Declaration.lodged_at.desc())
        .limit(MAX_ITEMS)
    )
    rows = [item_row(d, i) for d, i in session.execute(visible(stmt, Declaration, actor))]
    return pl.DataFrame(rows, schema={c: pl.Utf8 for c in COLUMNS})


def from_traffic(
    model: RiskModel | None, traffic: pl.DataFrame, *, prepared: bool = False
) -> RiskModel | None:
    """``model`` measuring against the norms of ``traffic`` (item rows, text columns; or
    ``features.prepare``'d when ``prepared``), or ``model`` as it is when it has no carried
    features or the traffic is too small."""
    if model is None or model.signals is None or traffic.height < MIN_TRAFFIC:
        return model
    items = traffic if prepared else prepare(traffic)
    fresh = replace(model, signals=model.signals.with_traffic(items))
    fresh.metadata = {**model.metadata, "norms": "traffic", "norm_items": traffic.height}
    return fresh


def with_norms(session: Session, *, actor: Actor, model: RiskModel | None) -> RiskModel | None:
    """The screening model of ``actor``'s agency: ``model`` with the norms of its recent
    traffic (see the module docstring), cached per agency and model version."""
    if model is None or model.signals is None or actor.agency_id is None:
        return model
    key = (actor.agency_id, model.version)
    now = time.monotonic()
    with _LOCK:
        cached = _CACHE.get(key)
    if cached is not None and now - cached[0] < REFRESH_SECONDS:
        return cached[1]
    fresh = from_traffic(model, recent_traffic(session, actor=actor)) or model
    with _LOCK:
        if len(_CACHE) > 32:
            _CACHE.clear()
        _CACHE[key] = (now, fresh)
    return fresh


def forget() -> None:
    """Drop the cached norms (tests; a process that imported much new traffic)."""
    with _LOCK:
        _CACHE.clear()


__all__ = ["MIN_TRAFFIC", "RECENT_DAYS", "forget", "from_traffic", "recent_traffic", "with_norms"]
