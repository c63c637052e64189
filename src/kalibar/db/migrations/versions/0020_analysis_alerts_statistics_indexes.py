"""analysis: early-warning alerts, and indexes the seizure statistics group by

Revision ID: 0020
Revises: 0015
Create Date: 2026-12-07 22:20:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from kalibar.db.base import UTCDateTime

revision = "0020"
down_revision = "0015"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "analysis_alerts",
        sa.Column("uuid", sa.Uuid(), nullable=False),
        sa.Column("agency_id", sa.Integer(), nullable=False),
        sa.Column("detector", sa.String(length=32), nullable=False),
        sa.Column("pattern_key", sa.String(length=400), nullable=False),
        sa.Column("params", sa.Text(), nullable=False),
        sa.Column("evidence", sa.Text(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("first_seen_at", UTCDateTime(timezone=True), nullable=False),
        sa.Column("last_seen_at", UTCDateTime(timezone=True), nullable=False),
        sa.Column("read_at", UTCDateTime(timezone=True), nullable=True),
        sa.Column("read_by", sa.String(length=80), nullable=False),
        sa.Column("dismissed_at", UTCDateTime(timezone=True), nullable=True),
        sa.Column("dismissed_by", sa.String(length=80), nullable=False),
        sa.Column("dismissal_reason", sa.Text(), nullable=False),
        sa.Column("created_at", UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["agency_id"], ["agencies.id"], name=op.f("fk_analysis_alerts_agency_id_agencies")
        ),
        sa.PrimaryKeyConstraint("uuid", name=op.f("pk_analysis_alerts")),
    )
    op.create_index(
        "ix_analysis_alerts_inbox",
        "analysis_alerts",
        ["agency_id", "status", "last_seen_at"],
    )
    op.create_index("ix_analysis_alerts_pattern", "analysis_alerts", ["detector", "pattern_key"])
    op.create_index(op.f("ix_analysis_alerts_agency_id"), "analysis_alerts", ["agency_id"])
    op.create_index(
        "ix_seized_items_live", "seized_items", ["seizure_id", "deleted_at", "kind", "record_id"]
    )


def downgrade() -> None:
    op.drop_index("ix_seized_items_live", table_name="seized_items")
    op.drop_index(op.f("ix_analysis_alerts_agency_id"), table_name="analysis_alerts")
    op.drop_index("ix_analysis_alerts_pattern", table_name="analysis_alerts")
    op.drop_index("ix_analysis_alerts_inbox", table_name="analysis_alerts")
    op.drop_table("analysis_alerts")
