"""Parsing uploads in a separate process, with caps: a hostile file (a DOCX zip bomb, a PDF whose streams inflate
to gigabytes, text that makes a parser crawl) can only exhaust the worker, never the server.

`parse_isolated` refuses a ZIP-based file (DOCX, XLSX) whose members declare more than MAX_UNPACKED bytes before
anything is inflated — Python's zipfile never reads past a member's declared size, so the declaration binds — then
parses in `python -m assistant.ingest.worker` under an address-space limit and a wall-clock timeout.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import zipfile
from io import BytesIO
from pathlib import PurePath
from typing import Any

from assistant.domain import Document
from assistant.errors import AssistantError, DocumentParseError

MB = 1024 * 1024
MAX_UNPACKED = 60 * MB  # all members of a DOCX/XLSX together, inflated
MAX_RATIO = 200  # inflated ÷ compressed for any single large member
MEMORY_LIMIT = 1024 * MB  # the worker's address space
TIMEOUT = 60.0  # seconds of wall clock for one file
ZIPPED = (".docx", ".xlsx")


def check_zip(data: bytes, filename: str) -> None:
    """Refuse a ZIP container that would inflate beyond the caps (in microseconds, before inflating anything)."""
    if PurePath(filename).suffix.lower() not in ZIPPED or not data.startswith(b"PK"):
        return
    try:
        members = zipfile.ZipFile(BytesIO(data)).infolist()
    except (zipfile.BadZipFile, ValueError, OSError):
        return  # not a readable ZIP: the parser reports it in its own words
    total = sum(m.file_size for m in members)
    worst = max((m.file_size / max(m.compress_size, 1) for m in members if m.file_size > MB), default=0.0)
    if total > MAX_UNPACKED or worst > MAX_RATIO or len(members) > 10_000:
        raise DocumentParseError(
            f"Tệp '{PurePath(filename).name}' giải nén ra {total // MB} MB (tối đa {MAX_UNPACKED // MB} MB, tỉ lệ nén "
            f"bất thường): có thể là tệp độc hại (zip bomb) nên không được đọc. Hãy lưu lại tệp gốc rồi tải lên lại."
        )


def parse_isolated(
    data: bytes,
    filename: str,
    overrides: dict[str, Any] | None = None,
    *,
    timeout: float = TIMEOUT,
    memory: int = MEMORY_LIMIT,
) -> Document:
    """parse_document in a worker process; every failure is a Vietnamese DocumentParseError."""
    check_zip(data, filename)
    request = json.dumps({"filename": filename, "overrides": overrides, "memory": memory}).encode() + b"\n"
    env = {**os.environ, "ANONYMIZED_TELEMETRY": "False"}
    try:
        done = subprocess.run(
            [sys.executable, "-m", "assistant.ingest.worker"],
            input=request + data,
            capture_output=True,
            timeout=timeout,
            env=env,
            check=False,
        )
    except subprocess.TimeoutExpired as e:
        raise DocumentParseError(
            f"Đọc tệp '{PurePath(filename).name}' quá {int(timeout)} giây nên đã dừng; tệp quá phức tạp hoặc hỏng."
        ) from e
    try:
        reply = json.loads(done.stdout.decode("utf-8").strip().splitlines()[-1])
    except (ValueError, IndexError):
        reply = None
    if not isinstance(reply, dict):
        raise DocumentParseError(
            f"Không đọc được tệp '{PurePath(filename).name}': tệp làm bộ đọc vượt giới hạn bộ nhớ "
            f"({memory // MB} MB) hoặc bị hỏng."
        )
    if "error" in reply:
        raise _ERRORS.get(str(reply["error"]), DocumentParseError)(str(reply["message"]))
    return Document.from_dict(reply["document"])


def _error_types() -> dict[str, type[AssistantError]]:
    from assistant.errors import InvalidInput, UnsupportedFormat

    return {c.code: c for c in (DocumentParseError, UnsupportedFormat, InvalidInput)}


_ERRORS = _error_types()


def _main() -> None:  # pragma: no cover - runs in the worker process (tested through parse_isolated)
    import resource

    raw = sys.stdin.buffer.read()
    header, _, data = raw.partition(b"\n")
    request = json.loads(header)
    memory = int(request.get("memory") or MEMORY_LIMIT)
    resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
    from assistant.ingest.loaders import parse_document

    try:
        doc = parse_document(data, request["filename"], request.get("overrides"))
        out: dict[str, Any] = {"document": json.loads(json.dumps(doc.to_dict(), ensure_ascii=False, default=str))}
    except AssistantError as e:
        out = {"error": e.code, "message": e.message}
    except MemoryError:
        out = {"error": "document_unreadable", "message": "Tệp làm bộ đọc vượt giới hạn bộ nhớ; không đọc được."}
    sys.stdout.write(json.dumps(out, ensure_ascii=False) + "\n")


if __name__ == "__main__":  # pragma: no cover
    _main()
