"""Pages of the programme ledger: lists, details, forms (CSRF), the import page with its
template, and the indicators page with charts, tables and CSV/XLSX downloads."""

from __future__ import annotations

import io
import uuid
from datetime import date
from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response
from pydantic import BaseModel, ValidationError
from starlette.datastructures import UploadFile

from kalibar.dates import DateError, parse_day
from kalibar.errors import KalibarError
from kalibar.i18n import _, current_language
from kalibar.indicators import charts
from kalibar.indicators.sdg import Cell
from kalibar.programme import indicators, io_export, labels, service
from kalibar.programme.io_import import import_upload
from kalibar.programme.schemas import (
    REGIONAL_DATES,
    EquipmentEventIn,
    EquipmentIn,
    ParticipantIn,
    ProcedureIn,
    TrainingIn,
    reasons,
)
from kalibar.seizures.procedure_templates import list_templates, procedure_name
from kalibar.sharing.visibility import can_edit
from kalibar.web.deps import CurrentActor, Db
from kalibar.web.templating import render

router = APIRouter(prefix="/programme", include_in_schema=False)

TRAINING_FIELDS = ("reference", "kind", "course", "programme", "start_date", "end_date",
                   "place", "place_code", "trainers", "trainers_training", "notes",
                   "distribution")  # fmt: skip
PARTICIPANT_FIELDS = ("full_name", "agency", "unit", "region", "role", "gender", "certificate")
EQUIPMENT_FIELDS = ("kind", "model", "serial", "place_code", "place_name", "programme",
                    "issued_on", "notes", "distribution")  # fmt: skip
EVENT_FIELDS = ("kind", "on", "note")
PROCEDURE_FIELDS = ("name", "version", "adopted_on", "agency", "procedure_code", "notes",
                    "distribution")  # fmt: skip


def _page(request: Request, template: str, status: int = 200, **context: Any) -> Response:
    return render(request, f"programme/{template}", {**labels.TEMPLATE_CONTEXT, **context}, status)


def _posted(request: Request, names: tuple[str, ...]) -> dict[str, str]:
    form = request.state.form
    return {k: str(form.get(k) or "").strip() for k in names}


def _parse(model: type[BaseModel], values: dict[str, str]) -> tuple[Any, dict[str, str]]:
    """The form's values through the same rules as the API and the sheets."""
    payload = {k: v for k, v in values.items() if v != ""}
    try:
        return model.model_validate(payload, context=REGIONAL_DATES), {}
    except ValidationError as exc:
        return None, reasons(exc)


def _errors_of(exc: KalibarError) -> dict[str, str]:
    errors = {str(d["field"]): exc.message for d in exc.details if d.get("field")}
    errors["_"] = exc.message
    return errors


def _procedure_names(db: Db, codes: set[str]) -> dict[str, str]:
    """Seizure procedures by their names in the reader's language (never the bare code)."""
    language = current_language()
    return {code: procedure_name(code, language, db) for code in codes if code}


def _offset(request: Request) -> int:
    raw = request.query_params.get("offset", "")
    return int(raw) if raw.isdigit() and int(raw) < 1_000_000 else 0


@router.get("")
def home() -> Response:
    return RedirectResponse("/programme/indicators", status_code=303)


# ---------------------------------------------------------------- trainings


@router.get("/trainings")
def trainings_page(request: Request, db: Db, actor: CurrentActor, q: str = "") -> Response:
    offset = _offset(request)
    page = service.list_trainings(db, actor=actor, q=q[:200], offset=offset)
    counts = service.participant_counts(db, [t.uuid for t in page.rows])
    return _page(request, "trainings.html", rows=page.rows, counts=counts, q=q, offset=offset,
                 more=page.more, page_size=service.PAGE)  # fmt: skip


def _training_form(request: Request, status: int = 200, **context: Any) -> Response:
    context.setdefault("values", {"kind": "course", "distribution": "national"})
    context.setdefault("errors", {})
    return _page(request, "training_form.html", status, **context)


@router.get("/trainings/new")
def training_new(request: Request, actor: CurrentActor) -> Response:
    return _training_form(request)


@router.post("/trainings/new")
def training_create(request: Request, db: Db, actor: CurrentActor) -> Response:
    values = _posted(request, TRAINING_FIELDS)
    values["trainers_training"] = "yes" if values["trainers_training"] else "no"
    data, errors = _parse(TrainingIn, values)
    if data is None:
        return _training_form(request, 422, values=values, errors=errors)
    try:
        made = service.create_training(db, actor=actor, data=data)
    except KalibarError as exc:
        db.rollback()
        return _training_form(request, exc.status, values=values, errors=_errors_of(exc))
    return RedirectResponse(f"/programme/trainings/{made.uuid}", status_code=303)


def _training_page(
    request: Request, db: Db, actor: CurrentActor, training_id: uuid.UUID, status: int = 200,
    **context: Any,
) -> Response:  # fmt: skip
    training = service.get_training(db, actor=actor, training_id=training_id)
    around = indicators.training_before_after(db, actor=actor, training=training)
    context.setdefault("values", {"gender": ""})
    context.setdefault("errors", {})
    return _page(request, "training.html", status, t=training, around=around,
                 editable=can_edit(training, actor), **context)  # fmt: skip


@router.get("/trainings/{training_id}")
def training_page(
    training_id: uuid.UUID, request: Request, db: Db, actor: CurrentActor
) -> Response:
    return _training_page(request, db, actor, training_id)


@router.post("/trainings/{training_id}/participants")
def participant_add(
    training_id: uuid.UUID, request: Request, db: Db, actor: CurrentActor
) -> Response:
    values = _posted(request, PARTICIPANT_FIELDS)
    data, errors = _parse(ParticipantIn, values)
    if data is None:
        return _training_page(request, db, actor, training_id, 422, values=values, errors=errors)
    try:
        service.add_participants(db, actor=actor, training_id=training_id, people=[data])
    except KalibarError as exc:
        if exc.status == 404:
            raise
        db.rollback()
        return _training_page(
            request, db, actor, training_id, exc.status, values=values, errors=_errors_of(exc)
        )
    return RedirectResponse(f"/programme/trainings/{training_id}#participants", status_code=303)


@router.post("/trainings/{training_id}/participants/{participant_id}/remove")
def participant_remove(
    training_id: uuid.UUID, participant_id: uuid.UUID, db: Db, actor: CurrentActor
) -> Response:
    service.remove_participant(
        db, actor=actor, training_id=training_id, participant_id=participant_id
    )
    return RedirectResponse(f"/programme/trainings/{training_id}#participants", status_code=303)


@router.post("/trainings/{training_id}/delete")
def training_delete(training_id: uuid.UUID, db: Db, actor: CurrentActor) -> Response:
    service.delete_training(db, actor=actor, training_id=training_id)
    return RedirectResponse("/programme/trainings", status_code=303)


# ---------------------------------------------------------------- equipment


@router.get("/equipment")
def equipment_page(request: Request, db: Db, actor: CurrentActor, q: str = "") -> Response:
    offset = _offset(request)
    page = service.list_equipment(db, actor=actor, q=q[:200], offset=offset)
    return _page(request, "equipment.html", rows=page.rows, q=q, offset=offset, more=page.more,
                 page_size=service.PAGE, issued_on=indicators.issued_on)  # fmt: skip


def _equipment_form(request: Request, status: int = 200, **context: Any) -> Response:
    context.setdefault("values", {"kind": "videoscope", "distribution": "national"})
    context.setdefault("errors", {})
    return _page(request, "equipment_form.html", status, **context)


@router.get("/equipment/new")
def equipment_new(request: Request, actor: CurrentActor) -> Response:
    return _equipment_form(request)


@router.post("/equipment/new")
def equipment_create(request: Request, db: Db, actor: CurrentActor) -> Response:
    values = _posted(request, EQUIPMENT_FIELDS)
    data, errors = _parse(EquipmentIn, values)
    if data is None:
        return _equipment_form(request, 422, values=values, errors=errors)
    try:
        made = service.create_equipment(db, actor=actor, data=data)
    except KalibarError as exc:
        db.rollback()
        return _equipment_form(request, exc.status, values=values, errors=_errors_of(exc))
    return RedirectResponse(f"/programme/equipment/{made.uuid}", status_code=303)


def _equipment_detail(
    request: Request, db: Db, actor: CurrentActor, equipment_id: uuid.UUID, status: int = 200,
    **context: Any,
) -> Response:  # fmt: skip
    eq = service.get_equipment(db, actor=actor, equipment_id=equipment_id)
    around = indicators.equipment_before_after(db, actor=actor, equipment=eq)
    context.setdefault("values", {"kind": "maintained"})
    context.setdefault("errors", {})
    return _page(request, "equipment_detail.html", status, eq=eq, around=around,
                 editable=can_edit(eq, actor), **context)  # fmt: skip


@router.get("/equipment/{equipment_id}")
def equipment_detail(
    equipment_id: uuid.UUID, request: Request, db: Db, actor: CurrentActor
) -> Response:
    return _equipment_detail(request, db, actor, equipment_id)


@router.post("/equipment/{equipment_id}/events")
def equipment_event(
    equipment_id: uuid.UUID, request: Request, db: Db, actor: CurrentActor
) -> Response:
    values = _posted(request, EVENT_FIELDS)
    data, errors = _parse(EquipmentEventIn, values)
    if data is None:
        return _equipment_detail(request, db, actor, equipment_id, 422, values=values,
                                 errors=errors)  # fmt: skip
    try:
        service.add_equipment_event(db, actor=actor, equipment_id=equipment_id, data=data)
    except KalibarError as exc:
        if exc.status == 404:
            raise
        db.rollback()
        return _equipment_detail(request, db, actor, equipment_id, exc.status, values=values,
                                 errors=_errors_of(exc))  # fmt: skip
    return RedirectResponse(f"/programme/equipment/{equipment_id}", status_code=303)


# ---------------------------------------------------------------- procedures


def _procedures(request: Request, db: Db, actor: CurrentActor, status: int = 200,
                **context: Any) -> Response:  # fmt: skip
    offset = _offset(request)
    page = service.list_procedures(db, actor=actor, offset=offset)
    context.setdefault("values", {"version": "1", "distribution": "national"})
    context.setdefault("errors", {})
    templates = [t.code for t in list_templates(db)]
    names = _procedure_names(db, {p.procedure_code for p in page.rows} | set(templates))
    context.setdefault("template_options", [(code, names[code]) for code in templates])
    return _page(request, "procedures.html", status, rows=page.rows, offset=offset,
                 more=page.more, page_size=service.PAGE, procedure_names=names,
                 **context)  # fmt: skip


@router.get("/procedures")
def procedures_page(request: Request, db: Db, actor: CurrentActor) -> Response:
    return _procedures(request, db, actor)


@router.post("/procedures")
def procedure_create(request: Request, db: Db, actor: CurrentActor) -> Response:
    values = _posted(request, PROCEDURE_FIELDS)
    data, errors = _parse(ProcedureIn, values)
    if data is None:
        return _procedures(request, db, actor, 422, values=values, errors=errors)
    try:
        service.create_procedure(db, actor=actor, data=data)
    except KalibarError as exc:
        db.rollback()
        return _procedures(request, db, actor, exc.status, values=values, errors=_errors_of(exc))
    return RedirectResponse("/programme/procedures", status_code=303)


# ---------------------------------------------------------------- import


@router.get("/import")
def import_page(request: Request, actor: CurrentActor) -> Response:
    return _page(request, "import.html", report=None, errors=[], message="")


@router.post("/import")
def import_post(request: Request, db: Db, actor: CurrentActor) -> Response:
    form = request.state.form
    upload = form.get("file")
    if not isinstance(upload, UploadFile) or not upload.filename:
        return _page(request, "import.html", 422, report=None, errors=[],
                     message=_("Choose a file to import."))  # fmt: skip
    try:
        report = import_upload(db, actor=actor, upload=upload,
                               sheet=str(form.get("sheet") or "") or None)  # fmt: skip
    except KalibarError as exc:
        db.rollback()  # nothing of a refused file may stay
        return _page(request, "import.html", exc.status, report=None, errors=exc.details,
                     message=exc.message)  # fmt: skip
    return _page(request, "import.html", report=report, errors=[], message="")


@router.get("/template.xlsx")
def template(actor: CurrentActor) -> Response:
    out = io.BytesIO()
    io_export.write_template(out)
    return Response(
        out.getvalue(),
        media_type=io_export.XLSX_TYPE,
        headers={"Content-Disposition": 'attachment; filename="kalibar-programme-template.xlsx"'},
    )


# ---------------------------------------------------------------- indicators


def _period(request: Request) -> tuple[indicators.Period, int, dict[str, str], dict[str, str]]:
    q = request.query_params
    params = {k: (q.get(k) or "").strip() for k in ("from", "to", "window")}
    default = indicators.Period.year_to_date()
    errors: dict[str, str] = {}
    days: dict[str, date] = {}
    for key in ("from", "to"):
        if params[key]:
            try:
                days[key] = parse_day(params[key])
            except DateError as exc:
                errors[key] = exc.message
    period = indicators.Period(days.get("from", default.date_from), days.get("to", default.date_to))
    if period.date_from > period.date_to:
        errors["to"] = _("The start of the period is after its end.")
        period = default
    window = indicators.WINDOW_DAYS
    if params["window"]:
        raw = params["window"]
        if raw.isdigit() and 1 <= int(raw) <= indicators.MAX_WINDOW_DAYS:
            window = int(raw)
        else:
            errors["window"] = _("Give a number of days from 1 to %(n)d.") % {
                "n": indicators.MAX_WINDOW_DAYS
            }
    params.update({"from": period.date_from.isoformat(), "to": period.date_to.isoformat(),
                   "window": str(window)})  # fmt: skip
    return period, window, params, errors


def _gender_bars(cells: list[indicators.GenderCell], word: Any = None) -> list[charts.Bar]:
    shown = [Cell(c.key, c.total, c.women) for c in cells[:15]]
    return charts.share_bars(shown, word or (lambda k: k or "—"))


@router.get("/indicators")
def indicators_page(request: Request, db: Db, actor: CurrentActor) -> Response:
    period, window, params, errors = _period(request)
    ind = indicators.compute(db, actor=actor, period=period, days=window)
    t = ind.trained
    link = "?" + urlencode({k: params[k] for k in ("from", "to", "window")})
    kit = charts.value_bars(
        (e.place_code, labels.place_name(e.place_code) or "—", float(e.total))
        for e in ind.equipment[:15]
    )
    return _page(
        request, "indicators.html", 422 if errors else 200,
        ind=ind, t=t, params=params, errors=errors, window=window,
        share=charts.percent(t.total.share_women),
        trainer_share=charts.percent(t.trainers.share_women),
        agency_bars=_gender_bars(t.by_agency),
        region_bars=_gender_bars(t.by_region),
        unit_bars=_gender_bars(t.by_unit),
        kind_bars=_gender_bars(t.by_kind, lambda k: labels.word(labels.TRAINING_KINDS, k)),
        kit_bars=kit, percent=charts.percent,
        procedure_names=_procedure_names(db, {r.procedure_code for r in ind.steps}),
        csv_href="/programme/indicators.csv" + link, xlsx_href="/programme/indicators.xlsx" + link,
        tables=list(io_export.tables(ind)),
    )  # fmt: skip


@router.get("/indicators/trained")
def trained_drilldown(request: Request, db: Db, actor: CurrentActor) -> Response:
    """The trainings behind an "officers trained" figure (same scope and period)."""
    period, _window, params, errors = _period(request)
    q = request.query_params
    agency, region = q.get("agency"), q.get("region")
    rows = indicators.trained_drilldown(
        db, actor=actor, period=period, agency=agency[:64] if agency is not None else None,
        region=region[:120] if region is not None else None,
    )  # fmt: skip
    back = "/programme/indicators?" + urlencode({k: params[k] for k in ("from", "to")})
    return _page(request, "trained.html", 422 if errors else 200, rows=rows, params=params,
                 agency=agency, region=region, national=indicators.national_reader(actor),
                 back=back)  # fmt: skip


@router.get("/indicators.csv")
def indicators_csv(
    request: Request, db: Db, actor: CurrentActor, table: str = "trained_by_agency"
) -> Response:
    period, window, _params, _errors = _period(request)
    ind = indicators.compute(db, actor=actor, period=period, days=window)
    text = io.StringIO()
    text.write("\ufeff")
    io_export.write_csv(ind, table[:40], text)
    name = f"programme-indicators_{period.date_from}_{period.date_to}_{table[:40]}.csv"
    return Response(text.getvalue().encode("utf-8"), media_type=io_export.CSV_TYPE,
                    headers={"Content-Disposition": f'attachment; filename="{name}"'})  # fmt: skip


@router.get("/indicators.xlsx")
def indicators_xlsx(request: Request, db: Db, actor: CurrentActor) -> Response:
    period, window, _params, _errors = _period(request)
    ind = indicators.compute(db, actor=actor, period=period, days=window)
    out = io.BytesIO()
    io_export.write_xlsx(ind, out)
    name = f"programme-indicators_{period.date_from}_{period.date_to}.xlsx"
    return Response(out.getvalue(), media_type=io_export.XLSX_TYPE,
                    headers={"Content-Disposition": f'attachment; filename="{name}"'})  # fmt: skip
