"""The assistant's one database: one declarative base and naming convention, one Alembic history.

Accounts, audit, jobs and enrollment records live side by side, so a row may refer to another by foreign key
(a user, a link code, a Telegram link to the cadre they are for). `upgrade` migrates a fresh database or one
from the release that kept two histories, in place.
"""

from assistant.db.base import NAMING, Base, UTCDateTime, utcnow
from assistant.db.engine import make_engine, sessions
from assistant.db.migrate import VERSION_TABLE, current_revision, upgrade

__all__ = [
    "NAMING",
    "VERSION_TABLE",
    "Base",
    "UTCDateTime",
    "current_revision",
    "make_engine",
    "sessions",
    "upgrade",
    "utcnow",
]
