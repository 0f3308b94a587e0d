"""Vietnamese text handling shared by indexing and querying."""

from assistant.text.normalize import fold_accents, normalize_text, normalize_doc_number

__all__ = ["fold_accents", "normalize_text", "normalize_doc_number"]
