"""Model versions for administrators: ``/targeting/models`` — every trained model with its
held-out figures and its comparison with the active one on the newest period, the
decision (activate, reject, roll back; a reason is required, the change is audited), and
the drift of the screenings (score distribution and hit rate per month)."""

from __future__ import annotations

import json
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response

from kalibar.errors import KalibarError
from kalibar.i18n import _
from kalibar.targeting import model_versions
from kalibar.targeting.model import active_version
from kalibar.web.deps import AdminActor, Db
from kalibar.web.templating import render

page_router = APIRouter(prefix="/targeting/models", include_in_schema=False)


def status_labels() -> dict[str, str]:
    return {
        "candidate": _("candidate — waits for a decision"),
        "active": _("active — screens"),
        "retired": _("retired"),
        "rejected": _("rejected"),
    }


def page(request: Request, db: Db, actor: AdminActor, status: int = 200, **extra: Any) -> Response:
    rows = model_versions.list_versions(db)
    context: dict[str, Any] = {
        "versions": [
            {
                "row": r,
                "metrics": json.loads(r.metrics or "{}"),
                "comparison": json.loads(r.comparison or "{}"),
            }
            for r in rows
        ],
        "screening": active_version(),
        "labels": status_labels(),
        "drift": model_versions.drift(db, actor=actor),
        "bands": model_versions.SCORE_BANDS,
        "notice": _("Decision saved.") if request.query_params.get("saved") else "",
        "error": "",
    }
    context.update(extra)
    return render(request, "targeting/models.html", context, status)


@page_router.get("")
def models_page(request: Request, db: Db, actor: AdminActor) -> Response:
    return page(request, db, actor)


@page_router.post("/decide")
def decide(request: Request, db: Db, actor: AdminActor) -> Response:
    form = request.state.form
    action = str(form.get("action") or "")
    version = str(form.get("version") or "")
    note = str(form.get("note") or "")
    try:
        if action == "activate":
            model_versions.activate(db, actor=actor, version=version, note=note)
        elif action == "reject":
            model_versions.reject(db, actor=actor, version=version, note=note)
        elif action == "rollback":
            model_versions.rollback(db, actor=actor, note=note)
        else:
            return page(request, db, actor, 422, error=_("Choose a decision."))
    except KalibarError as exc:
        db.rollback()
        return page(request, db, actor, exc.status, error=exc.message)
    return RedirectResponse("/targeting/models?saved=1", status_code=303)
