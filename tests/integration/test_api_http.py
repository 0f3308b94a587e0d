"""The API over real HTTP: uvicorn on a free loopback port, httpx as the client."""

from __future__ import annotations

import socket
import threading
import time

import httpx
import pytest
import uvicorn

from assistant.api.app import create_app


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def server(built):
    port = _free_port()
    srv = uvicorn.Server(uvicorn.Config(create_app(built), host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=srv.run, daemon=True)
    thread.start()
    deadline = time.time() + 20
    while not srv.started and time.time() < deadline:
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    srv.should_exit = True
    thread.join(10)


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
    assert r.status_code == 422 and "không hợp lệ" in r.json()["error"]["message"]
    r = httpx.get(f"{server}/api/v1/khong-co")
    assert r.status_code == 404 and r.json()["error"]["code"] == "http_404"


def test_not_ready_before_any_build(services):
    port = _free_port()
    srv = uvicorn.Server(uvicorn.Config(create_app(services), host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=srv.run, daemon=True)
    thread.start()
    while not srv.started:
        time.sleep(0.05)
    try:
        assert httpx.get(f"http://127.0.0.1:{port}/ready").status_code == 503
        r = httpx.post(f"http://127.0.0.1:{port}/api/v1/ask", json={"question": "đào tạo viên chức"})
        assert r.status_code == 503 and r.json()["error"]["code"] == "index_not_ready"
    finally:
        srv.should_exit = True
        thread.join(10)


def test_full_article_of_a_cited_clause(server):
    r = httpx.get(f"{server}/api/v1/articles/58-2010-qh12:d33:k3:a")
    assert r.status_code == 200
    body = r.json()
    assert body["unit_id"] == "58-2010-qh12:d33" and body["citation"] == "Điều 33 Luật Viên chức số 58/2010/QH12"
    assert body["text"].startswith("1.") and len(body["clauses"]) >= 3
    assert httpx.get(f"{server}/api/v1/articles/58-2010-qh12:d999").json()["error"]["code"] == "not_found"
    assert httpx.get(f"{server}/api/v1/articles/..%2Fetc").status_code in (404, 422)
