"""targeting: model versions with their metrics, champion/challenger decisions

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-07 20:20:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from kalibar.db.base import UTCDateTime

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "targeting_model_versions",
        sa.Column("uuid", sa.Uuid(), nullable=False),
        sa.Column("version", sa.String(length=40), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("source", sa.String(length=8), nullable=False),
        sa.Column("agency_id", sa.Integer(), nullable=True),
        sa.Column("trained_by", sa.String(length=80), nullable=False),
        sa.Column("trained_at", UTCDateTime(timezone=True), nullable=False),
        sa.Column("metrics", sa.Text(), nullable=False),
        sa.Column("comparison", sa.Text(), nullable=False),
        sa.Column("decided_by", sa.String(length=80), nullable=False),
        sa.Column("decided_at", UTCDateTime(timezone=True), nullable=True),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("created_at", UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("uuid", name=op.f("pk_targeting_model_versions")),
        sa.UniqueConstraint("version", name=op.f("uq_targeting_model_versions_version")),
    )


def downgrade() -> None:
    op.drop_table("targeting_model_versions")
