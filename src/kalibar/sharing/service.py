"""Partnerships and sharing groups; what an actor's reach is.

Their management (pages, API and CLI) is in :mod:`kalibar.sharing.manage`."""

from __future__ import annotations

import uuid

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from kalibar.db.base import Distribution, SharedObject
from kalibar.errors import Invalid
from kalibar.i18n import _
from kalibar.ids import uuid7
from kalibar.sharing.models import (
    CountryPartnership,
    ObjectSharingGroup,
    SharingGroup,
    SharingGroupMember,
)


def partner_countries(session: Session, country: str) -> frozenset[str]:
    stmt = select(CountryPartnership.partner_code).where(CountryPartnership.country_code == country)
    return frozenset(session.execute(stmt).scalars())


def group_ids_for(session: Session, agency_id: int, country: str) -> frozenset[int]:
    stmt = select(SharingGroupMember.group_id).where(
        or_(SharingGroupMember.agency_id == agency_id, SharingGroupMember.country_code == country)
    )
    return frozenset(session.execute(stmt).scalars())


def shared_with_groups(session: Session, object_uuid: uuid.UUID) -> list[int]:
    """The sharing groups an object goes to (its ``group`` distribution), in id order."""
    stmt = select(ObjectSharingGroup.group_id).where(ObjectSharingGroup.object_uuid == object_uuid)
    return sorted(session.execute(stmt).scalars())


def set_distribution(
    session: Session, *, obj: SharedObject, distribution: str, group_ids: list[int] | None = None
) -> None:
    """Set an object's distribution level and (for ``group``) the groups it goes to."""
    try:
        level = Distribution(distribution)
    except ValueError as exc:
        raise Invalid(
            _("Unknown distribution level."), [{"field": "distribution", "value": distribution}]
        ) from exc
    if level is Distribution.group and not group_ids:
        raise Invalid(
            _("Distribution to a group needs at least one sharing group."),
            [{"field": "sharing_groups"}],
        )
    wanted = set(group_ids or []) if level is Distribution.group else set()
    with session.no_autoflush:  # a new object is inserted below, with its distribution
        known = session.execute(select(SharingGroup.id).where(SharingGroup.id.in_(wanted)))
        if unknown := wanted - set(known.scalars()):
            raise Invalid(
                _("Unknown sharing group."),
                [{"field": "sharing_groups", "value": gid} for gid in sorted(unknown)],
            )
    obj.distribution = level.value
    if obj.uuid is None:
        obj.uuid = uuid7()
    object_uuid: uuid.UUID = obj.uuid
    existing = session.execute(
        select(ObjectSharingGroup).where(ObjectSharingGroup.object_uuid == object_uuid)
    ).scalars()
    for link in existing:
        if link.group_id in wanted:
            wanted.discard(link.group_id)
        else:
            session.delete(link)  # through the ORM, so the audit hook sees it
    for gid in sorted(wanted):
        session.add(ObjectSharingGroup(object_uuid=object_uuid, group_id=gid))
    session.flush()
