"""Whose figures a report counts, and how a drill-down shows only what the reader may see.

- A **focal point** (role ``focal_point``) reports **national totals**: every row owned by an
  agency of its country is counted, whatever its distribution level — the country's figure
  the questionnaire asks for. It equals the OR of what each agency of the country may see,
  narrowed to rows owned in the country (``indicators.service.national_viewers``, the way
  the SDG 16.4.2 command counts a national total), written as the one equality it reduces
  to so a year over a million records stays one index range.
- Anyone else reports **its own agency's** rows.

Figures are counts, never detail. Every list behind a figure (a drill-down, the
significant seizures) goes through ``sharing.visibility`` for the *reader* and says how
many rows of the cell it left out (``hidden``), so an aggregate never reveals a record the
reader may not see.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

from sqlalchemy import ColumnElement, false
from sqlalchemy.orm import Session

from kalibar.agencies.models import Agency
from kalibar.auth.actor import Actor
from kalibar.errors import Invalid
from kalibar.i18n import _

FOCAL_POINT = "focal_point"


@dataclass(frozen=True)
class Scope:
    """``national``: the rows owned in ``country``; ``agency``: the rows ``agency_id`` owns."""

    kind: Literal["national", "agency"]
    country: str
    agency_id: int | None = None
    agency_code: str = ""

    @property
    def label(self) -> str:
        return self.country if self.kind == "national" else self.agency_code

    def owned(self, model: Any) -> ColumnElement[bool]:
        """Rows of a ``SharedObject`` model this scope counts (tombstones apart)."""
        if self.kind == "national":
            return model.owner_country == self.country
        if self.agency_id is None:
            return false()
        return model.owner_agency_id == self.agency_id


def scope_for(actor: Actor) -> Scope:
    """A focal point's scope is national, everyone else's its own agency."""
    if actor.has_role(FOCAL_POINT):
        return Scope("national", actor.country)
    return Scope("agency", actor.country, actor.agency_id, actor.agency_code)


def console_scope(session: Session, *, country: str | None, agency: str | None) -> Scope:
    """The CLI operator names the scope: an agency code, or a country for its total."""
    if agency:
        found = session.query(Agency).filter(Agency.code == agency.strip().upper()).one_or_none()
        if found is None:
            raise Invalid(_("Unknown agency code."), [{"field": "agency", "value": agency}])
        return Scope("agency", found.country_code, found.id, found.code)
    code = (country or "").strip().upper()
    if len(code) != 2 or not code.isalpha():
        raise Invalid(_("Give the country as a two-letter ISO code."), [{"field": "country"}])
    return Scope("national", code)
