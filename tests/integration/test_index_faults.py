"""Issue 13, index under faults: build lock vs PID reuse, read-only index directory, disk full."""

from __future__ import annotations

import errno
import os
import shutil
import subprocess
import sys
import uuid
from contextlib import contextmanager
from pathlib import Path

import pytest

from assistant.errors import IndexBusy, IndexWriteFailed

QUESTION = "Hình thức đào tạo, bồi dưỡng viên chức"


def test_a_lock_file_naming_a_live_pid_does_not_block(built):
    manager = built.knowledge.generations
    (manager.root / "build.lock").write_text(str(os.getpid()))  # a live PID (ours) but nobody holds the lock
    before = manager.current_id()
    built.knowledge.build()
    assert manager.current_id() != before


def test_a_build_lock_held_by_another_process_blocks_until_it_ends(built):
    manager = built.knowledge.generations
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import fcntl, os, sys, time\n"
            f"fd = os.open({str(manager.root / 'build.lock')!r}, os.O_CREAT | os.O_RDWR)\n"
            "fcntl.flock(fd, fcntl.LOCK_EX)\nprint('locked', flush=True)\ntime.sleep(120)\n",
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "locked"
        assert manager.build_in_progress()
        with pytest.raises(IndexBusy):
            built.knowledge.build()
    finally:
        holder.kill()
        holder.wait()
    assert not manager.build_in_progress()  # the kernel released it with the killed process
    built.knowledge.build()


@contextmanager
def small_fs(size: str):
    """A real tmpfs of `size` (needs mount rights; skipped where the machine does not give them)."""
    where = Path(f"/tmp/assistant-fs-{uuid.uuid4().hex[:8]}")
    where.mkdir()
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(where)], capture_output=True)
    if mounted.returncode != 0:
        where.rmdir()
        pytest.skip("cannot mount a tmpfs here")
    try:
        yield where
    finally:
        subprocess.run(["umount", "-l", str(where)], capture_output=True)
        where.rmdir()


def _services_on(settings, index_dir: Path):  # type: ignore[no-untyped-def]
    from assistant.services import build_services

    settings.paths.index_dir = index_dir
    return build_services(settings)


def test_disk_full_build_fails_in_vietnamese_and_keeps_serving(built, monkeypatch):
    knowledge = built.knowledge
    serving = knowledge.generations.current_id()
    from assistant.index.lexical import LexicalIndex

    def full(self, directory):  # type: ignore[no-untyped-def]
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(LexicalIndex, "save", full)
    with pytest.raises(IndexWriteFailed, match="hết dung lượng đĩa") as e:
        knowledge.build()
    assert "giữ nguyên" in e.value.message
    assert knowledge.generations.current_id() == serving
    assert not list(knowledge.generations.gens.glob(".building-*"))
    assert not knowledge.ask(QUESTION).answer.abstained


def test_a_really_full_disk(settings):  # type: ignore[no-untyped-def]
    with small_fs("3m") as where:
        services = _services_on(settings, where / "indexes")
        services.knowledge.build(dense=False)
        serving = services.generations.current_id()
        free = shutil.disk_usage(where).free
        (where / "ballast").write_bytes(b"\0" * max(0, free - 64 * 1024))  # too little left for a generation
        with pytest.raises(IndexWriteFailed, match="hết dung lượng đĩa"):
            services.knowledge.build(dense=False)
        assert services.generations.current_id() == serving
        assert not services.knowledge.ask(QUESTION).answer.abstained


def test_start_up_and_serving_on_a_read_only_index_directory(settings, tmp_path):  # type: ignore[no-untyped-def]
    from fastapi.testclient import TestClient

    from assistant.api.app import create_app

    source = tmp_path / "indexes-rw"
    _services_on(settings, source).knowledge.build()
    view = tmp_path / "indexes-ro"
    view.mkdir()
    if subprocess.run(["mount", "--bind", str(source), str(view)], capture_output=True).returncode != 0:
        pytest.skip("cannot bind-mount here")
    try:
        subprocess.run(["mount", "-o", "remount,bind,ro", str(view)], check=True)
        services = _services_on(settings, view)
        with TestClient(create_app(services, secure_cookies=False)) as client:
            assert client.get("/ready").status_code == 200
            r = client.post("/api/v1/ask", json={"question": QUESTION})
            assert r.status_code == 200 and not r.json()["abstained"], r.text
        with pytest.raises(IndexWriteFailed, match="chỉ đọc"):
            services.knowledge.build()
    finally:
        subprocess.run(["umount", "-l", str(view)], capture_output=True)
