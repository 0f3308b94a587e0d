"""LangChain's own standard retriever suite (langchain-tests) run against RegulationRetriever on the fixture corpus."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from langchain_tests.integration_tests import RetrieversIntegrationTests

from assistant.retrieval.langchain import RegulationRetriever


@pytest.fixture(scope="module")
def knowledge(tmp_path_factory: pytest.TempPathFactory, fixture_doc_files: list[Path]) -> Any:
    import shutil

    from assistant.config import EmbedderSettings, PathSettings, Settings
    from assistant.services import build_services

    root = tmp_path_factory.mktemp("lc")
    (root / "corpus" / "documents").mkdir(parents=True)
    for f in fixture_doc_files:
        shutil.copy(f, root / "corpus" / "documents" / f.name)
    settings = Settings(
        paths=PathSettings(corpus_dir=root / "corpus", index_dir=root / "indexes", data_dir=root / "data"),
        embedder=EmbedderSettings(backend="fake"),
    )
    svc = build_services(settings)
    svc.knowledge.build()
    return svc.knowledge


class TestRegulationRetrieverStandard(RetrieversIntegrationTests):
    @pytest.fixture(autouse=True)
    def _knowledge(self, knowledge: Any) -> None:
        self._svc = knowledge

    @property
    def retriever_constructor(self) -> type[RegulationRetriever]:
        return RegulationRetriever

    @property
    def retriever_constructor_params(self) -> dict[str, Any]:
        return {"knowledge": self._svc, "k": 5}

    @property
    def retriever_query_example(self) -> str:
        return "Chế độ đào tạo, bồi dưỡng viên chức"
