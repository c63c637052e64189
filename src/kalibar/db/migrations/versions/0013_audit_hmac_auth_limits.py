"""audit seals (HMAC under a key outside the database); atomic attempt counters; single-use
second-factor codes; API tokens without an expiry get one

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-07 19:20:00

Entries already in the trail have no seal (``mac`` NULL). ``kalibar db upgrade`` seals them
right after this migration, once their hash chain verifies (``kalibar audit seal``).
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import sqlalchemy as sa
from alembic import op

import kalibar.db.base

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None

#: Tokens issued before expiry became the default live this long after the upgrade.
LEGACY_TOKEN_DAYS = 90


def upgrade() -> None:
    with op.batch_alter_table("audit_entries", schema=None) as batch_op:
        batch_op.add_column(sa.Column("mac", sa.String(length=64), nullable=True))
    with op.batch_alter_table("audit_head", schema=None) as batch_op:
        batch_op.add_column(sa.Column("mac", sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column("key_id", sa.String(length=16), nullable=True))
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.add_column(sa.Column("totp_last_step", sa.Integer(), nullable=True))
    op.create_table(
        "auth_attempts",
        sa.Column("key", sa.String(length=80), nullable=False),
        sa.Column("window_start", kalibar.db.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_auth_attempts")),
    )
    with op.batch_alter_table("login_failures", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_login_failures_username"))
        batch_op.drop_index(batch_op.f("ix_login_failures_at"))
    op.drop_table("login_failures")
    tokens = sa.table(
        "api_tokens", sa.column("expires_at", kalibar.db.base.UTCDateTime(timezone=True))
    )
    op.get_bind().execute(
        tokens.update()
        .where(tokens.c.expires_at.is_(None))
        .values(expires_at=datetime.now(UTC) + timedelta(days=LEGACY_TOKEN_DAYS))
    )


def downgrade() -> None:
    op.create_table(
        "login_failures",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("username", sa.String(length=64), nullable=False),
        sa.Column("at", kalibar.db.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("client", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_login_failures")),
    )
    with op.batch_alter_table("login_failures", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_login_failures_at"), ["at"], unique=False)
        batch_op.create_index(batch_op.f("ix_login_failures_username"), ["username"], unique=False)
    op.drop_table("auth_attempts")
    # Plain DROP COLUMN (SQLite 3.35+ and PostgreSQL): a batch rebuild of ``users`` would
    # fail on the foreign keys that refer to it, and would copy the whole audit trail.
    op.execute("ALTER TABLE users DROP COLUMN totp_last_step")
    op.execute("ALTER TABLE audit_head DROP COLUMN key_id")
    op.execute("ALTER TABLE audit_head DROP COLUMN mac")
    op.execute("ALTER TABLE audit_entries DROP COLUMN mac")
