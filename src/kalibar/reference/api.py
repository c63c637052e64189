"""``/api/v1/catalogue``: browse, normalise, and (admins) extend the catalogue."""

from __future__ import annotations

from fastapi import APIRouter

from kalibar.reference import normalise, service
from kalibar.reference.models import CatalogueEntry
from kalibar.reference.schemas import EntryCreate, EntryOut, NormaliseOut
from kalibar.web.deps import AdminActor, CurrentActor, Db

router = APIRouter(tags=["catalogue"])
NORMALISERS = {
    "make": lambda t: normalise.normalise_make(t),
    "calibre": lambda t: normalise.normalise_calibre(t),
    "weapon_type": lambda t: normalise.normalise_weapon_type(t),
    "model": lambda t: normalise.normalise_model(None, t),
}


@router.get("/catalogue", response_model=list[EntryOut])
def entries(
    db: Db,
    actor: CurrentActor,
    kind: str | None = None,
    source: str | None = None,
    q: str | None = None,
) -> list[CatalogueEntry]:
    return service.list_entries(db, kind=kind, source=source, q=q)


@router.post("/catalogue", response_model=EntryOut, status_code=201)
def add_entry(body: EntryCreate, db: Db, actor: AdminActor) -> CatalogueEntry:
    return service.add_entry(
        db,
        actor=actor,
        kind=body.kind,
        name=body.name,
        make=body.make,
        country=body.country,
        weapon_type=body.weapon_type,
        calibres=body.calibres,
        aliases=body.aliases,
    )


@router.get("/catalogue/normalise", response_model=list[NormaliseOut])
def normalise_values(
    db: Db,
    actor: CurrentActor,
    make: str = "",
    model: str = "",
    calibre: str = "",
    weapon_type: str = "",
) -> list[NormaliseOut]:
    """How Kalibar reads each value: the canonical form and why."""
    service.refresh(db)
    out = []
    for field, text in (
        ("make", make),
        ("model", model),
        ("calibre", calibre),
        ("weapon_type", weapon_type),
    ):
        if text:
            found = NORMALISERS[field](text)
            out.append(
                NormaliseOut(
                    field=field,
                    input=text,
                    value=found.value if found else None,
                    explanation=found.explanation if found else "",
                )
            )
    return out
