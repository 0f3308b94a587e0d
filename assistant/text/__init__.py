"""Vietnamese text handling shared by indexing and querying."""

from assistant.text.normalize import fold_accents, normalize_doc_number, normalize_text, strip_markdown_links

__all__ = ["fold_accents", "normalize_text", "normalize_doc_number", "strip_markdown_links"]
