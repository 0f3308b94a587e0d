"""Cadres flagged for the succession pool: quy hoạch / dự nguồn, and the post they are planned for.

Revision ID: rpt0001
Revises: db0003
Create Date: 2026-12-01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "rpt0001"
down_revision = "db0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("enr_cadres") as batch:
        batch.add_column(sa.Column("succession_pool", sa.String(length=32), nullable=True))
        batch.add_column(sa.Column("succession_target", sa.String(length=255), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("enr_cadres") as batch:
        batch.drop_column("succession_target")
        batch.drop_column("succession_pool")
