"""Who to ask: the country of manufacture, of last legal import, and others on the route."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import pycountry
from sqlalchemy import select
from sqlalchemy.orm import Session

from kalibar.agencies.models import Agency
from kalibar.auth.models import User
from kalibar.i18n import _
from kalibar.records.models import FirearmRecord
from kalibar.reference.catalogue import active_catalogue
from kalibar.reference.countries import country_code, country_label, is_historic, successor

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


def _catalogue_country(record: FirearmRecord) -> str | None:
    cat = active_catalogue()
    if record.make_code:
        if record.model_code:
            model = cat.model(record.make_code, record.model_code)
            if model is not None and model.country:
                return model.country
        make = cat.make(record.make_code)
        if make is not None and make.country:
            return make.country
    return None


def country_of_make(record: FirearmRecord) -> str | None:
    """Where the maker's records are. A firearm stamped with a former state (SU, YU, CS,
    DD) goes to the successor that holds them (``reference/data/historic_states.yaml``:
    by make, the catalogue's country, the year, or the state's default); otherwise the
    catalogue's country for the model or make, else what the record says."""
    listed = _catalogue_country(record)
    stamped = record.country_of_manufacture
    if is_historic(stamped):
        return successor(
            stamped,
            make_code=record.make_code,
            make_country=listed,
            year=record.year_of_manufacture,
        )
    return listed or stamped or None


def country_of_import(marking: str) -> str | None:
    """The country named in an import marking (ISO alpha-2/alpha-3 or a usual abbreviation)."""
    for token in re.findall(r"[A-Za-z]{2,3}", marking or ""):
        code = token.upper()
        if code in MARKING_ALIASES:
            return MARKING_ALIASES[code]
        historic = country_code(code) if len(code) == 3 or token.isupper() else None
        if is_historic(historic):  # imported into a former state: ask its successor
            return successor(historic)
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
    """The country's agencies on this instance, best first: those whose people use
    Kalibar (a request there is answered here, not on paper), then by kind."""
    staffed = select(User.agency_id).where(User.active.is_(True))
    rows = session.execute(
        select(Agency.code, Agency.kind, Agency.id.in_(staffed)).where(
            Agency.country_code == country, Agency.active
        )
    ).all()
    order = {k: i for i, k in enumerate(KIND_ORDER)}
    return [
        code
        for code, kind, _staffed in sorted(
            rows, key=lambda r: (not r[2], order.get(r[1], 99), r[0])
        )
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
    stamped = record.country_of_manufacture
    if made and is_historic(stamped):
        why = _(
            "made in %(state)s, a former state; %(country)s, its successor, holds the"
            " maker's records"
        ) % {"state": country_label(stamped), "country": country_label(made)}
    else:
        why = _("country of manufacture (%(country)s)") % {"country": made}
    add(made, "manufacture", why)
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
