"""Building the catalogue in force from the package's files and admins' additions."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from types import MappingProxyType

from kalibar.reference.catalogue import Calibre, Catalogue, Make, Model


@dataclass(frozen=True)
class Addition:
    kind: str  # "make", "model" or "calibre"
    code: str
    name: str
    make_code: str = ""
    country: str | None = None
    weapon_type: str | None = None
    calibres: tuple[str, ...] = ()
    aliases: tuple[str, ...] = ()


def extended(base: Catalogue, additions: Iterable[Addition]) -> Catalogue:
    """``base`` plus ``additions``; an addition to an existing make adds aliases or models."""
    makes = dict(base.makes)
    calibres = dict(base.calibres)
    items = list(additions)
    for a in (x for x in items if x.kind == "calibre"):
        old = calibres.get(a.code)
        calibres[a.code] = (
            replace(old, aliases=old.aliases + a.aliases)
            if old
            else Calibre(name=a.code, kinds=(), aliases=a.aliases)
        )
    for a in (x for x in items if x.kind == "make"):
        old_make = makes.get(a.code)
        makes[a.code] = (
            replace(old_make, aliases=old_make.aliases + a.aliases)
            if old_make
            else Make(code=a.code, name=a.name, country=a.country, aliases=a.aliases, models=())
        )
    for a in (x for x in items if x.kind == "model"):
        make = makes.get(a.make_code)
        if make is None:
            continue
        model = Model(
            make_code=a.make_code,
            name=a.name,
            type=a.weapon_type or "other_salw",
            calibres=a.calibres,
            aliases=a.aliases,
            country=a.country or make.country,
        )
        others = tuple(m for m in make.models if m.name != a.name)
        makes[a.make_code] = replace(make, models=others + (model,))
    return replace(base, makes=MappingProxyType(makes), calibres=MappingProxyType(calibres))
