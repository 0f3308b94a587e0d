"""Issue 13 measurements, each printed as JSON (numbers, not asserts). Runs on temporary directories with the
shipped corpus; the fake embedder by default (the effects measured — locks, leaks, loading — are the index's and
the API's, not the model's), `--real` for the configured model.

  python -m bench.security matrix    # access-matrix leaks after hostile unit imports (and a cycle forced into the DB)
  python -m bench.security flood     # 200 wrong passwords: when the lockout starts, ask p95 before vs during
  python -m bench.security soak      # 20 rebuilds: RSS, threads, open files after warm-up vs at the end
  python -m bench.security switch    # ask p95 under 20 clients: a normal 10 s vs the 10 s after a switch
  python -m bench.security zipbomb   # DOCX zip bomb: time to refusal, slowest /health meanwhile
  python -m bench.security all
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

import httpx

from bench.common import ROOT

QUESTIONS = [
    "Hình thức đào tạo, bồi dưỡng viên chức gồm những gì?",
    "Viên chức được cử đi đào tạo có trách nhiệm gì?",
    "Chế độ bồi dưỡng cán bộ, công chức",
    "Điều kiện dự thi thăng hạng chức danh nghề nghiệp",
    "Chi phí đào tạo phải đền bù khi nào?",
]


def settings(root: Path, real: bool) -> Any:
    from assistant.config import EmbedderSettings, PathSettings, Settings

    corpus = root / "corpus"
    shutil.copytree(ROOT / "corpus" / "documents", corpus / "documents")
    if (ROOT / "corpus" / "vectors").is_dir():
        shutil.copytree(ROOT / "corpus" / "vectors", corpus / "vectors")
    paths = PathSettings(corpus_dir=corpus, index_dir=root / "indexes", data_dir=root / "data")
    return Settings(paths=paths) if real else Settings(paths=paths, embedder=EmbedderSettings(backend="fake"))


def prepared(real: bool, demo: bool = True) -> Any:
    from assistant.accounts.demo import seed_demo_accounts
    from assistant.enrollment.demo import DEMO_AS_OF, load_demo
    from assistant.services import build_services

    root = Path(tempfile.mkdtemp(prefix="bench-security-"))
    services = build_services(settings(root, real))
    services.knowledge.build()
    if demo and services.personal is not None:
        services.personal.open()
        with services.personal.enrollment._sessions() as session:
            load_demo(session)
        services.personal.enrollment._today = lambda: DEMO_AS_OF
        seed_demo_accounts(services.personal.accounts, services.personal.enrollment)
    return services


class Server:
    def __init__(self, services: Any) -> None:
        import uvicorn

        from assistant.api.app import create_app
        from tests.support import free_port

        self.port = free_port()
        self.server = uvicorn.Server(
            uvicorn.Config(create_app(services), host="127.0.0.1", port=self.port, log_level="error")
        )
        self.thread = threading.Thread(target=self.server.run, daemon=True)
        self.url = f"http://127.0.0.1:{self.port}"

    def __enter__(self) -> str:
        self.thread.start()
        while not self.server.started:
            time.sleep(0.02)
        return self.url

    def __exit__(self, *exc: object) -> None:
        self.server.should_exit = True
        self.thread.join(15)


def p95(values: list[float]) -> float:
    v = sorted(values)
    return round(1000 * v[int(0.95 * (len(v) - 1))], 1) if v else float("nan")


def askers(url: str, clients: int, seconds: float, started: list[tuple[float, float, int]]) -> None:
    """`clients` threads asking for `seconds`; (start time, latency, status) appended for every ask."""
    stop = time.monotonic() + seconds

    def one(i: int) -> None:
        with httpx.Client(timeout=120) as c:
            n = i
            while time.monotonic() < stop:
                t = time.monotonic()
                r = c.post(f"{url}/api/v1/ask", json={"question": QUESTIONS[n % len(QUESTIONS)]})
                started.append((t, time.monotonic() - t, r.status_code))
                n += 1

    threads = [threading.Thread(target=one, args=(i,)) for i in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()


# ----------------------------------------------------------------------------------------------- matrix


def matrix(real: bool) -> dict[str, Any]:
    from sqlalchemy import select

    from assistant.accounts.models import Role
    from assistant.accounts.principal import Principal
    from assistant.enrollment.models import Cadre, OrgUnit
    from assistant.enrollment.repository import UnitTree

    services = prepared(real)
    personal = services.personal
    with personal.enrollment._sessions() as s:
        tree = UnitTree.load(s)
        truth = {u.code: {x.code for x in tree.subtree(u.code)} for u in tree.by_id.values()}
        cadres = {c.code: tree.by_id[c.unit_id].code for c in s.scalars(select(Cadre))}
        root = next(u.code for u in tree.by_id.values() if u.parent_id is None)
        root_id = next(u.id for u in tree.by_id.values() if u.parent_id is None)
        below = sorted((u for u in tree.by_id.values() if u.parent_id == root_id), key=lambda u: u.code)
        districts = [u.code for u in below]  # the units right below the province
        levels = {u.code: u.level.value for u in below}
    header = "Mã đơn vị,Tên đơn vị,Cấp đơn vị,Mã đơn vị cấp trên\n"
    attacks = {
        "province under a district": f"{header}{root},UBND tỉnh,tỉnh,{districts[0]}\n",
        "two-unit cycle": (
            f"{header}{districts[0]},A,{levels[districts[0]]},{districts[1]}\n"
            f"{districts[1]},B,{levels[districts[1]]},{districts[0]}\n"
        ),
    }
    out: dict[str, Any] = {"cadres": len(cadres), "hr_units": len(truth), "imports": {}}

    def leaks() -> tuple[int, int]:
        checks = bad = 0
        for unit in truth:
            hr = Principal(f"user:hr-{unit}", Role.HR, unit_code=unit)
            visible = personal.scope.units(hr)
            for code, home in cadres.items():
                checks += 1
                bad += home in visible and home not in truth[unit]
        return checks, bad

    for name, csv in attacks.items():
        report = personal.enrollment.import_file(csv.encode(), "don-vi.csv")
        checks, bad = leaks()
        out["imports"][name] = {"accepted": report.ok, "messages": report.messages, "checks": checks, "leaks": bad}
    with personal.enrollment._sessions() as s, s.begin():  # bad data written behind the importer's back
        units = {u.code: u for u in s.scalars(select(OrgUnit))}
        units[root].parent_id = units[districts[0]].id
    checks, bad = leaks()
    out["imports"]["cycle forced into the database"] = {"checks": checks, "leaks": bad}
    out["leaks_total"] = sum(v["leaks"] for v in out["imports"].values())
    return out


# ----------------------------------------------------------------------------------------------- flood


def flood(real: bool) -> dict[str, Any]:
    services = prepared(real)
    out: dict[str, Any] = {}
    with Server(services) as url:
        httpx.post(f"{url}/api/v1/ask", json={"question": QUESTIONS[0]}, timeout=60)
        base: list[tuple[float, float, int]] = []
        askers(url, 5, 8, base)
        out["ask_p95_ms_normal"] = p95([lat for _, lat, _ in base])
        codes: list[int] = []
        during: list[tuple[float, float, int]] = []

        def wrong(offset: int, users: bool) -> None:
            with httpx.Client(timeout=120) as c:
                for i in range(offset, 200, 8):
                    name = f"khach-{i}" if users else "demo_admin"
                    r = c.post(f"{url}/api/v1/auth/login", json={"username": name, "password": f"sai-{i}"})
                    codes.append(r.status_code)

        for users, label in ((False, "one_account"), (True, "many_accounts_one_address")):
            codes.clear()
            during.clear()
            t0 = time.monotonic()
            flooders = [threading.Thread(target=wrong, args=(i, users)) for i in range(8)]
            ask_thread = threading.Thread(target=askers, args=(url, 5, 8, during))
            ask_thread.start()
            for f in flooders:
                f.start()
            for f in flooders:
                f.join()
            flood_seconds = time.monotonic() - t0
            ask_thread.join()
            first_429 = next((i + 1 for i, c in enumerate(codes) if c == 429), None)
            out[label] = {
                "wrong_passwords": len(codes),
                "401": codes.count(401),
                "429": codes.count(429),
                "first_429_at_attempt": first_429,
                "flood_seconds": round(flood_seconds, 2),
                "ask_p95_ms_during": p95([lat for _, lat, _ in during]),
                "ask_errors": sum(1 for *_, s in during if s != 200),
            }
            services.personal.engine.dispose()
            with services.personal.accounts._sessions() as s, s.begin():  # next scenario starts unthrottled
                from sqlalchemy import delete

                from assistant.accounts.models import LoginFailure

                s.execute(delete(LoginFailure))
    return out


# ----------------------------------------------------------------------------------------------- soak


def _proc() -> dict[str, float]:
    status = Path("/proc/self/status").read_text()
    rss = next(int(line.split()[1]) for line in status.splitlines() if line.startswith("VmRSS:"))
    return {
        "rss_mb": round(rss / 1024, 1),
        "threads": len(os.listdir("/proc/self/task")),
        "open_files": len(os.listdir("/proc/self/fd")),
    }


def soak(real: bool, rebuilds: int = 20) -> dict[str, Any]:
    from assistant.domain import Document

    services = prepared(real, demo=False)
    samples = []
    for i in range(rebuilds):
        services.documents.put(Document(number=f"{900 + i}/2099/TT-SOAK", doc_type="Thông tư", title="(bench)"))
        services.knowledge.build()
        for q in QUESTIONS:
            services.knowledge.ask(q)
        samples.append(_proc())
        print(f"rebuild {i + 1}/{rebuilds}: {samples[-1]}", file=sys.stderr, flush=True)
    warm, last = samples[2], samples[-1]
    return {
        "rebuilds": rebuilds,
        "after_warmup(3)": warm,
        "after_last": last,
        "rss_change_pct": round(100 * (last["rss_mb"] - warm["rss_mb"]) / warm["rss_mb"], 1),
        "threads_change": last["threads"] - warm["threads"],
        "open_files_change": last["open_files"] - warm["open_files"],
        "series_rss_mb": [s["rss_mb"] for s in samples],
    }


# ----------------------------------------------------------------------------------------------- switch


def switch(real: bool) -> dict[str, Any]:
    from assistant.domain import Document
    from assistant.services import build_services

    services = prepared(real, demo=False)
    builder = build_services(services.settings)  # another process's view: the server picks the switch up itself
    out: dict[str, Any] = {}
    with Server(services) as url:
        httpx.post(f"{url}/api/v1/ask", json={"question": QUESTIONS[0]}, timeout=60)
        normal: list[tuple[float, float, int]] = []
        askers(url, 20, 10, normal)
        out["ask_p95_ms_normal_20_clients"] = p95([lat for _, lat, _ in normal])
        builder.documents.put(Document(number="999/2099/TT-SWITCH", doc_type="Thông tư", title="(bench)"))
        builder.knowledge.build(dense=services.knowledge.embedder is not None)
        switched = time.monotonic()
        after: list[tuple[float, float, int]] = []
        askers(url, 20, 10, after)
        window = [lat for t, lat, _ in after if t - switched <= 10]
        out["ask_p95_ms_10s_after_switch"] = p95(window)
        out["ratio"] = round(out["ask_p95_ms_10s_after_switch"] / out["ask_p95_ms_normal_20_clients"], 2)
        out["errors"] = sum(1 for *_, s in after if s != 200)
        served = httpx.get(f"{url}/ready").json()["generation"]
        out["serving_new_generation"] = served == builder.generations.current_id()
    return out


# ----------------------------------------------------------------------------------------------- zip bomb


def zipbomb(real: bool) -> dict[str, Any]:
    sys.path.insert(0, str(ROOT))
    from tests.api.test_upload_caps import docx_bomb

    services = prepared(real)
    bomb = docx_bomb(100)
    slowest = 0.0
    stop = threading.Event()
    with Server(services) as url:
        token = httpx.post(
            f"{url}/api/v1/auth/login", json={"username": "demo_admin", "password": "demo-admin-2025"}
        ).json()["access_token"]

        def probe() -> None:
            nonlocal slowest
            with httpx.Client(timeout=120) as c:
                while not stop.is_set():
                    t = time.perf_counter()
                    c.get(f"{url}/health")
                    slowest = max(slowest, time.perf_counter() - t)
                    time.sleep(0.01)

        prober = threading.Thread(target=probe)
        prober.start()
        t = time.perf_counter()
        r = httpx.post(
            f"{url}/api/v1/admin/documents/preview",
            headers={"authorization": f"Bearer {token}"},
            files={"file": ("bom.docx", bomb, "application/octet-stream")},
            timeout=120,
        )
        took = time.perf_counter() - t
        stop.set()
        prober.join()
    return {
        "bomb_kb": len(bomb) // 1024,
        "inflates_to_mb": 100,
        "status": r.status_code,
        "refused_in_s": round(took, 3),
        "slowest_health_ms": round(1000 * slowest, 1),
        "message": r.json()["error"]["message"][:120],
    }


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("what", choices=["matrix", "flood", "soak", "switch", "zipbomb", "all"])
    ap.add_argument("--real", action="store_true", help="the configured embedding model instead of the fake one")
    args = ap.parse_args()
    runs = {"matrix": matrix, "flood": flood, "soak": soak, "switch": switch, "zipbomb": zipbomb}
    chosen = list(runs) if args.what == "all" else [args.what]
    for name in chosen:
        print(json.dumps({name: runs[name](args.real)}, ensure_ascii=False, indent=1), flush=True)


if __name__ == "__main__":
    main()
