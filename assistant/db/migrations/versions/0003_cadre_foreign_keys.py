"""Users, link codes and Telegram links refer to their cadre by foreign key (enr_cadres.code).

A reference to a cadre no longer on record could not be used before this revision either (every use looks
the cadre up and fails); such a user keeps the account without the binding, such codes and links go.

Revision ID: db0003
Revises: api0001
Create Date: 2026-12-01
"""

from __future__ import annotations

from alembic import op

revision = "db0003"
down_revision = "api0001"
branch_labels = None
depends_on = None

ORPHAN = "cadre_code IS NOT NULL AND cadre_code NOT IN (SELECT code FROM enr_cadres)"
REFERRING = (
    ("api_users", "SET NULL"),
    ("api_link_codes", "CASCADE"),
    ("api_telegram_links", "CASCADE"),
)


def upgrade() -> None:
    op.execute(f"UPDATE api_users SET cadre_code = NULL WHERE {ORPHAN}")
    op.execute(f"DELETE FROM api_telegram_links WHERE {ORPHAN}")
    op.execute(
        "UPDATE api_telegram_links SET link_code_id = NULL"
        f" WHERE link_code_id IN (SELECT id FROM api_link_codes WHERE {ORPHAN})"
    )
    op.execute(f"DELETE FROM api_link_codes WHERE {ORPHAN}")
    for table, on_delete in REFERRING:
        with op.batch_alter_table(table) as batch:
            batch.create_foreign_key(
                f"fk_{table}_cadre_code_enr_cadres",
                "enr_cadres",
                ["cadre_code"],
                ["code"],
                ondelete=on_delete,
                onupdate="CASCADE",
            )


def downgrade() -> None:
    for table, _ in REFERRING:
        with op.batch_alter_table(table) as batch:
            batch.drop_constraint(f"fk_{table}_cadre_code_enr_cadres", type_="foreignkey")
