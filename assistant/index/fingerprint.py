"""A fingerprint of the code that derives a table, so a table persisted by other code is never reused."""

from __future__ import annotations

import hashlib
import inspect
from typing import Any


def code_fingerprint(*parts: Any) -> str:
    """SHA-256 over the source of the given modules, classes and functions (other values by their sorted repr)."""
    h = hashlib.sha256()
    for part in parts:
        if inspect.ismodule(part) or inspect.isclass(part) or inspect.isfunction(part):
            try:
                text = inspect.getsource(part)
            except (OSError, TypeError):  # no source shipped (a frozen build): never reuse
                text = repr(id(part))
        elif isinstance(part, set | frozenset):
            text = repr(sorted(part))
        else:
            text = repr(part)
        h.update(text.encode("utf-8"))
        h.update(b"\0")
    return h.hexdigest()[:32]
