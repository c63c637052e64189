"""targeting: capacity counts per period, office and flow; the lane a screening asked for
and whether a mandatory rule hit

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-07 19:50:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "targeting_capacity_counts",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("agency_id", sa.Integer(), nullable=False),
        sa.Column("office", sa.String(length=64), nullable=False),
        sa.Column("flow", sa.String(length=16), nullable=False),
        sa.Column("period", sa.Date(), nullable=False),
        sa.Column("total", sa.Integer(), nullable=False),
        sa.Column("red", sa.Integer(), nullable=False),
        sa.Column("yellow", sa.Integer(), nullable=False),
        sa.Column("blue", sa.Integer(), nullable=False),
        sa.Column("mandatory", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["agency_id"],
            ["agencies.id"],
            name=op.f("fk_targeting_capacity_counts_agency_id_agencies"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_targeting_capacity_counts")),
        sa.UniqueConstraint(
            "agency_id",
            "office",
            "flow",
            "period",
            name=op.f("uq_targeting_capacity_counts_agency_id"),
        ),
    )
    with op.batch_alter_table("targeting_capacity_counts", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_targeting_capacity_counts_agency_id"), ["agency_id"], unique=False
        )
    with op.batch_alter_table("targeting_screenings", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("asked", sa.String(length=8), nullable=False, server_default="")
        )
        batch_op.add_column(
            sa.Column("mandatory", sa.Boolean(), nullable=False, server_default=sa.false())
        )
        batch_op.create_index("ix_targeting_screenings_screened_at", ["screened_at"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("targeting_screenings", schema=None) as batch_op:
        batch_op.drop_index("ix_targeting_screenings_screened_at")
        batch_op.drop_column("mandatory")
        batch_op.drop_column("asked")
    with op.batch_alter_table("targeting_capacity_counts", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_targeting_capacity_counts_agency_id"))
    op.drop_table("targeting_capacity_counts")
