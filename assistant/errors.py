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


class DatabaseNotConfigured(AssistantError):
    """The personal side (accounts, records, audit) needs a database and none is configured."""

    code = "database_not_configured"
    status = 503


class IndexBusy(AssistantError):
    """Another index job is already running."""

    code = "index_busy"
    status = 409


class PermissionDenied(AssistantError):
    """The caller may not see or change this record."""

    code = "forbidden"
    status = 403


class IndexWriteFailed(AssistantError):
    """A build could not write its files (disk full, read-only directory); the serving generation is intact."""

    code = "index_write_failed"
    status = 503


def storage_message(e: OSError, what: str) -> str:
    """A Vietnamese sentence for a storage failure, naming the cause an operator can act on."""
    import errno

    if e.errno in (errno.ENOSPC, errno.EDQUOT):
        cause = "hết dung lượng đĩa"
    elif e.errno in (errno.EROFS, errno.EACCES, errno.EPERM):
        cause = "thư mục chỉ đọc hoặc không có quyền ghi"
    else:
        cause = f"lỗi ghi tệp ({e.strerror or type(e).__name__})"
    return f"Không {what}: {cause}."


class DatabaseMissing(AssistantError):
    """The SQLite database file is not there (never created, deleted or replaced while serving)."""

    code = "database_missing"
    status = 503
