"""Errors of identity and access; messages are what the user reads, in Vietnamese."""

from __future__ import annotations

from assistant.errors import AssistantError, InvalidInput


class NotAuthenticated(AssistantError):
    """No valid credentials came with the request."""

    code = "unauthenticated"
    status = 401


class Conflict(AssistantError):
    """The record already exists or is in a state that forbids the change."""

    code = "conflict"
    status = 409


class LinkCodeInvalid(InvalidInput):
    """A Telegram link code is wrong, used or expired."""

    code = "link_code_invalid"


class RateLimited(AssistantError):
    """Too many failed attempts; try again later."""

    code = "rate_limited"
    status = 429
