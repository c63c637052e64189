"""The ``kalibar`` command line against each test database."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import Engine, func, select
from support import World, client_for
from typer.testing import CliRunner

from kalibar.agencies import service as agencies
from kalibar.app.cli import app
from kalibar.auth.models import ApiToken, User
from kalibar.config import get_settings
from kalibar.db.session import unit_of_work


@pytest.fixture
def cli(engine: Engine, monkeypatch: pytest.MonkeyPatch, tmp_path) -> Iterator[CliRunner]:  # type: ignore[no-untyped-def]
    """Point the CLI at the test database and a scratch data folder."""
    monkeypatch.setenv("KALIBAR_DATABASE_URL", engine.url.render_as_string(False))
    monkeypatch.setenv("KALIBAR_DATA_DIR", str(tmp_path / "var"))
    get_settings.cache_clear()
    yield CliRunner()
    get_settings.cache_clear()


def test_help_everywhere(cli: CliRunner) -> None:
    for args in ([], ["db"], ["users"], ["tokens"], ["audit"], ["demo"], ["serve"]):
        result = cli.invoke(app, [*args, "--help"])
        assert result.exit_code == 0 and "Usage" in result.output, args


def test_upgrade_then_demo_is_idempotent_and_prints_credentials(cli: CliRunner,
                                                               engine: Engine) -> None:
    assert cli.invoke(app, ["db", "upgrade"]).exit_code == 0
    first = cli.invoke(app, ["demo", "--records", "0"])
    assert first.exit_code == 0, first.output
    assert "admin" in first.output and "Demo credentials" in first.output
    again = cli.invoke(app, ["demo", "--records", "0"])
    assert again.exit_code == 0 and "Demo credentials" not in again.output
    with engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(User)).scalar_one() == 9


def test_demo_refuses_a_database_with_real_data(cli: CliRunner, engine: Engine) -> None:
    with unit_of_work(engine) as s:
        s.add(agencies_model(s))
    refused = cli.invoke(app, ["demo", "--records", "0"])
    assert refused.exit_code == 1 and "--force" in refused.output
    forced = cli.invoke(app, ["demo", "--force", "--records", "0"])
    assert forced.exit_code == 0, forced.output


def agencies_model(s):  # type: ignore[no-untyped-def]
    from kalibar.agencies.models import Agency

    return Agency(code="AL-DP", name="Albanian State Police", country_code="AL", kind="police")


def test_users_and_tokens(cli: CliRunner, world: World) -> None:
    r = cli.invoke(app, ["users", "create", "--username", "nina", "--agency", "BA-GP",
                         "--role", "officer", "--role", "analyst", "--password-stdin"],
                   input="a-very-long-password\n")
    assert r.exit_code == 0, r.output
    listing = cli.invoke(app, ["users", "list", "--agency", "BA-GP"])
    assert "nina" in listing.output and "analyst,officer" in listing.output
    short = cli.invoke(app, ["users", "create", "--username", "x", "--agency", "BA-GP",
                             "--role", "officer", "--password-stdin"], input="short\n")
    assert short.exit_code == 1 and "at least" in short.output
    bad_agency = cli.invoke(app, ["users", "create", "--username", "y", "--agency", "XX-NO",
                                  "--role", "officer", "--password-stdin"],
                            input="a-very-long-password\n")
    assert bad_agency.exit_code == 1 and "not found" in bad_agency.output
    made = cli.invoke(app, ["tokens", "create", "--username", "nina", "--expires", "3"])
    assert made.exit_code == 0, made.output
    token = made.output.strip().splitlines()[-1]
    client = client_for(world.engine)
    me = client.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"})
    assert me.json()["username"] == "nina"
    with world.session() as s:
        token_id = str(s.execute(select(ApiToken.uuid)).scalars().all()[-1])
    assert cli.invoke(app, ["tokens", "revoke", token_id]).exit_code == 0
    again = client.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"})
    assert again.status_code == 401


def test_audit_verify_passes_on_an_intact_chain(cli: CliRunner, world: World) -> None:
    with unit_of_work(world.engine) as s:
        agencies.sync_countries(s)
    r = cli.invoke(app, ["audit", "verify"])
    assert r.exit_code == 0 and "intact" in r.output
