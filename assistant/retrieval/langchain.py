"""The knowledge engine as a LangChain retriever, for chains that want regulation passages."""

from __future__ import annotations

from typing import Any

from langchain_core.callbacks import CallbackManagerForRetrieverRun
from langchain_core.documents import Document as LCDocument
from langchain_core.retrievers import BaseRetriever
from pydantic import ConfigDict


class RegulationRetriever(BaseRetriever):
    """Hybrid search over the serving generation; each result carries its legal citation.

    `k` set on the retriever is the default; `invoke(query, k=1)` asks for another number of passages.
    """

    model_config = ConfigDict(arbitrary_types_allowed=True)

    knowledge: Any  # assistant.services.knowledge.KnowledgeService (Any keeps pydantic from inspecting it)
    k: int = 5
    documents: list[str] | None = None

    def _get_relevant_documents(
        self, query: str, *, run_manager: CallbackManagerForRetrieverRun, k: int | None = None
    ) -> list[LCDocument]:
        hits = self.knowledge.search(query, k=k or self.k, documents=self.documents)
        return [
            LCDocument(
                page_content=h.unit.text,
                id=h.unit.id,
                metadata={
                    "unit_id": h.unit.id,
                    "citation": h.unit.citation,
                    "heading": h.unit.heading,
                    "doc_number": h.unit.doc_number,
                    "status": h.unit.status,
                    "score": h.score,
                    "warning": h.warning,
                },
            )
            for h in hits
        ]
