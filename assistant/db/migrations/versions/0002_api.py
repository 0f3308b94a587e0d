"""API tables: users, tokens, API keys, Telegram links, answer log, admin actions, feedback, jobs, uploads.

Revision ID: api0001
Revises: enr0001
Create Date: 2026-05-20
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "api0001"
down_revision = "enr0001"
branch_labels = None
depends_on = None


def upgrade() -> None:

    op.create_table(
        "api_admin_actions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("actor", sa.String(length=128), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("action", sa.String(length=64), nullable=False),
        sa.Column("target", sa.String(length=255), nullable=False),
        sa.Column("detail", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_api_admin_actions")),
    )
    with op.batch_alter_table("api_admin_actions", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_api_admin_actions_at"), ["at"], unique=False)

    op.create_table(
        "api_answer_log",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("trace_id", sa.String(length=32), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("question", sa.Text(), nullable=False),
        sa.Column("asker", sa.String(length=128), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("telegram_user_id", sa.String(length=32), nullable=True),
        sa.Column("cadre_code", sa.String(length=64), nullable=True),
        sa.Column("generation", sa.String(length=64), nullable=False),
        sa.Column("abstained", sa.Boolean(), nullable=False),
        sa.Column("confidence", sa.Float(), nullable=False),
        sa.Column("cited_unit_ids", sa.JSON(), nullable=False),
        sa.Column("statuses", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_api_answer_log")),
        sa.UniqueConstraint("trace_id", name=op.f("uq_api_answer_log_trace_id")),
    )
    with op.batch_alter_table("api_answer_log", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_api_answer_log_abstained"), ["abstained"], unique=False)
        batch_op.create_index(batch_op.f("ix_api_answer_log_at"), ["at"], unique=False)

    op.create_table(
        "api_feedback",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("trace_id", sa.String(length=32), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("helpful", sa.Boolean(), nullable=False),
        sa.Column("comment", sa.Text(), nullable=False),
        sa.Column("asker", sa.String(length=128), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_api_feedback")),
    )
    with op.batch_alter_table("api_feedback", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_api_feedback_trace_id"), ["trace_id"], unique=False)

    op.create_table(
        "api_jobs",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("target", sa.String(length=255), nullable=False),
        sa.Column("requested_by", sa.String(length=128), nullable=False),
        sa.Column("pid", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("phase", sa.String(length=32), nullable=False),
        sa.Column("done", sa.Integer(), nullable=False),
        sa.Column("total", sa.Integer(), nullable=False),
        sa.Column("result", sa.JSON(), nullable=True),
        sa.Column("error", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_api_jobs")),
    )
    with op.batch_alter_table("api_jobs", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_api_jobs_status"), ["status"], unique=False)

    op.create_table(
        "api_keys",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=64), nullable=False),
        sa.Column("key_hash", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_api_keys")),
        sa.UniqueConstraint("key_hash", name=op.f("uq_api_keys_key_hash")),
        sa.UniqueConstraint("name", name=op.f("uq_api_keys_name")),
    )
    op.create_table(
        "api_link_attempts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("telegram_user_id", sa.String(length=32), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_api_link_attempts")),
    )
    with op.batch_alter_table("api_link_attempts", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_api_link_attempts_at"), ["at"], unique=False)
        batch_op.create_index(batch_op.f("ix_api_link_attempts_telegram_user_id"), ["telegram_user_id"], unique=False)

    op.create_table(
        "api_uploads",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("filename", sa.String(length=255), nullable=False),
        sa.Column("uploaded_by", sa.String(length=128), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("document", sa.JSON(), nullable=False),
        sa.Column("job_id", sa.String(length=32), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_api_uploads")),
    )
    op.create_table(
        "api_users",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("username", sa.String(length=64), nullable=False),
        sa.Column("password_hash", sa.String(length=255), nullable=False),
        sa.Column("role", sa.String(length=16), nullable=False),
        sa.Column("full_name", sa.String(length=255), nullable=False),
        sa.Column("unit_code", sa.String(length=64), nullable=True),
        sa.Column("cadre_code", sa.String(length=64), nullable=True),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("demo", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_api_users")),
        sa.UniqueConstraint("username", name=op.f("uq_api_users_username")),
    )
    op.create_table(
        "api_link_codes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code_hash", sa.String(length=64), nullable=False),
        sa.Column("cadre_code", sa.String(length=64), nullable=False),
        sa.Column("issued_by", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("used_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("used_by_telegram", sa.String(length=32), nullable=True),
        sa.ForeignKeyConstraint(
            ["issued_by"], ["api_users.id"], name=op.f("fk_api_link_codes_issued_by_api_users"), ondelete="SET NULL"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_api_link_codes")),
        sa.UniqueConstraint("code_hash", name=op.f("uq_api_link_codes_code_hash")),
    )
    with op.batch_alter_table("api_link_codes", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_api_link_codes_cadre_code"), ["cadre_code"], unique=False)

    op.create_table(
        "api_tokens",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["user_id"], ["api_users.id"], name=op.f("fk_api_tokens_user_id_api_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_api_tokens")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_api_tokens_token_hash")),
    )
    with op.batch_alter_table("api_tokens", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_api_tokens_user_id"), ["user_id"], unique=False)

    op.create_table(
        "api_telegram_links",
        sa.Column("telegram_user_id", sa.String(length=32), nullable=False),
        sa.Column("cadre_code", sa.String(length=64), nullable=False),
        sa.Column("linked_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("link_code_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["link_code_id"],
            ["api_link_codes.id"],
            name=op.f("fk_api_telegram_links_link_code_id_api_link_codes"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("telegram_user_id", name=op.f("pk_api_telegram_links")),
    )
    with op.batch_alter_table("api_telegram_links", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_api_telegram_links_cadre_code"), ["cadre_code"], unique=False)


def downgrade() -> None:

    with op.batch_alter_table("api_telegram_links", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_api_telegram_links_cadre_code"))

    op.drop_table("api_telegram_links")
    with op.batch_alter_table("api_tokens", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_api_tokens_user_id"))

    op.drop_table("api_tokens")
    with op.batch_alter_table("api_link_codes", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_api_link_codes_cadre_code"))

    op.drop_table("api_link_codes")
    op.drop_table("api_users")
    op.drop_table("api_uploads")
    with op.batch_alter_table("api_link_attempts", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_api_link_attempts_telegram_user_id"))
        batch_op.drop_index(batch_op.f("ix_api_link_attempts_at"))

    op.drop_table("api_link_attempts")
    op.drop_table("api_keys")
    with op.batch_alter_table("api_jobs", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_api_jobs_status"))

    op.drop_table("api_jobs")
    with op.batch_alter_table("api_feedback", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_api_feedback_trace_id"))

    op.drop_table("api_feedback")
    with op.batch_alter_table("api_answer_log", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_api_answer_log_at"))
        batch_op.drop_index(batch_op.f("ix_api_answer_log_abstained"))

    op.drop_table("api_answer_log")
    with op.batch_alter_table("api_admin_actions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_api_admin_actions_at"))

    op.drop_table("api_admin_actions")
