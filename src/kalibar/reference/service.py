"""The catalogue in the database, and keeping the normalisers in step with it."""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from kalibar.auth.actor import Actor
from kalibar.errors import Conflict, Forbidden, Invalid
from kalibar.i18n import _
from kalibar.reference import catalogue as cat
from kalibar.reference import normalise
from kalibar.reference.extend import Addition, extended
from kalibar.reference.models import CatalogueEntry
from kalibar.reference.script import search_key

KINDS = ("make", "model", "calibre")
_stamp: tuple[str, int, object] | None = None
_listeners: list[Callable[[], None]] = []


def on_catalogue_change(callback: Callable[[], None]) -> None:
    """Register a cache to be cleared when admins change the catalogue."""
    _listeners.append(callback)


def _entry(kind: str, code: str, name: str, **extra: object) -> CatalogueEntry:
    """Every column set, so comparing with the stored row is field by field."""
    values: dict[str, object] = {
        "make_code": "",
        "country": None,
        "weapon_type": None,
        "calibres": "",
        "aliases": "",
    }
    values.update(extra)
    return CatalogueEntry(kind=kind, code=code, name=name, source="package", **values)


def _package_entries() -> list[CatalogueEntry]:
    base = cat.load_catalogue()
    out = [
        _entry("calibre", c.name, c.name, aliases="\n".join(c.aliases))
        for c in base.calibres.values()
    ]
    for make in base.makes.values():
        out.append(
            _entry(
                "make", make.code, make.name, country=make.country, aliases="\n".join(make.aliases)
            )
        )
        out += [
            _entry(
                "model",
                m.name,
                m.name,
                make_code=make.code,
                country=m.country,
                weapon_type=m.type,
                calibres="\n".join(m.calibres),
                aliases="\n".join(m.aliases),
            )
            for m in make.models
        ]
    return out


def sync_package(session: Session) -> int:
    """Load the package's catalogue into the database; returns entries added or changed."""
    have = {
        (e.kind, e.make_code, e.code): e
        for e in session.execute(
            select(CatalogueEntry).where(CatalogueEntry.source == "package")
        ).scalars()
    }
    changed = 0
    for entry in _package_entries():
        old = have.get((entry.kind, entry.make_code, entry.code))
        if old is None:
            session.add(entry)
            changed += 1
            continue
        for field in ("name", "country", "weapon_type", "calibres", "aliases"):
            if getattr(old, field) != getattr(entry, field):
                setattr(old, field, getattr(entry, field))
                changed += 1
    session.flush()
    return changed


def _admin_additions(session: Session) -> list[Addition]:
    rows = session.execute(
        select(CatalogueEntry)
        .where(CatalogueEntry.source == "admin", CatalogueEntry.active.is_(True))
        .order_by(CatalogueEntry.id)
    ).scalars()
    return [
        Addition(
            kind=e.kind,
            code=e.code,
            name=e.name,
            make_code=e.make_code,
            country=e.country,
            weapon_type=e.weapon_type,
            calibres=e.calibre_list(),
            aliases=e.alias_list(),
        )
        for e in rows
    ]


def refresh(session: Session) -> None:
    """Bring this process's catalogue up to date with admins' additions (one cheap query)."""
    global _stamp
    stamp_row = session.execute(
        select(func.count(), func.max(CatalogueEntry.updated_at)).where(
            CatalogueEntry.source == "admin"
        )
    ).one()
    stamp = (str(session.get_bind().engine.url), int(stamp_row[0]), stamp_row[1])
    if stamp == _stamp:
        return
    additions = _admin_additions(session)
    cat.activate(extended(cat.load_catalogue(), additions) if additions else None)
    normalise.reset_indexes()
    for callback in _listeners:
        callback()
    _stamp = stamp


def add_entry(
    session: Session,
    *,
    actor: Actor,
    kind: str,
    name: str,
    make: str = "",
    country: str | None = None,
    weapon_type: str | None = None,
    calibres: list[str] | None = None,
    aliases: list[str] | None = None,
) -> CatalogueEntry:
    """An admin extends the catalogue: a new make, model or calibre, or new aliases."""
    if not actor.is_admin:
        raise Forbidden(_("Administrator role required."))
    if kind not in KINDS:
        raise Invalid(_("Unknown catalogue entry kind."), [{"field": "kind", "value": kind}])
    name = name.strip()
    if not name:
        raise Invalid(_("A name is required."), [{"field": "name"}])
    refresh(session)
    active = cat.active_catalogue()
    make_code = ""
    code = name if kind != "make" else "_".join(search_key(name).split()) or name.lower()
    if kind == "make":
        found = normalise.normalise_make(name)
        if found and found.kind != "fuzzy":
            code = found.value  # aliases for a known make
    if kind == "model":
        found_make = normalise.normalise_make(make)
        if found_make is None:
            raise Invalid(_("Unknown make; add the make first."), [{"field": "make"}])
        make_code = found_make.value
    known_calibres = []
    for c in calibres or []:
        match = normalise.normalise_calibre(c)
        if match is None:
            raise Invalid(
                _("Unknown calibre; add the calibre first."), [{"field": "calibres", "value": c}]
            )
        known_calibres.append(match.value)
    if weapon_type and active.weapon_type(weapon_type) is None:
        raise Invalid(_("Unknown weapon type."), [{"field": "weapon_type", "value": weapon_type}])
    exists = session.execute(
        select(CatalogueEntry.id).where(
            CatalogueEntry.kind == kind,
            CatalogueEntry.make_code == make_code,
            CatalogueEntry.code == code,
            CatalogueEntry.source == "admin",
        )
    ).scalar()
    if exists:
        raise Conflict(_("This catalogue entry exists already."), [{"field": "name"}])
    entry = CatalogueEntry(
        kind=kind,
        code=code,
        name=name,
        make_code=make_code,
        country=(country or "").upper() or None,
        weapon_type=weapon_type or None,
        calibres="\n".join(known_calibres),
        aliases="\n".join(a.strip() for a in aliases or [] if a.strip()),
        source="admin",
    )
    session.add(entry)
    session.flush()
    refresh(session)
    return entry


def list_entries(
    session: Session,
    *,
    kind: str | None = None,
    source: str | None = None,
    q: str | None = None,
    limit: int = 200,
) -> list[CatalogueEntry]:
    stmt = (
        select(CatalogueEntry)
        .order_by(CatalogueEntry.kind, CatalogueEntry.make_code, CatalogueEntry.code)
        .limit(limit)
    )
    if kind:
        stmt = stmt.where(CatalogueEntry.kind == kind)
    if source:
        stmt = stmt.where(CatalogueEntry.source == source)
    if q:
        like = f"%{q.strip()}%"
        stmt = stmt.where(
            CatalogueEntry.name.ilike(like)
            | CatalogueEntry.aliases.ilike(like)
            | CatalogueEntry.make_code.ilike(like)
        )
    return list(session.execute(stmt).scalars())
