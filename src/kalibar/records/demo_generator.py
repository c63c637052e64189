"""Synthetic but realistic firearm records for the demo and for benchmarks.

``generate_rows(n, seed)`` yields import rows (``dict`` with exactly the keys of
:data:`kalibar.records.fields.COLUMNS`, all strings) that look like what customs and
police of the Western Balkans record; ``generate_serial(make, model, rng)`` fills a
model's serial template. Nothing in production depends on this module.

What the rows look like
-----------------------
* **Weapons** follow :data:`MODEL_WEIGHTS` (relative weights, documented next to each
  group): Yugoslav-era Zastava military arms and pistols dominate (M70 family, M57, M88,
  M70 pistol, CZ99, M48, M59/66 — about 45 %), then Soviet-bloc handguns and rifles
  (TT-33, Makarov, AKM, CZ vz. 58/61, FEG, Norinco — about 18 %), modern Western pistols
  (Glock, Beretta, Walther, CZ 75, HS2000, SIG — about 16 %), converted Turkish and
  Italian alarm pistols (about 8 %), hunting shotguns and rifles (about 9 %), home-made
  and 3D-printed guns (about 2 %) and a few launchers (Zolja, Osa).
* **Statuses** follow :data:`STATUS_WEIGHTS` (seized 35 %, stolen 15 %, surrendered
  12 %, lost 10 %, found 10 %, destroyed 7 %, trafficked 6 %, smuggled 5 %).
* **Spellings** vary as officers write them: make by name, alias ("Crvena Zastava",
  "Makarov", "H&K") or in capitals; model with spaces or dashes ("M70 AB2", "M-57") or
  with the make ("Glock 17"); calibre in real-world forms ("7,62 M43", "7.62x39",
  "9 mm Luger", "9mm Para", "kal. 12"); weapon type empty, in English or in the local
  language. Every spelling is checked against the catalogue's normalisers once, when
  the tables are built (:func:`_tables`), and dropped if it is not recognised as the
  intended value — so no row costs a normaliser call and recognition stays high.
* **Scripts**: a row is written in Serbian Cyrillic (make, model where it
  transliterates, type, place, notes) with a probability that depends on the reporting
  agency (:data:`CYRILLIC_SHARE`: Republika Srpska police 45 %, Serbian agencies 35 %,
  others 2–5 %; about 12 % of rows overall with the default agencies).
* **Serials** come from the model's (or make's) ``serial_formats`` in ``makes.yaml``
  (``D`` digit, ``L`` Latin letter, ``Y`` Cyrillic letter, ``A`` letter or digit,
  ``[text]`` literal); makes without a template get six or seven digits. About 15 % are
  written with a model prefix ("M70AB2 123456") or a separator ("123-456"), as officers
  do. About 3 % are **obliterated**: the serial is empty (two thirds) or partly legible
  with ``?`` for the ground-off characters, and ``other_markings`` says
  "izbrušen serijski broj" (an alias of the ``obliterated_serial`` modification).
  Converted alarm pistols, home-made and 3D-printed guns say so in ``other_markings``
  with the catalogue's modification aliases.
* **Country of manufacture** is the catalogue's alpha-2 code (70 % of rows); **year of
  manufacture** lies in the model's production era (:data:`ERAS`, 1948–2024), never
  after the event (55 % of rows).
* **Event date** is uniform over the ``years`` years from ``start_date`` (default: the
  last ``years`` years up to today), never in the future. **Event place** comes from
  ``kalibar/demo/places.yaml`` (real towns and border crossings of BA, RS, HR and ME):
  usually in the reporting agency's country, a border crossing for customs and border
  police ("GP Izačić"), a town for police.
* **Reporting agency** from ``agencies`` (default :data:`DEFAULT_AGENCIES`, weighted).
  ``case_reference`` ("KT-123/2024", "KU 45/23") in 45 % of rows, short ``notes`` in
  20 %.

Identifiers
-----------
``record_id`` is a deterministic UUID (RFC 9562 version 8, "custom") made from the seed
and the row's index: ``de30`` + 32 bits of the seed, version 8, variant 10, and the
index in the last 62 bits — e.g. ``de300000-0001-8000-8000-00000000002a`` is row 42 of
seed 1. Records imported from these rows are therefore recognisable as demo records
(:func:`is_demo_uuid`, :data:`DEMO_UUID_MIN` .. :data:`DEMO_UUID_MAX`), and row *i* of a
seed always has the same id. (Seeds are taken modulo 2**32 for the id.)

Determinism and speed
---------------------
Rows are generated in blocks of :data:`BLOCK` rows; each block has its own
``random.Random`` seeded from ``(seed, block number)``, so the rows for a seed are the
same in every run (given the same ``start_date``; the default window ends today) and
``start`` can skip ahead cheaply. Within a block the frequent choices (status, model,
agency, day) are drawn in one ``random.choices(cum_weights=...)`` call each.
Generation is lazy: memory does not grow with ``n``.
"""

from __future__ import annotations

import random
import re
import string
import uuid
from bisect import bisect
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from functools import lru_cache
from itertools import accumulate
from pathlib import Path
from typing import Any

import yaml

from kalibar.reference.catalogue import Make, Model, load_catalogue
from kalibar.reference.normalise import (
    normalise_calibre,
    normalise_make,
    normalise_model,
    normalise_modification,
    normalise_weapon_type,
)
from kalibar.reference.script import has_cyrillic, to_cyrillic

__all__ = [
    "BLOCK",
    "DEFAULT_AGENCIES",
    "DEMO_UUID_MAX",
    "DEMO_UUID_MIN",
    "MODEL_WEIGHTS",
    "STATUS_WEIGHTS",
    "Place",
    "demo_uuid",
    "generate_rows",
    "generate_serial",
    "is_demo_uuid",
    "load_places",
    "write_serial",
]

BLOCK = 1024
PLACES_FILE = Path(__file__).resolve().parent.parent / "demo" / "places.yaml"

# ----------------------------------------------------------------------------- ids

_DEMO_TAG = 0xDE30
#: Smallest and largest demo record UUID (every seed, every index).
DEMO_UUID_MIN = uuid.UUID(int=_DEMO_TAG << 112)
DEMO_UUID_MAX = uuid.UUID(int=((_DEMO_TAG + 1) << 112) - 1)
_INDEX_MASK = (1 << 62) - 1


def demo_uuid(seed: int, index: int) -> uuid.UUID:
    """The record id of row ``index`` of ``seed`` (see the module docstring)."""
    return uuid.UUID(int=_uuid_int(seed & 0xFFFFFFFF, index))


def _uuid_int(seed32: int, index: int) -> int:
    return (_DEMO_TAG << 112) | (seed32 << 80) | (0x8 << 76) | (0b10 << 62) | (index & _INDEX_MASK)


def is_demo_uuid(value: uuid.UUID) -> bool:
    """Whether ``value`` is a demo record id made by :func:`demo_uuid`."""
    return value.int >> 112 == _DEMO_TAG and value.version == 8


# ----------------------------------------------------------------------------- weights

#: Relative frequency of each status (per cent).
STATUS_WEIGHTS: dict[str, float] = {
    "seized": 35,
    "stolen": 15,
    "lost": 10,
    "found": 10,
    "surrendered": 12,
    "trafficked": 6,
    "smuggled": 5,
    "destroyed": 7,
}

#: Default reporting agencies (the demo agencies) and their relative share of records.
DEFAULT_AGENCIES: tuple[str, ...] = (
    "BA-UIO",
    "BA-GP",
    "BA-SIPA",
    "BA-FUP",
    "BA-MUPRS",
    "BA-PBD",
    "RS-UC",
    "RS-MUP",
    "HR-CU",
    "HR-MUP",
    "ME-UPC",
    "ME-UP",
)
AGENCY_WEIGHTS: dict[str, float] = {
    "BA-UIO": 13,
    "BA-GP": 15,
    "BA-SIPA": 6,
    "BA-FUP": 8,
    "BA-MUPRS": 10,
    "BA-PBD": 3,
    "RS-UC": 10,
    "RS-MUP": 11,
    "HR-CU": 8,
    "HR-MUP": 8,
    "ME-UPC": 4,
    "ME-UP": 4,
}
#: Agencies that mostly report at border crossings (customs, border police).
BORDER_AGENCIES = frozenset({"BA-UIO", "BA-GP", "RS-UC", "HR-CU", "ME-UPC"})
#: Share of rows written in Serbian Cyrillic, by agency (code, else country prefix).
CYRILLIC_SHARE: dict[str, float] = {"BA-MUPRS": 0.45, "RS": 0.35, "ME": 0.05, "BA": 0.02}

#: (make code, model name, weight). Weights are relative; groups sum as commented.
MODEL_WEIGHTS: tuple[tuple[str, str, float], ...] = (
    # Zastava long arms, mostly from the 1990s wars and looted depots (≈ 29).
    ("zastava", "M70", 5),
    ("zastava", "M70A", 2),
    ("zastava", "M70B1", 3),
    ("zastava", "M70AB2", 7),
    ("zastava", "M70AB1", 1),
    ("zastava", "M70B1N", 1),
    ("zastava", "M70AB2N", 1),
    ("zastava", "M92", 2.5),
    ("zastava", "M72", 1),
    ("zastava", "M76", 0.5),
    ("zastava", "M59/66", 3),
    ("zastava", "M48", 2.5),
    ("zastava", "M84A", 1),
    ("zastava", "M56", 0.5),
    ("zastava", "M80", 0.3),
    ("zastava", "M21", 0.3),
    ("zastava", "M53", 0.2),
    # Zastava pistols (≈ 16).
    ("zastava", "M57", 8),
    ("zastava", "M88", 2.5),
    ("zastava", "M70 pistol", 3.5),
    ("zastava", "CZ99", 2),
    # Yugoslav launchers (≈ 0.5).
    ("yu_state", "M80 Zolja", 0.3),
    ("yu_state", "M79 Osa", 0.2),
    # Soviet bloc and Chinese (≈ 18).
    ("tula", "TT-33", 4),
    ("baikal", "PM", 4),
    ("kalashnikov", "AKM", 1.5),
    ("kalashnikov", "AK-47", 1),
    ("kalashnikov", "AK-74", 0.4),
    ("cz", "vz. 58", 1),
    ("cz", "vz. 61 Škorpion", 1.2),
    ("cz", "52", 0.4),
    ("cz", "83", 0.8),
    ("feg", "PA-63", 0.8),
    ("feg", "AMD-65", 0.4),
    ("norinco", "Type 54", 0.7),
    ("norinco", "Type 56", 0.6),
    ("arsenal_bg", "Makarov", 0.3),
    ("radom", "P-64", 0.3),
    # Western pistols and rifles (≈ 16).
    ("glock", "17", 3),
    ("glock", "19", 2),
    ("glock", "26", 0.6),
    ("glock", "43", 0.3),
    ("cz", "75", 1.2),
    ("cz", "75 B", 1.5),
    ("cz", "P-07", 0.5),
    ("beretta", "92FS", 1.3),
    ("beretta", "92", 0.6),
    ("beretta", "84", 0.3),
    ("beretta", "PX4 Storm", 0.3),
    ("walther", "PPK", 0.8),
    ("walther", "PP", 0.6),
    ("walther", "P38", 0.6),
    ("walther", "P99", 0.4),
    ("hs_produkt", "HS2000", 1.2),
    ("hs_produkt", "HS95", 0.3),
    ("sig_sauer", "P226", 0.3),
    ("fn_herstal", "Hi-Power", 0.6),
    ("fn_herstal", "M1910", 0.3),
    ("mauser", "K98k", 0.8),
    ("heckler_koch", "MP5", 0.2),
    ("colt", "M1911", 0.2),
    ("smith_wesson", "Model 10", 0.2),
    ("sarsilmaz", "SAR 9", 0.3),
    ("canik", "TP9SF", 0.3),
    # Converted alarm pistols, mostly Turkish (≈ 8).
    ("ekol", "Firat", 1.5),
    ("ekol", "Jackal", 0.8),
    ("ekol", "Tuna", 0.4),
    ("zoraki", "914", 1.2),
    ("zoraki", "917", 0.8),
    ("retay", "Falcon", 0.5),
    ("retay", "Mod 92", 0.5),
    ("blow", "F92", 0.4),
    ("kuzey", "F92", 0.3),
    ("bruni", "92", 0.5),
    ("umarex", "Walther P99 PAK", 0.2),
    # Hunting shotguns and rifles (≈ 9).
    ("baikal", "IZH-27", 1.2),
    ("baikal", "IZH-43", 1),
    ("baikal", "MP-153", 0.6),
    ("hatsan", "Escort Magnum", 1.2),
    ("hatsan", "Optima", 0.4),
    ("stoeger", "M3000", 0.3),
    ("huglu", "103C", 0.3),
    ("armsan", "A612", 0.2),
    ("beretta", "686", 0.4),
    ("remington", "870", 0.4),
    ("mossberg", "500", 0.4),
    ("zbrojovka_brno", "ZH 301", 0.5),
    ("zbrojovka_brno", "ZKK 600", 0.4),
    ("cz", "550", 0.4),
    ("tikka", "T3", 0.2),
    ("mauser", "M98 sporter", 0.3),
    # Home-made and 3D-printed (≈ 1.8).
    ("home_made", "Improvised pistol", 0.5),
    ("home_made", "Zip gun", 0.3),
    ("home_made", "Improvised shotgun", 0.4),
    ("home_made", "Craft Sten", 0.2),
    ("printed_3d", "FGC-9", 0.3),
    ("printed_3d", "Liberator", 0.1),
)

#: Production era (first, last year) of a model; a make's default under the key "".
ERAS: dict[tuple[str, str], tuple[int, int]] = {
    ("zastava", ""): (1955, 2020),
    ("zastava", "M70"): (1970, 1995),
    ("zastava", "M70A"): (1970, 1995),
    ("zastava", "M70B1"): (1972, 1995),
    ("zastava", "M70AB1"): (1972, 1985),
    ("zastava", "M70AB2"): (1974, 2005),
    ("zastava", "M70B1N"): (1990, 2010),
    ("zastava", "M70AB2N"): (1990, 2010),
    ("zastava", "M92"): (1992, 2015),
    ("zastava", "M72"): (1972, 1995),
    ("zastava", "M59/66"): (1967, 1990),
    ("zastava", "M48"): (1950, 1965),
    ("zastava", "M56"): (1956, 1966),
    ("zastava", "M53"): (1953, 1980),
    ("zastava", "M57"): (1961, 2010),
    ("zastava", "M88"): (1988, 2012),
    ("zastava", "M70 pistol"): (1970, 2015),
    ("zastava", "CZ99"): (1990, 2015),
    ("zastava", "M21"): (2004, 2022),
    ("zastava", "M84A"): (1984, 2005),
    ("yu_state", ""): (1980, 1991),
    ("tula", ""): (1948, 1956),
    ("baikal", ""): (1960, 2018),
    ("baikal", "PM"): (1951, 1995),
    ("kalashnikov", ""): (1955, 1990),
    ("cz", ""): (1975, 2022),
    ("cz", "vz. 58"): (1959, 1984),
    ("cz", "vz. 61 Škorpion"): (1961, 1990),
    ("cz", "52"): (1952, 1956),
    ("cz", "83"): (1983, 2010),
    ("feg", ""): (1963, 1990),
    ("norinco", ""): (1960, 2000),
    ("arsenal_bg", ""): (1975, 2000),
    ("radom", ""): (1965, 1980),
    ("walther", "PP"): (1948, 1995),
    ("walther", "PPK"): (1948, 2010),
    ("walther", "P38"): (1957, 2000),
    ("mauser", "K98k"): (1948, 1950),
    ("fn_herstal", ""): (1948, 2010),
    ("zbrojovka_brno", ""): (1960, 1995),
    ("glock", ""): (1985, 2024),
    ("home_made", ""): (1990, 2024),
    ("printed_3d", ""): (2019, 2024),
}
_DEFAULT_ERA = (1975, 2022)

STATUS_NOTES: dict[str, tuple[str, ...]] = {
    "seized": (
        "pronađeno u prtljažniku vozila",
        "skriveno u rezervoaru goriva",
        "pronađeno pri pretresu stana",
        "oduzeto u saobraćajnoj kontroli",
        "skriveno u bus prtljagu",
        "prijavljeno kao auto dijelovi",
    ),
    "stolen": ("prijava krađe iz stana", "ukradeno iz vikendice", "krađa iz vozila"),
    "lost": ("izgubljeno u lovu", "prijava gubitka", "nestalo pri selidbi"),
    "found": ("pronađeno u šumi", "pronađeno pri rušenju kuće", "pronađeno u rijeci"),
    "surrendered": ("dobrovoljna predaja", "akcija legalizacije", "predato nakon smrti vlasnika"),
    "trafficked": ("međunarodna operacija", "dio veće pošiljke", "kupljeno preko interneta"),
    "smuggled": ("poštanska pošiljka", "skriveno u kamionu", "pokušaj unosa preko granice"),
    "destroyed": ("uništeno topljenjem", "uništeno rezanjem", "uništeno po rješenju suda"),
}

_LOCAL_TYPES: dict[str, tuple[str, ...]] = {
    "pistol": ("pištolj", "pistolj", "poluautomatski pištolj"),
    "revolver": ("revolver",),
    "rifle": ("puška", "lovačka puška", "repetirka"),
    "assault_rifle": ("automatska puška", "automatska"),
    "carbine": ("poluautomatski karabin", "karabin"),
    "shotgun": ("sačmarica", "lovačka sačmarica", "dvocijevka", "pumparica"),
    "sub_machine_gun": ("automat", "pištolj-mitraljez", "mašinka"),
    "machine_gun": ("puškomitraljez", "mitraljez"),
    "other_salw": ("ručni bacač", "ručni bacač raketa"),
}
_MODIFICATION_TEXT: dict[str, tuple[str, ...]] = {
    "converted_alarm": ("preinačen gasni pištolj", "prepravljen", "preinačeni", "konvertovan"),
    "home_made": ("kućna izrada", "domaća izrada", "improvizovan"),
    "printed_3d": ("3D printan", "ispisan na 3D printeru", "3D printed"),
    "obliterated_serial": ("izbrušen serijski broj", "izbrisan serijski broj", "brušen broj"),
}
_MARKINGS = ("žig ZCZ", "oznaka JNA", "oznaka TO", "grb SFRJ", "oznaka MUP", "proof mark")
_IMPORT_MARKINGS = ("IMP. BIH {y}", "UVOZ {y}", "CAI GEORGIA VT", "IMP. HR {y}", "RS-{y}")
_CASE_FORMATS = ("KT-{n}/{y}", "KU {n}/{yy}", "KTA-{n}/{yy}", "{a}-{n}/{y}", "T-{n}/{y}")

# ----------------------------------------------------------------------------- places


@dataclass(frozen=True)
class Place:
    name: str
    country: str
    kind: str  # "town" or "crossing"
    weight: float = 1.0
    lat: float | None = None
    lon: float | None = None


@lru_cache(maxsize=1)
def load_places() -> tuple[Place, ...]:
    """The real towns and border crossings of ``demo/places.yaml``."""
    with PLACES_FILE.open(encoding="utf-8") as fh:
        data: dict[str, Any] = yaml.safe_load(fh)
    return tuple(
        Place(
            name=str(p["name"]),
            country=str(p["country"]),
            kind=str(p["kind"]),
            weight=float(p.get("weight", 1)),
            lat=p.get("lat"),
            lon=p.get("lon"),
        )
        for p in data["places"]
    )


# ----------------------------------------------------------------------------- serials

_LATIN = string.ascii_uppercase
_CYRILLIC = "АБВГДЂЕЖЗИЈКЛЉМНЊОПРСТЋУФХЦЧЏШ"
_ALNUM = string.ascii_uppercase + string.digits
_POOLS = {"L": _LATIN, "Y": _CYRILLIC, "A": _ALNUM}
_DEFAULT_SERIALS = ("DDDDDD", "DDDDDDD", "LDDDDD")

_MODEL_PREFIX = re.compile(r"^M\d")

_Part = Callable[[random.Random], str]


def _digit_run(n: int) -> _Part:
    top = 10**n
    fmt = f"0{n}d"
    return lambda rng: format(rng.randrange(top), fmt)


def _pool_run(pool: str, n: int) -> _Part:
    return lambda rng: "".join(rng.choices(pool, k=n))


def _literal(text: str) -> _Part:
    return lambda _rng: text


@lru_cache(maxsize=512)
def _compile(template: str) -> tuple[_Part, ...]:
    """A serial template as a list of parts, consecutive same-class characters merged."""
    parts: list[_Part] = []
    i = 0
    while i < len(template):
        ch = template[i]
        if ch == "[":
            end = template.index("]", i)
            parts.append(_literal(template[i + 1 : end]))
            i = end + 1
            continue
        j = i
        while j < len(template) and template[j] == ch:
            j += 1
        n = j - i
        if ch == "D":
            parts.append(_digit_run(n))
        elif ch in _POOLS:
            parts.append(_pool_run(_POOLS[ch], n))
        else:
            parts.append(_literal(ch * n))
        i = j
    return tuple(parts)


def _fill(template: str, rng: random.Random) -> str:
    return "".join(part(rng) for part in _compile(template))


def generate_serial(make: str | Make, model: str | Model, rng: random.Random) -> str:
    """A serial as stamped on a gun of ``make``/``model`` (codes, names or catalogue objects).

    Uses one of the model's ``serial_formats`` (the make's default when the model has
    none); six or seven digits, or a letter and five digits, for makes without templates.
    """
    found = _model_obj(make, model)
    formats = found.serial_formats if found and found.serial_formats else _DEFAULT_SERIALS
    return _fill(formats[int(rng.random() * len(formats))], rng)


def write_serial(serial: str, model: str, rng: random.Random) -> str:
    """``serial`` as an officer may write it: mostly (85 %) as is, sometimes with a model
    prefix ("M70AB2 123456", "M57-123456"; Zastava-style "M" models only) or with a
    separator in the middle ("123-456", "ABC 123")."""
    r = rng.random()
    if r < 0.85 or len(serial) < 5:
        return serial
    return _written(serial, model if _MODEL_PREFIX.match(model) else "", r)


def _written(serial: str, model: str, r: float) -> str:
    """The variant for ``r`` in [0.85, 1): prefix below 0.92 (if a model), else separator."""
    if r < 0.92 and model:
        sep = " " if r < 0.89 else "-"
        return f"{model.split()[0]}{sep}{serial}"
    cut = len(serial) // 2
    sep = "-" if r < 0.97 else " "
    return f"{serial[:cut]}{sep}{serial[cut:]}"


def _model_obj(make: str | Make, model: str | Model) -> Model | None:
    if isinstance(model, Model):
        return model
    make_code = make.code if isinstance(make, Make) else make
    return load_catalogue().model(make_code, model)


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
class _ModelSpec:
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
    serials: tuple[tuple[_Part, ...], ...]
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
    local = _LOCAL_TYPES.get(code, ())
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
class _Tables:
    specs: tuple[_ModelSpec, ...]
    model_cum: tuple[float, ...]
    statuses: tuple[str, ...]
    status_cum: tuple[float, ...]
    modification_text: dict[str, tuple[str, ...]]
    notes: dict[str, tuple[str, ...]]
    notes_cyrillic: dict[str, tuple[str, ...]]


@lru_cache(maxsize=1)
def _tables() -> _Tables:
    """Every spelling, checked once against the normalisers (a few hundred calls)."""
    cat = load_catalogue()
    calibre_variants = {
        c.name: _calibre_spellings(c.name, c.aliases) for c in cat.calibres.values()
    }
    type_variants = {t.code: _type_spellings(t.code, t.label) for t in cat.weapon_types.values()}
    specs: list[_ModelSpec] = []
    weights: list[float] = []
    for make_code, model_name, weight in MODEL_WEIGHTS:
        make = cat.make(make_code)
        model = make.model(model_name) if make else None
        if make is None or model is None:
            raise LookupError(f"demo generator: {make_code} {model_name} is not in the catalogue")
        make_lat, make_cyr = _make_spellings(make, model_name)
        model_lat, model_cyr = _model_spellings(make, model)
        mod = next(iter(model.modifications), None) or ("converted_alarm" if model.alarm else None)
        era = ERAS.get((make_code, model_name)) or ERAS.get((make_code, "")) or _DEFAULT_ERA
        specs.append(
            _ModelSpec(
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
                serials=tuple(_compile(f) for f in model.serial_formats or _DEFAULT_SERIALS),
                prefix=bool(_MODEL_PREFIX.match(model.name)),
            )
        )
        weights.append(weight)
    modification_text = {
        code: tuple(t for t in texts if (m := normalise_modification(t)) and m.value == code)
        for code, texts in _MODIFICATION_TEXT.items()
    }
    return _Tables(
        specs=tuple(specs),
        model_cum=tuple(accumulate(weights)),
        statuses=tuple(STATUS_WEIGHTS),
        status_cum=tuple(accumulate(STATUS_WEIGHTS.values())),
        modification_text=modification_text,
        notes=STATUS_NOTES,
        notes_cyrillic={k: tuple(to_cyrillic(t) for t in v) for k, v in STATUS_NOTES.items()},
    )


@dataclass(frozen=True)
class _AgencyInfo:
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


def _agency_info(code: str) -> _AgencyInfo:
    country = code.split("-", 1)[0].upper()
    places = load_places()
    home = [p for p in places if p.country == country] or list(places)
    crossings = [p for p in home if p.kind == "crossing"] or home
    towns = [p for p in home if p.kind == "town"] or home
    share = CYRILLIC_SHARE.get(code, CYRILLIC_SHARE.get(country, 0.02))
    return _AgencyInfo(
        code=code,
        short=code.split("-", 1)[-1],
        cyrillic=share,
        border=code in BORDER_AGENCIES,
        crossings=_place_variants(crossings, False),
        towns=_place_variants(towns, False),
        crossings_cyr=_place_variants(crossings, True),
        towns_cyr=_place_variants(towns, True),
    )


# ----------------------------------------------------------------------------- rows


def _today() -> date:
    return datetime.now(UTC).date()


def generate_rows(
    n: int,
    seed: int = 1,
    *,
    agencies: Sequence[str] = DEFAULT_AGENCIES,
    start_date: date | None = None,
    years: int = 10,
    start: int = 0,
) -> Iterator[dict[str, str]]:
    """Rows ``start`` .. ``start + n - 1`` of the demo data set for ``seed`` (lazily).

    Event dates are uniform over ``years`` years from ``start_date`` (default: ``years``
    years before today), cut at today. ``agencies`` are reporting agency codes; the demo
    agencies keep their documented weights, other codes weigh 5.
    """
    if n <= 0:
        return
    tables = _tables()
    today = _today()
    first = start_date or (today - timedelta(days=round(365.25 * years)))
    last = min(first + timedelta(days=round(365.25 * years)), today)
    if last < first:
        raise ValueError("start_date is in the future")
    days = [first + timedelta(days=i) for i in range((last - first).days + 1)]
    day_text = [d.isoformat() for d in days]
    day_year = [d.year for d in days]
    infos = [_agency_info(code) for code in agencies]
    if not infos:
        raise ValueError("no agencies")
    agency_cum = tuple(accumulate(AGENCY_WEIGHTS.get(a.code, 5.0) for a in infos))
    seed32 = seed & 0xFFFFFFFF
    end = start + n
    block = start // BLOCK
    while block * BLOCK < end:
        lo = block * BLOCK
        rng = random.Random(f"kalibar-demo:{seed}:{block}")  # noqa: S311 - demo data
        size = BLOCK
        statuses = rng.choices(tables.statuses, cum_weights=tables.status_cum, k=size)
        specs = rng.choices(tables.specs, cum_weights=tables.model_cum, k=size)
        agency_rows = rng.choices(infos, cum_weights=agency_cum, k=size)
        day_rows = rng.choices(range(len(days)), k=size)
        for i in range(size):
            index = lo + i
            row = _row(
                rng,
                tables,
                statuses[i],
                specs[i],
                agency_rows[i],
                day_text[day_rows[i]],
                day_year[day_rows[i]],
                _uuid_int(seed32, index),
            )
            if index >= start:
                if index >= end:
                    return
                yield row
        block += 1


def _uuid_text(value: int) -> str:
    h = f"{value:032x}"
    return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"


def _row(
    rng: random.Random,
    tables: _Tables,
    status: str,
    spec: _ModelSpec,
    agency: _AgencyInfo,
    day: str,
    event_year: int,
    uuid_int: int,
) -> dict[str, str]:
    rand = rng.random
    cyr = rand() < agency.cyrillic
    # identification
    make_text = (spec.make_cyrillic if cyr else spec.make_latin).pick(rand())
    model_text = (spec.model_cyrillic if cyr else spec.model_latin).pick(rand())
    cals = spec.calibres
    calibre = "" if rand() < 0.04 else cals[int(rand() * len(cals))].pick(rand())
    wtype = (spec.type_cyrillic if cyr else spec.type_latin).pick(rand())
    # serial
    markings: list[str] = []
    if spec.modification is not None:
        texts = tables.modification_text[spec.modification]
        markings.append(texts[int(rand() * len(texts))])
    if spec.modification in ("home_made", "printed_3d") and rand() < 0.8:
        serial = ""
    else:
        serials = spec.serials
        serial = "".join([part(rng) for part in serials[int(rand() * len(serials))]])
        r = rand()
        if r < 0.03:
            texts = tables.modification_text["obliterated_serial"]
            markings.append(texts[int(rand() * len(texts))])
            if r < 0.02 or len(serial) < 4:
                serial = ""
            else:
                cut = 1 + int(rand() * (len(serial) - 2))
                serial = serial[:cut] + "?" * (len(serial) - cut)
        elif r >= 0.86 and len(serial) >= 5:
            serial = _written(serial, spec.model.name if spec.prefix else "", r)
    if spec.make_code == "zastava" and rand() < 0.1:
        markings.append(_MARKINGS[int(rand() * len(_MARKINGS))])
    # manufacture
    country = spec.country if rand() < 0.7 else ""
    year = ""
    lo, hi = spec.era
    hi = min(hi, event_year)
    if hi >= lo and rand() < 0.55:
        year = str(lo + int(rand() * (hi - lo + 1)))
    import_marking = ""
    if spec.foreign and rand() < 0.12:
        fmt = _IMPORT_MARKINGS[int(rand() * len(_IMPORT_MARKINGS))]
        import_marking = fmt.format(y=str(min(event_year, max(lo, hi))))
    # event
    border = rand() < (0.75 if agency.border else 0.15)
    if cyr:
        place = (agency.crossings_cyr if border else agency.towns_cyr).pick(rand())
    else:
        place = (agency.crossings if border else agency.towns).pick(rand())
    case = ""
    if rand() < 0.45:
        fmt = _CASE_FORMATS[int(rand() * len(_CASE_FORMATS))]
        case = fmt.format(
            n=1 + int(rand() * 999), y=event_year, yy=f"{event_year % 100:02d}", a=agency.short
        )
    notes = ""
    if rand() < 0.2:
        texts = (tables.notes_cyrillic if cyr else tables.notes)[status]
        notes = texts[int(rand() * len(texts))]
    return {
        "record_id": _uuid_text(uuid_int),
        "status": status,
        "weapon_type": wtype,
        "make": make_text,
        "model": model_text,
        "calibre": calibre,
        "serial_number": serial,
        "country_of_manufacture": country,
        "year_of_manufacture": year,
        "import_marking": import_marking,
        "other_markings": "; ".join(markings),
        "event_date": day,
        "event_place": place,
        "reporting_agency": agency.code,
        "case_reference": case,
        "notes": notes,
    }
