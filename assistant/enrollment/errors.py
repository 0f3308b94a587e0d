"""Errors of the enrollment layer, specialising the product's hierarchy."""

from __future__ import annotations

from assistant.errors import AssistantError, InvalidInput


class RulesInvalid(AssistantError):
    """The requirement rules file does not validate."""

    code = "rules_invalid"
    status = 500


class ImportRejected(InvalidInput):
    """A spreadsheet cannot be imported as a whole (unknown layout, legacy encoding, wrong file type)."""

    code = "import_rejected"


class LegacyEncoding(ImportRejected):
    """The text is in TCVN3 (ABC) or VNI, which cannot be converted reliably."""

    code = "legacy_vietnamese_encoding"
