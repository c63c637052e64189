"""Countries as stamped on firearms: ISO 3166-1 codes and the historic states of ISO 3166-3.

A firearm keeps the country it was made in as stamped, even when that state no longer
exists (SU, YU, CS, DD: ``data/historic_states.yaml``). This module reads what people
write (codes, names, the historic alpha-3/alpha-4 forms), names a code in the current
language (current states from CLDR through Babel, historic ones through gettext), and
says which successor state holds a maker's records (where a trace goes).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from types import MappingProxyType
from typing import Any

import pycountry
import yaml

from kalibar.i18n import N_, format_locale

DATA = Path(__file__).parent / "data" / "historic_states.yaml"

#: Names of the historic states (shown through gettext; codes as stored).
HISTORIC_NAMES = MappingProxyType(
    {
        "SU": N_("Soviet Union"),
        "YU": N_("Yugoslavia"),
        "CS": N_("Czechoslovakia / Serbia and Montenegro"),
        "DD": N_("German Democratic Republic"),
    }
)
#: Codes in use that ISO 3166-1 does not assign (user-assigned), accepted as given.
EXTRA = {"XK": "Kosovo"}

_FOLD = re.compile(r"[\s.\-_/]+")


@dataclass(frozen=True)
class HistoricState:
    code: str
    withdrawn: int
    aliases: tuple[str, ...]
    successors: tuple[str, ...]
    default: str
    from_year: tuple[tuple[int, str], ...]
    makes: MappingProxyType[str, str]

    def successor(self, make_code: str | None, make_country: str | None, year: int | None) -> str:
        """The successor that holds the maker's records (rules in the data file)."""
        if make_code and make_code in self.makes:
            return self.makes[make_code]
        if make_country in self.successors:
            return str(make_country)
        chosen = self.default
        for since, code in self.from_year:
            if year is not None and year >= since:
                chosen = code
        return chosen


def _current(code: str) -> bool:
    return code in EXTRA or pycountry.countries.get(alpha_2=code) is not None


@lru_cache(maxsize=1)
def historic_states() -> MappingProxyType[str, HistoricState]:
    """The historic states, checked: every successor a current code, every state named."""
    raw: dict[str, Any] = yaml.safe_load(DATA.read_text(encoding="utf-8"))["states"]
    out: dict[str, HistoricState] = {}
    for code, entry in raw.items():
        where = f"{DATA.name}: {code}"
        if code not in HISTORIC_NAMES or pycountry.historic_countries.get(alpha_2=code) is None:
            raise ValueError(f"{where}: not a historic state of ISO 3166-3 with a name here")
        successors = tuple(entry["successors"])
        makes = {str(k): str(v) for k, v in (entry.get("makes") or {}).items()}
        years = tuple(sorted((int(y), str(c)) for y, c in (entry.get("from_year") or {}).items()))
        named = [*successors, entry["default"], *makes.values(), *(c for _y, c in years)]
        for successor in named:
            if not _current(successor) or successor not in successors:
                raise ValueError(f"{where}: {successor!r} is not one of its current successors")
        out[code] = HistoricState(
            code=code,
            withdrawn=int(entry["withdrawn"]),
            aliases=tuple(str(a) for a in entry["aliases"]),
            successors=successors,
            default=str(entry["default"]),
            from_year=years,
            makes=MappingProxyType(makes),
        )
    return MappingProxyType(out)


def _key(text: str) -> str:
    return _FOLD.sub("", text).casefold()


@lru_cache(maxsize=1)
def _aliases() -> dict[str, str]:
    table: dict[str, str] = {}
    for state in historic_states().values():
        for alias in (state.code, *state.aliases):
            table[_key(alias)] = state.code
        for old in pycountry.historic_countries:
            if old.alpha_2 == state.code:
                table[_key(old.alpha_3)] = table[_key(old.alpha_4)] = state.code
                table[_key(old.name)] = state.code
    return table


@lru_cache(maxsize=4096)
def country_code(text: str) -> str | None:
    """The two-letter code for what someone wrote: an ISO 3166-1 alpha-2 or alpha-3 code or
    English name, a historic state in any form listed (``SU``, ``SUHH``, ``USSR``,
    ``Jugoslavija``, ``ČSSR``, ``DDR`` …), or ``XK``. ``None`` when it is none of these."""
    value = text.strip()
    if not value:
        return None
    upper = value.upper()
    if len(value) == 2 and (_current(upper) or upper in HISTORIC_NAMES):
        return upper
    if len(value) == 3 and (found := pycountry.countries.get(alpha_3=upper)) is not None:
        return str(found.alpha_2)
    historic = _aliases().get(_key(value))
    if historic is not None:
        return historic
    try:
        return str(pycountry.countries.lookup(value).alpha_2)
    except LookupError:
        return None


def is_historic(code: str | None) -> bool:
    return bool(code) and code in HISTORIC_NAMES


def country_name(code: str | None) -> str:
    """The country's name in the current language ("" for none; the code if unknown)."""
    if not code:
        return ""
    if code in HISTORIC_NAMES:
        return str(HISTORIC_NAMES[code])  # lazy: translated here, in the current language
    name = format_locale().territories.get(code)
    if name:
        return str(name)
    found = pycountry.countries.get(alpha_2=code)
    return str(found.name) if found is not None else EXTRA.get(code, code)


def country_label(code: str | None) -> str:
    """``"YU — Yugoslavia"``: code and name, as pages and reports show a country."""
    if not code:
        return ""
    name = country_name(code)
    return f"{code} — {name}" if name and name != code else code


def successor(
    code: str | None,
    *,
    make_code: str | None = None,
    make_country: str | None = None,
    year: int | None = None,
) -> str | None:
    """The current state that holds the maker's records of a firearm made in ``code``
    (``code`` itself when it is not a historic state)."""
    if not code:
        return None
    state = historic_states().get(code)
    return code if state is None else state.successor(make_code, make_country, year)
