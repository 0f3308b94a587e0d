"""Cross-process locks now live in `assistant.db.locks` (the database's migration lock needs them, and
assistant.db must not import assistant.ops); this name stays for callers that still import it from here."""

from assistant.db.locks import cluster_lock

__all__ = ["cluster_lock"]
