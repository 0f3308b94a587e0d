"""Enrollment tables: units, cadres, courses, enrollments, certificates, commitments.

Revision ID: enr0001
Revises:
Create Date: 2026-05-20
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "enr0001"
down_revision = None
branch_labels = None
depends_on = None


def _str(n: int) -> sa.String:
    return sa.String(length=n)


def upgrade() -> None:
    op.create_table(
        "enr_units",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", _str(64), nullable=False),
        sa.Column("name", _str(255), nullable=False),
        sa.Column("level", _str(32), nullable=False),
        sa.Column("parent_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["parent_id"], ["enr_units.id"], name="fk_enr_units_parent_id_enr_units", ondelete="RESTRICT"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_enr_units"),
        sa.UniqueConstraint("code", name="uq_enr_units_code"),
    )
    op.create_index("ix_enr_units_parent_id", "enr_units", ["parent_id"])

    op.create_table(
        "enr_cadres",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", _str(64), nullable=False),
        sa.Column("full_name", _str(255), nullable=False),
        sa.Column("birth_date", sa.Date(), nullable=True),
        sa.Column("gender", _str(16), nullable=True),
        sa.Column("unit_id", sa.Integer(), nullable=False),
        sa.Column("kind", _str(32), nullable=False),
        sa.Column("recruited_on", sa.Date(), nullable=True),
        sa.Column("position", _str(255), nullable=True),
        sa.Column("position_appointed_on", sa.Date(), nullable=True),
        sa.Column("title_code", _str(32), nullable=True),
        sa.Column("title_name", _str(255), nullable=True),
        sa.Column("title_rank", _str(8), nullable=True),
        sa.Column("title_appointed_on", sa.Date(), nullable=True),
        sa.Column("education_level", _str(32), nullable=True),
        sa.Column("education_major", _str(255), nullable=True),
        sa.Column("political_theory", _str(32), nullable=True),
        sa.Column("state_management", _str(32), nullable=True),
        sa.Column("foreign_language", _str(32), nullable=True),
        sa.Column("it_skill", _str(32), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["unit_id"], ["enr_units.id"], name="fk_enr_cadres_unit_id_enr_units", ondelete="RESTRICT"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_enr_cadres"),
        sa.UniqueConstraint("code", name="uq_enr_cadres_code"),
    )
    op.create_index("ix_enr_cadres_unit_id", "enr_cadres", ["unit_id"])

    op.create_table(
        "enr_courses",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", _str(64), nullable=False),
        sa.Column("name", _str(500), nullable=False),
        sa.Column("course_type", _str(32), nullable=False),
        sa.Column("certificate_type", _str(64), nullable=True),
        sa.Column("provider", _str(255), nullable=True),
        sa.Column("start_date", sa.Date(), nullable=True),
        sa.Column("end_date", sa.Date(), nullable=True),
        sa.Column("hours", sa.Integer(), nullable=True),
        sa.Column("format", _str(32), nullable=True),
        sa.Column("location", _str(255), nullable=True),
        sa.Column("country", _str(64), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_enr_courses"),
        sa.UniqueConstraint("code", name="uq_enr_courses_code"),
    )

    op.create_table(
        "enr_enrollments",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("cadre_id", sa.Integer(), nullable=False),
        sa.Column("course_id", sa.Integer(), nullable=False),
        sa.Column("status", _str(32), nullable=False),
        sa.Column("registered_on", sa.Date(), nullable=True),
        sa.Column("completed_on", sa.Date(), nullable=True),
        sa.Column("hours_earned", sa.Integer(), nullable=True),
        sa.Column("certificate_number", _str(64), nullable=True),
        sa.Column("certificate_date", sa.Date(), nullable=True),
        sa.ForeignKeyConstraint(
            ["cadre_id"], ["enr_cadres.id"], name="fk_enr_enrollments_cadre_id_enr_cadres", ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["course_id"], ["enr_courses.id"], name="fk_enr_enrollments_course_id_enr_courses", ondelete="RESTRICT"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_enr_enrollments"),
        sa.UniqueConstraint("cadre_id", "course_id", name="uq_enr_enrollments_cadre_course"),
    )
    op.create_index("ix_enr_enrollments_cadre_id", "enr_enrollments", ["cadre_id"])
    op.create_index("ix_enr_enrollments_course_id", "enr_enrollments", ["course_id"])

    op.create_table(
        "enr_certificates",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("cadre_id", sa.Integer(), nullable=False),
        sa.Column("cert_type", _str(64), nullable=False),
        sa.Column("name", _str(500), nullable=True),
        sa.Column("number", _str(64), nullable=False),
        sa.Column("issuer", _str(255), nullable=True),
        sa.Column("issued_on", sa.Date(), nullable=False),
        sa.Column("expires_on", sa.Date(), nullable=True),
        sa.ForeignKeyConstraint(
            ["cadre_id"], ["enr_cadres.id"], name="fk_enr_certificates_cadre_id_enr_cadres", ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_enr_certificates"),
        sa.UniqueConstraint("cadre_id", "cert_type", "number", name="uq_enr_certificates_cadre_type_number"),
    )
    op.create_index("ix_enr_certificates_cadre_id", "enr_certificates", ["cadre_id"])

    op.create_table(
        "enr_commitments",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("cadre_id", sa.Integer(), nullable=False),
        sa.Column("course_id", sa.Integer(), nullable=True),
        sa.Column("cost", sa.Numeric(precision=14, scale=0), nullable=True),
        sa.Column("service_years", sa.Integer(), nullable=False),
        sa.Column("start_date", sa.Date(), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["cadre_id"], ["enr_cadres.id"], name="fk_enr_commitments_cadre_id_enr_cadres", ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["course_id"], ["enr_courses.id"], name="fk_enr_commitments_course_id_enr_courses", ondelete="SET NULL"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_enr_commitments"),
    )
    op.create_index("ix_enr_commitments_cadre_id", "enr_commitments", ["cadre_id"])


def downgrade() -> None:
    for table in ("enr_commitments", "enr_certificates", "enr_enrollments", "enr_courses", "enr_cadres", "enr_units"):
        op.drop_table(table)
