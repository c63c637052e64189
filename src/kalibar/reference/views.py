"""Admin page: the catalogue, and the form that extends it."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response

from kalibar.errors import KalibarError
from kalibar.labels import vocabulary
from kalibar.reference import service
from kalibar.web.deps import AdminActor, Db
from kalibar.web.templating import render

router = APIRouter(prefix="/admin/catalogue", include_in_schema=False)


def _page(
    request: Request, db: Db, q: str, kind: str, error: str = "", status: int = 200
) -> Response:
    return render(
        request,
        "admin/catalogue.html",
        {
            "entries": service.list_entries(db, kind=kind or None, q=q or None),
            "additions": service.list_entries(db, source="admin"),
            "q": q,
            "kind": kind,
            "kinds": service.KINDS,
            "error": error,
            "weapon_types": [(c, str(word)) for c, word in vocabulary("weapon_type").items()],
        },
        status,
    )


@router.get("")
def catalogue(request: Request, db: Db, actor: AdminActor, q: str = "", kind: str = "") -> Response:
    return _page(request, db, q, kind)


@router.post("")
def add(request: Request, db: Db, actor: AdminActor) -> Response:
    form = request.state.form
    lines = lambda key: [x for x in str(form.get(key) or "").splitlines() if x.strip()]  # noqa: E731
    try:
        service.add_entry(
            db,
            actor=actor,
            kind=str(form.get("kind") or ""),
            name=str(form.get("name") or ""),
            make=str(form.get("make") or ""),
            country=str(form.get("country") or "") or None,
            weapon_type=str(form.get("weapon_type") or "") or None,
            calibres=lines("calibres"),
            aliases=lines("aliases"),
        )
    except KalibarError as exc:
        db.rollback()
        return _page(request, db, "", "", exc.message, exc.status)
    return RedirectResponse("/admin/catalogue", status_code=303)
