"""The CLI end to end on the fixture corpus (fake embedder through settings)."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from assistant.cli import app


@pytest.fixture
def env(settings, monkeypatch):
    p = settings.paths
    monkeypatch.setenv("ASSISTANT_PATHS__CORPUS_DIR", str(p.corpus_dir))
    monkeypatch.setenv("ASSISTANT_PATHS__INDEX_DIR", str(p.index_dir))
    monkeypatch.setenv("ASSISTANT_PATHS__DATA_DIR", str(p.data_dir))
    monkeypatch.setenv("ASSISTANT_EMBEDDER__BACKEND", "fake")
    return settings


def run(*args: str):
    return CliRunner().invoke(app, list(args))


def test_build_status_ask_update_rollback(env):
    r = run("index", "build")
    assert r.exit_code == 0, r.output
    first = json.loads(r.stdout)["generation"]
    status = json.loads(run("index", "status").stdout)
    assert status["current"] == first
    r = run("ask", "Hình thức đào tạo, bồi dưỡng viên chức gồm những gì?", "--json")
    body = json.loads(r.stdout)
    assert not body["abstained"] and "Điều 33" in body["quotes"][0]["citation"]
    assert "Chưa tìm thấy" not in run("ask", "vien chuc duoc dao tao boi duong theo hinh thuc nao").stdout
    r = run("index", "update")
    assert r.exit_code == 0 and "không có gì thay đổi" in r.output
    r = run("index", "rollback")
    assert r.exit_code == 1 and "Không còn thế hệ chỉ mục trước đó" in r.output


def test_ask_without_index_explains_what_to_do(env):
    r = run("ask", "đào tạo")
    assert r.exit_code == 1 and "assistant index build" in r.output


def test_eval_prints_metrics(env, tmp_path):
    run("index", "build")
    f = tmp_path / "q.jsonl"
    f.write_text(
        json.dumps(
            {
                "id": "a",
                "question": "Chế độ đào tạo, bồi dưỡng viên chức",
                "relevant": [{"doc": "58/2010/QH12", "article": "33"}],
                "kind": "direct",
            },
            ensure_ascii=False,
        )
        + "\n"
        + json.dumps(
            {
                "id": "b",
                "question": "Sĩ quan quân đội cam kết phục vụ bao nhiêu năm",
                "relevant": [],
                "kind": "unanswerable",
            },
            ensure_ascii=False,
        )
        + "\n",
        encoding="utf-8",
    )
    r = run("eval", str(f), "--json")
    assert r.exit_code == 0, r.output
    out = json.loads(r.stdout)
    assert out["overall"]["n"] == 2 and out["overall"]["r@5"] == 1.0
    assert out["by_kind"]["unanswerable"]["unanswerable_abstained"] == 1


def test_eval_with_bad_file_is_a_clear_error(env, tmp_path):
    f = tmp_path / "bad.jsonl"
    f.write_text("{not json\n", encoding="utf-8")
    r = run("eval", str(f))
    assert r.exit_code == 1 and "Không đọc được" in r.output
