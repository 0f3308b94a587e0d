"""Corpus build: report, determinism, overrides, round trip; and the committed corpus' consistency."""

from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path

import pytest
import yaml

from assistant.domain import Completeness, DocStatus, RelationKind
from assistant.ingest.corpus import import_corpus, load_corpus, load_overrides

ROOT = Path(__file__).resolve().parent.parent.parent
FIXTURES = ROOT / "tests" / "fixtures" / "ingest"

OVERRIDES = """
"164-QĐ/TW":
  source: 'SOURCES.md: "164-QĐ/TW appears superseded by 145-QĐ/TW."'
  completeness: partial
  relations:
    - kind: replaced_by
      target: "145-QĐ/TW"
"27/2012/NĐ-CP":
  source: "administrator"
  status: het_hieu_luc
"""


@pytest.fixture
def sources(tmp_path: Path) -> Path:
    src = tmp_path / "sources"
    (src / "partial").mkdir(parents=True)
    shutil.copy(FIXTURES / "phapdien_excerpt.md", src / "phapdien.md")
    shutil.copy(FIXTURES / "qd-164-tw-2013.txt", src / "partial" / "qd-164-tw-2013.txt")
    (src / "partial" / "binary.txt").write_bytes(b"\x00\x01\x02" * 100)
    (src / "notes.xyz").write_text("x", encoding="utf-8")
    (src / "SOURCES.md").write_text(
        "# Sources\n\nNot obtainable offline: Nghị định 101/2017/NĐ-CP.\n\n"
        "Validity notes:\n- 164-QĐ/TW appears superseded.\n",
        encoding="utf-8",
    )
    return src


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    out = tmp_path / "corpus"
    out.mkdir()
    (out / "overrides.yaml").write_text(OVERRIDES, encoding="utf-8")
    return out


def _snapshot(corpus: Path) -> dict[str, str]:
    return {
        str(p.relative_to(corpus)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(corpus.rglob("*"))
        if p.is_file()
    }


def test_import_reports_and_one_bad_file_does_not_abort(sources, corpus):
    report = import_corpus(sources, corpus)
    assert len(report.imported) == 7  # 6 from the Pháp điển excerpt + 164-QĐ/TW
    assert [f for f, _ in report.failed] == ["partial/binary.txt"]
    assert "nhị phân" in report.failed[0][1]
    assert {f for f, _ in report.skipped} == {"SOURCES.md", "notes.xyz"}
    assert (corpus / "documents" / "58-2010-qh12.json").exists()
    assert "7 văn bản đã nhập" in report.summary()


def test_rerun_is_byte_identical_and_stale_files_are_removed(sources, corpus):
    import_corpus(sources, corpus)
    first = _snapshot(corpus)
    (corpus / "documents" / "old-doc.json").write_text("{}", encoding="utf-8")
    import_corpus(sources, corpus)
    assert _snapshot(corpus) == first


def test_manifest_hashes_match_files_and_round_trip(sources, corpus):
    import_corpus(sources, corpus)
    manifest = json.loads((corpus / "manifest.json").read_text(encoding="utf-8"))["documents"]
    for entry in manifest:
        assert hashlib.sha256((corpus / entry["file"]).read_bytes()).hexdigest() == entry["sha256"]
    docs = load_corpus(corpus)
    assert [d.number for d in docs] == [e["number"] for e in manifest]
    law = next(d for d in docs if d.number == "58/2010/QH12")
    assert law.articles[1].clauses[2].points[1].letter == "b"
    assert (
        json.loads((corpus / "documents" / "58-2010-qh12.json").read_text(encoding="utf-8"))["title"]
        == "Luật Viên chức"
    )


def test_overrides_carry_stated_metadata_only(sources, corpus):
    import_corpus(sources, corpus)
    docs = {d.number: d for d in load_corpus(corpus)}
    party = docs["164-QĐ/TW"]
    assert party.completeness == Completeness.PARTIAL
    assert party.status == DocStatus.UNKNOWN  # "appears superseded" is a relation, not a status
    assert [(r.kind, r.target) for r in party.relations] == [(RelationKind.REPLACED_BY, "145-QĐ/TW")]
    assert "appears superseded" in party.relations[0].note
    assert (docs["27/2012/NĐ-CP"].status, docs["27/2012/NĐ-CP"].status_source) == (DocStatus.REPEALED, "administrator")


def test_readme_says_what_the_corpus_holds_and_does_not(sources, corpus):
    import_corpus(sources, corpus)
    readme = (corpus / "README.md").read_text(encoding="utf-8")
    assert "7 văn bản" in readme and "164-QĐ/TW" in readme
    assert "101/2017/NĐ-CP" in readme  # quoted from SOURCES.md


# ---------------------------------------------------------------- the committed corpus


def test_committed_overrides_quote_a_source_for_every_entry():
    overrides = load_overrides(ROOT / "corpus" / "overrides.yaml")
    assert overrides, "corpus/overrides.yaml is missing or empty"
    for number, entry in overrides.items():
        assert entry.get("source"), f"{number}: no source line"
    raw = yaml.safe_load((ROOT / "corpus" / "overrides.yaml").read_text(encoding="utf-8"))
    assert set(raw) == set(overrides)  # keys already canonical


def test_committed_corpus_manifest_is_consistent_and_holds_gold_examples():
    corpus = ROOT / "corpus"
    manifest = json.loads((corpus / "manifest.json").read_text(encoding="utf-8"))["documents"]
    assert len(manifest) >= 150
    for entry in manifest:
        assert hashlib.sha256((corpus / entry["file"]).read_bytes()).hexdigest() == entry["sha256"], entry["file"]
    by_number = {e["number"]: e for e in manifest}
    for number, article in [("58/2010/QH12", "33"), ("115/2020/NĐ-CP", "32"), ("01/2021/TT-BGDĐT", "3")]:
        doc = json.loads((corpus / by_number[number]["file"]).read_text(encoding="utf-8"))
        assert article in {a["number"] for a in doc["articles"]}


def test_report_serialises_for_the_cli(sources, corpus):
    data = import_corpus(sources, corpus).to_dict()
    assert data["failed"] == [{"item": "partial/binary.txt", "reason": data["failed"][0]["reason"]}]
    json.dumps(data, ensure_ascii=False)
