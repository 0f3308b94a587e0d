"""Every table of the database, registered on the one metadata (for migrations and schema checks)."""

from __future__ import annotations

import assistant.accounts.models
import assistant.audit.models
import assistant.enrollment.models
import assistant.jobs.models  # noqa: F401  (tables register on the metadata)
from assistant.db.base import Base

metadata = Base.metadata
