"""Alembic environment for the API tables; run only through `assistant.appdb.init_app_db` (connection handed over)."""

from __future__ import annotations

from alembic import context

import assistant.accounts.models
import assistant.audit.models
import assistant.index.shared
import assistant.jobs.models
import assistant.ops.ratelimit  # noqa: F401  (tables register on the metadata)
from assistant.appdb.base import VERSION_TABLE, Base

connection = context.config.attributes.get("connection")
if connection is None:  # pragma: no cover - guarded by init_app_db
    raise RuntimeError("API migrations must be run through assistant.appdb.init_app_db")

context.configure(
    connection=connection,
    target_metadata=Base.metadata,
    version_table=VERSION_TABLE,
    render_as_batch=connection.dialect.name == "sqlite",
    include_name=lambda name, type_, _parent: type_ != "table" or (name or "").startswith("api_"),
)
with context.begin_transaction():
    context.run_migrations()
