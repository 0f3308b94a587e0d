"""The API's own tables (accounts, audit, jobs): one metadata, one Alembic history with its own version table.

They live in the same database as the enrollment tables; the separate version table lets both histories coexist.
"""

from assistant.appdb.base import Base, init_app_db, sessions, utcnow

__all__ = ["Base", "init_app_db", "sessions", "utcnow"]
