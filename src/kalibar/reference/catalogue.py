"""The reference catalogue: weapon types, modifications, calibres, makes, models, HS codes.

The domain is data: the catalogue lives in YAML files next to this module (``data/``) so
that a firearms focal point can review and extend it without reading Python. This module
loads those files once, checks that they are consistent (a model that names an unknown
calibre is a data bug and must fail loudly, naming the file and the entry), and offers
plain lookups. Matching of free text against the catalogue is in ``normalise.py``.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from types import MappingProxyType
from typing import Any

import yaml

__all__ = [
    "DATA_DIR",
    "Calibre",
    "Catalogue",
    "CatalogueError",
    "DecoyCode",
    "HsCode",
    "Make",
    "Model",
    "Modification",
    "WeaponType",
    "load_catalogue",
]

DATA_DIR = Path(__file__).parent / "data"

_CODE_RE = re.compile(r"^[a-z][a-z0-9_]*$")
_COUNTRY_RE = re.compile(r"^[A-Z]{2}$")
_HS_RE = re.compile(r"^\d{4}(\.\d{2})?$")
_SERIAL_TEMPLATE_RE = re.compile(r"^(?:\[[^\]]+\]|[DLYA \-/.])+$")
_CALIBRE_KINDS = frozenset({"handgun", "rifle", "shotgun", "blank", "heavy", "launcher", "air"})


class CatalogueError(ValueError):
    """The reference data is inconsistent. The message names the file and the entry."""


@dataclass(frozen=True, slots=True)
class WeaponType:
    """An IAFQ weapon type; ``parent`` is the IAFQ category it is reported under."""

    code: str
    label: str
    description: str
    aliases: tuple[str, ...]
    parent: str | None = None


@dataclass(frozen=True, slots=True)
class Modification:
    """A modification flag (converted alarm weapon, reactivated, home-made ...)."""

    code: str
    label: str
    description: str
    aliases: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Calibre:
    """A cartridge designation with its canonical name and known aliases."""

    name: str
    kinds: tuple[str, ...]
    aliases: tuple[str, ...]

    @property
    def is_blank(self) -> bool:
        """Blank/alarm/signal cartridges: a weapon chambered only for these is an alarm gun."""
        return "blank" in self.kinds


@dataclass(frozen=True, slots=True)
class Model:
    """A model of a make. ``country`` is already resolved (model override or make's)."""

    make_code: str
    name: str
    type: str
    calibres: tuple[str, ...]
    aliases: tuple[str, ...] = ()
    country: str | None = None
    alarm: bool = False
    modifications: tuple[str, ...] = ()
    serial_formats: tuple[str, ...] = ()
    note: str | None = None


@dataclass(frozen=True, slots=True)
class Make:
    """A manufacturer or brand with its models."""

    code: str
    name: str
    country: str | None
    aliases: tuple[str, ...]
    models: tuple[Model, ...]
    serial_formats: tuple[str, ...] = ()
    note: str | None = None

    def model(self, name: str) -> Model | None:
        """The model with exactly this canonical name, if any."""
        for model in self.models:
            if model.name == name:
                return model
        return None


@dataclass(frozen=True, slots=True)
class HsCode:
    """A chapter 93 heading or subheading."""

    code: str
    level: str
    description: str
    note: str | None = None


@dataclass(frozen=True, slots=True)
class DecoyCode:
    """An HS heading that smugglers declare instead of chapter 93, and what it hides."""

    code: str
    description: str
    conceals: str


@dataclass(frozen=True, slots=True, eq=False)
class Catalogue:
    """All reference data, validated. Build it with :func:`load_catalogue`."""

    weapon_types: Mapping[str, WeaponType]
    modifications: Mapping[str, Modification]
    calibres: Mapping[str, Calibre]
    makes: Mapping[str, Make]
    hs_codes: Mapping[str, HsCode]
    decoy_codes: tuple[DecoyCode, ...]

    def weapon_type(self, code: str) -> WeaponType | None:
        return self.weapon_types.get(code)

    def modification(self, code: str) -> Modification | None:
        return self.modifications.get(code)

    def calibre(self, name: str) -> Calibre | None:
        return self.calibres.get(name)

    def make(self, code: str) -> Make | None:
        return self.makes.get(code)

    def model(self, make_code: str, name: str) -> Model | None:
        make = self.makes.get(make_code)
        return make.model(name) if make else None

    def models(self) -> Iterator[Model]:
        """Every model of every make, in file order."""
        for make in self.makes.values():
            yield from make.models

    def hs(self, code: str) -> HsCode | None:
        return self.hs_codes.get(code)

    def is_decoy(self, code: str) -> bool:
        """Whether an HS code (any length) falls under a known decoy heading."""
        digits = code.replace(".", "")
        return any(digits.startswith(d.code.replace(".", "")) for d in self.decoy_codes)


# --------------------------------------------------------------------------- loading


def _read(path: Path) -> dict[str, Any]:
    try:
        with path.open(encoding="utf-8") as fh:
            data = yaml.safe_load(fh)
    except yaml.YAMLError as exc:
        raise CatalogueError(f"{path.name}: not valid YAML: {exc}") from exc
    if not isinstance(data, dict):
        raise CatalogueError(f"{path.name}: expected a mapping at top level")
    return data


def _strs(value: Any, where: str, field: str) -> tuple[str, ...]:
    if value is None:
        return ()
    if not isinstance(value, list) or not all(isinstance(v, str | int) for v in value):
        raise CatalogueError(f"{where}: '{field}' must be a list of strings")
    return tuple(str(v) for v in value)


def _req(entry: Mapping[str, Any], field: str, where: str) -> str:
    value = entry.get(field)
    if value is None or (isinstance(value, str) and not value.strip()):
        raise CatalogueError(f"{where}: missing '{field}'")
    return str(value)


def _unique(seen: set[str], value: str, where: str, what: str) -> None:
    if value in seen:
        raise CatalogueError(f"{where}: duplicate {what} '{value}'")
    seen.add(value)


def _load_types(path: Path) -> tuple[dict[str, WeaponType], dict[str, Modification]]:
    data = _read(path)
    types: dict[str, WeaponType] = {}
    for i, raw in enumerate(data.get("types") or []):
        where = f"{path.name}: types[{i}]"
        code = _req(raw, "code", where)
        where = f"{path.name}: type '{code}'"
        if not _CODE_RE.match(code):
            raise CatalogueError(f"{where}: code must be snake_case")
        if code in types:
            raise CatalogueError(f"{where}: duplicate type code")
        types[code] = WeaponType(
            code=code,
            label=_req(raw, "label", where),
            description=str(raw.get("description") or ""),
            aliases=_strs(raw.get("aliases"), where, "aliases"),
            parent=raw.get("parent"),
        )
    for t in types.values():
        if t.parent is not None and t.parent not in types:
            raise CatalogueError(f"{path.name}: type '{t.code}': unknown parent '{t.parent}'")
    mods: dict[str, Modification] = {}
    for i, raw in enumerate(data.get("modifications") or []):
        where = f"{path.name}: modifications[{i}]"
        code = _req(raw, "code", where)
        where = f"{path.name}: modification '{code}'"
        if code in mods:
            raise CatalogueError(f"{where}: duplicate modification code")
        mods[code] = Modification(
            code=code,
            label=_req(raw, "label", where),
            description=str(raw.get("description") or ""),
            aliases=_strs(raw.get("aliases"), where, "aliases"),
        )
    if not types:
        raise CatalogueError(f"{path.name}: no types")
    return types, mods


def _load_calibres(path: Path) -> dict[str, Calibre]:
    calibres: dict[str, Calibre] = {}
    for i, raw in enumerate(_read(path).get("calibres") or []):
        where = f"{path.name}: calibres[{i}]"
        name = _req(raw, "name", where)
        where = f"{path.name}: calibre '{name}'"
        if name in calibres:
            raise CatalogueError(f"{where}: duplicate calibre name")
        kinds = _strs(raw.get("kinds"), where, "kinds")
        unknown = set(kinds) - _CALIBRE_KINDS
        if unknown:
            raise CatalogueError(f"{where}: unknown kinds {sorted(unknown)}")
        aliases = _strs(raw.get("aliases"), where, "aliases")
        calibres[name] = Calibre(name=name, kinds=kinds, aliases=aliases)
    return calibres


def _check_serials(formats: tuple[str, ...], where: str) -> None:
    for fmt in formats:
        if not _SERIAL_TEMPLATE_RE.match(fmt):
            raise CatalogueError(f"{where}: bad serial template '{fmt}'")


def _country(value: Any, where: str) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str) or not _COUNTRY_RE.match(value):
        raise CatalogueError(f"{where}: country must be ISO 3166-1 alpha-2 or null, got {value!r}")
    return value


def _load_makes(
    path: Path,
    types: Mapping[str, WeaponType],
    mods: Mapping[str, Modification],
    calibres: Mapping[str, Calibre],
) -> dict[str, Make]:
    makes: dict[str, Make] = {}
    for i, raw in enumerate(_read(path).get("makes") or []):
        code = _req(raw, "code", f"{path.name}: makes[{i}]")
        where = f"{path.name}: make '{code}'"
        if not _CODE_RE.match(code):
            raise CatalogueError(f"{where}: code must be snake_case")
        if code in makes:
            raise CatalogueError(f"{where}: duplicate make code")
        country = _country(raw.get("country"), where)
        make_serials = _strs(raw.get("serial_formats"), where, "serial_formats")
        _check_serials(make_serials, where)
        models: list[Model] = []
        names: set[str] = set()
        for j, m in enumerate(raw.get("models") or []):
            name = _req(m, "name", f"{where} models[{j}]")
            mwhere = f"{where} model '{name}'"
            _unique(names, name, mwhere, "model name")
            wtype = _req(m, "type", mwhere)
            if wtype not in types:
                raise CatalogueError(
                    f"{mwhere}: unknown weapon type '{wtype}' (see weapon_types.yaml)"
                )
            cals = _strs(m.get("calibres"), mwhere, "calibres")
            if not cals:
                raise CatalogueError(f"{mwhere}: no calibres")
            for cal in cals:
                if cal not in calibres:
                    raise CatalogueError(f"{mwhere}: unknown calibre '{cal}' (see calibres.yaml)")
            model_mods = _strs(m.get("modifications"), mwhere, "modifications")
            for mod in model_mods:
                if mod not in mods:
                    raise CatalogueError(f"{mwhere}: unknown modification '{mod}'")
            serials = _strs(m.get("serial_formats"), mwhere, "serial_formats") or make_serials
            _check_serials(serials, mwhere)
            model_country = _country(m["country"], mwhere) if "country" in m else country
            models.append(
                Model(
                    make_code=code,
                    name=name,
                    type=wtype,
                    calibres=cals,
                    aliases=_strs(m.get("aliases"), mwhere, "aliases"),
                    country=model_country,
                    alarm=bool(m.get("alarm", False)),
                    modifications=model_mods,
                    serial_formats=serials,
                    note=m.get("note"),
                )
            )
        makes[code] = Make(
            code=code,
            name=_req(raw, "name", where),
            country=country,
            aliases=_strs(raw.get("aliases"), where, "aliases"),
            models=tuple(models),
            serial_formats=make_serials,
            note=raw.get("note"),
        )
    return makes


def _load_hs(path: Path) -> tuple[dict[str, HsCode], tuple[DecoyCode, ...]]:
    data = _read(path)
    codes: dict[str, HsCode] = {}
    for i, raw in enumerate(data.get("codes") or []):
        code = _req(raw, "code", f"{path.name}: codes[{i}]")
        where = f"{path.name}: code '{code}'"
        if not _HS_RE.match(code):
            raise CatalogueError(f"{where}: expected NNNN or NNNN.NN")
        if code in codes:
            raise CatalogueError(f"{where}: duplicate HS code")
        level = _req(raw, "level", where)
        if level not in {"heading", "subheading"}:
            raise CatalogueError(f"{where}: level must be heading or subheading")
        codes[code] = HsCode(code, level, _req(raw, "description", where), raw.get("note"))
    decoys: list[DecoyCode] = []
    for i, raw in enumerate(data.get("decoy_codes") or []):
        code = _req(raw, "code", f"{path.name}: decoy_codes[{i}]")
        where = f"{path.name}: decoy code '{code}'"
        if not _HS_RE.match(code):
            raise CatalogueError(f"{where}: expected NNNN or NNNN.NN")
        description = _req(raw, "description", where)
        decoys.append(DecoyCode(code, description, _req(raw, "conceals", where)))
    return codes, tuple(decoys)


@lru_cache(maxsize=4)
def load_catalogue(data_dir: Path | None = None) -> Catalogue:
    """Load and validate the catalogue (cached: the files are read once per directory).

    Raises :class:`CatalogueError` naming the file and entry on any inconsistency.
    """
    base = data_dir or DATA_DIR
    types, mods = _load_types(base / "weapon_types.yaml")
    calibres = _load_calibres(base / "calibres.yaml")
    makes = _load_makes(base / "makes.yaml", types, mods, calibres)
    hs_codes, decoys = _load_hs(base / "hs_codes.yaml")
    return Catalogue(
        weapon_types=MappingProxyType(types),
        modifications=MappingProxyType(mods),
        calibres=MappingProxyType(calibres),
        makes=MappingProxyType(makes),
        hs_codes=MappingProxyType(hs_codes),
        decoy_codes=decoys,
    )


_active: Catalogue | None = None


def active_catalogue() -> Catalogue:
    """The catalogue in force: the package's, or the package's plus admins' additions."""
    return _active if _active is not None else load_catalogue()


def activate(catalogue: Catalogue | None) -> None:
    """Put an extended catalogue in force (``None``: back to the package's own).

    Callers must also reset derived caches (``normalise.reset_indexes``).
    """
    global _active
    _active = catalogue
