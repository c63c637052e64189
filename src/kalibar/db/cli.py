"""``kalibar db ...``"""

from __future__ import annotations

import typer

from kalibar.cli_support import console, handle_errors
from kalibar.db import seed
from kalibar.db.migrate import current
from kalibar.db.session import default_engine
from kalibar.i18n import _

app = typer.Typer(help="Database schema and reference data.", no_args_is_help=True)


def upgrade_and_seed() -> int:
    """Migrate the configured database and load its reference data."""
    return seed.upgrade_and_seed(default_engine())


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
