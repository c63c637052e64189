"""sharing groups get an owner agency and a purpose; joint-operation workspaces

Revision ID: 0017
Revises: 0015
Create Date: 2026-12-07 22:05:00
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import sqlalchemy as sa
from alembic import op

from kalibar.db.base import UTCDateTime

revision = "0017"
down_revision = "0015"
branch_labels = None
depends_on = None


@contextmanager
def _rebuilding_sharing_groups() -> Iterator[None]:
    """SQLite rebuilds ``sharing_groups`` to change its constraints (copy, drop, rename);
    with foreign keys on, the drop fails while rows of other tables point at its rows, and
    the pragma that turns them off is ignored inside the migration's transaction. So the
    rows pointing at it are set aside, and put back once the rebuilt table holds its rows."""
    bind = op.get_bind()
    if bind.dialect.name != "sqlite":
        yield
        return
    inspector = sa.inspect(bind)
    children = [
        name
        for name in inspector.get_table_names()
        if any(fk["referred_table"] == "sharing_groups" for fk in inspector.get_foreign_keys(name))
    ]
    bind.exec_driver_sql("PRAGMA defer_foreign_keys = ON")  # until the rows are back
    kept: dict[str, tuple[sa.Table, list[dict[str, object]]]] = {}
    for name in children:
        table = sa.Table(name, sa.MetaData(), autoload_with=bind)
        kept[name] = (table, [dict(row) for row in bind.execute(sa.select(table)).mappings()])
        bind.execute(table.delete())
    yield
    for table, rows in kept.values():
        if rows:
            bind.execute(table.insert(), rows)


def _stamps() -> list[sa.Column[object]]:
    return [
        sa.Column("created_at", UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", UTCDateTime(timezone=True), nullable=False),
    ]


def _part(name: str, *columns: sa.Column[object], extra: tuple[object, ...] = ()) -> None:
    """A part of an operation: uuid key, ``operation_id`` to the operation, timestamps."""
    op.create_table(
        name,
        sa.Column("uuid", sa.Uuid(), nullable=False),
        sa.Column("operation_id", sa.Uuid(), nullable=False),
        *columns,
        *_stamps(),
        sa.ForeignKeyConstraint(
            ["operation_id"], ["operations.uuid"], name=op.f(f"fk_{name}_operation_id_operations")
        ),
        sa.PrimaryKeyConstraint("uuid", name=op.f(f"pk_{name}")),
        *extra,  # type: ignore[arg-type]
    )
    with op.batch_alter_table(name, schema=None) as batch_op:
        batch_op.create_index(batch_op.f(f"ix_{name}_operation_id"), ["operation_id"], unique=False)


def upgrade() -> None:
    with _rebuilding_sharing_groups(), op.batch_alter_table("sharing_groups") as batch_op:
        batch_op.add_column(sa.Column("owner_agency_id", sa.Integer(), nullable=True))
        batch_op.add_column(
            sa.Column("purpose", sa.String(length=16), nullable=False, server_default="")
        )
        batch_op.create_index(
            batch_op.f("ix_sharing_groups_owner_agency_id"), ["owner_agency_id"], unique=False
        )
        batch_op.create_foreign_key(
            batch_op.f("fk_sharing_groups_owner_agency_id_agencies"),
            "agencies",
            ["owner_agency_id"],
            ["id"],
        )
    with _rebuilding_sharing_groups(), op.batch_alter_table("sharing_groups") as batch_op:
        batch_op.alter_column("purpose", server_default=None)

    op.create_table(
        "operations",
        sa.Column("reference", sa.String(length=40), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("purpose", sa.Text(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("starts_on", sa.Date(), nullable=True),
        sa.Column("ends_on", sa.Date(), nullable=True),
        sa.Column("group_id", sa.Integer(), nullable=False),
        sa.Column("summary", sa.Text(), nullable=False),
        sa.Column("closed_at", UTCDateTime(timezone=True), nullable=True),
        sa.Column("created_by", sa.String(length=80), nullable=False),
        sa.Column("uuid", sa.Uuid(), nullable=False),
        sa.Column("owner_country", sa.String(length=2), nullable=False),
        sa.Column("distribution", sa.String(length=16), nullable=False),
        sa.Column("deleted_at", UTCDateTime(timezone=True), nullable=True),
        sa.Column("owner_agency_id", sa.Integer(), nullable=False),
        *_stamps(),
        sa.ForeignKeyConstraint(
            ["group_id"], ["sharing_groups.id"], name=op.f("fk_operations_group_id_sharing_groups")
        ),
        sa.ForeignKeyConstraint(
            ["owner_agency_id"],
            ["agencies.id"],
            name=op.f("fk_operations_owner_agency_id_agencies"),
        ),
        sa.PrimaryKeyConstraint("uuid", name=op.f("pk_operations")),
        sa.UniqueConstraint("group_id", name=op.f("uq_operations_group_id")),
        sa.UniqueConstraint("reference", name=op.f("uq_operations_reference")),
    )
    with op.batch_alter_table("operations", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_operations_owner_agency_id"), ["owner_agency_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_operations_owner_country"), ["owner_country"], unique=False
        )
        batch_op.create_index(
            "ix_operations_visibility", ["owner_country", "distribution"], unique=False
        )

    _part(
        "operation_members",
        sa.Column("agency_id", sa.Integer(), nullable=False),
        sa.Column("role", sa.String(length=16), nullable=False),
        sa.Column("added_by", sa.String(length=80), nullable=False),
        sa.Column("left_at", UTCDateTime(timezone=True), nullable=True),
        extra=(
            sa.ForeignKeyConstraint(
                ["agency_id"], ["agencies.id"], name=op.f("fk_operation_members_agency_id_agencies")
            ),
        ),
    )
    with op.batch_alter_table("operation_members", schema=None) as batch_op:
        batch_op.create_index(
            "ix_operation_members_op_agency", ["operation_id", "agency_id"], unique=False
        )
    _part(
        "operation_links",
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("object_uuid", sa.Uuid(), nullable=False),
        sa.Column("note", sa.String(length=500), nullable=False),
        sa.Column("linked_by", sa.String(length=80), nullable=False),
        sa.Column("linked_by_agency_id", sa.Integer(), nullable=True),
        extra=(
            sa.ForeignKeyConstraint(
                ["linked_by_agency_id"],
                ["agencies.id"],
                name=op.f("fk_operation_links_linked_by_agency_id_agencies"),
            ),
            sa.UniqueConstraint(
                "operation_id", "kind", "object_uuid", name=op.f("uq_operation_links_operation_id")
            ),
        ),
    )
    with op.batch_alter_table("operation_links", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_operation_links_object_uuid"), ["object_uuid"], unique=False
        )
    _part(
        "operation_log",
        sa.Column("author", sa.String(length=80), nullable=False),
        sa.Column("author_agency_id", sa.Integer(), nullable=True),
        sa.Column("body", sa.Text(), nullable=False),
        extra=(
            sa.ForeignKeyConstraint(
                ["author_agency_id"],
                ["agencies.id"],
                name=op.f("fk_operation_log_author_agency_id_agencies"),
            ),
        ),
    )
    _part(
        "operation_tasks",
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("owner_user_id", sa.Integer(), nullable=True),
        sa.Column("due_on", sa.Date(), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("done_at", UTCDateTime(timezone=True), nullable=True),
        sa.Column("created_by", sa.String(length=80), nullable=False),
        extra=(
            sa.ForeignKeyConstraint(
                ["owner_user_id"], ["users.id"], name=op.f("fk_operation_tasks_owner_user_id_users")
            ),
        ),
    )


def downgrade() -> None:
    for name in ("operation_tasks", "operation_log", "operation_links", "operation_members"):
        op.drop_table(name)
    op.drop_table("operations")
    with _rebuilding_sharing_groups(), op.batch_alter_table("sharing_groups") as batch_op:
        batch_op.drop_constraint(
            batch_op.f("fk_sharing_groups_owner_agency_id_agencies"), type_="foreignkey"
        )
        batch_op.drop_index(batch_op.f("ix_sharing_groups_owner_agency_id"))
        batch_op.drop_column("purpose")
        batch_op.drop_column("owner_agency_id")
