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


def test_eval_grades_answers_on_the_clause_level_format(env, tmp_path):
    run("index", "build")
    rows = [
        {
            "id": "c1",
            "question": "Viên chức được đào tạo, bồi dưỡng theo những hình thức nào?",
            "kind": "direct",
            "gold": [{"doc": "58/2010/QH12", "article": "33", "clause": None, "point": None}],
            "answer_fact": "Hình thức đào tạo, bồi dưỡng",
            "notes": "topic=law",
        },
        {
            "id": "c2",
            "question": "Sĩ quan quân đội cam kết phục vụ bao nhiêu năm",
            "kind": "unanswerable",
            "gold": [],
            "answer_fact": None,
            "notes": "topic=unanswerable/x",
        },
    ]
    f = tmp_path / "answers.jsonl"
    f.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    r = run("eval", str(f), "--json")
    assert r.exit_code == 0, r.output
    out = json.loads(r.stdout)
    s = out["summary"]
    assert s["n"] == 2 and s["article_hit"] == 1.0 and s["abstention_on_unanswerable"] == 1.0
    assert set(out["by_kind"]) == {"direct", "unanswerable"} and out["questions"][0]["quotes"]
    table = run("eval", str(f)).stdout
    assert table.splitlines()[0].split()[:4] == ["kind", "n", "fact", "lead"] and "unanswerable" in table
    mixed = tmp_path / "mixed.jsonl"
    mixed.write_text(f.read_text(encoding="utf-8") + json.dumps({"question": "x", "relevant": []}) + "\n")
    assert run("eval", str(mixed)).exit_code == 1


def test_eval_with_bad_file_is_a_clear_error(env, tmp_path):
    f = tmp_path / "bad.jsonl"
    f.write_text("{not json\n", encoding="utf-8")
    r = run("eval", str(f))
    assert r.exit_code == 1 and "Không đọc được" in r.output


def test_demo_status_import_and_personal_ask(env, tmp_path):
    r = run("demo", "load")
    assert r.exit_code == 0, r.output
    assert "không phải người thật" in r.output and "demo_hr" in r.output
    again = run("demo", "load")
    assert "thêm mới 0" in again.output  # idempotent
    cadre = next(line.split("cadre, ")[1].strip() for line in r.output.splitlines() if "demo_canbo" in line)
    status = json.loads(run("status", cadre, "--json").stdout)
    assert status["cadre"]["code"] == cadre and status["statuses"]
    assert all(s["citation"] for s in status["statuses"])
    text = run("status", cadre).stdout
    assert "Tình trạng đào tạo, bồi dưỡng" in text and "Căn cứ" in text
    assert "Theo hồ sơ của cán bộ " in text and "Bước tiếp theo:" in text  # the operator reads about someone
    assert status["personal"]["items"] and status["personal"]["subject"].startswith("cán bộ ")

    assert run("index", "build").exit_code == 0
    r = run("ask", "Giáo viên tiểu học hạng II cần chứng chỉ bồi dưỡng gì?", "--cadre", cadre, "--json")
    assert r.exit_code == 0, r.output
    body = json.loads(r.stdout)
    assert body["cadre_code"] == cadre and not body["abstained"]
    assert body["personal"]["subject"].startswith("cán bộ ")

    bad = tmp_path / "can_bo.csv"
    bad.write_text("Mã cán bộ,Họ và tên,Đơn vị,Loại\nX1,Nguyễn Văn A,KHONG-CO,vien_chuc\n", encoding="utf-8")
    r = run("import", str(bad))
    assert r.exit_code == 1 and "Dòng" in r.output


def test_status_of_unknown_cadre_is_a_clear_error(env):
    r = run("status", "KHONG-CO")
    assert r.exit_code == 1 and "Không tìm thấy" in r.output


def test_the_cli_acts_as_an_audited_operator_and_ask_json_is_the_api_body(env):
    from fastapi.testclient import TestClient

    from assistant.accounts.models import Role
    from assistant.accounts.principal import Principal
    from assistant.api.app import create_app
    from assistant.services import build_services

    assert run("demo", "load").exit_code == 0
    assert run("users", "api-key", "svc-audit").exit_code == 0
    good = env.paths.data_dir.parent / "khoa_hoc.csv"
    good.write_text("Mã khóa học,Tên khóa học,Loại khóa học\nKH-AUDIT,Khóa mẫu,khac\n", encoding="utf-8")
    r = run("import", str(good))
    assert r.exit_code == 0, r.output
    assert run("index", "build").exit_code == 0
    question = "Hình thức đào tạo, bồi dưỡng viên chức gồm những gì?"
    cli_body = json.loads(run("ask", question, "--json").stdout)

    svc = build_services(env)
    with TestClient(create_app(svc)) as client:
        api_body = client.post("/api/v1/ask", json={"question": question}).json()
        personal = svc.personal
        assert personal is not None
        actions = personal.oversight.actions(Principal("test:admin", role=Role.ADMIN), 50)
    assert set(cli_body) == set(api_body)
    assert [q["citation"] for q in cli_body["quotes"]] == [q["citation"] for q in api_body["quotes"]]
    done = {(a.actor, a.action, a.target) for a in actions}
    assert ("cli:operator", "api_key.create", "svc-audit") in done
    assert ("cli:operator", "import", "khoa_hoc.csv") in done
