"""Rule sets for administrators: ``/targeting/rules`` (editor, back-test, activate) and
``/api/v1/targeting/rules`` (GET the active set, POST save, back-test, activate)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from fastapi import APIRouter, File, Form, Request, UploadFile
from fastapi.responses import RedirectResponse, Response
from pydantic import BaseModel, Field
from starlette.datastructures import UploadFile as StarletteUpload

from kalibar.bounds import Version
from kalibar.errors import Invalid, KalibarError
from kalibar.i18n import _
from kalibar.targeting import lane_rates, rules_store
from kalibar.targeting.hygiene import flag_text, source_text
from kalibar.targeting.lanes import DEFAULT_CAPACITY
from kalibar.targeting.rule_models import RuleSet
from kalibar.web.deps import AdminActor, Db
from kalibar.web.templating import render

api_router = APIRouter(prefix="/targeting/rules", tags=["targeting"])
page_router = APIRouter(prefix="/targeting/rules", include_in_schema=False)


class RuleSetOut(BaseModel):
    source: str  # "database" or "starter"
    version: int | None
    active: bool
    rule_count: int
    yaml: str
    saved_by: str = ""
    activated_by: str = ""


class RuleSetIn(BaseModel):
    yaml: str = Field(min_length=1, max_length=rules_store.MAX_TEXT)


class ActivateIn(BaseModel):
    version: Version


def _out(row: RuleSet) -> RuleSetOut:
    return RuleSetOut(
        source="database",
        version=row.version,
        active=row.active,
        rule_count=row.rule_count,
        yaml=row.yaml_text,
        saved_by=row.saved_by,
        activated_by=row.activated_by,
    )


# ------------------------------------------------------------------ API


@api_router.get("", response_model=RuleSetOut)
def get_active(db: Db, actor: AdminActor) -> RuleSetOut:
    row = rules_store.active_set(db, actor.agency_id) if actor.agency_id is not None else None
    if row is not None:
        return _out(row)
    text = rules_store.starter_text()
    return RuleSetOut(
        source="starter",
        version=None,
        active=True,
        rule_count=len(rules_store.check(text)),
        yaml=text,
    )


@api_router.post("", response_model=RuleSetOut, status_code=201)
def post_save(body: RuleSetIn, db: Db, actor: AdminActor) -> RuleSetOut:
    return _out(rules_store.save(db, actor=actor, text=body.yaml))


@api_router.post("/backtest")
def post_backtest(
    actor: AdminActor,
    db: Db,
    file: UploadFile = File(...),  # noqa: B008
    yaml: str = Form(""),
    version: Version | None = Form(None),
) -> dict[str, Any]:
    if yaml:
        text = yaml
    elif version is not None:
        text = rules_store.get_version(db, actor=actor, version=version).yaml_text
    else:
        text = rules_store.editor_text(db, actor=actor)
    result = rules_store.backtest_upload(db, actor=actor, text=text, upload=file)
    return rules_store.backtest_dict(
        result, rules_store.hygiene_for(db, actor=actor, result=result)
    )


@api_router.post("/activate", response_model=RuleSetOut)
def post_activate(body: ActivateIn, db: Db, actor: AdminActor) -> RuleSetOut:
    return _out(rules_store.activate(db, actor=actor, version=body.version))


class LaneRateLine(BaseModel):
    office: str = Field(pattern=lane_rates.OFFICE_PATTERN)
    flow: str = Field(pattern=lane_rates.FLOW_PATTERN)
    red: float | None = Field(None, ge=0, le=1)
    yellow: float | None = Field(None, ge=0, le=1)
    blue: float | None = Field(None, ge=0, le=1)


class LaneRatesIn(BaseModel):
    rates: list[LaneRateLine] = Field(max_length=lane_rates.MAX_LINES)


def rates_out(lines: list[lane_rates.RateLine]) -> list[LaneRateLine]:
    return [LaneRateLine(**vars(line)) for line in lines]


@api_router.get("/lane-rates", response_model=list[LaneRateLine])
def get_lane_rates(db: Db, actor: AdminActor) -> list[LaneRateLine]:
    return rates_out(lane_rates.lines_for(db, actor.agency_id))


@api_router.put("/lane-rates", response_model=list[LaneRateLine])
def put_lane_rates(body: LaneRatesIn, db: Db, actor: AdminActor) -> list[LaneRateLine]:
    text = lane_rates.as_text(
        [lane_rates.RateLine(r.office, r.flow, r.red, r.yellow, r.blue) for r in body.rates]
    )
    return rates_out(lane_rates.save(db, actor=actor, text=text))


# ------------------------------------------------------------------ page


def _notice(request: Request) -> str:
    q = request.query_params
    saved, activated = q.get("saved") or "", q.get("activated") or ""
    if saved.isdigit():
        return _("Saved as version %(v)d.") % {"v": int(saved)}
    if activated.isdigit():
        return _("Version %(v)d is active.") % {"v": int(activated)}
    if q.get("rates") == "saved":
        return _("Lane rates saved.")
    return ""


def _page(request: Request, db: Db, actor: AdminActor, status: int = 200, **extra: Any) -> Response:
    context: dict[str, Any] = {
        "text": extra.pop("text", None) or rules_store.editor_text(db, actor=actor),
        "versions": rules_store.versions(db, actor=actor),
        "message": "",
        "errors": [],
        "backtest": None,
        "notice": _notice(request),
        "rates_text": extra.pop("rates_text", None)
        or lane_rates.as_text(lane_rates.lines_for(db, actor.agency_id)),
        "rates_message": "",
        "rates_errors": [],
        "defaults": DEFAULT_CAPACITY,
        "hygiene": None,
        "flag_text": flag_text,
        "source_text": source_text,
    }
    context.update(extra)
    return render(request, "targeting/rules.html", context, status)


@page_router.get("")
def rules_page(request: Request, db: Db, actor: AdminActor) -> Response:
    return _page(request, db, actor)


@page_router.post("")
def rules_save(request: Request, db: Db, actor: AdminActor) -> Response:
    text = str(request.state.form.get("yaml") or "")
    try:
        row = rules_store.save(db, actor=actor, text=text)
    except Invalid as exc:
        return _page(request, db, actor, 422, text=text, message=exc.message, errors=exc.details)
    return RedirectResponse(f"/targeting/rules?saved={row.version}", status_code=303)


@page_router.post("/backtest")
def rules_backtest(request: Request, db: Db, actor: AdminActor) -> Response:
    form = request.state.form
    text = str(form.get("yaml") or "")
    upload = form.get("file")
    if not isinstance(upload, StarletteUpload) or not upload.filename:
        return _page(request, db, actor, 422, text=text, message=_("Choose a history file."))
    try:
        result = rules_store.backtest_upload(db, actor=actor, text=text, upload=upload)
    except KalibarError as exc:
        return _page(
            request, db, actor, exc.status, text=text, message=exc.message, errors=exc.details
        )
    checked = rules_store.hygiene_for(db, actor=actor, result=result)
    return _page(request, db, actor, text=text, backtest=result, hygiene=checked)


@page_router.post("/activate")
def rules_activate(request: Request, db: Db, actor: AdminActor) -> Response:
    try:
        version = int(str(request.state.form.get("version") or "0"))
        row = rules_store.activate(db, actor=actor, version=version)
    except ValueError:
        return _page(request, db, actor, 422, message=_("Choose a version."))
    except KalibarError as exc:
        return _page(request, db, actor, exc.status, message=exc.message, errors=exc.details)
    return RedirectResponse(f"/targeting/rules?activated={row.version}", status_code=303)


def save_rates_form(
    request: Request, db: Db, actor: AdminActor, *, again: Callable[..., Response], done: str
) -> Response:
    """Save the capacity lines of a posted form (``_capacity_form.html``, on the rules and
    the capacity pages); a refusal shows ``again`` with the text and its errors."""
    text = str(request.state.form.get("rates") or "")
    try:
        lane_rates.save(db, actor=actor, text=text)
    except KalibarError as exc:
        return again(
            request,
            db,
            actor,
            exc.status,
            rates_text=text,
            rates_message=exc.message,
            rates_errors=exc.details,
        )
    return RedirectResponse(done, status_code=303)


@page_router.post("/lane-rates")
def rules_lane_rates(request: Request, db: Db, actor: AdminActor) -> Response:
    return save_rates_form(
        request, db, actor, again=_page, done="/targeting/rules?rates=saved#lane-rates"
    )
