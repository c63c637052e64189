"""Schema plus the reference data every installation needs: one function for the CLI,
the test templates and the browser tests' live server, so they can never drift apart."""

from __future__ import annotations

from sqlalchemy import Engine

from kalibar.db.migrate import upgrade
from kalibar.db.session import unit_of_work


def upgrade_and_seed(engine: Engine) -> int:
    """Migrate to the newest schema; load the catalogue, countries and procedure templates.

    Returns the number of countries added.
    """
    from kalibar.agencies.service import sync_countries
    from kalibar.federation.service import ensure_identity
    from kalibar.reference.service import sync_package
    from kalibar.seizures.procedure_templates import seed_templates

    upgrade(engine)
    with unit_of_work(engine) as session:
        sync_package(session)
        seed_templates(session)
        ensure_identity(session)  # this instance's country, name and Ed25519 key
        return sync_countries(session)
