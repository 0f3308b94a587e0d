"""Several processes, several hosts: the serving pointer, published generations and their switch history;
job heartbeats (a worker killed mid-job is noticed from any host); shared request-rate counters.

Revision ID: scl0001
Revises: db0004
Create Date: 2026-12-01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "scl0001"
down_revision = "db0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "api_index_generations",
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("manifest", sa.JSON(), nullable=False),
        sa.Column("archive_sha256", sa.String(length=64), nullable=False),
        sa.Column("archive_size", sa.BigInteger(), nullable=False),
        sa.Column("archive", sa.LargeBinary(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_api_index_generations")),
    )
    op.create_table(
        "api_index_serving",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("generation", sa.String(length=64), nullable=False),
        sa.Column("switched_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_api_index_serving")),
    )
    op.create_table(
        "api_index_switches",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("generation", sa.String(length=64), nullable=False),
        sa.Column("previous", sa.String(length=64), nullable=True),
        sa.Column("reason", sa.String(length=32), nullable=False),
        sa.Column("by", sa.String(length=128), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_api_index_switches")),
    )
    op.create_table(
        "api_rate_counters",
        sa.Column("key", sa.String(length=200), nullable=False),
        sa.Column("window", sa.BigInteger(), nullable=False),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("key", "window", name=op.f("pk_api_rate_counters")),
    )
    with op.batch_alter_table("api_jobs") as batch:
        batch.add_column(sa.Column("heartbeat_at", sa.DateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column("worker", sa.String(length=128), nullable=False, server_default=""))


def downgrade() -> None:
    with op.batch_alter_table("api_jobs") as batch:
        batch.drop_column("worker")
        batch.drop_column("heartbeat_at")
    op.drop_table("api_rate_counters")
    op.drop_table("api_index_switches")
    op.drop_table("api_index_serving")
    op.drop_table("api_index_generations")
