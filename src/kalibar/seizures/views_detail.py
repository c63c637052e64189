"""The seizure page: event, items with their hits, people, steps, custody, evidence,
hand-overs and history — and the actions on it that re-render it with errors."""

from __future__ import annotations

import base64
import json
import uuid
from collections.abc import Callable
from datetime import UTC, date, datetime
from itertools import groupby
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy.orm import Session

from kalibar.agencies.service import agency_codes, list_agencies
from kalibar.auth.actor import Actor
from kalibar.errors import KalibarError
from kalibar.i18n import current_language
from kalibar.records.suggestions import catalogue_choices
from kalibar.seizures import custody, evidence, forms, pdf, procedures, service
from kalibar.seizures.listing import item_summary
from kalibar.seizures.models import Seizure
from kalibar.seizures.views_common import form_of, page
from kalibar.sharing.visibility import can_edit
from kalibar.web.deps import CurrentActor, Db

router = APIRouter(prefix="/seizures", include_in_schema=False)


def _history(db: Session, actor: Actor, seizure_id: uuid.UUID) -> list[tuple[Any, dict]]:
    out = []
    for e in service.seizure_history(db, actor=actor, seizure_id=seizure_id, audited=False):
        try:
            changes = json.loads(e.changes) if isinstance(e.changes, str) else {}
        except ValueError:
            changes = {}
        out.append((e, changes if isinstance(changes, dict) else {}))
    return out


def _thumbnails(db: Session, actor: Actor, files: list[Any]) -> dict[uuid.UUID, str]:
    """Thumbnails inlined as data URLs: one request per page, not one per picture (each
    file read is audited, and parallel requests would race for the audit chain)."""
    out: dict[uuid.UUID, str] = {}
    for ef in files:
        if not ef.has_thumbnail:
            continue
        try:
            _ef, path = evidence.open_evidence(db, actor=actor, evidence_id=ef.uuid, thumbnail=True)
        except KalibarError:
            continue  # a missing thumbnail is shown as a plain link
        out[ef.uuid] = "data:image/jpeg;base64," + base64.b64encode(path.read_bytes()).decode()
    return out


def detail_context(db: Session, actor: Actor, seizure_id: uuid.UUID) -> dict[str, Any]:
    s: Seizure = service.get_seizure(db, actor=actor, seizure_id=seizure_id)
    items = [i for i in s.items if i.deleted_at is None]
    hits = service.item_hits(db, actor=actor, seizure=s)
    records = service.visible_records(db, actor, (i.record_id for i in items if i.record_id))
    chains = {i.uuid: custody.custody_chain(db, actor=actor, item_id=i.uuid) for i in items}
    lang = current_language()
    now = datetime.now(UTC)
    groups = []
    for code, steps in groupby(s.steps, key=lambda st: st.procedure_code):
        rows = [(st, procedures.step_title(st, lang), st.is_overdue(now)) for st in steps]
        groups.append((code, procedures.procedure_name(code, lang, db), rows))
    handovers = service.handovers_of(db, actor=actor, seizure_id=seizure_id)
    files = evidence.list_evidence(db, actor=actor, seizure_id=seizure_id)
    editable = can_edit(s, actor) and s.status == "open"
    codes = agency_codes(db)
    return {
        "s": s,
        "items": items,
        "summary": item_summary(s),
        "hits": hits,
        "hit_count": sum(len(hits.get(i.record_id, [])) for i in items if i.record_id),
        "records": records,
        "chains": chains,
        "chain_problems": {k: custody.verify_custody(v) for k, v in chains.items() if v},
        "may_append": custody.may_append(db, s, actor),
        "step_groups": groups,
        "step_titles": {st.uuid: title for _c, _n, rows in groups for st, title, _o in rows},
        "open_required": procedures.open_required_steps(s),
        "involvements": sorted(s.involvements, key=lambda v: (v.role, v.entity.name)),
        "evidence": files,
        "thumbnails": _thumbnails(db, actor, files),
        "human_size": evidence.human_size,
        "handovers": handovers,
        "pending": next((h for h in handovers if h.status == "pending"), None),
        "history": _history(db, actor, seizure_id),
        "agency_codes": codes,
        "handover_agencies": [a for a in list_agencies(db) if a.id != s.owner_agency_id],
        "editable": editable,
        "owner": can_edit(s, actor),
        "now_input": forms.datetime_input(forms.local_now()),
        "today": date.today(),
        **catalogue_choices(),
    }


def detail_page(
    request: Request,
    db: Db,
    actor: Actor,
    seizure_id: uuid.UUID,
    status: int = 200,
    **extra: Any,
) -> Response:
    ctx = detail_context(db, actor, seizure_id)
    if status == 200:
        service.log_seizure_read(db, actor=actor, seizure=ctx["s"])
    ctx.update({"errors": {}, "values": {}, "message": ""})
    ctx.update(extra)
    return page(request, "seizures/detail.html", ctx, status)


def act(
    request: Request,
    db: Db,
    actor: Actor,
    seizure_id: uuid.UUID,
    run: Callable[[], object],
    *,
    section: str,
    values: dict[str, Any] | None = None,
    anchor: str = "",
    errors: dict[str, str] | None = None,
) -> Response:
    """Run one change in a savepoint: on refusal nothing stays and the page shows why
    next to the form (``section``) that was sent."""
    if errors:
        return detail_page(
            request,
            db,
            actor,
            seizure_id,
            422,
            errors={section: errors},
            values={section: values or {}},
        )
    try:
        with db.begin_nested():
            run()
    except KalibarError as exc:
        if exc.status in (401, 404):
            raise
        return detail_page(
            request,
            db,
            actor,
            seizure_id,
            exc.status,
            errors={section: forms.error_map(exc)},
            values={section: values or {}},
        )
    target = f"/seizures/{seizure_id}" + (f"#{anchor or section}")
    return RedirectResponse(target, status_code=303)


@router.get("/{seizure_id}")
def detail(seizure_id: uuid.UUID, request: Request, db: Db, actor: CurrentActor) -> Response:
    return detail_page(request, db, actor, seizure_id)


@router.post("/{seizure_id}/items")
def add_item(seizure_id: uuid.UUID, request: Request, db: Db, actor: CurrentActor) -> Response:
    form = form_of(request)
    errors: dict[str, str] = {}
    line = forms.text(form, "line")
    values = {k: forms.text(form, k) for k in form if k != "csrf_token"}
    if line == "firearm":
        item = forms.firearm_item(form, errors, default_date=None, place="")
    else:
        row = {c: forms.text(form, f"ot_{c}") for c in forms.OTHER_COLUMNS}
        item = forms.other_item(row, 0, errors)
    section = "items"

    def run() -> None:
        assert item is not None
        service.add_item(db, actor=actor, seizure_id=seizure_id, data=item)

    return act(request, db, actor, seizure_id, run, section=section, values=values, errors=errors)


@router.post("/{seizure_id}/items/{item_id}/remove")
def remove_item(
    seizure_id: uuid.UUID, item_id: uuid.UUID, request: Request, db: Db, actor: CurrentActor
) -> Response:
    return act(
        request,
        db,
        actor,
        seizure_id,
        lambda: service.remove_item(db, actor=actor, item_id=item_id),
        section="items",
    )


@router.post("/{seizure_id}/close")
def close(seizure_id: uuid.UUID, request: Request, db: Db, actor: CurrentActor) -> Response:
    return act(
        request,
        db,
        actor,
        seizure_id,
        lambda: service.close_seizure(db, actor=actor, seizure_id=seizure_id),
        section="close",
        anchor="top",
    )


def _pdf(content: bytes, filename: str) -> Response:
    headers = {"Content-Disposition": f'attachment; filename="{filename}"'}
    return Response(content, media_type="application/pdf", headers=headers)


@router.get("/{seizure_id}/report.pdf")
def report(seizure_id: uuid.UUID, db: Db, actor: CurrentActor) -> Response:
    s = service.get_seizure(db, actor=actor, seizure_id=seizure_id)
    content = pdf.render_report(db, actor=actor, seizure_id=seizure_id)
    return _pdf(content, f"{s.reference}.pdf")


@router.get("/{seizure_id}/items/{item_id}/custody.pdf")
def custody_form(
    seizure_id: uuid.UUID, item_id: uuid.UUID, db: Db, actor: CurrentActor
) -> Response:
    s = service.get_seizure(db, actor=actor, seizure_id=seizure_id)
    content = pdf.render_custody_form(db, actor=actor, item_id=item_id)
    return _pdf(content, f"{s.reference}-custody.pdf")
