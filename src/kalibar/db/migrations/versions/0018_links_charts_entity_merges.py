"""links: saved link charts and entity merges

Revision ID: 0018
Revises: 0015
Create Date: 2026-12-07 22:10:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from kalibar.db.base import UTCDateTime

revision = "0018"
down_revision = "0015"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "link_charts",
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("root", sa.String(length=80), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("created_by", sa.String(length=80), nullable=False),
        sa.Column("uuid", sa.Uuid(), nullable=False),
        sa.Column("owner_country", sa.String(length=2), nullable=False),
        sa.Column("distribution", sa.String(length=16), nullable=False),
        sa.Column("deleted_at", UTCDateTime(timezone=True), nullable=True),
        sa.Column("owner_agency_id", sa.Integer(), nullable=False),
        sa.Column("created_at", UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["owner_agency_id"],
            ["agencies.id"],
            name=op.f("fk_link_charts_owner_agency_id_agencies"),
        ),
        sa.PrimaryKeyConstraint("uuid", name=op.f("pk_link_charts")),
    )
    with op.batch_alter_table("link_charts", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_link_charts_owner_agency_id"), ["owner_agency_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_link_charts_owner_country"), ["owner_country"], unique=False
        )
        batch_op.create_index(
            "ix_link_charts_visibility", ["owner_country", "distribution"], unique=False
        )

    op.create_table(
        "entity_merges",
        sa.Column("uuid", sa.Uuid(), nullable=False),
        sa.Column("owner_agency_id", sa.Integer(), nullable=False),
        sa.Column("survivor_id", sa.Uuid(), nullable=False),
        sa.Column("merged_id", sa.Uuid(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("merged_by", sa.String(length=80), nullable=False),
        sa.Column("split_at", UTCDateTime(timezone=True), nullable=True),
        sa.Column("split_by", sa.String(length=80), nullable=False),
        sa.Column("split_reason", sa.Text(), nullable=False),
        sa.Column("created_at", UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["owner_agency_id"],
            ["agencies.id"],
            name=op.f("fk_entity_merges_owner_agency_id_agencies"),
        ),
        sa.ForeignKeyConstraint(
            ["survivor_id"], ["entities.uuid"], name=op.f("fk_entity_merges_survivor_id_entities")
        ),
        sa.ForeignKeyConstraint(
            ["merged_id"], ["entities.uuid"], name=op.f("fk_entity_merges_merged_id_entities")
        ),
        sa.PrimaryKeyConstraint("uuid", name=op.f("pk_entity_merges")),
    )
    with op.batch_alter_table("entity_merges", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_entity_merges_owner_agency_id"), ["owner_agency_id"], unique=False
        )
        batch_op.create_index(
            "ix_entity_merges_survivor", ["survivor_id", "split_at"], unique=False
        )
        batch_op.create_index("ix_entity_merges_merged", ["merged_id", "split_at"], unique=False)


def downgrade() -> None:
    op.drop_table("entity_merges")
    op.drop_table("link_charts")
