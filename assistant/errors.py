"""Domain errors; each edge (API, CLI, bot) maps them once to its own form.

`message` is what an end user reads, in Vietnamese; `code` is stable for clients.
"""

from __future__ import annotations


class AssistantError(Exception):
    """Base of every error the product raises on purpose."""

    code = "assistant_error"
    status = 400

    def __init__(self, message: str, *, detail: object | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.detail = detail


class InvalidInput(AssistantError):
    """The request or file is not usable as given."""

    code = "invalid_input"


class DocumentParseError(InvalidInput):
    """A document could not be read or holds no recognisable legal structure."""

    code = "document_unreadable"


class UnsupportedFormat(InvalidInput):
    """A file type the importers do not read."""

    code = "unsupported_format"


class NotFound(AssistantError):
    """The named document, unit, cadre or job does not exist."""

    code = "not_found"
    status = 404


class IndexNotReady(AssistantError):
    """No index generation is built yet, or the one named is missing."""

    code = "index_not_ready"
    status = 503


class IndexBusy(AssistantError):
    """Another index job is already running."""

    code = "index_busy"
    status = 409


class PermissionDenied(AssistantError):
    """The caller may not see or change this record."""

    code = "forbidden"
    status = 403
