"""``/api/v1/sharing/partnerships`` and ``/api/v1/sharing/groups`` (thin: the rules are in
``sharing.manage``)."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Query, Response

from kalibar.sharing import manage
from kalibar.sharing.schemas import GroupIn, GroupOut, MemberIn, PartnershipIn, PartnershipOut
from kalibar.web.deps import CurrentActor, Db

router = APIRouter(prefix="/sharing", tags=["sharing"])


@router.get("/partnerships", response_model=list[PartnershipOut])
def list_partnerships(db: Db, actor: CurrentActor) -> list[PartnershipOut]:
    return [
        PartnershipOut(country=p.partner_code, partner=p.country_code)
        for p in manage.list_partnerships(db)
    ]


@router.post("/partnerships", response_model=PartnershipOut, status_code=201)
def add_partnership(body: PartnershipIn, db: Db, actor: CurrentActor) -> PartnershipOut:
    row = manage.add_partnership(db, actor=actor, country=body.country, partner=body.partner)
    return PartnershipOut(country=row.partner_code, partner=row.country_code)


@router.delete("/partnerships/{country}/{partner}", status_code=204)
def remove_partnership(country: str, partner: str, db: Db, actor: CurrentActor) -> Response:
    manage.remove_partnership(db, actor=actor, country=country, partner=partner)
    return Response(status_code=204)


@router.get("/groups", response_model=list[GroupOut])
def list_groups(db: Db, actor: CurrentActor) -> list[GroupOut]:
    codes = manage.agency_codes(db)
    return [GroupOut.of(g, codes) for g in manage.list_groups(db, actor=actor)]


@router.post("/groups", response_model=GroupOut, status_code=201)
def create_group(body: GroupIn, db: Db, actor: CurrentActor) -> GroupOut:
    group = manage.create_group(
        db,
        actor=actor,
        name=body.name,
        description=body.description,
        agency_codes=body.agencies,
        countries=body.countries,
    )
    return GroupOut.of(group, manage.agency_codes(db))


@router.get("/groups/{group_id}", response_model=GroupOut)
def get_group(group_id: uuid.UUID, db: Db, actor: CurrentActor) -> GroupOut:
    group = manage.read_group(db, actor=actor, group_id=group_id)
    return GroupOut.of(group, manage.agency_codes(db))


@router.post("/groups/{group_id}/members", response_model=GroupOut, status_code=201)
def add_member(group_id: uuid.UUID, body: MemberIn, db: Db, actor: CurrentActor) -> GroupOut:
    manage.add_member(db, actor=actor, group_id=group_id, agency=body.agency, country=body.country)
    return GroupOut.of(manage.get_group(db, group_id=group_id), manage.agency_codes(db))


@router.delete("/groups/{group_id}/members", status_code=204)
def remove_member(
    group_id: uuid.UUID,
    db: Db,
    actor: CurrentActor,
    agency: Annotated[str | None, Query(max_length=32)] = None,
    country: Annotated[str | None, Query(max_length=2)] = None,
) -> Response:
    manage.remove_member(db, actor=actor, group_id=group_id, agency=agency, country=country)
    return Response(status_code=204)
