"""``/api/v1/agencies`` and ``/api/v1/countries``."""

from __future__ import annotations

from fastapi import APIRouter
from sqlalchemy import select

from kalibar.agencies import service
from kalibar.agencies.models import Country
from kalibar.agencies.schemas import AgencyCreate, AgencyOut, AgencyUpdate, CountryOut
from kalibar.web.deps import AdminActor, CurrentActor, Db

router = APIRouter(tags=["agencies"])


@router.get("/countries", response_model=list[CountryOut])
def list_countries(db: Db, actor: CurrentActor) -> list[Country]:
    return list(db.execute(select(Country).order_by(Country.code)).scalars())


@router.get("/agencies", response_model=list[AgencyOut])
def list_agencies(db: Db, actor: CurrentActor, country: str | None = None) -> list[object]:
    return list(service.list_agencies(db, country=country))


@router.get("/agencies/{code}", response_model=AgencyOut)
def get_agency(code: str, db: Db, actor: CurrentActor) -> object:
    return service.get_agency(db, code=code)


@router.post("/agencies", response_model=AgencyOut, status_code=201)
def create_agency(body: AgencyCreate, db: Db, actor: AdminActor) -> object:
    return service.create_agency(
        db, actor=actor, code=body.code, name=body.name, country=body.country, kind=body.kind.value
    )


@router.patch("/agencies/{code}", response_model=AgencyOut)
def update_agency(code: str, body: AgencyUpdate, db: Db, actor: AdminActor) -> object:
    return service.update_agency(
        db,
        actor=actor,
        code=code,
        name=body.name,
        kind=body.kind.value if body.kind else None,
        active=body.active,
    )
