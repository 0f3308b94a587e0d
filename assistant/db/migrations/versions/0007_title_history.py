"""Title history of a cadre: earlier titles and how each was reached (tuyển dụng, thăng hạng, chuyển chức danh).

Revision ID: enr0002
Revises: scl0001
Create Date: 2026-12-01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "enr0002"
down_revision = "scl0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "enr_title_history",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("cadre_id", sa.Integer(), nullable=False),
        sa.Column("title_code", sa.String(length=32), nullable=False),
        sa.Column("title_name", sa.String(length=255), nullable=True),
        sa.Column("title_rank", sa.String(length=8), nullable=True),
        sa.Column("since", sa.Date(), nullable=False),
        sa.Column("change", sa.String(length=32), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["cadre_id"],
            ["enr_cadres.id"],
            name=op.f("fk_enr_title_history_cadre_id_enr_cadres"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_enr_title_history")),
        sa.UniqueConstraint("cadre_id", "title_code", "since", name="uq_enr_title_history_cadre_code_since"),
    )
    with op.batch_alter_table("enr_title_history") as batch:
        batch.create_index(batch.f("ix_enr_title_history_cadre_id"), ["cadre_id"], unique=False)


def downgrade() -> None:
    op.drop_table("enr_title_history")
