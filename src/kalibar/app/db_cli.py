"""``kalibar db ...``"""

from __future__ import annotations

import typer

from kalibar.app import seed
from kalibar.cli_support import console, handle_errors
from kalibar.db.migrate import current
from kalibar.db.session import default_engine, unit_of_work
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
    # Entries written before the audit key existed are sealed now (the key is made on
    # first use); a chain that does not verify is left as it is, and the command fails.
    from kalibar.audit.seal import seal_unsealed

    with unit_of_work(default_engine(), request_id="cli-db-upgrade") as session:
        report = seal_unsealed(session)
    if report.sealed:
        console.print(
            _("audit chain sealed: %(n)d entries sealed with key %(key)s")
            % {"n": report.sealed, "key": report.key_id}
        )


@app.command("current")
def current_cmd() -> None:
    """Print the schema revision of the configured database."""
    console.print(current(default_engine()) or "empty")
