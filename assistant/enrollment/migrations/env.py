"""Alembic environment for the enrollment tables; run only through `assistant.enrollment.db.init_db`.

The caller hands over an open connection in `config.attributes["connection"]`, so migrations run on exactly the
engine (and PostgreSQL search_path) the application uses; no URL is read from an ini file.
"""

from __future__ import annotations

from alembic import context

from assistant.enrollment.db import VERSION_TABLE
from assistant.enrollment.models import Base


def _only_enrollment_tables(name: str | None, type_: str, parent_names: object) -> bool:
    """Autogenerate must not propose dropping tables that other packages keep in the same database."""
    return type_ != "table" or (name or "").startswith("enr_")


connection = context.config.attributes.get("connection")
if connection is None:  # pragma: no cover - guarded by init_db
    raise RuntimeError("enrollment migrations must be run through assistant.enrollment.db.init_db")

context.configure(
    connection=connection,
    target_metadata=Base.metadata,
    version_table=VERSION_TABLE,
    include_name=_only_enrollment_tables,
    render_as_batch=connection.dialect.name == "sqlite",
)
with context.begin_transaction():
    context.run_migrations()
