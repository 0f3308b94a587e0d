"""Every table of the database, registered on the one metadata (for migrations and schema checks).

Here, not in assistant/db itself: the model packages import assistant.db, so assistant.db must not import them.
"""

from __future__ import annotations

import assistant.accounts.models
import assistant.audit.models
import assistant.enrollment.models
import assistant.index.shared
import assistant.jobs.models
import assistant.ops.ratelimit  # noqa: F401  (tables register on the metadata)
from assistant.db.base import Base

metadata = Base.metadata
