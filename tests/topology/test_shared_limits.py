"""Request-rate limits hold across API processes: two apps on one database share one budget per caller."""

from __future__ import annotations

import httpx
import pytest

from assistant.config import DatabaseSettings, EmbedderSettings, LimitSettings, PathSettings, Settings
from tests.support import LiveServer
from tests.topology.conftest import small_corpus

QUESTION = "Hình thức đào tạo, bồi dưỡng viên chức gồm những gì?"


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def database_url(request: pytest.FixtureRequest, tmp_path) -> str:  # type: ignore[no-untyped-def]
    if request.param == "sqlite":
        return f"sqlite+pysqlite:///{tmp_path / 'shared.db'}"
    _, url = request.getfixturevalue("pg_schema")
    return url  # type: ignore[no-any-return]


def app_for(root, url: str, per_minute: int):  # type: ignore[no-untyped-def]
    from assistant.api.app import create_app
    from assistant.services import build_services

    small_corpus(root)
    settings = Settings(
        paths=PathSettings(corpus_dir=root / "corpus", index_dir=root / "indexes", data_dir=root / "data"),
        embedder=EmbedderSettings(backend="fake"),
        database=DatabaseSettings(url=url),
        limits=LimitSettings(asks_per_minute=per_minute),
    )
    services = build_services(settings)
    services.personal.open()
    services.personal.limits._clock = lambda: 60_000.5  # one fixed minute: the test never straddles two windows
    return services, create_app(services, secure_cookies=False)


def test_two_processes_share_one_budget_per_caller(database_url, tmp_path) -> None:  # type: ignore[no-untyped-def]
    a_services, a = app_for(tmp_path / "a", database_url, 5)
    b_services, b = app_for(tmp_path / "b", database_url, 5)
    a_services.knowledge.build(dense=False)
    with LiveServer(a) as url_a, LiveServer(b) as url_b:
        codes = [
            httpx.post(f"{url}/api/v1/ask", json={"question": QUESTION}, timeout=60).status_code
            for url in [url_a, url_b] * 3
        ]
        assert codes == [200, 200, 200, 200, 200, 429]  # 6 asks over two processes, a budget of 5
        refused = httpx.post(f"{url_a}/api/v1/ask", json={"question": QUESTION}, timeout=60)
        assert refused.status_code == 429
        assert (
            refused.json()["error"]["code"] == "rate_limited"
            and "câu hỏi trong một phút" in (refused.json()["error"]["message"])
        )
        a_services.personal.limits._clock = b_services.personal.limits._clock = lambda: 60_060.5  # the next minute
        assert httpx.post(f"{url_b}/api/v1/ask", json={"question": QUESTION}, timeout=60).status_code == 200


def test_no_limit_by_default(tmp_path) -> None:  # type: ignore[no-untyped-def]
    services, _ = app_for(tmp_path / "a", f"sqlite+pysqlite:///{tmp_path / 'x.db'}", 0)
    assert not services.personal.limits.enabled and services.personal.limits.hit("ask:anyone") == 0
