"""Ingest: files → text → legal structure (Document / Article / Clause / Point) → the corpus."""

from assistant.ingest.corpus import CorpusImportReport, import_corpus, load_corpus
from assistant.ingest.loaders import load_text, parse_document, parse_documents
from assistant.ingest.metadata import apply_overrides
from assistant.ingest.parser import parse_legal_text
from assistant.ingest.phapdien import parse_phapdien

__all__ = [
    "CorpusImportReport",
    "apply_overrides",
    "import_corpus",
    "load_corpus",
    "load_text",
    "parse_document",
    "parse_documents",
    "parse_legal_text",
    "parse_phapdien",
]
