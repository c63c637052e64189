"""reports: saved Roadmap progress reports (half-years) and their values with evidence

Revision ID: 0021
Revises: 0015
Create Date: 2026-12-07 22:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from kalibar.db.base import UTCDateTime

revision = "0021"
down_revision = "0015"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "roadmap_reports",
        sa.Column("period", sa.String(length=8), nullable=False),
        sa.Column("scope", sa.String(length=16), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("frozen_at", UTCDateTime(timezone=True), nullable=True),
        sa.Column("frozen_by", sa.String(length=80), nullable=False),
        sa.Column("distribution", sa.String(length=16), nullable=False),
        sa.Column("uuid", sa.Uuid(), nullable=False),
        sa.Column("owner_country", sa.String(length=2), nullable=False),
        sa.Column("deleted_at", UTCDateTime(timezone=True), nullable=True),
        sa.Column("created_at", UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", UTCDateTime(timezone=True), nullable=False),
        sa.Column("owner_agency_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["owner_agency_id"], ["agencies.id"],
            name=op.f("fk_roadmap_reports_owner_agency_id_agencies"),
        ),
        sa.PrimaryKeyConstraint("uuid", name=op.f("pk_roadmap_reports")),
        sa.UniqueConstraint(
            "owner_agency_id", "period", name=op.f("uq_roadmap_reports_owner_agency_id")
        ),
    )  # fmt: skip
    op.create_index(
        "ix_roadmap_reports_visibility", "roadmap_reports", ["owner_country", "distribution"]
    )
    op.create_index(op.f("ix_roadmap_reports_owner_country"), "roadmap_reports", ["owner_country"])
    op.create_index(
        op.f("ix_roadmap_reports_owner_agency_id"), "roadmap_reports", ["owner_agency_id"]
    )
    op.create_table(
        "roadmap_values",
        sa.Column("uuid", sa.Uuid(), nullable=False),
        sa.Column("report_id", sa.Uuid(), nullable=False),
        sa.Column("kpi_id", sa.String(length=32), nullable=False),
        sa.Column("source", sa.String(length=16), nullable=False),
        sa.Column("value", sa.String(length=200), nullable=False),
        sa.Column("evidence", sa.Text(), nullable=False),
        sa.Column("updated_by", sa.String(length=80), nullable=False),
        sa.Column("created_at", UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["report_id"], ["roadmap_reports.uuid"],
            name=op.f("fk_roadmap_values_report_id_roadmap_reports"),
        ),
        sa.PrimaryKeyConstraint("uuid", name=op.f("pk_roadmap_values")),
        sa.UniqueConstraint("report_id", "kpi_id", name=op.f("uq_roadmap_values_report_id")),
    )  # fmt: skip
    op.create_index(op.f("ix_roadmap_values_report_id"), "roadmap_values", ["report_id"])


def downgrade() -> None:
    op.drop_index(op.f("ix_roadmap_values_report_id"), table_name="roadmap_values")
    op.drop_table("roadmap_values")
    op.drop_index(op.f("ix_roadmap_reports_owner_agency_id"), table_name="roadmap_reports")
    op.drop_index(op.f("ix_roadmap_reports_owner_country"), table_name="roadmap_reports")
    op.drop_index("ix_roadmap_reports_visibility", table_name="roadmap_reports")
    op.drop_table("roadmap_reports")
