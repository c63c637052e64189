"""merge: the rooms built side by side from 0015 (federation, sharing and operations, link
charts, programme ledger, analysis, reports) joined into one head

Revision ID: 0022
Revises: 0016, 0017, 0018, 0019, 0020, 0021
Create Date: 2026-12-07 22:25:00
"""

from __future__ import annotations

revision = "0022"
down_revision = ("0016", "0017", "0018", "0019", "0020", "0021")
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Nothing to change: the branches touch different tables."""


def downgrade() -> None:
    """Nothing to undo."""
