"""A non-editable install works: the wheel holds the rules, the migrations and the web pages, and an install of it,
run from another directory with its directories set explicitly, loads the rules, migrates and serves API and pages."""

from __future__ import annotations

import importlib.util
import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
NEEDED = [
    "assistant/enrollment/rules/seed.yaml",
    "assistant/db/migrations/env.py",
    "assistant/db/migrations/script.py.mako",
    "assistant/db/migrations/versions/0001_enrollment.py",
    "bots/web/index.html",
    "bots/web/admin.html",
    "bots/web/style.css",
    "bots/web/chat.js",
]


def _setuptools_at_least(major: int) -> bool:
    if importlib.util.find_spec("setuptools") is None:
        return False
    import setuptools

    return int(setuptools.__version__.split(".")[0]) >= major


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    """Built from a copy of the package sources, so the checkout gets no build/ or egg-info."""
    src = tmp_path_factory.mktemp("src")
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(ROOT / name, src / name)
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc")
    for package in ("assistant", "bots"):
        shutil.copytree(ROOT / package, src / package, ignore=ignore)
    out = tmp_path_factory.mktemp("dist")
    # the venv's own setuptools when it is recent enough (no download); otherwise pip fetches one in isolation
    isolation = ["--no-build-isolation"] if _setuptools_at_least(69) else []
    cmd = [sys.executable, "-m", "pip", "wheel", "--no-deps", *isolation, "-w", str(out), "."]
    done = subprocess.run(cmd, cwd=src, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    (found,) = out.glob("*.whl")
    return found


def test_the_wheel_contains_rules_migrations_and_web_pages(wheel: Path) -> None:
    names = set(zipfile.ZipFile(wheel).namelist())
    missing = [n for n in NEEDED if n not in names]
    assert missing == [], f"not in the wheel: {missing}"
    web = {n for n in names if n.startswith("bots/web/")}
    assert {f"bots/web/{p.name}" for p in (ROOT / "bots" / "web").iterdir() if p.is_file()} <= web
    assert not any(n.startswith(("tests/", "corpus/", "bench/")) for n in names)


def test_an_installed_wheel_run_elsewhere_loads_rules_and_serves_api_and_pages(wheel: Path, tmp_path: Path) -> None:
    target = tmp_path / "site"
    done = subprocess.run(
        [sys.executable, "-m", "pip", "install", "--no-deps", "--target", str(target), str(wheel)],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    home = tmp_path / "home"
    (home / "corpus" / "documents").mkdir(parents=True)
    fixture = ROOT / "corpus" / "documents"
    for doc in sorted(fixture.glob("*.json"))[:1]:
        shutil.copy(doc, home / "corpus" / "documents" / doc.name)
    script = """
import sys
from pathlib import Path
import assistant
assert Path(assistant.__file__).resolve().is_relative_to(Path(sys.argv[1]).resolve()), assistant.__file__
from fastapi.testclient import TestClient
from assistant.api.app import create_app
from assistant.config import Settings
from assistant.services import build_services
services = build_services(Settings())
assert services.personal is not None and services.personal.enrollment.rules.rules, "rules not loaded"
with TestClient(create_app(services)) as client:
    page = client.get("/")
    assert page.status_code == 200 and "<html" in page.text.lower(), page.status_code
    assert client.get("/style.css").status_code == 200
    assert client.get("/api/v1/documents").status_code == 200
    assert client.get("/health").json() == {"status": "ok"}
print("ok", Path(assistant.__file__).parent)
"""
    env = {k: v for k, v in os.environ.items() if not k.startswith("ASSISTANT_") and k != "PYTHONPATH"}
    env.update(
        {
            "PYTHONPATH": str(target),  # ahead of the checkout's editable install
            "ANONYMIZED_TELEMETRY": "False",
            "ASSISTANT_EMBEDDER__BACKEND": "fake",
            "ASSISTANT_PATHS__CORPUS_DIR": str(home / "corpus"),
            "ASSISTANT_PATHS__INDEX_DIR": str(home / "indexes"),
            "ASSISTANT_PATHS__DATA_DIR": str(home / "data"),
        }
    )
    run = subprocess.run(
        [sys.executable, "-c", script, str(target)], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=300
    )
    assert run.returncode == 0, run.stdout[-2000:] + run.stderr[-3000:]
    assert (home / "data" / "assistant.db").exists()  # the data dir set explicitly is the one used
