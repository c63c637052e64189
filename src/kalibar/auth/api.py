"""``/api/v1/me`` and ``/api/v1/users``."""

from __future__ import annotations

from fastapi import APIRouter

from kalibar.auth import service
from kalibar.auth.models import User
from kalibar.auth.schemas import MeOut, UserCreate, UserOut, UserUpdate
from kalibar.web.deps import AdminActor, CurrentActor, Db

router = APIRouter(tags=["users"])


def user_out(user: User) -> UserOut:
    return UserOut(
        uuid=user.uuid,
        username=user.username,
        full_name=user.full_name,
        email=user.email,
        agency=user.agency.code,
        roles=sorted(user.roles),
        active=user.active,
        totp_enabled=bool(user.totp_secret),
    )


@router.get("/me", response_model=MeOut)
def me(actor: CurrentActor) -> MeOut:
    return MeOut(
        username=actor.username,
        agency=actor.agency_code,
        country=actor.country,
        roles=sorted(actor.roles),
        partner_countries=sorted(actor.partner_countries),
    )


@router.get("/users", response_model=list[UserOut])
def list_users(db: Db, actor: AdminActor, agency: str | None = None) -> list[UserOut]:
    return [user_out(u) for u in service.list_users(db, agency_code=agency)]


@router.get("/users/{username}", response_model=UserOut)
def get_user(username: str, db: Db, actor: AdminActor) -> UserOut:
    return user_out(service.get_user(db, username=username))


@router.post("/users", response_model=UserOut, status_code=201)
def create_user(body: UserCreate, db: Db, actor: AdminActor) -> UserOut:
    user = service.create_user(
        db,
        actor=actor,
        username=body.username,
        password=body.password,
        agency_code=body.agency,
        roles=[r.value for r in body.roles],
        full_name=body.full_name,
        email=body.email,
    )
    return user_out(user)


@router.patch("/users/{username}", response_model=UserOut)
def update_user(username: str, body: UserUpdate, db: Db, actor: AdminActor) -> UserOut:
    user = service.update_user(
        db,
        actor=actor,
        username=username,
        full_name=body.full_name,
        email=body.email,
        roles=[r.value for r in body.roles] if body.roles is not None else None,
        active=body.active,
        agency_code=body.agency,
    )
    return user_out(user)
