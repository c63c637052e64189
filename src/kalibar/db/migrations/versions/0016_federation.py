"""federation: instance identity, peers, keys, agreements, outbox, foreign objects

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-07 22:50:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from kalibar.db.base import UTCDateTime

revision = "0016"
down_revision = "0015"
branch_labels = None
depends_on = None


def _ts() -> list[sa.Column[object]]:
    return [
        sa.Column("created_at", UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", UTCDateTime(timezone=True), nullable=False),
    ]


def upgrade() -> None:
    op.create_table(
        "federation_instance",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("uuid", sa.Uuid(), nullable=False),
        sa.Column("country", sa.String(length=2), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        *_ts(),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_federation_instance")),
        sa.UniqueConstraint("uuid", name=op.f("uq_federation_instance_uuid")),
    )
    op.create_table(
        "federation_own_keys",
        sa.Column("fingerprint", sa.String(length=64), nullable=False),
        sa.Column("uuid", sa.Uuid(), nullable=False),
        sa.Column("public_key", sa.String(length=64), nullable=False),
        sa.Column("created_at", UTCDateTime(timezone=True), nullable=False),
        sa.Column("retired_at", UTCDateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("fingerprint", name=op.f("pk_federation_own_keys")),
        sa.UniqueConstraint("uuid", name=op.f("uq_federation_own_keys_uuid")),
    )
    op.create_table(
        "federation_peers",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("uuid", sa.Uuid(), nullable=False),
        sa.Column("code", sa.String(length=32), nullable=False),
        sa.Column("country", sa.String(length=2), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("url", sa.String(length=300), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("cursor", sa.Integer(), nullable=False),
        sa.Column("remote_head", sa.Integer(), nullable=False),
        sa.Column("last_sync_at", UTCDateTime(timezone=True), nullable=True),
        sa.Column("last_error", sa.Text(), nullable=False),
        sa.Column("last_error_at", UTCDateTime(timezone=True), nullable=True),
        sa.Column("received", sa.Integer(), nullable=False),
        sa.Column("refused", sa.Integer(), nullable=False),
        sa.Column("served_cursor", sa.Integer(), nullable=False),
        sa.Column("last_served_at", UTCDateTime(timezone=True), nullable=True),
        *_ts(),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_federation_peers")),
        sa.UniqueConstraint("uuid", name=op.f("uq_federation_peers_uuid")),
        sa.UniqueConstraint("code", name=op.f("uq_federation_peers_code")),
    )
    op.create_table(
        "federation_peer_keys",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("uuid", sa.Uuid(), nullable=False),
        sa.Column("peer_id", sa.Integer(), nullable=False),
        sa.Column("fingerprint", sa.String(length=64), nullable=False),
        sa.Column("public_key", sa.String(length=64), nullable=False),
        sa.Column("added_at", UTCDateTime(timezone=True), nullable=False),
        sa.Column("revoked_at", UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["peer_id"],
            ["federation_peers.id"],
            name=op.f("fk_federation_peer_keys_peer_id_federation_peers"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_federation_peer_keys")),
        sa.UniqueConstraint("uuid", name=op.f("uq_federation_peer_keys_uuid")),
        sa.UniqueConstraint("peer_id", "fingerprint", name=op.f("uq_federation_peer_keys_peer_id")),
    )
    op.create_index(op.f("ix_federation_peer_keys_peer_id"), "federation_peer_keys", ["peer_id"])
    op.create_index(
        op.f("ix_federation_peer_keys_fingerprint"), "federation_peer_keys", ["fingerprint"]
    )
    op.create_table(
        "federation_agreements",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("uuid", sa.Uuid(), nullable=False),
        sa.Column("peer_id", sa.Integer(), nullable=False),
        sa.Column("direction", sa.String(length=16), nullable=False),
        sa.Column("kinds", sa.String(length=200), nullable=False),
        sa.Column("distributions", sa.String(length=100), nullable=False),
        sa.Column("nominal", sa.Boolean(), nullable=False),
        *_ts(),
        sa.ForeignKeyConstraint(
            ["peer_id"],
            ["federation_peers.id"],
            name=op.f("fk_federation_agreements_peer_id_federation_peers"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_federation_agreements")),
        sa.UniqueConstraint("uuid", name=op.f("uq_federation_agreements_uuid")),
        sa.UniqueConstraint("peer_id", "direction", name=op.f("uq_federation_agreements_peer_id")),
    )
    op.create_index(op.f("ix_federation_agreements_peer_id"), "federation_agreements", ["peer_id"])
    op.create_table(
        "federation_outbox",
        sa.Column("seq", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("object_uuid", sa.Uuid(), nullable=False),
        sa.Column("peer_id", sa.Integer(), nullable=True),
        sa.Column("deleted", sa.Boolean(), nullable=False),
        sa.Column("exported", sa.Boolean(), nullable=False),
        sa.Column("changed_at", UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["peer_id"],
            ["federation_peers.id"],
            name=op.f("fk_federation_outbox_peer_id_federation_peers"),
        ),
        sa.PrimaryKeyConstraint("seq", name=op.f("pk_federation_outbox")),
        sa.UniqueConstraint("kind", "object_uuid", name=op.f("uq_federation_outbox_kind")),
    )
    op.create_index("ix_federation_outbox_peer_seq", "federation_outbox", ["peer_id", "seq"])
    op.create_table(
        "federation_foreign_objects",
        sa.Column("object_uuid", sa.Uuid(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("peer_id", sa.Integer(), nullable=False),
        sa.Column("origin_key", sa.String(length=64), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("deleted", sa.Boolean(), nullable=False),
        sa.Column("received_at", UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["peer_id"],
            ["federation_peers.id"],
            name=op.f("fk_federation_foreign_objects_peer_id_federation_peers"),
        ),
        sa.PrimaryKeyConstraint("object_uuid", name=op.f("pk_federation_foreign_objects")),
    )
    op.create_index(
        op.f("ix_federation_foreign_objects_peer_id"), "federation_foreign_objects", ["peer_id"]
    )
    op.create_table(
        "federation_remote_hits",
        sa.Column("uuid", sa.Uuid(), nullable=False),
        sa.Column("peer_id", sa.Integer(), nullable=False),
        sa.Column("record_id", sa.Uuid(), nullable=False),
        sa.Column("agency_id", sa.Integer(), nullable=False),
        sa.Column("other_reference", sa.String(length=64), nullable=False),
        sa.Column("other_agency", sa.String(length=32), nullable=False),
        sa.Column("score", sa.Float(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("decided_by", sa.String(length=120), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        *_ts(),
        sa.ForeignKeyConstraint(
            ["peer_id"],
            ["federation_peers.id"],
            name=op.f("fk_federation_remote_hits_peer_id_federation_peers"),
        ),
        sa.ForeignKeyConstraint(
            ["agency_id"],
            ["agencies.id"],
            name=op.f("fk_federation_remote_hits_agency_id_agencies"),
        ),
        sa.PrimaryKeyConstraint("uuid", name=op.f("pk_federation_remote_hits")),
    )
    op.create_index(
        op.f("ix_federation_remote_hits_peer_id"), "federation_remote_hits", ["peer_id"]
    )
    op.create_index(
        op.f("ix_federation_remote_hits_record_id"), "federation_remote_hits", ["record_id"]
    )
    op.create_index(
        op.f("ix_federation_remote_hits_agency_id"), "federation_remote_hits", ["agency_id"]
    )
    op.create_table(
        "federation_foreign_seizures",
        sa.Column("uuid", sa.Uuid(), nullable=False),
        sa.Column("owner_country", sa.String(length=2), nullable=False),
        sa.Column("distribution", sa.String(length=16), nullable=False),
        sa.Column("deleted_at", UTCDateTime(timezone=True), nullable=True),
        sa.Column("owner_agency_id", sa.Integer(), nullable=False),
        sa.Column("peer_id", sa.Integer(), nullable=False),
        sa.Column("reference", sa.String(length=64), nullable=False),
        sa.Column("occurred_at", UTCDateTime(timezone=True), nullable=True),
        sa.Column("summary", sa.Text(), nullable=False),
        *_ts(),
        sa.ForeignKeyConstraint(
            ["owner_agency_id"],
            ["agencies.id"],
            name=op.f("fk_federation_foreign_seizures_owner_agency_id_agencies"),
        ),
        sa.ForeignKeyConstraint(
            ["peer_id"],
            ["federation_peers.id"],
            name=op.f("fk_federation_foreign_seizures_peer_id_federation_peers"),
        ),
        sa.PrimaryKeyConstraint("uuid", name=op.f("pk_federation_foreign_seizures")),
    )
    op.create_index(
        op.f("ix_federation_foreign_seizures_owner_country"),
        "federation_foreign_seizures",
        ["owner_country"],
    )
    op.create_index(
        op.f("ix_federation_foreign_seizures_owner_agency_id"),
        "federation_foreign_seizures",
        ["owner_agency_id"],
    )
    op.create_index(
        op.f("ix_federation_foreign_seizures_peer_id"), "federation_foreign_seizures", ["peer_id"]
    )
    op.create_table(
        "federation_nonces",
        sa.Column("nonce", sa.String(length=64), nullable=False),
        sa.Column("seen_at", UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("nonce", name=op.f("pk_federation_nonces")),
    )
    op.create_index(op.f("ix_federation_nonces_seen_at"), "federation_nonces", ["seen_at"])
    op.create_table(
        "federation_refusals",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("peer_id", sa.Integer(), nullable=True),
        sa.Column("at", UTCDateTime(timezone=True), nullable=False),
        sa.Column("reason", sa.String(length=64), nullable=False),
        sa.Column("detail", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["peer_id"],
            ["federation_peers.id"],
            name=op.f("fk_federation_refusals_peer_id_federation_peers"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_federation_refusals")),
    )
    op.create_index(op.f("ix_federation_refusals_at"), "federation_refusals", ["at"])


def downgrade() -> None:
    for table in ("federation_refusals", "federation_nonces", "federation_foreign_seizures",
                  "federation_remote_hits", "federation_foreign_objects", "federation_outbox",
                  "federation_agreements", "federation_peer_keys", "federation_peers",
                  "federation_own_keys", "federation_instance"):  # fmt: skip
        op.drop_table(table)
