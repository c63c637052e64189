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
import uuid
from collections.abc import Iterator, Sequence
from datetime import UTC, date, datetime, timedelta
from itertools import accumulate

from kalibar.demo.records.places import Place, load_places
from kalibar.demo.records.serials import generate_serial, write_serial, written
from kalibar.demo.records.spellings import (
    AgencyInfo,
    ModelSpec,
    Tables,
    agency_info,
    spelling_tables,
)
from kalibar.demo.records.weights import (
    AGENCY_WEIGHTS,
    CASE_FORMATS,
    DEFAULT_AGENCIES,
    IMPORT_MARKINGS,
    MARKINGS,
    MODEL_WEIGHTS,
    STATUS_WEIGHTS,
)

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
    tables = spelling_tables()
    today = _today()
    first = start_date or (today - timedelta(days=round(365.25 * years)))
    last = min(first + timedelta(days=round(365.25 * years)), today)
    if last < first:
        raise ValueError("start_date is in the future")
    days = [first + timedelta(days=i) for i in range((last - first).days + 1)]
    day_text = [d.isoformat() for d in days]
    day_year = [d.year for d in days]
    infos = [agency_info(code) for code in agencies]
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
            row = record_row(
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


def record_row(
    rng: random.Random,
    tables: Tables,
    status: str,
    spec: ModelSpec,
    agency: AgencyInfo,
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
            serial = written(serial, spec.model.name if spec.prefix else "", r)
    if spec.make_code == "zastava" and rand() < 0.1:
        markings.append(MARKINGS[int(rand() * len(MARKINGS))])
    # manufacture
    country = spec.country if rand() < 0.7 else ""
    year = ""
    lo, hi = spec.era
    hi = min(hi, event_year)
    if hi >= lo and rand() < 0.55:
        year = str(lo + int(rand() * (hi - lo + 1)))
    import_marking = ""
    if spec.foreign and rand() < 0.12:
        fmt = IMPORT_MARKINGS[int(rand() * len(IMPORT_MARKINGS))]
        import_marking = fmt.format(y=str(min(event_year, max(lo, hi))))
    # event
    border = rand() < (0.75 if agency.border else 0.15)
    if cyr:
        place = (agency.crossings_cyr if border else agency.towns_cyr).pick(rand())
    else:
        place = (agency.crossings if border else agency.towns).pick(rand())
    case = ""
    if rand() < 0.45:
        fmt = CASE_FORMATS[int(rand() * len(CASE_FORMATS))]
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
