"""The Alembic migrations build exactly the schema the models describe, on both databases."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import Engine

from kalibar.db.registry import Base


def test_models_and_migrations_agree(engine: Engine) -> None:
    with engine.connect() as conn:
        context = MigrationContext.configure(conn)
        diff = compare_metadata(context, Base.metadata)
    ignored = {"test_bulletins"}  # a table the visibility tests define on purpose
    diff = [d for d in diff if not (d[0] == "add_table" and d[1].name in ignored)]
    assert diff == []
