"""Issue 13: a DOCX zip bomb is refused quickly, parsing runs in a capped worker, /health answers throughout."""

from __future__ import annotations

import io
import threading
import time
import zipfile

import httpx
import pytest

from assistant.errors import DocumentParseError
from assistant.ingest.worker import check_zip, parse_isolated


def docx_bomb(inflated_mb: int = 100) -> bytes:
    """A structurally valid DOCX whose document.xml inflates to `inflated_mb` MB (compresses ~1000:1)."""
    body = b"<w:p><w:r><w:t>" + b"A" * (inflated_mb * 1024 * 1024) + b"</w:t></w:r></w:p>"
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as z:
        z.writestr(
            "[Content_Types].xml",
            '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="xml" ContentType="application/xml"/>'
            '<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.'
            'wordprocessingml.document.main+xml"/></Types>',
        )
        z.writestr(
            "_rels/.rels",
            '<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
            'officeDocument" Target="word/document.xml"/></Relationships>',
        )
        z.writestr(
            "word/document.xml",
            b'<?xml version="1.0"?><w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
            b"<w:body>" + body + b"</w:body></w:document>",
        )
    return out.getvalue()


def test_a_zip_bomb_is_refused_before_inflating():
    bomb = docx_bomb(100)
    assert len(bomb) < 1024 * 1024
    with pytest.raises(DocumentParseError, match="zip bomb"):
        check_zip(bomb, "quyet-dinh.docx")


def test_a_hostile_file_can_only_exhaust_the_worker(monkeypatch):
    import assistant.ingest.worker as worker

    monkeypatch.setattr(worker, "MAX_UNPACKED", 10**12)  # let the bomb through the declared-size check …
    monkeypatch.setattr(worker, "MAX_RATIO", 10**9)
    with pytest.raises(DocumentParseError, match="Không đọc được|giới hạn|quá"):  # … the capped worker refuses it
        parse_isolated(docx_bomb(300), "quyet-dinh.docx", memory=256 * 1024 * 1024)


def test_a_normal_upload_parses_in_the_worker():
    from pathlib import Path

    from assistant.ingest import parse_document

    sample = Path(__file__).resolve().parents[1] / "fixtures" / "ingest" / "qd-164-tw-2013.txt"
    data = sample.read_bytes()
    doc = parse_isolated(data, sample.name)
    assert doc.to_dict() == parse_document(data, sample.name).to_dict()
    assert doc.articles


def test_health_answers_while_a_bomb_is_uploaded(api):  # type: ignore[no-untyped-def]
    bomb = docx_bomb(100)
    slowest = 0.0
    stop = threading.Event()

    def probe() -> None:
        nonlocal slowest
        while not stop.is_set():
            start = time.perf_counter()
            assert httpx.get(f"{api.base}/health", timeout=30).status_code == 200
            slowest = max(slowest, time.perf_counter() - start)
            time.sleep(0.02)

    prober = threading.Thread(target=probe)
    prober.start()
    try:
        start = time.perf_counter()
        files = {"file": ("bom.docx", bomb, "application/octet-stream")}
        r = api.call("admin", "POST", "/admin/documents/preview", files=files)
        took = time.perf_counter() - start
    finally:
        stop.set()
        prober.join(30)
    assert r.status_code == 400 and "zip bomb" in r.json()["error"]["message"], r.text
    print(f"zip bomb refused in {took:.3f} s; slowest /health {slowest:.3f} s")
