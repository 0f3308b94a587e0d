"""Failed password logins, for throttling per account and per address across every API process.

Revision ID: db0004
Revises: rpt0001
Create Date: 2026-12-01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "db0004"
down_revision = "rpt0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "api_login_failures",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("username", sa.String(length=64), nullable=False),
        sa.Column("address", sa.String(length=64), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_api_login_failures")),
    )
    with op.batch_alter_table("api_login_failures") as batch:
        batch.create_index(batch.f("ix_api_login_failures_username"), ["username"], unique=False)
        batch.create_index(batch.f("ix_api_login_failures_address"), ["address"], unique=False)
        batch.create_index(batch.f("ix_api_login_failures_at"), ["at"], unique=False)


def downgrade() -> None:
    op.drop_table("api_login_failures")
