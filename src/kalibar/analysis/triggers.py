"""Early warning right after a save, where it is cheap.

When a unit of work involves entities in seizures (a person, company, vehicle or phone
added to a seizure, by the page, the API or an import), the same-identifier detector runs
for those entities' keys before the commit — index look-ups, in the same transaction, so
the alert and the save are one. Everything else (plates typed on seizures, declarations,
routes, rising makes, red consignees) is for the full run (`kalibar analysis alerts run`,
e.g. nightly and after a declaration import). Installed by ``kalibar.app.listeners``.
"""

from __future__ import annotations

from typing import Any
from uuid import UUID

from sqlalchemy.orm import Session

from kalibar.analysis import alerts
from kalibar.seizures.models import Involvement

KEY = "kalibar_analysis_involved"


def after_flush(session: Session, _ctx: Any) -> None:
    for obj in session.new:
        if isinstance(obj, Involvement):
            session.info.setdefault(KEY, set()).add(obj.entity_id)


def before_commit(session: Session) -> None:
    ids: set[UUID] | None = session.info.pop(KEY, None)
    if ids:
        alerts.run_for_entities(session, entity_ids=ids)


def after_rollback(session: Session) -> None:
    session.info.pop(KEY, None)
