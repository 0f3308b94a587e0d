"""One live API per test module and database backend: uvicorn on a free loopback port, the demo province loaded,
the small real corpus indexed with the fake embedder, and demo accounts for every role.

Every DB-backed test runs on SQLite and on PostgreSQL (a fresh schema per run, dropped afterwards).
"""

from __future__ import annotations

import shutil
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import create_engine, text

from tests.conftest import CORPUS_DOCS, FIXTURE_DOCS
from tests.support import LiveServer

PG_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/test"



@dataclass
class Api:
    """A running API with credentials for every kind of caller."""

    base: str
    services: Any
    backend: str
    headers: dict[str, dict[str, str]] = field(default_factory=dict)  # caller name → auth headers
    cadres: dict[str, str] = field(default_factory=dict)  # "own", "same_unit", "other_unit" → cadre code
    bot_key: str = ""

    def url(self, path: str) -> str:
        return f"{self.base}/api/v1{path}"

    def call(self, who: str, method: str, path: str, **kw: Any) -> httpx.Response:
        headers = {**self.headers.get(who, {}), **kw.pop("headers", {})}
        return httpx.request(method, self.url(path), headers=headers, timeout=60, **kw)

    def wait_job(self, job_id: str, timeout: float = 60) -> dict[str, Any]:
        deadline = time.time() + timeout
        while time.time() < deadline:
            job = self.call("admin", "GET", f"/admin/jobs/{job_id}").json()
            if job["status"] in ("succeeded", "failed"):
                return job
            time.sleep(0.1)
        raise AssertionError(f"job {job_id} did not finish")


def make_settings(root: Path, db_url: str) -> Any:
    from assistant.config import DatabaseSettings, EmbedderSettings, PathSettings, Settings

    corpus = root / "corpus" / "documents"
    corpus.mkdir(parents=True)
    for slug in FIXTURE_DOCS:
        shutil.copy(CORPUS_DOCS / f"{slug}.json", corpus / f"{slug}.json")
    return Settings(
        paths=PathSettings(corpus_dir=root / "corpus", index_dir=root / "indexes", data_dir=root / "data"),
        embedder=EmbedderSettings(backend="fake"),
        database=DatabaseSettings(url=db_url),
    )


@pytest.fixture(scope="module", params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def backend(request: pytest.FixtureRequest):  # type: ignore[no-untyped-def]
    """A database URL: '' (SQLite file under data/) or a fresh PostgreSQL schema, dropped after the module."""
    if request.param == "sqlite":
        yield "sqlite", ""
        return
    schema = f"api_test_{uuid.uuid4().hex[:10]}"
    admin = create_engine(PG_URL)
    try:
        with admin.begin() as c:
            c.execute(text(f'CREATE SCHEMA "{schema}"'))
    except Exception as e:  # pragma: no cover - environment without PostgreSQL
        pytest.skip(f"PostgreSQL unavailable: {e}")
    yield "postgresql", f"{PG_URL}?options=-csearch_path%3D{schema}"
    with admin.begin() as c:
        c.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
    admin.dispose()


def prepare_services(root: Path, db_url: str) -> Any:
    from assistant.accounts.demo import seed_demo_accounts
    from assistant.enrollment.demo import DEMO_AS_OF, load_demo
    from assistant.services import build_services

    services = build_services(make_settings(root, db_url))
    personal = services.personal
    personal.open()
    with personal.enrollment._sessions() as session:
        load_demo(session, n_cadres=60)
    personal.enrollment._today = lambda: DEMO_AS_OF
    services.knowledge.build()
    seed_demo_accounts(personal.accounts, personal.enrollment)
    return services


@pytest.fixture(scope="module")
def api(backend, tmp_path_factory):  # type: ignore[no-untyped-def]
    from assistant.api.app import create_app

    name, db_url = backend
    services = prepare_services(tmp_path_factory.mktemp(f"api-{name}"), db_url)
    personal = services.personal
    own = personal.accounts.get_user("demo_canbo").cadre_code
    same_unit = next(c.code for c in personal.enrollment.list_cadres("DEMO-H1") if c.code != own)
    other_unit = personal.enrollment.list_cadres("DEMO-H2")[0].code
    personal.accounts.create_user("hr_h2", "mat-khau-hr-h2", "hr", unit_code="DEMO-H2")
    personal.accounts.create_user("canbo_h2", "mat-khau-canbo-h2", "cadre", cadre_code=other_unit)
    bot_key = personal.accounts.create_api_key("telegram-bot")
    with LiveServer(create_app(services)) as base:
        a = Api(
            base, services, name, cadres={"own": own, "same_unit": same_unit, "other_unit": other_unit}, bot_key=bot_key
        )
        for who, user, password in [
            ("admin", "demo_admin", "demo-admin-2025"),
            ("hr", "demo_hr", "demo-hr-2025"),
            ("cadre", "demo_canbo", "demo-canbo-2025"),
            ("hr_other", "hr_h2", "mat-khau-hr-h2"),
            ("cadre_other", "canbo_h2", "mat-khau-canbo-h2"),
        ]:
            r = httpx.post(a.url("/auth/login"), json={"username": user, "password": password})
            assert r.status_code == 200, r.text
            a.headers[who] = {"authorization": f"Bearer {r.json()['access_token']}"}
        a.headers["anonymous"] = {}
        a.headers["bot"] = {"x-api-key": bot_key}
        yield a
