"""Document administration and re-index jobs: bad uploads change nothing, a good one is previewed, committed and
served; asks never fail while a job runs; one job at a time; a job killed mid-run is marked failed on start-up."""

from __future__ import annotations

import io
import threading
import time
import zipfile

import pytest
from sqlalchemy import select

NEW_DOC = """QUYẾT ĐỊNH
Số: 12/2026/QĐ-UBND
Tỉnh Mẫu, ngày 02 tháng 3 năm 2026

Ban hành Quy định về bồi dưỡng kỹ năng số cho công chức tỉnh Mẫu

Điều 1. Phạm vi điều chỉnh
Quy định này quy định việc bồi dưỡng kỹ năng chuyển đổi số cho công chức cấp xã của tỉnh Mẫu.

Điều 2. Thời lượng bồi dưỡng kỹ năng chuyển đổi số
1. Mỗi công chức cấp xã tham gia bồi dưỡng kỹ năng chuyển đổi số tối thiểu 24 tiết mỗi năm.
2. Sở Nội vụ tổng hợp kết quả bồi dưỡng kỹ năng chuyển đổi số trước ngày 15 tháng 12 hằng năm.
"""
QUESTION_NEW = "Công chức cấp xã phải bồi dưỡng kỹ năng chuyển đổi số bao nhiêu tiết mỗi năm?"


def _state(api):  # type: ignore[no-untyped-def]
    docs = sorted(d["number"] for d in api.call("anonymous", "GET", "/documents").json())
    generation = api.call("admin", "GET", "/admin/index").json()["current"]
    uploads = len(api.call("admin", "GET", "/admin/uploads").json())
    return docs, generation, uploads


def _corrupt_docx() -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("word/document.xml", "<w:document><w:body><w:p>không đóng thẻ")
    return buf.getvalue()[:-30]  # truncated central directory as well


BAD_UPLOADS = {
    "corrupt-pdf": (
        "quyet-dinh.pdf",
        b"%PDF-1.7\n1 0 obj << /Type /Catalog >>\nstream\n\x00\xff\xfe garbage",
        "application/pdf",
    ),
    "corrupt-docx": (
        "quyet-dinh.docx",
        _corrupt_docx(),
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ),
    "binary-as-txt": ("van-ban.txt", bytes(range(256)) * 40, "text/plain"),
    "empty": ("rong.txt", b"", "text/plain"),
    "unsupported": ("virus.exe", b"MZ\x90\x00" * 100, "application/octet-stream"),
    "plain-text-without-articles": (
        "ghi-chu.txt",
        "Chỉ là một ghi chú, không có điều khoản nào.".encode(),
        "text/plain",
    ),
}


@pytest.mark.parametrize("case", list(BAD_UPLOADS))
def test_bad_uploads_get_a_clear_error_and_change_nothing(api, case):  # type: ignore[no-untyped-def]
    before = _state(api)
    r = api.call("admin", "POST", "/admin/documents/preview", files={"file": BAD_UPLOADS[case]})
    assert r.status_code == 400, r.text
    assert r.json()["error"]["code"] in {"document_unreadable", "unsupported_format", "invalid_input"}
    assert r.json()["error"]["message"]
    assert _state(api) == before


def test_oversized_upload_is_refused_with_413(api):  # type: ignore[no-untyped-def]
    before = _state(api)
    big = b"A" * (10 * 1024 * 1024 + 1)
    r = api.call("admin", "POST", "/admin/documents/preview", files={"file": ("lon.txt", big, "text/plain")})
    assert r.status_code == 413 and "quá lớn" in r.json()["error"]["message"]
    r = api.call(
        "admin",
        "POST",
        "/ask",
        content=b'{"question": "' + b"a" * (2 * 1024 * 1024) + b'"}',
        headers={"content-type": "application/json"},
    )
    assert r.status_code == 413 and "quá lớn" in r.json()["error"]["message"]
    assert _state(api) == before


def test_wrong_content_types_are_4xx(api):  # type: ignore[no-untyped-def]
    r = api.call("admin", "POST", "/admin/documents/preview", json={"file": "abc"})
    assert r.status_code == 422
    r = api.call(
        "anonymous",
        "POST",
        "/ask",
        content=b"question=x",
        headers={"content-type": "application/x-www-form-urlencoded"},
    )
    assert 400 <= r.status_code < 500


def test_preview_commit_reindex_then_the_new_document_is_served(api):  # type: ignore[no-untyped-def]
    docs_before, gen_before, _ = _state(api)
    r = api.call(
        "admin", "POST", "/admin/documents/preview", files={"file": ("qd-12.md", NEW_DOC.encode(), "text/markdown")}
    )
    assert r.status_code == 201, r.text
    preview = r.json()
    assert preview["document"]["number"] == "12/2026/QĐ-UBND"
    assert [a["number"] for a in preview["structure"]] == ["1", "2"] and preview["structure"][1]["clauses"] == 2
    assert any("hiệu lực" in w for w in preview["warnings"])  # status unknown until the admin says
    assert _state(api)[:2] == (docs_before, gen_before)  # a preview changes neither documents nor index

    upload = preview["upload_id"]
    r = api.call(
        "admin", "POST", f"/admin/documents/{upload}/commit", json={"status": "con_hieu_luc", "source": "Công báo tỉnh"}
    )
    assert r.status_code == 202 and r.headers["location"].endswith(r.json()["id"])
    job = api.wait_job(r.json()["id"])
    assert job["status"] == "succeeded", job
    assert (
        job["result"]["indexed"] == 1 and job["result"]["failed"] == 0 and job["result"]["skipped"] == len(docs_before)
    )

    detail = api.call("anonymous", "GET", "/documents/12/2026/QĐ-UBND").json()
    assert detail["indexed"] and detail["status"] == "con_hieu_luc" and len(detail["units"]) == 2
    answer = api.call("anonymous", "POST", "/ask", json={"question": QUESTION_NEW}).json()
    assert "12/2026/QĐ-UBND" in answer["quotes"][0]["citation"]
    again = api.call("admin", "POST", f"/admin/documents/{upload}/commit")
    assert again.status_code == 409
    actions = [a["action"] for a in api.call("admin", "GET", "/admin/audit").json()]
    assert "document.preview" in actions and "document.commit" in actions


def test_asks_keep_succeeding_while_a_job_runs_and_a_second_job_is_refused(api):  # type: ignore[no-untyped-def]
    runner = api.services.personal.jobs
    original = runner._progress

    def slow(job_id):  # type: ignore[no-untyped-def]
        report = original(job_id)

        def step(phase, done, total):  # type: ignore[no-untyped-def]
            time.sleep(0.4)
            report(phase, done, total)

        return step

    runner._progress = slow
    results: list[int] = []
    stop = threading.Event()

    def ask_forever() -> None:
        while not stop.is_set():
            r = api.call("anonymous", "POST", "/ask", json={"question": "Viên chức được đào tạo theo hình thức nào?"})
            results.append(r.status_code)

    asker = threading.Thread(target=ask_forever)
    asker.start()
    try:
        started = api.call("admin", "POST", "/admin/index/rebuild")
        assert started.status_code == 202
        job_id = started.json()["id"]
        busy = api.call("admin", "POST", "/admin/index/rebuild")
        assert busy.status_code == 409 and job_id in busy.json()["error"]["message"]
        assert busy.json()["error"]["code"] == "index_busy"
        assert api.call("admin", "POST", "/admin/index/rollback").status_code == 409
        assert api.call("admin", "DELETE", "/admin/documents/58/2010/QH12").status_code == 409
        running = api.call("admin", "GET", f"/admin/jobs/{job_id}").json()
        assert running["status"] == "running"
        asked_during_job = len(results)
        job = api.wait_job(job_id)
        asked_during_job = len(results) - asked_during_job
    finally:
        stop.set()
        asker.join(30)
        runner._progress = original
    assert job["status"] == "succeeded" and job["phase"] and job["total"] > 0
    assert asked_during_job >= 3 and set(results) == {200}, (asked_during_job, set(results))
    assert "58/2010/QH12" in [d["number"] for d in api.call("anonymous", "GET", "/documents").json()]


def test_status_relations_delete_and_rollback(api):  # type: ignore[no-untyped-def]
    number = "02/2021/TT-BGDĐT"
    patch = {
        "status": "het_hieu_luc",
        "status_source": "Thông tư số 99/2026/TT-BGDĐT (giả định cho kiểm thử)",
        "relations": [{"kind": "repealed_by", "target": "99/2026/TT-BGDĐT"}],
    }
    r = api.call("admin", "PATCH", f"/admin/documents/{number}", json=patch)
    assert r.status_code == 202, r.text
    assert api.wait_job(r.json()["id"])["status"] == "succeeded"
    detail = api.call("anonymous", "GET", f"/documents/{number}").json()
    assert detail["status"] == "het_hieu_luc" and detail["relations"][0]["kind"] == "repealed_by"
    gen_with_doc = api.call("admin", "GET", "/admin/index").json()["current"]

    r = api.call("admin", "DELETE", f"/admin/documents/{number}")
    assert r.status_code == 202 and api.wait_job(r.json()["id"])["status"] == "succeeded"
    assert api.call("anonymous", "GET", f"/documents/{number}").status_code == 404

    r = api.call("admin", "POST", "/admin/index/rollback")
    assert r.status_code == 200 and r.json()["generation"] == gen_with_doc
    bad = api.call("admin", "PATCH", "/admin/documents/01/2021/TT-BGDĐT", json={"status": "khong-co"})
    assert bad.status_code == 422
    empty = api.call("admin", "PATCH", "/admin/documents/01/2021/TT-BGDĐT", json={})
    assert empty.status_code == 400 and "Không có thay đổi" in empty.json()["error"]["message"]


def test_a_job_left_running_by_a_killed_process_is_failed_on_startup(api):  # type: ignore[no-untyped-def]
    from assistant.api.app import create_app
    from assistant.db import utcnow
    from assistant.jobs.models import Job
    from tests.support import LiveServer

    sessions = api.services.personal.jobs._sessions
    with sessions() as s, s.begin():
        s.add(
            Job(
                id="killed0001",
                kind="reindex",
                status="running",
                pid=2**22 + 7,
                created_at=utcnow(),
                started_at=utcnow(),
            )
        )
    assert api.call("admin", "POST", "/admin/index/rebuild").status_code == 409  # it still looks busy …
    with LiveServer(create_app(api.services)):  # … until a process starts and settles it
        pass
    job = api.call("admin", "GET", "/admin/jobs/killed0001").json()
    assert job["status"] == "failed" and "dừng đột ngột" in job["error"]
    with sessions() as s:
        assert s.scalar(select(Job.status).where(Job.id == "killed0001")) == "failed"
