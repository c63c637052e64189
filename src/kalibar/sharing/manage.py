"""Managing partnerships and sharing groups: who may open a country's data to another,
who may change a group's members.

The rules, and why:

* A **partnership** is one direction: ``country``'s ``partners``-level objects become
  readable by ``partner``. It opens ``country``'s data, so only ``country`` decides: an
  administrator (``admin`` role) or the firearms focal point (``focal_point`` role) of an
  agency of that country. The other direction is the other country's decision. The console
  operator (CLI, no account) may register either.
* A **sharing group** is made by an administrator for their agency, which owns it: only the
  owner agency's administrators add or remove members (an agency or a whole country). A
  group kept by a slice (``purpose``: a joint operation) changes its members only there.

Every change goes through the ORM, so the audit hook writes it in the same transaction.
Services never commit.
"""

from __future__ import annotations

import re
import uuid

from sqlalchemy import select
from sqlalchemy.orm import Session

from kalibar.agencies.models import Agency, Country
from kalibar.audit.scope import Resolver
from kalibar.auth.actor import Actor
from kalibar.errors import Conflict, Forbidden, Invalid, NotFound
from kalibar.i18n import _
from kalibar.sharing.models import CountryPartnership, SharingGroup, SharingGroupMember

PARTNERSHIP_ROLES = ("admin", "focal_point")


def is_console(actor: Actor) -> bool:
    """The operator at the console acting for no agency (CLI, demo): an administrator
    without a user account. Acting for an agency (``--agency``), that agency's rules apply."""
    return actor.user_id is None and actor.agency_id is None and actor.is_admin


# ------------------------------------------------------------------ partnerships


def may_open_country(actor: Actor, country: str) -> bool:
    """May ``actor`` open ``country``'s partners-level data to another country?"""
    return is_console(actor) or (
        actor.country == country.upper() and actor.has_role(*PARTNERSHIP_ROLES)
    )


def _country(session: Session, code: str, field: str) -> str:
    code = (code or "").strip().upper()
    if not code or session.get(Country, code) is None:
        raise Invalid(_("Unknown country code."), [{"field": field, "value": code}])
    return code


def list_partnerships(session: Session) -> list[CountryPartnership]:
    """Every direction, ordered by the country whose data it opens, then the reader."""
    stmt = select(CountryPartnership).order_by(
        CountryPartnership.partner_code, CountryPartnership.country_code
    )
    return list(session.execute(stmt).scalars())


def _find_partnership(session: Session, country: str, partner: str) -> CountryPartnership | None:
    stmt = select(CountryPartnership).where(
        CountryPartnership.country_code == partner, CountryPartnership.partner_code == country
    )
    return session.execute(stmt).scalar_one_or_none()


def add_partnership(
    session: Session, *, actor: Actor, country: str, partner: str
) -> CountryPartnership:
    """Open ``country``'s partners-level objects to ``partner`` (stored as the row the
    visibility filter reads: ``partner`` reads ``country``)."""
    country = _country(session, country, "country")
    partner = _country(session, partner, "partner")
    if not may_open_country(actor, country):
        raise Forbidden(
            _("Only an administrator or the focal point of that country may share its data.")
        )
    if country == partner:
        raise Invalid(_("A country cannot be its own partner."), [{"field": "partner"}])
    if _find_partnership(session, country, partner) is not None:
        raise Conflict(_("This partnership exists already."), [{"field": "partner"}])
    row = CountryPartnership(country_code=partner, partner_code=country)
    session.add(row)
    session.flush()
    return row


def remove_partnership(session: Session, *, actor: Actor, country: str, partner: str) -> None:
    """Stop sharing ``country``'s partners-level objects with ``partner``."""
    country = _country(session, country, "country")
    partner = _country(session, partner, "partner")
    if not may_open_country(actor, country):
        raise Forbidden(
            _("Only an administrator or the focal point of that country may share its data.")
        )
    row = _find_partnership(session, country, partner)
    if row is None:
        raise NotFound("CountryPartnership", f"{country}>{partner}")
    session.delete(row)  # through the ORM: audited
    session.flush()


# ------------------------------------------------------------------ groups


def list_groups(session: Session, *, actor: Actor | None = None) -> list[SharingGroup]:
    """Every plain group; a group kept by a slice (an operation's) only to its members and
    the console, so the list does not tell everyone which agencies work an operation."""
    stmt = select(SharingGroup).order_by(SharingGroup.name)
    if actor is not None and not is_console(actor):
        stmt = stmt.where(
            (SharingGroup.purpose == "") | SharingGroup.id.in_(sorted(actor.group_ids))
        )
    return list(session.execute(stmt).scalars())


def get_group(session: Session, *, group_id: uuid.UUID) -> SharingGroup:
    found = session.execute(
        select(SharingGroup).where(SharingGroup.uuid == group_id)
    ).scalar_one_or_none()
    if found is None:
        raise NotFound("SharingGroup", str(group_id))
    return found


def read_group(session: Session, *, actor: Actor, group_id: uuid.UUID) -> SharingGroup:
    """A group as a person reads it: an operation's group only by its members (404 else)."""
    group = get_group(session, group_id=group_id)
    if group.purpose and not is_console(actor) and group.id not in actor.group_ids:
        raise NotFound("SharingGroup", str(group_id))
    return group


def may_manage_group(actor: Actor, group: SharingGroup) -> bool:
    """The owner agency's administrators (and the console) change a plain group."""
    if group.purpose:
        return False
    if is_console(actor):
        return True
    return (
        actor.is_admin
        and group.owner_agency_id is not None
        and actor.agency_id == group.owner_agency_id
    )


def _require_manager(actor: Actor, group: SharingGroup) -> None:
    if group.purpose:
        raise Forbidden(
            _("This group belongs to a joint operation; change its members on the operation.")
        )
    if not may_manage_group(actor, group):
        raise Forbidden(_("Only administrators of the group's owner agency may change it."))


def _agency(session: Session, code: str, field: str) -> Agency:
    code = (code or "").strip().upper()
    found = session.execute(select(Agency).where(Agency.code == code)).scalar_one_or_none()
    if found is None:
        raise Invalid(_("Unknown agency code."), [{"field": field, "value": code}])
    return found


#: Shaped like a Kalibar reference (``UIO-OP-2026-000001``): kept for the groups a slice
#: names by its object's reference, so a plain group can neither take an operation's next
#: reference (stopping it from opening) nor learn from a 409 that one exists.
REFERENCE_SHAPE = re.compile(r"^[A-Z0-9]+(?:-[A-Z0-9]+)*-\d{4}-\d+$")


def _check_name(session: Session, name: str, *, managed: bool = False) -> str:
    name = (name or "").strip()
    if not name:
        raise Invalid(_("A sharing group needs a name."), [{"field": "name"}])
    if not managed and REFERENCE_SHAPE.match(name):
        raise Invalid(
            _("Names shaped like a reference are kept for joint operations' groups."),
            [{"field": "name", "value": name}],
        )
    if session.execute(select(SharingGroup.id).where(SharingGroup.name == name)).scalar():
        raise Conflict(_("A sharing group with this name exists already."), [{"field": "name"}])
    return name


def create_group(
    session: Session,
    *,
    actor: Actor,
    name: str,
    description: str = "",
    owner_agency: str | None = None,
    agency_codes: list[str] | None = None,
    countries: list[str] | None = None,
) -> SharingGroup:
    """A new plain group owned by the actor's agency (the console names the owner)."""
    if not actor.is_admin:
        raise Forbidden(_("Administrator role required."))
    if is_console(actor) and owner_agency:
        owner_id: int | None = _agency(session, owner_agency, "owner_agency").id
    else:
        owner_id = actor.agency_id
    group = SharingGroup(
        name=_check_name(session, name), description=description.strip(), owner_agency_id=owner_id
    )
    session.add(group)
    session.flush()
    for code in agency_codes or []:
        _add_member(session, group, agency=_agency(session, code, "agency_codes"))
    for code in countries or []:
        _add_member(session, group, country=_country(session, code, "countries"))
    session.flush()
    return group


def _add_member(
    session: Session, group: SharingGroup, *, agency: Agency | None = None, country: str = ""
) -> SharingGroupMember:
    for m in group.members:
        if (agency is not None and m.agency_id == agency.id) or (
            country and m.country_code == country
        ):
            raise Conflict(_("This member is in the group already."), [{"field": "member"}])
    member = SharingGroupMember(
        group_id=group.id,
        agency_id=agency.id if agency is not None else None,
        country_code=country or None,
    )
    session.add(member)
    group.members.append(member)
    session.flush()
    return member


def _delete_member(session: Session, group: SharingGroup, member: SharingGroupMember) -> None:
    """Delete explicitly: a row dropped only from the collection is deleted as an orphan
    *during* the flush, after the audit hook has looked at ``session.deleted``."""
    session.delete(member)
    group.members.remove(member)


def add_member(
    session: Session,
    *,
    actor: Actor,
    group_id: uuid.UUID,
    agency: str | None = None,
    country: str | None = None,
) -> SharingGroupMember:
    """Add one agency or one whole country to a plain group."""
    group = read_group(session, actor=actor, group_id=group_id)
    _require_manager(actor, group)
    if bool(agency) == bool(country):
        raise Invalid(_("Name either an agency or a country."), [{"field": "member"}])
    if agency:
        return _add_member(session, group, agency=_agency(session, agency, "agency"))
    return _add_member(session, group, country=_country(session, country or "", "country"))


def remove_member(
    session: Session,
    *,
    actor: Actor,
    group_id: uuid.UUID,
    agency: str | None = None,
    country: str | None = None,
) -> None:
    """Remove one agency or country: the group's objects are no longer visible to it."""
    group = read_group(session, actor=actor, group_id=group_id)
    _require_manager(actor, group)
    if bool(agency) == bool(country):
        raise Invalid(_("Name either an agency or a country."), [{"field": "member"}])
    agency_id = _agency(session, agency, "agency").id if agency else None
    code = (country or "").strip().upper()
    for m in list(group.members):
        if (agency_id is not None and m.agency_id == agency_id) or (
            code and m.country_code == code
        ):
            _delete_member(session, group, m)
            session.flush()
            return
    raise NotFound("SharingGroupMember", agency or code)


# ------------------------------------------------------------------ groups kept by a slice


def create_managed_group(
    session: Session, *, name: str, purpose: str, owner_agency_id: int, description: str = ""
) -> SharingGroup:
    """A group whose members a slice keeps (the slice checks who may do what)."""
    group = SharingGroup(
        name=_check_name(session, name, managed=True),
        description=description,
        owner_agency_id=owner_agency_id,
        purpose=purpose,
    )
    session.add(group)
    session.flush()
    return group


def set_managed_agencies(session: Session, *, group: SharingGroup, agency_ids: set[int]) -> None:
    """Make the agencies of a managed group exactly ``agency_ids`` (adds and deletes rows
    through the ORM, so each change is audited; an agency taken out loses access at once:
    an actor's groups are read at every request)."""
    have = {m.agency_id: m for m in group.members if m.agency_id is not None}
    for agency_id, member in have.items():
        if agency_id not in agency_ids:
            _delete_member(session, group, member)
    for agency_id in sorted(agency_ids - set(have)):
        member = SharingGroupMember(group_id=group.id, agency_id=agency_id)
        session.add(member)
        group.members.append(member)
    session.flush()


def agency_codes(session: Session) -> dict[int, str]:
    """Agency id → code, to name owners and members."""
    return {i: c for i, c in session.execute(select(Agency.id, Agency.code))}


def audit_scopes() -> dict[str, Resolver]:
    """A plain group is platform data (every administrator reads its entries in full); a
    group kept by a slice tells who works an operation, so its entries and its members'
    are in full only to its member agencies, as :func:`list_groups` lists it."""

    def groups_seen(session: Session, actor: Actor, ids: list[uuid.UUID]) -> set[uuid.UUID]:
        g = SharingGroup
        stmt = select(g.uuid).where(
            g.uuid.in_(ids), (g.purpose == "") | g.id.in_(sorted(actor.group_ids))
        )
        return set(session.execute(stmt).scalars())

    def members_seen(session: Session, actor: Actor, ids: list[uuid.UUID]) -> set[uuid.UUID]:
        m, g = SharingGroupMember, SharingGroup
        stmt = (
            select(m.uuid)
            .join(g, g.id == m.group_id, isouter=True)
            .where(
                m.uuid.in_(ids),
                (g.purpose == "") | g.purpose.is_(None) | g.id.in_(sorted(actor.group_ids)),
            )
        )
        return set(session.execute(stmt).scalars())

    return {SharingGroup.__name__: groups_seen, SharingGroupMember.__name__: members_seen}
