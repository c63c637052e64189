"""``kalibar db ...``"""

from __future__ import annotations

import typer

from kalibar.agencies.service import sync_countries
from kalibar.cli_support import command_session, console, handle_errors
from kalibar.db.migrate import current, upgrade
from kalibar.db.session import default_engine
from kalibar.i18n import _
from kalibar.reference.service import sync_package

app = typer.Typer(help="Database schema and reference data.", no_args_is_help=True)


def upgrade_and_seed() -> int:
    """Migrate to the newest schema and make sure the countries are loaded."""
    upgrade(default_engine())
    with command_session() as session:
        sync_package(session)
        return sync_countries(session)


@app.command("upgrade")
@handle_errors
def upgrade_cmd() -> None:
    """Apply Alembic migrations up to the newest schema and load the country list."""
    added = upgrade_and_seed()
    console.print(
        _("database at revision %(rev)s; %(n)d countries added")
        % {"rev": current(default_engine()), "n": added}
    )


@app.command("current")
def current_cmd() -> None:
    """Print the schema revision of the configured database."""
    console.print(current(default_engine()) or "empty")
