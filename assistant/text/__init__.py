"""Vietnamese text handling shared by indexing and querying."""

from assistant.text.normalize import fold_accents, normalize_doc_number, normalize_text

__all__ = ["fold_accents", "normalize_text", "normalize_doc_number"]
