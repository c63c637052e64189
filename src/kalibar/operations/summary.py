"""The after-action summary: what the operation did, in figures and in the lead's words,
as a page and as a PDF (``pdf_layout``). Computed for one reader: linked objects they may
not see are counted, never named, exactly as on the workspace.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from uuid import UUID

from sqlalchemy import select
from sqlalchemy.orm import Session

from kalibar.agencies.models import Agency
from kalibar.audit.service import log_event
from kalibar.auth.actor import Actor
from kalibar.clock import moment
from kalibar.i18n import _
from kalibar.operations import labels, links, work
from kalibar.operations.access import get_operation
from kalibar.operations.models import Operation, OperationMember, TaskStatus
from kalibar.pdf_layout import Document


@dataclass(frozen=True)
class Summary:
    op: Operation
    members: list[tuple[OperationMember, str]]
    linked: links.Linked
    by_kind: dict[str, int]
    tasks: list[work.TaskView]
    tasks_by_status: dict[str, int]
    overdue: int
    log: int
    log_by_agency: dict[str, int]


def bars(counts: dict[str, int], words: dict[str, Any] | None = None) -> list[dict[str, Any]]:
    """Bars for the summary's charts (the indicators' bar macro): one scale, widest 100."""
    top = max(counts.values(), default=0)
    return [
        {
            "label": labels.word(words, key) if words else key,
            "total": round(100 * n / top, 2) if top else 0.0,
            "part": None,
            "text": str(n),
            "href": "",
        }
        for key, n in sorted(counts.items())
    ]


def summarise(session: Session, *, actor: Actor, operation_id: UUID) -> Summary:
    op = get_operation(session, actor=actor, operation_id=operation_id)
    codes = {i: c for i, c in session.execute(select(Agency.id, Agency.code))}
    members = [
        (m, codes.get(m.agency_id, ""))
        for m in session.execute(
            select(OperationMember)
            .where(OperationMember.operation_id == op.uuid)
            .order_by(OperationMember.created_at)
        ).scalars()
    ]
    linked = links.visible_links(session, actor=actor, op=op)
    task_views = work.tasks(session, actor=actor, operation_id=op.uuid)
    entries = work.log_entries(session, actor=actor, operation_id=op.uuid, limit=100_000)
    return Summary(
        op=op,
        members=members,
        linked=linked,
        by_kind=dict(Counter(v.kind for v in linked.shown)),
        tasks=task_views,
        tasks_by_status=dict(Counter(t.task.status for t in task_views)),
        overdue=sum(1 for t in task_views if t.overdue),
        log=len(entries),
        log_by_agency=dict(Counter(codes.get(e.author_agency_id or 0, "") for e in entries)),
    )


def render_pdf(session: Session, *, actor: Actor, operation_id: UUID) -> bytes:
    """The after-action summary as a PDF; the export is audited."""
    s = summarise(session, actor=actor, operation_id=operation_id)
    op = s.op
    doc = Document(_("%(ref)s · after-action summary") % {"ref": op.reference})
    doc.headline(
        _("After-action summary") + f" {op.reference}",
        _("Exported %(when)s by %(who)s (%(agency)s).")
        % {"when": moment(datetime.now(UTC)), "who": actor.username, "agency": actor.agency_code},
    )
    doc.row(_("Operation"), op.name)
    doc.row(_("Status"), labels.word(labels.STATUS, op.status))
    doc.row(_("Starts"), op.starts_on)
    doc.row(_("Ends"), op.ends_on)
    doc.row(_("Closed"), op.closed_at)
    doc.para(_("Purpose"), op.purpose)
    doc.para(_("Summary and lessons learned"), op.summary)
    doc.heading(_("Members"))
    doc.grid(
        [_("Agency"), _("Role"), _("Joined"), _("Left")],
        [
            (code, labels.word(labels.ROLE, m.role), m.created_at, m.left_at)
            for m, code in s.members
        ],
        (40, 40, 55, 55),
    )
    doc.heading(_("Linked objects"))
    doc.grid(
        [_("Kind"), _("Object"), _("Linked by"), _("Note")],
        [
            (labels.word(labels.KIND, v.kind), v.label, v.link.linked_by, v.link.note)
            for v in s.linked.shown
        ],
        (30, 75, 35, 50),
    )
    if s.linked.hidden:
        doc.note(_("%(n)d linked objects you may not see are not listed.") % {"n": s.linked.hidden})
    doc.heading(_("Tasks"))
    doc.grid(
        [_("Task"), _("Owner"), _("Due"), _("Status")],
        [
            (t.task.title, t.owner, t.task.due_on, labels.word(labels.TASK_STATUS, t.task.status))
            for t in s.tasks
        ],
        (85, 35, 30, 40),
    )
    doc.row(_("Open tasks"), s.tasks_by_status.get(TaskStatus.open.value, 0))
    doc.row(_("Tasks done"), s.tasks_by_status.get(TaskStatus.done.value, 0))
    doc.row(_("Overdue tasks"), s.overdue)
    doc.row(_("Log entries"), s.log)
    data = doc.pdf_bytes()
    log_event(session, actor=actor, action="export", object_type="Operation",
              object_id=str(op.uuid), details={"format": "pdf", "document": "summary"})  # fmt: skip
    return data
