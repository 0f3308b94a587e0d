"""A coordinated switch: the generation a switch is about to serve (`staged`) and the API processes that follow the
pointer, each with the generation it serves and the one it has prepared, so a switch moves the pointer once every
live process holds the new generation loaded.

Revision ID: scl0002
Revises: enr0002
Create Date: 2026-12-07
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "scl0002"
down_revision = "enr0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("api_index_serving") as batch:
        batch.add_column(sa.Column("staged", sa.String(length=64), nullable=True))
        batch.add_column(sa.Column("staged_at", sa.DateTime(timezone=True), nullable=True))
    op.create_table(
        "api_index_processes",
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("host", sa.String(length=255), nullable=False),
        sa.Column("pid", sa.Integer(), nullable=False),
        sa.Column("serving", sa.String(length=64), nullable=True),
        sa.Column("prepared", sa.String(length=64), nullable=True),
        sa.Column("refused", sa.String(length=64), nullable=True),
        sa.Column("seen_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_api_index_processes")),
    )


def downgrade() -> None:
    op.drop_table("api_index_processes")
    with op.batch_alter_table("api_index_serving") as batch:
        batch.drop_column("staged_at")
        batch.drop_column("staged")
