"""Alembic environment for the assistant's one database; run only through `assistant.db.upgrade`.

The caller hands over an open connection in `config.attributes["connection"]`, so migrations run on exactly the
engine (and PostgreSQL search_path) the application uses; no URL is read from an ini file.
"""

from __future__ import annotations

from alembic import context

from assistant.db.migrate import VERSION_TABLE
from assistant.db.migrations.schema import metadata

connection = context.config.attributes.get("connection")
if connection is None:  # pragma: no cover - guarded by assistant.db.upgrade
    raise RuntimeError("migrations must be run through assistant.db.upgrade")

context.configure(
    connection=connection,
    target_metadata=metadata,
    version_table=VERSION_TABLE,
    render_as_batch=connection.dialect.name == "sqlite",
)
with context.begin_transaction():
    context.run_migrations()
