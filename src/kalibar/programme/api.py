"""``/api/v1/programme/...``: the ledger (trainings, equipment, procedures), its import
and template, and the indicators as JSON, CSV or XLSX."""

from __future__ import annotations

import io
import uuid
from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Form, Path, Query, UploadFile
from fastapi.responses import Response

from kalibar.bounds import Day, Offset
from kalibar.errors import Invalid
from kalibar.i18n import _
from kalibar.programme import indicators, io_export, service
from kalibar.programme.io_import import import_upload
from kalibar.programme.schemas import (
    EquipmentEventIn,
    EquipmentEventOut,
    EquipmentIn,
    EquipmentOut,
    ParticipantIn,
    ParticipantOut,
    ProcedureIn,
    ProcedureOut,
    TrainingIn,
    TrainingOut,
)
from kalibar.web.deps import CurrentActor, Db
from kalibar.web.openapi import file_response

router = APIRouter(prefix="/programme", tags=["programme"])
Limit = Annotated[int, Query(ge=1, le=500)]


def _out(db: Db, obj: Any, schema: Any, *parts: str) -> Any:  # noqa: ANN401 - any ledger row
    db.flush()
    if parts:
        db.refresh(obj, attribute_names=list(parts))
    return schema.model_validate(obj)


@router.get("/trainings", response_model=list[TrainingOut])
def list_trainings(
    db: Db, actor: CurrentActor, q: str = "", limit: Limit = 50,
    offset: Annotated[Offset, Query()] = 0,
) -> list[TrainingOut]:  # fmt: skip
    page = service.list_trainings(db, actor=actor, q=q[:200], limit=limit, offset=offset)
    return [TrainingOut.model_validate(t) for t in page.rows]


@router.post("/trainings", response_model=TrainingOut, status_code=201)
def create_training(body: TrainingIn, db: Db, actor: CurrentActor) -> TrainingOut:
    made = service.create_training(db, actor=actor, data=body)
    return _out(db, made, TrainingOut, "participants")


@router.get("/trainings/{training_id}", response_model=TrainingOut)
def get_training(training_id: uuid.UUID, db: Db, actor: CurrentActor) -> TrainingOut:
    return TrainingOut.model_validate(
        service.get_training(db, actor=actor, training_id=training_id)
    )


@router.post(
    "/trainings/{training_id}/participants",
    response_model=list[ParticipantOut],
    status_code=201,
)
def add_participants(
    training_id: uuid.UUID, body: list[ParticipantIn], db: Db, actor: CurrentActor
) -> list[ParticipantOut]:
    added = service.add_participants(db, actor=actor, training_id=training_id, people=body)
    db.flush()
    return [ParticipantOut.model_validate(p) for p in added]


@router.delete("/trainings/{training_id}", status_code=204)
def delete_training(training_id: uuid.UUID, db: Db, actor: CurrentActor) -> Response:
    service.delete_training(db, actor=actor, training_id=training_id)
    return Response(status_code=204)


@router.get("/equipment", response_model=list[EquipmentOut])
def list_equipment(
    db: Db, actor: CurrentActor, q: str = "", limit: Limit = 50,
    offset: Annotated[Offset, Query()] = 0,
) -> list[EquipmentOut]:  # fmt: skip
    page = service.list_equipment(db, actor=actor, q=q[:200], limit=limit, offset=offset)
    return [EquipmentOut.model_validate(e) for e in page.rows]


@router.post("/equipment", response_model=EquipmentOut, status_code=201)
def create_equipment(body: EquipmentIn, db: Db, actor: CurrentActor) -> EquipmentOut:
    made = service.create_equipment(db, actor=actor, data=body)
    return _out(db, made, EquipmentOut, "events")


@router.get("/equipment/{equipment_id}", response_model=EquipmentOut)
def get_equipment(equipment_id: uuid.UUID, db: Db, actor: CurrentActor) -> EquipmentOut:
    found = service.get_equipment(db, actor=actor, equipment_id=equipment_id)
    return EquipmentOut.model_validate(found)


@router.post("/equipment/{equipment_id}/events", response_model=EquipmentEventOut, status_code=201)
def add_equipment_event(
    equipment_id: uuid.UUID, body: EquipmentEventIn, db: Db, actor: CurrentActor
) -> EquipmentEventOut:
    event = service.add_equipment_event(db, actor=actor, equipment_id=equipment_id, data=body)
    db.flush()
    return EquipmentEventOut.model_validate(event)


@router.delete("/equipment/{equipment_id}", status_code=204)
def delete_equipment(equipment_id: uuid.UUID, db: Db, actor: CurrentActor) -> Response:
    service.delete_equipment(db, actor=actor, equipment_id=equipment_id)
    return Response(status_code=204)


@router.get("/procedures", response_model=list[ProcedureOut])
def list_procedures(
    db: Db, actor: CurrentActor, limit: Limit = 50, offset: Annotated[Offset, Query()] = 0
) -> list[ProcedureOut]:
    page = service.list_procedures(db, actor=actor, limit=limit, offset=offset)
    return [ProcedureOut.model_validate(p) for p in page.rows]


@router.post("/procedures", response_model=ProcedureOut, status_code=201)
def create_procedure(body: ProcedureIn, db: Db, actor: CurrentActor) -> ProcedureOut:
    made = service.create_procedure(db, actor=actor, data=body)
    db.flush()
    return ProcedureOut.model_validate(made)


@router.get("/procedures/{procedure_id}", response_model=ProcedureOut)
def get_procedure(procedure_id: uuid.UUID, db: Db, actor: CurrentActor) -> ProcedureOut:
    found = service.get_procedure(db, actor=actor, procedure_id=procedure_id)
    return ProcedureOut.model_validate(found)


@router.delete("/procedures/{procedure_id}", status_code=204)
def delete_procedure(procedure_id: uuid.UUID, db: Db, actor: CurrentActor) -> Response:
    service.delete_procedure(db, actor=actor, procedure_id=procedure_id)
    return Response(status_code=204)


@router.post("/import")
def import_file(
    db: Db,
    actor: CurrentActor,
    file: UploadFile,
    sheet: Annotated[str | None, Form(max_length=40)] = None,
) -> dict[str, Any]:
    """All or nothing: a bad row answers 422 with one detail per bad cell (file, sheet,
    row, column, field, value, reason)."""
    return import_upload(db, actor=actor, upload=file, sheet=sheet).as_dict()


@router.get("/template.xlsx", response_class=Response, responses=file_response(io_export.XLSX_TYPE))
def template(actor: CurrentActor) -> Response:
    out = io.BytesIO()
    io_export.write_template(out)
    return _file(out.getvalue(), io_export.XLSX_TYPE, "kalibar-programme-template.xlsx")


def _period(date_from: date | None, date_to: date | None) -> indicators.Period:
    default = indicators.Period.year_to_date()
    period = indicators.Period(date_from or default.date_from, date_to or default.date_to)
    if period.date_from > period.date_to:
        raise Invalid(_("The start of the period is after its end."), [{"field": "from"}])
    return period


def _file(body: bytes, media_type: str, name: str) -> Response:
    return Response(
        body,
        media_type=media_type,
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


@router.get("/indicators")
def get_indicators(
    db: Db,
    actor: CurrentActor,
    date_from: Annotated[Day | None, Query(alias="from")] = None,
    date_to: Annotated[Day | None, Query(alias="to")] = None,
    window: Annotated[int, Query(ge=1, le=indicators.MAX_WINDOW_DAYS)] = indicators.WINDOW_DAYS,
) -> dict[str, Any]:
    """Every indicator table as JSON: ``{table: {"columns": [...], "rows": [...]}}``."""
    ind = indicators.compute(db, actor=actor, period=_period(date_from, date_to), days=window)
    return {
        name: {"columns": header, "rows": [[_json(v) for v in row] for row in rows]}
        for name, (header, rows) in io_export.tables(ind).items()
    }


def _json(value: Any) -> Any:
    return value.isoformat() if isinstance(value, date) else value


@router.get(
    "/indicators.{fmt}",
    response_class=Response,
    responses=file_response(io_export.CSV_TYPE, io_export.XLSX_TYPE),
)
def export_indicators(
    db: Db,
    actor: CurrentActor,
    fmt: Annotated[str, Path(pattern="^(csv|xlsx)$")],
    table: Annotated[str, Query(max_length=40)] = "trained_by_agency",
    date_from: Annotated[Day | None, Query(alias="from")] = None,
    date_to: Annotated[Day | None, Query(alias="to")] = None,
    window: Annotated[int, Query(ge=1, le=indicators.MAX_WINDOW_DAYS)] = indicators.WINDOW_DAYS,
) -> Response:
    period = _period(date_from, date_to)
    ind = indicators.compute(db, actor=actor, period=period, days=window)
    stem = f"programme-indicators_{period.date_from}_{period.date_to}"
    if fmt == "xlsx":
        out = io.BytesIO()
        io_export.write_xlsx(ind, out)
        return _file(out.getvalue(), io_export.XLSX_TYPE, f"{stem}.xlsx")
    text = io.StringIO()
    text.write("\ufeff")
    io_export.write_csv(ind, table, text)
    return _file(text.getvalue().encode("utf-8"), io_export.CSV_TYPE, f"{stem}_{table}.csv")
