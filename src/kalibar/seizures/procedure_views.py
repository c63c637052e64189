"""Admin page: the procedure templates, each edited as YAML and checked before saving."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response

from kalibar.errors import Conflict, KalibarError
from kalibar.i18n import _, current_language
from kalibar.seizures import procedure_templates as templates
from kalibar.seizures.models import ProcedureTemplate
from kalibar.web.deps import AdminActor, Db
from kalibar.web.templating import render

router = APIRouter(prefix="/admin/procedures", include_in_schema=False)

NEW_SKELETON = """code: new_procedure
name:
  en: New procedure
applies_to:
  contexts: []
  item_kinds: []
steps:
  - code: first_step
    title:
      en: First step
    role: officer
    required: true
    requires: []
    due_hours: 24
"""


def _rows(db: Db) -> list[dict[str, Any]]:
    language = current_language()
    out = []
    for row in templates.list_templates(db):
        try:
            parsed: templates.Template | None = templates.parse_template(row.body)
        except KalibarError:
            parsed = None
        out.append(
            {
                "row": row,
                "name": parsed.name_in(language) if parsed else row.code,
                "steps": len(parsed.steps) if parsed else 0,
                "packaged": row.code in dict(templates.package_bodies()),
            }
        )
    return out


def _page(
    request: Request,
    db: Db,
    *,
    edit: str = "",
    text: str | None = None,
    active: bool = True,
    message: str = "",
    errors: list[dict[str, Any]] | None = None,
    status: int = 200,
) -> Response:
    rows = _rows(db)
    current = next((r["row"] for r in rows if r["row"].code == edit), None)
    if text is None:
        if current is not None:
            text, active = current.body, current.active
        elif edit == "new":
            text = NEW_SKELETON
    notice = {"saved": _("Saved."), "reset": _("The package's version is back.")}.get(
        request.query_params.get("done", ""), ""
    )
    return render(
        request,
        "seizures/procedures_admin.html",
        {
            "rows": rows,
            "edit": edit,
            "is_new": edit == "new",
            "text": text,
            "active": active,
            "message": message,
            "errors": errors or [],
            "notice": notice,
        },
        status,
    )


@router.get("")
def procedures_page(request: Request, db: Db, actor: AdminActor, edit: str = "") -> Response:
    return _page(request, db, edit=edit)


@router.post("")
def procedures_save(request: Request, db: Db, actor: AdminActor) -> Response:
    form = request.state.form
    text = str(form.get("body") or "")
    active = bool(form.get("active"))
    code = str(form.get("code") or "").strip()
    edit = str(form.get("edit") or code)

    def refused(exc: KalibarError) -> Response:
        """The form again, as sent, with the reason."""
        return _page(
            request,
            db,
            edit=edit,
            text=text,
            active=active,
            message=exc.message,
            errors=exc.details,
            status=exc.status,
        )

    if not code:  # a new procedure: the code is the one in the text
        try:
            code = templates.parse_template(text).code
        except KalibarError as exc:
            return refused(exc)
    try:
        if edit == "new" and db.get(ProcedureTemplate, code) is not None:
            raise Conflict(
                _("A procedure with the code %(code)s exists already.") % {"code": code},
                [{"field": "code", "value": code}],
            )
        templates.save_template(db, actor=actor, code=code, body=text, active=active)
    except KalibarError as exc:
        db.rollback()
        return refused(exc)
    return RedirectResponse(f"/admin/procedures?edit={code}&done=saved", status_code=303)


@router.post("/reset")
def procedures_reset(request: Request, db: Db, actor: AdminActor) -> Response:
    code = str(request.state.form.get("code") or "")
    try:
        templates.reset_template(db, actor=actor, code=code)
    except KalibarError as exc:
        db.rollback()
        return _page(request, db, edit=code, message=exc.message, status=exc.status)
    return RedirectResponse(f"/admin/procedures?edit={code}&done=reset", status_code=303)
