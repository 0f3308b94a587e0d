"""Build the shipped corpus from the source folder, reproducibly, and load it back.

`import_corpus` reads every supported file under the sources folder, applies the hand-maintained
`overrides.yaml`, and writes one JSON per document plus a manifest and a README. Output is
deterministic (no timestamps, stable order), so re-running on the same sources changes no byte.
One bad file is reported and never aborts the rest.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from assistant.domain import DOC_STATUS_LABELS, Completeness, Document, doc_slug
from assistant.errors import AssistantError, InvalidInput
from assistant.ingest.loaders import SUPPORTED, parse_documents
from assistant.text import normalize_doc_number

OVERRIDES_FILE = "overrides.yaml"
_FULLNESS = {Completeness.PARTIAL: 0, Completeness.CODIFIED: 1, Completeness.FULL: 2}
_NOT_DOCUMENTS = {"sources.md", "readme.md"}


@dataclass
class CorpusImportReport:
    imported: list[str] = field(default_factory=list)  # document numbers written
    skipped: list[tuple[str, str]] = field(default_factory=list)  # (file or number, reason)
    failed: list[tuple[str, str]] = field(default_factory=list)  # (file, error message)

    def summary(self) -> str:
        return f"{len(self.imported)} văn bản đã nhập, {len(self.skipped)} bỏ qua, {len(self.failed)} lỗi"

    def to_dict(self) -> dict[str, Any]:
        return {
            "summary": self.summary(),
            "imported": self.imported,
            "skipped": [{"item": item, "reason": reason} for item, reason in self.skipped],
            "failed": [{"item": item, "reason": reason} for item, reason in self.failed],
        }


def load_overrides(path: Path) -> dict[str, dict[str, Any]]:
    """overrides.yaml keyed by canonical document number (keys are normalised on load)."""
    if not path.exists():
        return {}
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except yaml.YAMLError as e:
        raise InvalidInput(f"Tệp {path.name} không đúng cú pháp YAML: {e}") from e
    if not isinstance(data, dict):
        raise InvalidInput(f"Tệp {path.name} phải là một bảng khóa theo số hiệu văn bản.")
    return {normalize_doc_number(str(k)): v or {} for k, v in data.items()}


def document_json(doc: Document) -> str:
    return json.dumps(doc.to_dict(), ensure_ascii=False, indent=1) + "\n"


def _source_files(sources_dir: Path, report: CorpusImportReport) -> list[Path]:
    files = []
    for path in sorted(p for p in sources_dir.rglob("*") if p.is_file()):
        rel = path.relative_to(sources_dir).as_posix()
        if path.name.lower() in _NOT_DOCUMENTS:
            report.skipped.append((rel, "tài liệu mô tả nguồn, không phải văn bản"))
        elif path.suffix.lower() not in SUPPORTED:
            report.skipped.append((rel, f"định dạng {path.suffix or '(không đuôi)'} không được hỗ trợ"))
        else:
            files.append(path)
    return files


def _collect(
    sources_dir: Path, overrides: dict[str, dict[str, Any]], report: CorpusImportReport
) -> dict[str, Document]:
    docs: dict[str, Document] = {}
    for path in _source_files(sources_dir, report):
        rel = path.relative_to(sources_dir).as_posix()
        try:
            parsed = parse_documents(path.read_bytes(), path.name, overrides)
        except AssistantError as e:
            report.failed.append((rel, e.message))
            continue
        except Exception as e:  # one bad file must not abort the import; keep the reason
            report.failed.append((rel, f"lỗi không mong đợi: {type(e).__name__}: {e}"))
            continue
        for doc in parsed:
            doc.provenance["source_file"] = rel
            kept = docs.get(doc.number)
            if kept is not None:
                # The fuller text wins (full over partial, more articles over fewer), whatever the file order.
                if _fullness(doc) > _fullness(kept):
                    docs[doc.number], doc = doc, kept
                report.skipped.append(
                    (
                        f"{doc.provenance['source_file']}: {doc.number}",
                        f"trùng số hiệu với văn bản từ {docs[doc.number].provenance['source_file']}",
                    )
                )
                continue
            docs[doc.number] = doc
    return docs


def _fullness(doc: Document) -> tuple[int, int]:
    return _FULLNESS[doc.completeness], len(doc.articles)


def _write_if_changed(path: Path, content: str) -> None:
    if not path.exists() or path.read_text(encoding="utf-8") != content:
        path.write_text(content, encoding="utf-8")


def import_corpus(sources_dir: Path, corpus_dir: Path) -> CorpusImportReport:
    """Rebuild corpus_dir/documents, manifest.json and README.md from sources_dir."""
    report = CorpusImportReport()
    overrides = load_overrides(corpus_dir / OVERRIDES_FILE)
    docs = _collect(sources_dir, overrides, report)
    out_dir = corpus_dir / "documents"
    out_dir.mkdir(parents=True, exist_ok=True)
    manifest = []
    for number in sorted(docs):
        doc = docs[number]
        content = document_json(doc)
        _write_if_changed(out_dir / f"{doc_slug(number)}.json", content)
        manifest.append(_manifest_entry(doc, content))
        report.imported.append(number)
    keep = {f"{doc_slug(n)}.json" for n in docs}
    for stale in out_dir.glob("*.json"):
        if stale.name not in keep:
            stale.unlink()
    for number in sorted(set(overrides) - set(docs)):
        report.skipped.append(
            (f"{OVERRIDES_FILE}: {number}", "không có văn bản này trong nguồn; mục bổ sung không được dùng")
        )
    _write_if_changed(
        corpus_dir / "manifest.json", json.dumps({"documents": manifest}, ensure_ascii=False, indent=1) + "\n"
    )
    _write_if_changed(corpus_dir / "README.md", render_readme(list(docs.values()), sources_dir))
    return report


def _manifest_entry(doc: Document, content: str) -> dict[str, Any]:
    return {
        "number": doc.number,
        "doc_id": doc.doc_id,
        "type": doc.doc_type,
        "title": doc.title,
        "status": str(doc.status),
        "completeness": str(doc.completeness),
        "n_articles": len(doc.articles),
        "n_clauses": sum(len(a.clauses) for a in doc.articles),
        "source": doc.provenance.get("source_file", ""),
        "file": f"documents/{doc_slug(doc.number)}.json",
        "sha256": hashlib.sha256(content.encode("utf-8")).hexdigest(),
    }


def load_corpus(corpus_dir: Path) -> list[Document]:
    """Every document of a built corpus, ordered by number."""
    paths = sorted((corpus_dir / "documents").glob("*.json"))
    docs = [Document.from_dict(json.loads(p.read_text(encoding="utf-8"))) for p in paths]
    return sorted(docs, key=lambda d: d.number)


# ---------------------------------------------------------------- README


def _sources_section(sources_dir: Path, starts: str) -> str:
    """A paragraph or list of SOURCES.md, quoted as is (what the corpus does not hold, validity notes)."""
    path = sources_dir / "SOURCES.md"
    if not path.exists():
        return ""
    text = path.read_text(encoding="utf-8")
    m = re.search(rf"^{re.escape(starts)}.*?(?=\n\n|\Z)", text, re.S | re.M)
    return m.group(0).strip() if m else ""


_CHANGE_WORDS = {
    "replaced_by": "được thay thế bởi",
    "repealed_by": "bị bãi bỏ bởi",
    "replaces": "thay thế",
    "repeals": "bãi bỏ",
}


def _changes(doc: Document) -> str:
    """The dated validity changes a source states ("được thay thế bởi 129/2025/QH15 từ 01/7/2026")."""
    parts = []
    for r in doc.relations:
        words = _CHANGE_WORDS.get(str(r.kind))
        if not words:
            continue
        part = f"{'một phần: ' if r.scope else ''}{words} {r.target}"
        if r.effective_date:
            y, m, d = r.effective_date.split("-")
            part += f" từ {d}/{int(m)}/{y}"
        if str(r.certainty) == "reported":
            part += " (chỉ nguồn thứ cấp nêu)"
        parts.append(part)
    return "; ".join(parts)


def _row(doc: Document) -> str:
    title = doc.title.replace("|", "/")
    cells = [doc.number, doc.doc_type, title, DOC_STATUS_LABELS[doc.status], _changes(doc), str(len(doc.articles))]
    return "| " + " | ".join(cells) + " |"


def render_readme(docs: list[Document], sources_dir: Path) -> str:
    docs = sorted(docs, key=lambda d: d.number)
    groups = {
        Completeness.FULL: "Văn bản đầy đủ (toàn văn; bản OCR giữ nguyên lỗi nhận dạng của nguồn)",
        Completeness.PARTIAL: "Văn bản chỉ có phần đầu (PARTIAL)",
        Completeness.CODIFIED: 'Văn bản chỉ có các điều được pháp điển (đề mục 5.2 "Viên chức")',
    }
    n_articles = sum(len(d.articles) for d in docs)
    n_clauses = sum(len(a.clauses) for d in docs for a in d.articles)
    lines = [
        "# Kho văn bản (corpus)",
        "",
        "Tệp này được sinh tự động bởi `assistant.ingest.corpus.import_corpus`; đừng sửa tay.",
        "Siêu dữ liệu do nguồn nêu nhưng văn bản không ghi (hiệu lực, mức đầy đủ, quan hệ thay thế) nằm ở",
        "`overrides.yaml` (sửa tay, mỗi mục có dòng `source:` trích nơi nêu).",
        "",
        f"Tổng cộng: **{len(docs)} văn bản, {n_articles} điều, {n_clauses} khoản**.",
        "",
        'Hiệu lực chỉ ghi theo nguồn; văn bản không có nguồn nêu hiệu lực được ghi "Không rõ".',
        "Hiệu lực hiển thị cho người dùng được tính tại ngày hỏi (`assistant/validity.py`) từ ngày có hiệu lực",
        'và cột "Thay đổi hiệu lực theo nguồn" (thay thế / bãi bỏ, kèm ngày); cột "Hiệu lực theo nguồn" là điều',
        "nguồn ghi.",
        'Các văn bản lấy từ Bộ Pháp điển được ghi "Còn hiệu lực" vì đề mục pháp điển (bản cập nhật 2026-05-13)',
        "còn pháp điển chúng, trừ khi `overrides.yaml` nêu khác (ví dụ văn bản bị Nghị định năm 2026 thay thế).",
    ]
    for completeness, heading in groups.items():
        members = [d for d in docs if d.completeness == completeness]
        if not members:
            continue
        lines += [
            "",
            f"## {heading} — {len(members)}",
            "",
            "| Số hiệu | Loại | Tên | Hiệu lực theo nguồn | Thay đổi hiệu lực theo nguồn | Số điều |",
            "|---|---|---|---|---|---:|",
        ]
        lines += [_row(d) for d in members]
    missing = _sources_section(sources_dir, "Not obtainable offline")
    notes = _sources_section(sources_dir, "Validity notes")
    if missing or notes:
        lines += ["", "## Kho KHÔNG có (trích SOURCES.md)", ""]
        lines += [f"> {line}" if line else ">" for line in (missing + "\n\n" + notes).strip().split("\n")]
        now_full = [d.number for d in docs if d.completeness == Completeness.FULL and d.number in missing]
        if now_full:
            lines += ["", f"Nay đã có toàn văn trong kho (nguồn bổ sung sau): {', '.join(now_full)}."]
    return "\n".join(lines) + "\n"
