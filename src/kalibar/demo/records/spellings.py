"""The spellings officers use for makes, models, calibres, types and places, checked once
against the normalisers so every generated value is recognised."""

from __future__ import annotations

from bisect import bisect
from dataclasses import dataclass
from functools import lru_cache
from itertools import accumulate

from kalibar.demo.records.places import Place, load_places
from kalibar.demo.records.serials import DEFAULT_SERIALS, MODEL_PREFIX, Part, compile_template
from kalibar.demo.records.weights import (
    BORDER_AGENCIES,
    CYRILLIC_SHARE,
    DEFAULT_ERA,
    ERAS,
    LOCAL_TYPES,
    MODEL_WEIGHTS,
    MODIFICATION_TEXT,
    STATUS_NOTES,
    STATUS_WEIGHTS,
)
from kalibar.reference.catalogue import Make, Model, load_catalogue
from kalibar.reference.normalise import (
    normalise_calibre,
    normalise_make,
    normalise_model,
    normalise_modification,
    normalise_weapon_type,
)
from kalibar.reference.script import has_cyrillic, to_cyrillic

# ----------------------------------------------------------------------------- tables


class _Variants:
    """Spellings of one value with cumulative weights; ``pick(r)`` for r uniform in [0, 1)."""

    __slots__ = ("cum", "total", "values")

    def __init__(self, values: tuple[str, ...], cum: tuple[float, ...]) -> None:
        self.values = values
        self.cum = cum
        self.total = cum[-1]

    def pick(self, r: float) -> str:
        return self.values[bisect(self.cum, r * self.total)]


def _variants(weighted: list[tuple[str, float]]) -> _Variants:
    seen: dict[str, float] = {}
    for value, weight in weighted:
        if value and value not in seen:
            seen[value] = weight
    if not seen:
        return _Variants(("",), (1.0,))
    return _Variants(tuple(seen), tuple(accumulate(seen.values())))


@dataclass(frozen=True)
class ModelSpec:
    make_code: str
    model: Model
    make_latin: _Variants
    make_cyrillic: _Variants
    model_latin: _Variants
    model_cyrillic: _Variants
    calibres: tuple[_Variants, ...]
    type_latin: _Variants
    type_cyrillic: _Variants
    country: str
    era: tuple[int, int]
    modification: str | None  # converted_alarm, home_made, printed_3d
    foreign: bool
    serials: tuple[tuple[Part, ...], ...]
    prefix: bool  # officers may write the model before the serial ("M70AB2 123456")


def _ok_make(text: str, code: str) -> bool:
    found = normalise_make(text)
    return found is not None and found.value == code and found.kind != "fuzzy"


def _ok_model(text: str, make_code: str, name: str) -> bool:
    found = normalise_model(make_code, text)
    return found is not None and found.value == name and found.kind != "fuzzy"


def _ok_calibre(text: str, name: str) -> bool:
    found = normalise_calibre(text)
    return found is not None and found.value == name and found.kind != "fuzzy"


def _ok_type(text: str, code: str) -> bool:
    found = normalise_weapon_type(text)
    return found is not None and found.value == code


def _serbian_latin(text: str) -> bool:
    return not any(c in "qwxyQWXY" for c in text)


def _make_spellings(make: Make, model_name: str) -> tuple[_Variants, _Variants]:
    latin: list[tuple[str, float]] = [(make.name, 12.0), (make.name.upper(), 2.0)]
    cyrillic: list[tuple[str, float]] = []
    latin_aliases = [a for a in make.aliases if not has_cyrillic(a)]
    cyrillic_aliases = [a for a in make.aliases if has_cyrillic(a)]
    # All aliases together are written about one time in five.
    latin += [(a, 3.0 / len(latin_aliases)) for a in latin_aliases]
    # Cyrillic: the name transliterated when that is how it is written ("Застава"), else
    # the catalogue's Cyrillic aliases ("Глок", "Чешка збројовка"); never "Глоцк".
    as_cyrillic = to_cyrillic(make.name)
    if as_cyrillic in cyrillic_aliases or (not cyrillic_aliases and _serbian_latin(make.name)):
        cyrillic.append((as_cyrillic, 8.0))
    cyrillic += [(a, 4.0 / len(cyrillic_aliases)) for a in cyrillic_aliases]
    # Designer names used as make on seizure reports.
    if (make.code, model_name) == ("baikal", "PM"):
        latin.append(("Makarov", 10.0))
        cyrillic.append(("Макаров", 10.0))
    if (make.code, model_name) == ("tula", "TT-33"):
        latin.append(("Tokarev", 6.0))
        cyrillic.append(("Токарев", 6.0))
    latin = [(s, w) for s, w in latin if _ok_make(s, make.code)]
    cyrillic = [(s, w) for s, w in cyrillic if _ok_make(s, make.code)]
    lat = _variants(latin)
    return lat, (_variants(cyrillic) if cyrillic else lat)


def _model_spellings(make: Make, model: Model) -> tuple[_Variants, _Variants]:
    name = model.name
    cands: list[tuple[str, float]] = [(name, 10.0)]
    # Space or dash where letters meet digits: "M70AB2" -> "M70 AB2", "M-70AB2".
    for i in range(1, len(name)):
        a, b = name[i - 1], name[i]
        if a.isalpha() != b.isalpha() and a.isalnum() and b.isalnum():
            cands.append((f"{name[:i]} {name[i:]}", 1.5))
            cands.append((f"{name[:i]}-{name[i:]}", 1.0))
    cands.extend((alias, 1.0) for alias in model.aliases if not has_cyrillic(alias))
    if len(make.name) <= 8:
        cands.append((f"{make.name} {name}", 1.0))
    latin = [(s, w) for s, w in cands if _ok_model(s, make.code, name)]
    cyr_cands = [(to_cyrillic(s), w) for s, w in latin if _serbian_latin(s)]
    cyr_cands.extend((alias, 1.0) for alias in model.aliases if has_cyrillic(alias))
    cyrillic = [(s, w) for s, w in cyr_cands if _ok_model(s, make.code, name)]
    lat = _variants(latin)
    return lat, (_variants(cyrillic) if cyrillic else lat)


def _calibre_spellings(name: str, aliases: tuple[str, ...]) -> _Variants:
    cands: list[tuple[str, float]] = [(name, 6.0)]
    plain = name.replace("×", "x")
    if "x" in plain and "mm" in plain:
        base = plain.split("mm", 1)[0].strip()
        cands += [
            (plain, 3.0),
            (base, 3.0),
            (base.replace(".", ","), 2.0),
            (base.replace("x", " x "), 1.0),
            (f"{base} mm", 1.0),
            (f"kal. {base.replace('.', ',')}", 1.0),
        ]
    cands.extend((alias, 1.0) for alias in aliases)
    cands.extend((alias.replace(".", ","), 0.5) for alias in aliases if "." in alias[1:])
    return _variants([(s, w) for s, w in cands if _ok_calibre(s, name)])


def _type_spellings(code: str, label: str) -> tuple[_Variants, _Variants]:
    local = LOCAL_TYPES.get(code, ())
    latin = [("", 35.0), (label.lower(), 15.0), (code, 5.0)]
    latin += [(s, 45.0 / max(len(local), 1)) for s in local]
    cyrillic = [("", 35.0)] + [(to_cyrillic(s), 65.0 / max(len(local), 1)) for s in local]

    def ok(pairs: list[tuple[str, float]]) -> list[tuple[str, float]]:
        return [(s, w) for s, w in pairs if s == "" or _ok_type(s, code)]

    lat = ok(latin)
    return _variants_keep_empty(lat), _variants_keep_empty(ok(cyrillic) or lat)


def _variants_keep_empty(weighted: list[tuple[str, float]]) -> _Variants:
    values = tuple(s for s, _w in weighted)
    return _Variants(values, tuple(accumulate(w for _s, w in weighted)))


@dataclass(frozen=True)
class Tables:
    specs: tuple[ModelSpec, ...]
    model_cum: tuple[float, ...]
    statuses: tuple[str, ...]
    status_cum: tuple[float, ...]
    modification_text: dict[str, tuple[str, ...]]
    notes: dict[str, tuple[str, ...]]
    notes_cyrillic: dict[str, tuple[str, ...]]


@lru_cache(maxsize=1)
def spelling_tables() -> Tables:
    """Every spelling, checked once against the normalisers (a few hundred calls)."""
    cat = load_catalogue()
    calibre_variants = {
        c.name: _calibre_spellings(c.name, c.aliases) for c in cat.calibres.values()
    }
    type_variants = {t.code: _type_spellings(t.code, t.label) for t in cat.weapon_types.values()}
    specs: list[ModelSpec] = []
    weights: list[float] = []
    for make_code, model_name, weight in MODEL_WEIGHTS:
        make = cat.make(make_code)
        model = make.model(model_name) if make else None
        if make is None or model is None:
            raise LookupError(f"demo generator: {make_code} {model_name} is not in the catalogue")
        make_lat, make_cyr = _make_spellings(make, model_name)
        model_lat, model_cyr = _model_spellings(make, model)
        mod = next(iter(model.modifications), None) or ("converted_alarm" if model.alarm else None)
        era = ERAS.get((make_code, model_name)) or ERAS.get((make_code, "")) or DEFAULT_ERA
        specs.append(
            ModelSpec(
                make_code=make_code,
                model=model,
                make_latin=make_lat,
                make_cyrillic=make_cyr,
                model_latin=model_lat,
                model_cyrillic=model_cyr,
                calibres=tuple(calibre_variants[c] for c in model.calibres),
                type_latin=type_variants[model.type][0],
                type_cyrillic=type_variants[model.type][1],
                country=model.country or "",
                era=(max(era[0], 1948), min(era[1], 2024)),
                modification=mod,
                foreign=(model.country or "RS") not in {"RS", "BA", "HR", "ME"},
                serials=tuple(compile_template(f) for f in model.serial_formats or DEFAULT_SERIALS),
                prefix=bool(MODEL_PREFIX.match(model.name)),
            )
        )
        weights.append(weight)
    modification_text = {
        code: tuple(t for t in texts if (m := normalise_modification(t)) and m.value == code)
        for code, texts in MODIFICATION_TEXT.items()
    }
    return Tables(
        specs=tuple(specs),
        model_cum=tuple(accumulate(weights)),
        statuses=tuple(STATUS_WEIGHTS),
        status_cum=tuple(accumulate(STATUS_WEIGHTS.values())),
        modification_text=modification_text,
        notes=STATUS_NOTES,
        notes_cyrillic={k: tuple(to_cyrillic(t) for t in v) for k, v in STATUS_NOTES.items()},
    )


@dataclass(frozen=True)
class AgencyInfo:
    code: str
    short: str
    cyrillic: float
    border: bool
    crossings: _Variants
    towns: _Variants
    crossings_cyr: _Variants
    towns_cyr: _Variants


def _place_variants(places: list[Place], cyrillic: bool) -> _Variants:
    out: list[tuple[str, float]] = []
    for p in places:
        name = to_cyrillic(p.name) if cyrillic else p.name
        if p.kind == "crossing":
            gp = "ГП" if cyrillic else "GP"
            out += [(f"{gp} {name}", p.weight * 0.5), (name, p.weight * 0.3)]
            out.append((f"{gp} {name} ({'улаз' if cyrillic else 'ulaz'})", p.weight * 0.1))
            out.append((f"{gp} {name} ({'излаз' if cyrillic else 'izlaz'})", p.weight * 0.1))
        else:
            out.append((name, p.weight))
    return _variants(out)


def agency_info(code: str) -> AgencyInfo:
    country = code.split("-", 1)[0].upper()
    places = load_places()
    home = [p for p in places if p.country == country] or list(places)
    crossings = [p for p in home if p.kind == "crossing"] or home
    towns = [p for p in home if p.kind == "town"] or home
    share = CYRILLIC_SHARE.get(code, CYRILLIC_SHARE.get(country, 0.02))
    return AgencyInfo(
        code=code,
        short=code.split("-", 1)[-1],
        cyrillic=share,
        border=code in BORDER_AGENCIES,
        crossings=_place_variants(crossings, False),
        towns=_place_variants(towns, False),
        crossings_cyr=_place_variants(crossings, True),
        towns_cyr=_place_variants(towns, True),
    )
