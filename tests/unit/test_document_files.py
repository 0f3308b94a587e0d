"""Issue 13: a malformed document JSON in data/documents/ is reported naming the file, never a crash."""

from __future__ import annotations

import json

import pytest

from assistant.ingest.repository import DocumentRepository
from tests.conftest import CORPUS_DOCS


@pytest.mark.parametrize(
    ("content", "says"),
    [
        ("[1, 2, 3]", "phải là một đối tượng JSON"),
        ('"chỉ một chuỗi"', "phải là một đối tượng JSON"),
        ("[" * 100_000 + "]" * 100_000, "lồng nhau quá sâu"),
        (json.dumps({"number": 123, "doc_type": "Thông tư", "title": "x"}), "'number' phải là chuỗi ký tự"),
        (json.dumps({"number": "1/2099/TT", "doc_type": "Thông tư", "title": "x", "articles": {}}), "'articles'"),
        (
            json.dumps({"number": "1/2099/TT", "doc_type": "TT", "title": "x", "articles": [{"number": 1}]}),
            "thiếu trường 'articles[0].",
        ),
        (json.dumps({"number": "1/2099/TT", "doc_type": "TT", "title": "x", "status": "bogus"}), "không được chấp"),
        ("{không phải json", "không phải JSON hợp lệ"),
    ],
)
def test_a_malformed_document_file_is_reported_by_name(tmp_path, content, says):
    shipped = tmp_path / "shipped"
    shipped.mkdir()
    (shipped / "58-2010-qh12.json").write_text((CORPUS_DOCS / "58-2010-qh12.json").read_text(encoding="utf-8"))
    admin = tmp_path / "admin"
    admin.mkdir()
    (admin / "hong.json").write_text(content, encoding="utf-8")
    docs, unreadable = DocumentRepository(shipped, admin).scan()
    assert [d.number for d in docs] == ["58/2010/QH12"]  # the good one still counts
    assert len(unreadable) == 1 and unreadable[0]["document"] == "hong.json"
    assert "hong.json" in unreadable[0]["reason"] and says in unreadable[0]["reason"], unreadable


def test_every_shipped_document_passes_validation():
    docs, unreadable = DocumentRepository(CORPUS_DOCS, CORPUS_DOCS / "nothing-here").scan()
    assert docs and not unreadable, unreadable
