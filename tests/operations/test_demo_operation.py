"""The demo's joint operation between BA agencies: built through the services, idempotent,
and visible only to its members."""

from __future__ import annotations

import pytest
from sqlalchemy import select
from support import World, actor_of

from kalibar.db.session import unit_of_work
from kalibar.demo.operations import NAME, load_demo_operations
from kalibar.demo.service import TASK_FORCE
from kalibar.operations import service, work
from kalibar.operations.models import Operation
from kalibar.sharing.models import SharingGroup

pytestmark = pytest.mark.usefixtures("own_data_dir")


def test_demo_operation_is_loaded_once_and_seen_by_its_members(world: World) -> None:
    with unit_of_work(world.engine) as s:
        assert load_demo_operations(s) == 1
    with unit_of_work(world.engine) as s:
        assert load_demo_operations(s) == 0
    with world.session() as s:
        op_id = s.execute(select(Operation.uuid).where(Operation.name == NAME)).scalar_one()
        group = s.execute(select(SharingGroup).where(SharingGroup.name == TASK_FORCE)).scalar_one()
        assert group.owner_agency_id is not None
        for username in ("officer", "border", "investigator", "analyst"):
            listed = service.list_operations(s, actor=actor_of(world, username))
            assert op_id in {o.uuid for o in listed}, username
        for username in ("rs.officer", "hr.officer"):
            listed = service.list_operations(s, actor=actor_of(world, username))
            assert op_id not in {o.uuid for o in listed}, username
        lead = actor_of(world, "officer")
        assert len(work.log_entries(s, actor=lead, operation_id=op_id)) == 4
        assert {t.owner for t in work.tasks(s, actor=lead, operation_id=op_id)} == {
            "officer",
            "border",
            "investigator",
        }


def test_dashboard_lists_the_users_open_operation_tasks(world: World) -> None:
    from support import client_for, login

    with unit_of_work(world.engine) as s:
        load_demo_operations(s)
    client = client_for(world.engine)
    login(client, "border", world.passwords["border"])
    home = client.get("/").text
    assert "Your tasks in joint operations" in home
    assert "X-ray every bus from Bihać on Fridays" in home
    client = client_for(world.engine)
    login(client, "rs.officer", world.passwords["rs.officer"])
    assert "Your tasks in joint operations" not in client.get("/").text
