"""End to end on loopback: Chroma server + PostgreSQL + two API processes (A, B) + one queue worker.

An upload committed through A is built by the worker while asks spread over A and B all succeed; both serve the
new generation after the switch; a worker killed (-9) mid-build leaves both serving and the job failed; a
rollback through B is seen by both. The embedder is the deterministic fake (the model is not the subject here),
given a per-text cost in the worker so that a build lasts long enough to be interrupted.
"""

from __future__ import annotations

import itertools
import json
import threading
import time
import uuid

import httpx
import pytest

from assistant.ops.local import Process
from assistant.ops.topology import Topology
from tests.conftest import CORPUS_DOCS
from tests.topology.conftest import small_corpus

pytestmark = [pytest.mark.postgres, pytest.mark.e2e]
QUESTIONS = [
    "Hình thức đào tạo, bồi dưỡng viên chức gồm những gì?",
    "Viên chức được cử đi đào tạo có trách nhiệm gì?",
    "Giáo viên mầm non hạng II cần tiêu chuẩn gì?",
]


def as_markdown(slug: str) -> tuple[str, bytes]:
    """A real corpus document rendered as the text file an administrator would upload (its own words only)."""
    doc = json.loads((CORPUS_DOCS / f"{slug}.json").read_text(encoding="utf-8"))
    lines = [doc["doc_type"].upper(), f"Số: {doc['number']}", "", doc["title"], ""]
    for a in doc["articles"]:
        lines += [f"Điều {a['number']}. {a['title']}", a["text"], ""]
    return doc["number"], "\n".join(lines).encode()


def served(url: str) -> str | None:
    return httpx.get(f"{url}/ready", timeout=10).json().get("generation")  # type: ignore[no-any-return]


def wait_until(predicate, what: str, timeout: float = 60.0) -> None:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout
    while not predicate():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.1)


class Asker(threading.Thread):
    """Asks questions alternately of A and B until stopped; records every failure."""

    def __init__(self, urls: list[str]) -> None:
        super().__init__(daemon=True)
        self.urls, self.stop, self.ok, self.failures = urls, threading.Event(), 0, []  # type: ignore[var-annotated]

    def run(self) -> None:
        for url, q in zip(itertools.cycle(self.urls), itertools.cycle(QUESTIONS)):
            if self.stop.is_set():
                return
            try:
                r = httpx.post(f"{url}/api/v1/ask", json={"question": q}, timeout=60)
                if r.status_code == 200 and r.json().get("answer"):
                    self.ok += 1
                else:
                    self.failures.append((url, r.status_code, r.text[:200]))
            except httpx.HTTPError as e:
                self.failures.append((url, 0, repr(e)))


def job(url: str, headers: dict[str, str], job_id: str) -> dict:  # type: ignore[type-arg]
    return httpx.get(f"{url}/api/v1/admin/jobs/{job_id}", headers=headers, timeout=10).json()  # type: ignore[no-any-return]


def upload(url: str, headers: dict[str, str], slug: str) -> dict:  # type: ignore[type-arg]
    number, body = as_markdown(slug)
    r = httpx.post(
        f"{url}/api/v1/admin/documents/preview",
        headers=headers,
        files={"file": (f"{slug}.md", body, "text/markdown")},
        timeout=60,
    )
    assert r.status_code == 201, r.text
    assert r.json()["document"]["number"] == number
    r = httpx.post(
        f"{url}/api/v1/admin/documents/{r.json()['upload_id']}/commit",
        headers=headers,
        json={"status": "con_hieu_luc"},
        timeout=60,
    )
    assert r.status_code == 202, r.text
    return r.json()  # type: ignore[no-any-return]


def test_two_api_processes_and_a_worker(pg_schema, tmp_path) -> None:  # type: ignore[no-untyped-def]
    _, url = pg_schema
    corpus = small_corpus(tmp_path / "shared")
    topo = Topology(
        tmp_path / "topo",
        url,
        corpus,
        apis=2,
        workers=1,
        extra_env={
            "ASSISTANT_EMBEDDER__BACKEND": "fake",
            "ASSISTANT_CHROMA__COLLECTION_PREFIX": f"e2e{uuid.uuid4().hex[:8]}",
            "ASSISTANT_INDEX__POLL_SECONDS": "0.5",
            "ASSISTANT_JOBS__STALE_SECONDS": "6",
        },
        role_env={"worker": {"ASSISTANT_EMBEDDER__FAKE_SECONDS_PER_TEXT": "0.4"}},
    )
    with topo:
        a, b = topo.urls
        first = served(a)
        assert first and served(b) == first
        topo.run("admin", "users", "create", "quan_tri", "--role", "admin", "--password", "mat-khau-quan-tri")
        r = httpx.post(f"{a}/api/v1/auth/login", json={"username": "quan_tri", "password": "mat-khau-quan-tri"})
        assert r.status_code == 200, r.text
        admin = {"authorization": f"Bearer {r.json()['access_token']}"}  # a session made on A is valid on B

        # 1. upload through A, built by the worker, asks spread over A and B meanwhile
        asker = Asker([a, b])
        asker.start()
        queued = upload(a, admin, "03-2021-tt-bgddt")
        assert queued["status"] == "queued"
        wait_until(lambda: job(b, admin, queued["id"])["status"] in ("succeeded", "failed"), "the first build", 240)
        done = job(b, admin, queued["id"])
        assert done["status"] == "succeeded", (done, topo.worker_procs[0].tail())
        second = done["result"]["report"]["generation"]
        wait_until(lambda: served(a) == second and served(b) == second, "both processes to switch", 30)
        time.sleep(1)
        asker.stop.set()
        asker.join(60)
        logs = "\n".join(p.tail(6000) for p in topo.api_procs)
        assert asker.failures == [] and asker.ok > 0, (asker.failures[:3], logs)
        for api in (a, b):
            r = httpx.get(f"{api}/api/v1/documents/03/2021/TT-BGDĐT", timeout=10).json()
            assert r["indexed"] is True

        # 2. kill -9 the worker in the middle of the next build: serving intact, the job failed, nothing running
        queued = upload(a, admin, "07-2022-tt-bnv")
        wait_until(
            lambda: (j := job(a, admin, queued["id"]))["phase"] == "embed" and 0 < j["done"] < j["total"],
            "the build to be embedding",
            240,
        )
        worker: Process = topo.worker_procs[0]
        worker.kill()
        wait_until(lambda: job(b, admin, queued["id"])["status"] == "failed", "the killed job to be failed", 60)
        assert "dừng đột ngột" in job(a, admin, queued["id"])["error"]
        assert served(a) == second and served(b) == second
        assert httpx.post(f"{b}/api/v1/ask", json={"question": QUESTIONS[0]}, timeout=60).status_code == 200
        running = [j for j in httpx.get(f"{a}/api/v1/admin/jobs", headers=admin).json() if j["status"] == "running"]
        assert running == []

        # 3. rollback through B is seen by both
        r = httpx.post(f"{b}/api/v1/admin/index/rollback", headers=admin, timeout=60)
        assert r.status_code == 200, r.text
        assert r.json()["generation"] == first
        wait_until(lambda: served(a) == first and served(b) == first, "both processes to roll back", 30)
