"""Issue 13: repeated rebuilds and switches leak nothing — threads and open files stay flat (memory: bench/)."""

from __future__ import annotations

import os
import threading
from pathlib import Path

from assistant.domain import Document

QUESTION = "Hình thức đào tạo, bồi dưỡng viên chức"


def open_files() -> int:
    return len(os.listdir("/proc/self/fd"))


def threads() -> int:
    return len(os.listdir("/proc/self/task"))


def rebuild(services, i: int) -> None:  # type: ignore[no-untyped-def]
    services.documents.put(Document(number=f"{900 + i}/2099/TT-SOAK", doc_type="Thông tư", title=f"thử {i}"))
    services.knowledge.build()
    assert not services.knowledge.ask(QUESTION).answer.abstained


def test_rebuilds_leave_threads_and_open_files_flat(built):  # type: ignore[no-untyped-def]
    for i in range(3):  # warm-up: first loads of libraries, thread pools, caches
        rebuild(built, i)
    files, tasks = open_files(), threads()
    for i in range(3, 11):
        rebuild(built, i)
    assert open_files() <= files + 2, (files, open_files())
    assert threads() <= tasks + 2, (tasks, threads())
    index_dir = built.settings.paths.index_dir
    serving = str(index_dir / "generations" / built.generations.current_id())
    leaked = [
        target
        for fd in os.listdir("/proc/self/fd")
        if (target := _link(fd)).startswith(str(index_dir / "generations")) and not target.startswith(serving)
    ]
    assert not leaked  # handles on the serving generation only, never on retired or pruned ones
    assert len(list((index_dir / "generations").iterdir())) <= 3


def _link(fd: str) -> str:
    try:
        return os.readlink(f"/proc/self/fd/{fd}")
    except OSError:
        return ""


def test_a_switch_never_closes_a_generation_under_an_ask(built):  # type: ignore[no-untyped-def]
    knowledge = built.knowledge
    errors: list[BaseException] = []
    stop = threading.Event()

    def ask() -> None:
        while not stop.is_set():
            try:
                knowledge.ask(QUESTION)
            except BaseException as e:  # noqa: BLE001 - collected for the assertion
                errors.append(e)
                return

    askers = [threading.Thread(target=ask) for _ in range(4)]
    for t in askers:
        t.start()
    try:
        for i in range(4):
            rebuild(built, 20 + i)
    finally:
        stop.set()
        for t in askers:
            t.join(30)
    assert not errors, errors
