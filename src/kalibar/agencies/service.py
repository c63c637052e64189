"""Countries and agencies."""

from __future__ import annotations

import pycountry
from sqlalchemy import select
from sqlalchemy.orm import Session

from kalibar.agencies.models import Agency, AgencyKind, Country
from kalibar.auth.actor import Actor
from kalibar.errors import Conflict, Forbidden, Invalid, NotFound
from kalibar.i18n import _


def sync_countries(session: Session) -> int:
    """Load ISO 3166-1 countries from pycountry; returns how many were added."""
    have = set(session.execute(select(Country.code)).scalars())
    added = 0
    for c in pycountry.countries:
        if c.alpha_2 not in have:
            session.add(Country(code=c.alpha_2, name=getattr(c, "common_name", c.name)))
            added += 1
    # Kosovo is used by regional agencies though not in ISO 3166-1 proper.
    if "XK" not in have:
        session.add(Country(code="XK", name="Kosovo"))
        added += 1
    return added


def require_admin(actor: Actor) -> None:
    if not actor.is_admin:
        raise Forbidden(_("Administrator role required."))


def list_agencies(session: Session, *, country: str | None = None) -> list[Agency]:
    stmt = select(Agency).order_by(Agency.country_code, Agency.code)
    if country:
        stmt = stmt.where(Agency.country_code == country.upper())
    return list(session.execute(stmt).scalars())


def get_agency(session: Session, *, code: str) -> Agency:
    agency = session.execute(select(Agency).where(Agency.code == code)).scalar_one_or_none()
    if agency is None:
        raise NotFound("Agency", code)
    return agency


def create_agency(
    session: Session, *, actor: Actor, code: str, name: str, country: str, kind: str
) -> Agency:
    require_admin(actor)
    code = code.strip().upper()
    country = country.strip().upper()
    if not code or "-" not in code or not code.startswith(country + "-"):
        raise Invalid(
            _("Agency code must be the country code, a dash and an acronym, e.g. BA-UIO."),
            [{"field": "code", "value": code}],
        )
    if session.get(Country, country) is None:
        raise Invalid(_("Unknown country code."), [{"field": "country", "value": country}])
    if kind not in {k.value for k in AgencyKind}:
        raise Invalid(_("Unknown agency kind."), [{"field": "kind", "value": kind}])
    exists = session.execute(select(Agency.id).where(Agency.code == code)).scalar()
    if exists:
        raise Conflict(_("An agency with this code exists already."), [{"field": "code"}])
    agency = Agency(code=code, name=name.strip(), country_code=country, kind=kind)
    session.add(agency)
    session.flush()
    return agency


def update_agency(
    session: Session,
    *,
    actor: Actor,
    code: str,
    name: str | None = None,
    kind: str | None = None,
    active: bool | None = None,
) -> Agency:
    require_admin(actor)
    agency = get_agency(session, code=code)
    if name is not None:
        agency.name = name.strip()
    if kind is not None:
        if kind not in {k.value for k in AgencyKind}:
            raise Invalid(_("Unknown agency kind."), [{"field": "kind", "value": kind}])
        agency.kind = kind
    if active is not None:
        agency.active = active
    session.flush()
    return agency


def agency_codes(session: Session) -> dict[int, str]:
    """Agency id → code for rendering (the table is small)."""
    return {int(i): str(c) for i, c in session.execute(select(Agency.id, Agency.code))}
