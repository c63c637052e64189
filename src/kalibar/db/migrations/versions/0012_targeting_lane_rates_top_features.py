"""targeting: lane rates per agency, office and flow; the model's top features per screening

Revision ID: 0012
Revises: 0011
Create Date: 2026-11-24 06:40:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import kalibar.db.base

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "targeting_lane_rates",
        sa.Column("uuid", sa.Uuid(), nullable=False),
        sa.Column("agency_id", sa.Integer(), nullable=False),
        sa.Column("office", sa.String(length=64), nullable=False),
        sa.Column("flow", sa.String(length=16), nullable=False),
        sa.Column("red", sa.Float(), nullable=True),
        sa.Column("yellow", sa.Float(), nullable=True),
        sa.Column("blue", sa.Float(), nullable=True),
        sa.Column("saved_by", sa.String(length=80), nullable=False),
        sa.Column("created_at", kalibar.db.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", kalibar.db.base.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["agency_id"], ["agencies.id"], name=op.f("fk_targeting_lane_rates_agency_id_agencies")
        ),
        sa.PrimaryKeyConstraint("uuid", name=op.f("pk_targeting_lane_rates")),
        sa.UniqueConstraint(
            "agency_id", "office", "flow", name=op.f("uq_targeting_lane_rates_agency_id")
        ),
    )
    with op.batch_alter_table("targeting_lane_rates", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_targeting_lane_rates_agency_id"), ["agency_id"], unique=False
        )
    with op.batch_alter_table("targeting_screenings", schema=None) as batch_op:
        batch_op.add_column(sa.Column("top_features", sa.Text(), nullable=False, server_default=""))


def downgrade() -> None:
    with op.batch_alter_table("targeting_screenings", schema=None) as batch_op:
        batch_op.drop_column("top_features")
    with op.batch_alter_table("targeting_lane_rates", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_targeting_lane_rates_agency_id"))
    op.drop_table("targeting_lane_rates")
