"""Who to ask: the country of manufacture, of last legal import, and others on the route."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import pycountry
from sqlalchemy import select
from sqlalchemy.orm import Session

from kalibar.agencies.models import Agency
from kalibar.i18n import _
from kalibar.records.models import FirearmRecord
from kalibar.reference.catalogue import active_catalogue

#: Abbreviations seen in import markings that are not ISO 3166 codes.
MARKING_ALIASES = {
    "BIH": "BA",
    "BH": "BA",
    "CRO": "HR",
    "SRB": "RS",
    "YU": "RS",
    "MNE": "ME",
    "CG": "ME",
    "UK": "GB",
    "GER": "DE",
    "SLO": "SI",
    "KOS": "XK",
    "MKD": "MK",
}
#: Preferred kinds of agency to receive a trace, best first.
KIND_ORDER = ("focal_point", "police", "investigation", "ministry", "customs", "border_police")


@dataclass
class Suggestion:
    country: str
    reason: str  # manufacture | import | connected
    explanation: str
    agencies: list[str] = field(default_factory=list)


def country_of_make(record: FirearmRecord) -> str | None:
    """The catalogue's country for the make (or model), else what the record says."""
    cat = active_catalogue()
    if record.make_code:
        if record.model_code:
            model = cat.model(record.make_code, record.model_code)
            if model is not None and model.country:
                return model.country
        make = cat.make(record.make_code)
        if make is not None and make.country:
            return make.country
    return record.country_of_manufacture or None


def country_of_import(marking: str) -> str | None:
    """The country named in an import marking (ISO alpha-2/alpha-3 or a usual abbreviation)."""
    for token in re.findall(r"[A-Za-z]{2,3}", marking or ""):
        code = token.upper()
        if code in MARKING_ALIASES:
            return MARKING_ALIASES[code]
        found = (
            pycountry.countries.get(alpha_3=code)
            if len(code) == 3
            else pycountry.countries.get(alpha_2=code)
        )
        if found is not None and len(code) == 3:
            return str(found.alpha_2)
        if found is not None and len(code) == 2 and token.isupper():
            return str(found.alpha_2)
    return None


def agencies_of(session: Session, country: str, exclude: str | None) -> list[str]:
    rows = session.execute(
        select(Agency.code, Agency.kind).where(Agency.country_code == country, Agency.active)
    ).all()
    order = {k: i for i, k in enumerate(KIND_ORDER)}
    return [
        code
        for code, kind in sorted(rows, key=lambda r: (order.get(r[1], 99), r[0]))
        if code and (exclude is None or code != exclude)
    ]


def suggest(
    session: Session, *, record: FirearmRecord, own_agency: str, connected: list[str]
) -> list[Suggestion]:
    """Countries to ask, with the agencies of each on this instance (best first; the
    asking agency left out). A country with no agency here is still suggested: its
    request goes out as PDF or JSON."""
    out: list[Suggestion] = []
    seen: set[str] = set()

    def add(country: str | None, reason: str, explanation: str) -> None:
        if not country or country in seen:
            return
        seen.add(country)
        agencies = agencies_of(session, country, own_agency)
        out.append(Suggestion(country, reason, explanation, agencies))

    made = country_of_make(record)
    add(made, "manufacture", _("country of manufacture (%(country)s)") % {"country": made})
    imported = country_of_import(record.import_marking)
    add(
        imported,
        "import",
        _("country of last legal import, from the marking “%(marking)s”")
        % {"marking": record.import_marking},
    )
    for c in connected:
        add(c, "connected", _("on the route of the seizure (%(country)s)") % {"country": c})
    return out
