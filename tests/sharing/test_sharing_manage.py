"""Issue 13, item 2: partnerships and sharing groups managed by API, pages and CLI — who
may open a country's data, who may change a group, and that every change is audited."""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import pytest
from sqlalchemy import Engine, select
from support import World, client_for, csrf_from, login, token_client
from typer.testing import CliRunner

from kalibar.app import assemble
from kalibar.audit.models import AuditEntry
from kalibar.auth import service as auth
from kalibar.config import get_settings
from kalibar.db.session import unit_of_work
from kalibar.demo.service import TASK_FORCE
from kalibar.sharing.cli import app as sharing_cli
from kalibar.sharing.models import SharingGroup
from kalibar.sharing.service import group_ids_for, partner_countries

P = "/api/v1/sharing/partnerships"
G = "/api/v1/sharing/groups"


def _audited(world: World, object_type: str, action: str) -> int:
    with world.session() as s:
        rows = s.execute(
            select(AuditEntry.seq).where(
                AuditEntry.object_type == object_type, AuditEntry.action == action
            )
        ).all()
    return len(rows)


def _make_user(world: World, username: str, agency: str, roles: list[str]) -> None:
    with unit_of_work(world.engine) as s:
        auth.create_user(
            s,
            actor=None,
            username=username,
            password="correct horse battery 42",
            agency_code=agency,
            roles=roles,
        )


def test_a_country_opens_its_own_data_only(world: World) -> None:
    admin = token_client(world.engine, "admin")  # BA-UIO administrator
    r = admin.post(P, json={"country": "BA", "partner": "AL"})
    assert r.status_code == 201, r.text
    assert r.json() == {"country": "BA", "partner": "AL"}
    assert {"country": "BA", "partner": "AL"} in admin.get(P).json()
    with world.session() as s:  # Albania now reads Bosnia's partners-level objects
        assert "BA" in partner_countries(s, "AL")
        assert "AL" not in partner_countries(s, "BA")  # not the other way round
    assert admin.post(P, json={"country": "BA", "partner": "AL"}).status_code == 409
    # Bosnia's administrator cannot open Serbia's data, an officer cannot open any
    assert admin.post(P, json={"country": "RS", "partner": "AL"}).status_code == 403
    officer = token_client(world.engine, "officer")
    assert officer.post(P, json={"country": "BA", "partner": "XK"}).status_code == 403
    # the country's focal point may
    focal = token_client(world.engine, "focalpoint")
    assert focal.post(P, json={"country": "BA", "partner": "XK"}).status_code == 201
    assert admin.post(P, json={"country": "BA", "partner": "ZZ"}).status_code == 422
    assert admin.post(P, json={"country": "BA", "partner": "BA"}).status_code == 422
    assert admin.delete(f"{P}/BA/AL").status_code == 204
    assert admin.delete(f"{P}/BA/AL").status_code == 404
    with world.session() as s:
        assert "BA" not in partner_countries(s, "AL")
    assert _audited(world, "CountryPartnership", "insert") >= 2
    assert _audited(world, "CountryPartnership", "purge") >= 1


def test_groups_are_changed_by_their_owner_agencys_admins(world: World) -> None:
    admin = token_client(world.engine, "admin")
    r = admin.post(G, json={"name": "Una river corridor", "agencies": ["BA-GP"]})
    assert r.status_code == 201, r.text
    group = r.json()
    assert group["owner_agency"] == "BA-UIO"
    assert group["members"] == [{"agency": "BA-GP", "country": None}]
    gid = group["uuid"]
    assert admin.post(G, json={"name": "Una river corridor"}).status_code == 409
    assert token_client(world.engine, "officer").post(G, json={"name": "x"}).status_code == 403

    r = admin.post(f"{G}/{gid}/members", json={"agency": "RS-UC"})
    assert r.status_code == 201, r.text
    assert admin.post(f"{G}/{gid}/members", json={"agency": "RS-UC"}).status_code == 409
    assert admin.post(f"{G}/{gid}/members", json={"country": "ME"}).status_code == 201
    assert admin.post(f"{G}/{gid}/members", json={}).status_code == 422
    with world.session() as s:
        db_id = s.execute(
            select(SharingGroup.id).where(SharingGroup.uuid == uuid.UUID(gid))
        ).scalar_one()
        rs = auth.get_user(s, username="rs.officer").agency
        assert db_id in group_ids_for(s, rs.id, rs.country_code)

    # a non-admin of the owner agency, and an admin of another agency, may not
    officer = token_client(world.engine, "officer")
    assert officer.post(f"{G}/{gid}/members", json={"agency": "HR-CU"}).status_code == 403
    _make_user(world, "gp.admin", "BA-GP", ["admin"])
    other_admin = token_client(world.engine, "gp.admin")
    assert other_admin.post(f"{G}/{gid}/members", json={"agency": "HR-CU"}).status_code == 403
    assert other_admin.delete(f"{G}/{gid}/members", params={"agency": "RS-UC"}).status_code == 403

    assert admin.delete(f"{G}/{gid}/members", params={"agency": "RS-UC"}).status_code == 204
    with world.session() as s:
        assert db_id not in group_ids_for(s, rs.id, rs.country_code)
    assert _audited(world, "SharingGroup", "insert") >= 1
    assert _audited(world, "SharingGroupMember", "insert") >= 3
    assert _audited(world, "SharingGroupMember", "purge") >= 1

    # the demo's task force predates owners: no agency administrator changes it
    task_force = next(g for g in admin.get(G).json() if g["name"] == TASK_FORCE)
    r = admin.post(f"{G}/{task_force['uuid']}/members", json={"agency": "BA-GP"})
    assert r.status_code == 403


def test_admin_pages_show_and_change_partnerships_and_groups(world: World) -> None:
    client = client_for(world.engine)
    csrf = login(client, "admin", world.passwords["admin"])
    page = client.get("/admin/sharing")
    assert page.status_code == 200
    assert "Partnerships" in page.text and TASK_FORCE in page.text
    r = client.post(
        "/admin/sharing/partnerships", data={"country": "BA", "partner": "AL", "csrf_token": csrf}
    )
    assert r.status_code == 303
    r = client.post(
        "/admin/sharing/partnerships", data={"country": "BA", "partner": "AL", "csrf_token": csrf}
    )
    assert r.status_code == 409 and "There is a problem" in r.text
    r = client.post("/admin/sharing/groups", data={"name": "Drina", "csrf_token": csrf})
    assert r.status_code == 303
    group_url = r.headers["location"]
    page = client.get(group_url)
    assert "Add a member" in page.text
    r = client.post(
        f"{group_url}/members", data={"agency": "HR-CU", "csrf_token": csrf_from(page.text)}
    )
    assert r.status_code == 303
    assert "HR-CU" in client.get(group_url).text
    # without the token the change is refused
    r = client.post(f"{group_url}/members/remove", data={"agency": "HR-CU"})
    assert r.status_code == 403
    r = client.post(f"{group_url}/members/remove", data={"agency": "HR-CU", "csrf_token": csrf})
    assert r.status_code == 303

    officer = client_for(world.engine)
    login(officer, "officer", world.passwords["officer"])
    assert officer.get("/admin/sharing").status_code == 403


@pytest.fixture
def cli(engine: Engine, monkeypatch: pytest.MonkeyPatch) -> Iterator[CliRunner]:
    monkeypatch.setenv("KALIBAR_DATABASE_URL", engine.url.render_as_string(False))
    get_settings.cache_clear()
    assemble()
    yield CliRunner()
    get_settings.cache_clear()


def test_cli_manages_partnerships_and_groups(world: World, cli: CliRunner) -> None:
    r = cli.invoke(sharing_cli, ["partnerships", "add", "--country", "ME", "--partner", "AL",
                                 "--both"])  # fmt: skip
    assert r.exit_code == 0, r.output
    r = cli.invoke(sharing_cli, ["partnerships", "list"])
    assert "ME" in r.output and "AL" in r.output
    # acting as an agency, its country's rule applies
    r = cli.invoke(sharing_cli, ["partnerships", "remove", "--country", "ME", "--partner", "AL",
                                 "--agency", "RS-UC"])  # fmt: skip
    assert r.exit_code == 1
    r = cli.invoke(sharing_cli, ["partnerships", "remove", "--country", "ME", "--partner", "AL"])
    assert r.exit_code == 0, r.output
    with world.session() as s:
        assert "ME" not in partner_countries(s, "AL")
        assert "AL" in partner_countries(s, "ME")

    r = cli.invoke(sharing_cli, ["groups", "add", "--name", "Sava", "--owner", "BA-GP",
                                 "--member", "HR-CU"])  # fmt: skip
    assert r.exit_code == 0, r.output
    r = cli.invoke(sharing_cli, ["groups", "members", "add", "Sava", "--member", "RS-UC"])
    assert r.exit_code == 0, r.output
    r = cli.invoke(sharing_cli, ["groups", "members", "add", "Sava", "--member", "ME-UPC",
                                 "--agency", "BA-UIO"])  # fmt: skip
    assert r.exit_code == 1  # BA-UIO's administrator does not own Sava
    r = cli.invoke(sharing_cli, ["groups", "members", "remove", "Sava", "--member", "HR-CU"])
    assert r.exit_code == 0, r.output
    r = cli.invoke(sharing_cli, ["groups", "list"])
    assert "Sava" in r.output and "RS-UC" in r.output and "HR-CU" not in r.output
    with world.session() as s:
        actors = s.execute(
            select(AuditEntry.actor).where(AuditEntry.object_type == "SharingGroupMember")
        ).scalars()
        assert "cli" in set(actors)
