"""The whole multi-process topology on one machine, for a demo (`assistant topology`) and the end-to-end test:
a Chroma server, PostgreSQL (already running, given by URL), N API processes, M queue workers.

Each API process and worker gets an index folder of its own, as if it ran on its own host: generations reach
it only through the database (pointer, manifest, archive) and the Chroma server. The administrator-loaded
documents folder (`ASSISTANT_PATHS__DATA_DIR`) is the one thing shared on disk — on several machines it is a
shared mount (see README "Running on several machines").
"""

from __future__ import annotations

import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

from assistant.ops.local import ChromaServer, Process, free_port, wait_http


@dataclass
class Topology:
    root: Path
    database_url: str
    corpus_dir: Path
    apis: int = 2
    workers: int = 1
    api_workers: int = 1  # uvicorn processes behind each API port
    host: str = "127.0.0.1"
    extra_env: dict[str, str] = field(default_factory=dict)
    role_env: dict[str, dict[str, str]] = field(default_factory=dict)  # "api" / "worker" / "admin" → extra settings
    chroma: ChromaServer | None = None
    api_procs: list[Process] = field(default_factory=list)
    worker_procs: list[Process] = field(default_factory=list)
    api_ports: list[int] = field(default_factory=list)

    def env(self, name: str) -> dict[str, str]:
        assert self.chroma is not None
        return {
            "ANONYMIZED_TELEMETRY": "False",
            "ASSISTANT_DATABASE__URL": self.database_url,
            "ASSISTANT_CHROMA__MODE": "http",
            "ASSISTANT_CHROMA__HOST": self.chroma.host,
            "ASSISTANT_CHROMA__PORT": str(self.chroma.port),
            "ASSISTANT_JOBS__QUEUE": "procrastinate",
            "ASSISTANT_PATHS__CORPUS_DIR": str(self.corpus_dir),
            "ASSISTANT_PATHS__DATA_DIR": str(self.root / "shared-data"),
            "ASSISTANT_PATHS__INDEX_DIR": str(self.root / name / "indexes"),
            **self.extra_env,
            **self.role_env.get(name.rstrip("0123456789"), {}),
        }

    def command(self, *args: str) -> list[str]:
        return [sys.executable, "-m", "assistant.cli", *args]

    def run(self, name: str, *args: str, timeout: float = 900) -> str:
        """A one-off command (migrations, first build) with `name`'s environment; raises with its output."""
        import os

        done = subprocess.run(
            self.command(*args), env={**os.environ, **self.env(name)}, capture_output=True, text=True, timeout=timeout
        )
        if done.returncode != 0:
            raise RuntimeError(f"`assistant {' '.join(args)}` failed:\n{done.stdout}\n{done.stderr}")
        return done.stdout

    def start(self, *, build: bool = True) -> Topology:
        self.root.mkdir(parents=True, exist_ok=True)
        self.chroma = ChromaServer(self.root / "chroma" / "data").start()
        self.run("admin", "db", "upgrade")
        if build:
            self.run("admin", "index", "update")
        for i in range(self.workers):
            self.worker_procs.append(
                Process(self.command("worker"), self.root / f"worker{i}.log", self.env(f"worker{i}")).start()
            )
        for i in range(self.apis):
            port = free_port()
            args = ["serve", "--host", self.host, "--port", str(port), "--workers", str(self.api_workers)]
            self.api_procs.append(Process(self.command(*args), self.root / f"api{i}.log", self.env(f"api{i}")).start())
            self.api_ports.append(port)
        for proc, url in zip(self.api_procs, self.urls, strict=True):
            wait_http(f"{url}/health", 180, proc.proc)
        return self

    @property
    def urls(self) -> list[str]:
        return [f"http://{self.host}:{p}" for p in self.api_ports]

    def stop(self) -> None:
        for p in [*self.api_procs, *self.worker_procs]:
            p.stop()
        if self.chroma is not None:
            self.chroma.stop()

    def __enter__(self) -> Topology:
        try:
            return self.start()
        except BaseException:
            self.stop()
            raise

    def __exit__(self, *exc: object) -> None:
        self.stop()
