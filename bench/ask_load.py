"""Concurrent asks over real HTTP on loopback: throughput and latency at 1 vs N simultaneous clients, same run.

Usage: python -m bench.ask_load [--clients 50] [--requests 300]   (needs the full index: `assistant index update`)
Starts the real app (uvicorn, one process) on a free 127.0.0.1 port; bounded request count; stops by itself.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import socket
import statistics
import threading
import time

import httpx
import uvicorn

from assistant.api.app import create_app
from assistant.config import Settings
from assistant.services import build_services
from bench.common import BENCH_DIR, SHARED, load_jsonl


def _port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


async def _run(url: str, questions: list[str], clients: int) -> dict[str, float]:
    latencies: list[float] = []
    queue: asyncio.Queue[str] = asyncio.Queue()
    for q in questions:
        queue.put_nowait(q)
    errors = 0

    async def worker(client: httpx.AsyncClient) -> None:
        nonlocal errors
        while not queue.empty():
            q = queue.get_nowait()
            t = time.perf_counter()
            r = await client.post(f"{url}/api/v1/ask", json={"question": q})
            latencies.append(time.perf_counter() - t)
            errors += r.status_code != 200

    start = time.perf_counter()
    async with httpx.AsyncClient(timeout=120, limits=httpx.Limits(max_connections=clients)) as client:
        await asyncio.gather(*(worker(client) for _ in range(clients)))
    wall = time.perf_counter() - start
    lat = sorted(latencies)
    return {
        "clients": clients, "requests": len(lat), "errors": errors, "throughput_per_s": round(len(lat) / wall, 1),
        "p50_ms": round(1000 * statistics.median(lat), 1), "p95_ms": round(1000 * lat[int(0.95 * (len(lat) - 1))], 1),
    }


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--clients", type=int, default=50)
    ap.add_argument("--requests", type=int, default=300)
    args = ap.parse_args()
    pool = [r["question"] for r in load_jsonl(BENCH_DIR / "queries_civil_service.jsonl")]
    pool += [r["question"] for r in load_jsonl(SHARED / "eval" / "dev.jsonl")]
    services = build_services(Settings())
    port = _port()
    server = uvicorn.Server(uvicorn.Config(create_app(services), host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    while not server.started:
        time.sleep(0.05)
    url = f"http://127.0.0.1:{port}"
    httpx.post(f"{url}/api/v1/ask", json={"question": "khởi động"}, timeout=60)
    n = args.requests
    results = [
        asyncio.run(_run(url, pool[:n], 1)),
        asyncio.run(_run(url, pool[n : 2 * n] or pool[:n], args.clients)),
    ]
    server.should_exit = True
    thread.join(10)
    print(json.dumps(results, indent=1))


if __name__ == "__main__":
    main()
