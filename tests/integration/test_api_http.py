"""The API over real HTTP: uvicorn on a free loopback port, httpx as the client."""

from __future__ import annotations

import httpx
import pytest

from assistant.api.app import create_app
from tests.support import LiveServer


@pytest.fixture
def server(built):
    with LiveServer(create_app(built)) as url:
        yield url


def test_health_and_ready(server):
    assert httpx.get(f"{server}/health").json() == {"status": "ok"}
    ready = httpx.get(f"{server}/ready")
    assert ready.status_code == 200 and ready.json()["generation"]


def test_ask_returns_quote_citation_and_trace(server):
    r = httpx.post(f"{server}/api/v1/ask", json={"question": "Hình thức đào tạo, bồi dưỡng viên chức gồm những gì?"})
    assert r.status_code == 200
    body = r.json()
    assert body["abstained"] is False and body["trace_id"] and body["generation"]
    assert "Điều 33 Luật Viên chức số 58/2010/QH12" in body["quotes"][0]["citation"]


@pytest.mark.parametrize(
    "payload",
    [{}, {"question": ""}, {"question": "   "}, {"question": 12}, {"question": "x" * 5000}, [], {"question": None}],
)
def test_bad_requests_get_a_vietnamese_4xx_never_500(server, payload):
    r = httpx.post(f"{server}/api/v1/ask", json=payload)
    assert 400 <= r.status_code < 500
    assert r.json()["error"]["message"]


def test_malformed_json_and_unknown_path(server):
    r = httpx.post(f"{server}/api/v1/ask", content=b"{not json", headers={"content-type": "application/json"})
    assert r.status_code == 400 and "JSON hợp lệ" in r.json()["error"]["message"]
    r = httpx.get(f"{server}/api/v1/khong-co")
    assert r.status_code == 404 and r.json()["error"]["code"] == "http_404"


def test_not_ready_before_any_build(services):
    with LiveServer(create_app(services)) as url:
        assert httpx.get(f"{url}/ready").status_code == 503
        r = httpx.post(f"{url}/api/v1/ask", json={"question": "đào tạo viên chức"})
        assert r.status_code == 503 and r.json()["error"]["code"] == "index_not_ready"


def test_full_article_of_a_cited_clause(server):
    r = httpx.get(f"{server}/api/v1/articles/58-2010-qh12:d33:k3:a")
    assert r.status_code == 200
    body = r.json()
    assert body["unit_id"] == "58-2010-qh12:d33" and body["citation"] == "Điều 33 Luật Viên chức số 58/2010/QH12"
    assert body["text"].startswith("1.") and len(body["clauses"]) >= 3
    assert httpx.get(f"{server}/api/v1/articles/58-2010-qh12:d999").json()["error"]["code"] == "not_found"
    assert httpx.get(f"{server}/api/v1/articles/..%2Fetc").status_code in (404, 422)
