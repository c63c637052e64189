"""Every ORM listener the application runs on, installed here and only here.

Domain modules define their listeners and never register them on import: whether the
custody guard or the hit detector is on must not depend on what a process happened to
import. The listeners sit on the ``Session`` class, so installing once per process covers
every engine and session factory; :func:`install` is idempotent.

The order is the order of :data:`LISTENERS`, and it matters for ``before_flush``:

1. the hit detector adds hit rows for new or changed records, so that
2. the custody guard refuses a change to an append-only custody event before anything of
   the flush is recorded,
3. the federation outbox numbers every shareable change (and refuses a local change to an
   object received from a peer) before
4. the audit hook records every remaining change, the hits of step 1 included.

``after_flush``/``before_commit``/``after_commit`` listeners (the hit inbox, the targeting
caches' freshness, the early-warning check of saved involvements) only read what was
written and do not depend on each other.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import event
from sqlalchemy.orm import Session

from kalibar.analysis import triggers as analysis_triggers
from kalibar.audit import hooks as audit_hooks
from kalibar.federation import outbox as federation_outbox
from kalibar.matching import hits
from kalibar.seizures import custody
from kalibar.targeting import freshness


@dataclass(frozen=True)
class Listener:
    name: str
    event: str
    fn: Callable[..., Any]


#: In installation (and, per event, calling) order.
LISTENERS: tuple[Listener, ...] = (
    Listener("hit detector", "before_flush", hits.before_flush),
    Listener("hit inbox", "after_commit", hits.after_commit),
    Listener("hit inbox", "after_rollback", hits.after_rollback),
    Listener("custody guard", "before_flush", custody.before_flush),
    Listener("custody guard", "do_orm_execute", custody.do_orm_execute),
    Listener("federation outbox", "before_flush", federation_outbox.before_flush),
    Listener("audit trail", "before_flush", audit_hooks.before_flush),
    Listener("targeting freshness", "after_flush", freshness.after_flush),
    Listener("targeting freshness", "after_commit", freshness.after_commit),
    Listener("targeting freshness", "after_rollback", freshness.after_rollback),
    Listener("early warning on save", "after_flush", analysis_triggers.after_flush),
    Listener("early warning on save", "before_commit", analysis_triggers.before_commit),
    Listener("early warning on save", "after_rollback", analysis_triggers.after_rollback),
)


def install() -> None:
    """Register every listener on every session, once per process, in the order above."""
    for listener in LISTENERS:
        if not event.contains(Session, listener.event, listener.fn):
            event.listen(Session, listener.event, listener.fn)


def installed() -> list[str]:
    """Names of the listeners registered now (the listener test reads it)."""
    return [ln.name for ln in LISTENERS if event.contains(Session, ln.event, ln.fn)]
