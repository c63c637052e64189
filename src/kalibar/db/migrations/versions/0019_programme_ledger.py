"""programme ledger: trainings and participants, equipment and events, procedures adopted

Revision ID: 0019
Revises: 0015
Create Date: 2026-12-07 22:00:00
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from alembic import op

from kalibar.db.base import UTCDateTime

revision = "0019"
down_revision = "0015"
branch_labels = None
depends_on = None


def _shared(table: str) -> list[Any]:
    """The columns of ``db.base.SharedObject`` and its owner key."""
    return [
        sa.Column("uuid", sa.Uuid(), nullable=False),
        sa.Column("owner_country", sa.String(length=2), nullable=False),
        sa.Column("distribution", sa.String(length=16), nullable=False),
        sa.Column("deleted_at", UTCDateTime(timezone=True), nullable=True),
        sa.Column("owner_agency_id", sa.Integer(), nullable=False),
        sa.Column("created_at", UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["owner_agency_id"], ["agencies.id"], name=op.f(f"fk_{table}_owner_agency_id_agencies")
        ),
        sa.PrimaryKeyConstraint("uuid", name=op.f(f"pk_{table}")),
    ]


def _owner_indexes(table: str) -> None:
    op.create_index(op.f(f"ix_{table}_owner_agency_id"), table, ["owner_agency_id"])
    op.create_index(op.f(f"ix_{table}_owner_country"), table, ["owner_country"])
    op.create_index(f"ix_{table}_visibility", table, ["owner_country", "distribution"])


def upgrade() -> None:
    op.create_table(
        "programme_trainings",
        *_shared("programme_trainings"),
        sa.Column("reference", sa.String(length=64), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("course", sa.String(length=200), nullable=False),
        sa.Column("programme", sa.String(length=200), nullable=False),
        sa.Column("start_date", sa.Date(), nullable=False),
        sa.Column("end_date", sa.Date(), nullable=False),
        sa.Column("place", sa.String(length=200), nullable=False),
        sa.Column("place_code", sa.String(length=64), nullable=True),
        sa.Column("trainers", sa.Text(), nullable=False),
        sa.Column("trainers_training", sa.Boolean(), nullable=False),
        sa.Column("notes", sa.Text(), nullable=False),
        sa.UniqueConstraint(
            "owner_agency_id",
            "reference",
            name=op.f("uq_programme_trainings_owner_agency_id"),
        ),
    )
    _owner_indexes("programme_trainings")
    op.create_index("ix_programme_trainings_start", "programme_trainings", ["start_date", "uuid"])
    op.create_index(
        op.f("ix_programme_trainings_place_code"), "programme_trainings", ["place_code"]
    )

    op.create_table(
        "programme_participants",
        sa.Column("uuid", sa.Uuid(), nullable=False),
        sa.Column("training_id", sa.Uuid(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("full_name", sa.String(length=200), nullable=False),
        sa.Column("agency", sa.String(length=64), nullable=False),
        sa.Column("unit", sa.String(length=200), nullable=False),
        sa.Column("region", sa.String(length=120), nullable=False),
        sa.Column("role", sa.String(length=120), nullable=False),
        sa.Column("gender", sa.String(length=16), nullable=False),
        sa.Column("certificate", sa.String(length=80), nullable=False),
        sa.Column("created_at", UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["training_id"],
            ["programme_trainings.uuid"],
            name=op.f("fk_programme_participants_training_id_programme_trainings"),
        ),
        sa.PrimaryKeyConstraint("uuid", name=op.f("pk_programme_participants")),
    )
    op.create_index(
        "ix_programme_participants_counts",
        "programme_participants",
        ["training_id", "gender", "agency", "region", "unit"],
    )

    op.create_table(
        "programme_equipment",
        *_shared("programme_equipment"),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("model", sa.String(length=200), nullable=False),
        sa.Column("serial", sa.String(length=80), nullable=False),
        sa.Column("place_code", sa.String(length=64), nullable=True),
        sa.Column("place_name", sa.String(length=200), nullable=False),
        sa.Column("programme", sa.String(length=200), nullable=False),
        sa.Column("notes", sa.Text(), nullable=False),
        sa.UniqueConstraint(
            "owner_agency_id", "kind", "serial", name=op.f("uq_programme_equipment_owner_agency_id")
        ),
    )
    _owner_indexes("programme_equipment")
    op.create_index(
        op.f("ix_programme_equipment_place_code"), "programme_equipment", ["place_code"]
    )

    op.create_table(
        "programme_equipment_events",
        sa.Column("uuid", sa.Uuid(), nullable=False),
        sa.Column("equipment_id", sa.Uuid(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("on", sa.Date(), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("created_at", UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["equipment_id"],
            ["programme_equipment.uuid"],
            name=op.f("fk_programme_equipment_events_equipment_id_programme_equipment"),
        ),
        sa.PrimaryKeyConstraint("uuid", name=op.f("pk_programme_equipment_events")),
    )
    op.create_index(
        op.f("ix_programme_equipment_events_equipment_id"),
        "programme_equipment_events",
        ["equipment_id"],
    )

    op.create_table(
        "programme_procedures",
        *_shared("programme_procedures"),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("version", sa.String(length=40), nullable=False),
        sa.Column("adopted_on", sa.Date(), nullable=False),
        sa.Column("agency", sa.String(length=64), nullable=False),
        sa.Column("procedure_code", sa.String(length=64), nullable=False),
        sa.Column("notes", sa.Text(), nullable=False),
        sa.UniqueConstraint(
            "owner_agency_id",
            "name",
            "version",
            name=op.f("uq_programme_procedures_owner_agency_id"),
        ),
    )
    _owner_indexes("programme_procedures")
    # Covering index for the programme indicators' counts of seizures (see the model).
    op.create_index(
        "ix_seizures_programme_detections",
        "seizures",
        ["occurred_at", "place_code", "detection_method", "owner_country", "distribution",
         "owner_agency_id", "deleted_at", "uuid"],
    )  # fmt: skip


def downgrade() -> None:
    op.drop_index("ix_seizures_programme_detections", table_name="seizures")
    op.drop_table("programme_procedures")
    op.drop_table("programme_equipment_events")
    op.drop_table("programme_equipment")
    op.drop_table("programme_participants")
    op.drop_table("programme_trainings")
