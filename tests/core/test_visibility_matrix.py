"""Agencies × countries × distribution levels × operations, through the one filter.

A table defined only here proves that any table built on ``SharedObject`` gets the
visibility rules, owner-only edits and the audit trail without code of its own.
"""

from __future__ import annotations

import itertools
import uuid

import pytest
from sqlalchemy import String, select
from sqlalchemy.orm import Mapped, Session, mapped_column
from support import World

from kalibar.agencies import service as agencies
from kalibar.audit.models import AuditEntry
from kalibar.auth import service as auth
from kalibar.auth.actor import Actor
from kalibar.db.base import Base, Distribution, SharedObject, utcnow
from kalibar.db.session import unit_of_work
from kalibar.demo.service import TASK_FORCE, TASK_FORCE_MEMBERS
from kalibar.errors import Forbidden, NotFound
from kalibar.sharing import service as sharing
from kalibar.sharing.models import SharingGroup
from kalibar.sharing.visibility import get_editable, get_visible, visible


class Bulletin(SharedObject, Base):
    __tablename__ = "test_bulletins"
    title: Mapped[str] = mapped_column(String(100))


OWNERS = ["BA-UIO", "RS-UC"]
VIEWERS = ["BA-UIO", "BA-GP", "BA-SIPA", "RS-UC", "RS-MUP", "HR-MUP", "ME-UPC", "AL-DP"]
LEVELS = [d.value for d in Distribution]
COUNTRY = {"BA": "BA", "RS": "RS", "HR": "HR", "ME": "ME", "AL": "AL"}
PARTNERS = {"BA": {"RS", "HR", "ME"}, "RS": {"BA"}, "HR": {"BA"}, "ME": {"BA"}, "AL": set()}


def expected_visible(owner: str, viewer: str, level: str) -> bool:
    """The rules of DESIGN.md, written independently of the SQL filter."""
    if owner == viewer:
        return True
    oc, vc = owner[:2], viewer[:2]
    if level == "agency":
        return False
    if level == "national":
        return oc == vc
    if level == "partners":
        return oc == vc or vc in PARTNERS[oc]
    return viewer in TASK_FORCE_MEMBERS


def _actor(s: Session, code: str) -> Actor:
    agency = agencies.get_agency(s, code=code)
    users = auth.list_users(s, agency_code=code)
    user = (
        users[0]
        if users
        else auth.create_user(
            s,
            actor=None,
            username=f"u-{code.lower()}",
            password="a-long-password",
            agency_code=code,
            roles=["officer"],
        )
    )
    assert user.agency_id == agency.id
    return auth.actor_for(s, user)


@pytest.fixture
def matrix(world: World) -> tuple[World, dict[tuple[str, str], uuid.UUID], dict[str, Actor]]:
    Bulletin.__table__.create(world.engine)  # type: ignore[attr-defined]
    with unit_of_work(world.engine) as s:
        admin = auth.actor_for(s, auth.get_user(s, username="admin"))
        agencies.create_agency(
            s, actor=admin, code="AL-DP", name="Albanian State Police", country="AL", kind="police"
        )
    ids: dict[tuple[str, str], uuid.UUID] = {}
    with unit_of_work(world.engine) as s:
        actors = {code: _actor(s, code) for code in VIEWERS}
        group_id = s.execute(
            select(SharingGroup.id).where(SharingGroup.name == TASK_FORCE)
        ).scalar_one()
        for owner, level in itertools.product(OWNERS, LEVELS):
            owner_actor = actors[owner]
            s.info["actor"] = owner_actor
            b = Bulletin(
                title=f"{owner} {level}",
                owner_agency_id=owner_actor.agency_id,
                owner_country=owner_actor.country,
            )
            s.add(b)
            sharing.set_distribution(
                s, obj=b, distribution=level, group_ids=[group_id] if level == "group" else None
            )
            ids[(owner, level)] = b.uuid
    return world, ids, actors


def test_list_read_edit_delete_follow_the_rules(matrix) -> None:  # type: ignore[no-untyped-def]
    world, ids, actors = matrix
    checked = 0
    with world.session() as s:
        for viewer in VIEWERS:
            actor = actors[viewer]
            listed = set(s.execute(visible(select(Bulletin.uuid), Bulletin, actor)).scalars())
            for (owner, level), oid in ids.items():
                want = expected_visible(owner, viewer, level)
                assert (oid in listed) == want, (owner, level, viewer, "list")
                if want:
                    assert get_visible(s, Bulletin, oid, actor).uuid == oid
                else:
                    with pytest.raises(NotFound):
                        get_visible(s, Bulletin, oid, actor)
                for _op in ("edit", "delete"):
                    if owner == viewer:
                        assert get_editable(s, Bulletin, oid, actor).uuid == oid
                    elif want:
                        with pytest.raises(Forbidden):
                            get_editable(s, Bulletin, oid, actor)
                    else:  # hidden: the same answer as absent, never a hint
                        with pytest.raises(NotFound):
                            get_editable(s, Bulletin, oid, actor)
                checked += 1
    assert checked == len(VIEWERS) * len(OWNERS) * len(LEVELS)


def test_soft_deleted_objects_vanish_and_the_delete_is_audited(matrix) -> None:  # type: ignore[no-untyped-def]
    world, ids, actors = matrix
    oid = ids[("BA-UIO", "national")]
    with unit_of_work(world.engine, actor=actors["BA-UIO"]) as s:
        obj = get_editable(s, Bulletin, oid, actors["BA-UIO"])
        obj.deleted_at = utcnow()
    with world.session() as s:
        for viewer in ("BA-UIO", "BA-GP"):
            with pytest.raises(NotFound):
                get_visible(s, Bulletin, oid, actors[viewer])
        actions = (
            s.execute(
                select(AuditEntry.action)
                .where(AuditEntry.object_id == str(oid))
                .order_by(AuditEntry.seq)
            )
            .scalars()
            .all()
        )
    assert actions[0] == "insert" and actions[-1] == "delete"


def test_actor_without_agency_sees_nothing(matrix) -> None:  # type: ignore[no-untyped-def]
    world, _ids, _actors = matrix
    nobody = Actor(user_id=None, username="x", agency_id=None, agency_code="", country="BA")
    with world.session() as s:
        assert s.execute(visible(select(Bulletin.uuid), Bulletin, nobody)).all() == []
