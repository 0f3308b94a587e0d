"""Administrators change the document set — upload (preview, then commit), status and relations, removal —
and each change starts a re-index job. Reading the catalogue is open to everyone.

A change is applied only once the job slot is ours (JobRunner.submit), so a refused job changes nothing.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from assistant.accounts.errors import Conflict
from assistant.accounts.models import Role
from assistant.accounts.principal import Principal
from assistant.accounts.scope import Scope
from assistant.audit.service import AuditLog
from assistant.domain import DOC_STATUS_LABELS, DocStatus, Document, Relation, RelationKind, citation_label, doc_slug
from assistant.errors import AssistantError, IndexNotReady, InvalidInput, NotFound
from assistant.ingest import apply_overrides
from assistant.ingest.repository import DocumentRepository
from assistant.ingest.worker import parse_isolated
from assistant.jobs.models import Upload
from assistant.jobs.runner import JobRunner, JobView
from assistant.services.knowledge import KnowledgeService
from assistant.text import normalize_doc_number
from assistant.validity import DocumentValidity, ValidityBook, validity_metadata

MAX_UPLOAD_BYTES = 10 * 1024 * 1024


class UploadTooLarge(AssistantError):
    """An uploaded file exceeds the size limit."""

    code = "upload_too_large"
    status = 413


@dataclass(frozen=True)
class RelationChange:
    kind: str
    target: str
    note: str = ""


def summary(doc: Document, indexed: bool, validity: DocumentValidity | None = None) -> dict[str, Any]:
    """A catalogue row; `validity` (as of today) gives the one badge shown for the document everywhere."""
    return {
        "number": doc.number,
        "doc_type": doc.doc_type,
        "title": doc.title,
        "issuer": doc.issuer,
        "issued_date": doc.issued_date,
        "effective_date": doc.effective_date,
        "status": doc.status.value,
        "status_label": validity.badge if validity else DOC_STATUS_LABELS[doc.status],
        "validity": validity.to_dict() if validity else None,
        "completeness": doc.completeness.value,
        "articles": len(doc.articles),
        "indexed": indexed,
    }


METADATA_LABELS = {"doc_type": "loại văn bản", "title": "trích yếu (tên văn bản)", "issuer": "cơ quan ban hành"}


def missing_metadata(doc: Document) -> list[str]:
    """One warning per missing field a citation or a reader needs."""
    missing = [label for key, label in METADATA_LABELS.items() if not str(getattr(doc, key) or "").strip()]
    if not missing:
        return []
    return [f"Chưa đọc được {', '.join(missing)} của văn bản; hãy điền trước khi xác nhận."]


def citation_example(doc: Document) -> str:
    """How the first article of the document will be cited in answers."""
    first = doc.articles[0].number if doc.articles else "1"
    return citation_label(doc, first) if doc.number else ""


def citation_problem(doc: Document) -> str | None:
    """Why citations of this document would read wrongly ("Điều 1 số 145-QĐ/TW"), or None."""
    if not doc.doc_type.strip():
        return (
            f"Chưa có loại văn bản nên trích dẫn sẽ đọc sai («{citation_example(doc)}»); "
            "hãy điền «Loại văn bản» (ví dụ: Quy định, Quyết định, Nghị định, Thông tư) rồi xác nhận lại."
        )
    if doc.doc_type == "Luật" and not doc.title.strip():
        return "Luật cần có tên (trích yếu) để trích dẫn đọc đúng («Luật … số …»); hãy điền «Trích yếu»."
    return None


def structure(doc: Document) -> list[dict[str, Any]]:
    return [
        {
            "number": a.number,
            "title": a.title,
            "chapter": a.chapter,
            "section": a.section,
            "clauses": len(a.clauses),
            "points": sum(len(c.points) for c in a.clauses),
            "chars": len(a.text),
        }
        for a in doc.articles
    ]


class DocumentAdmin:
    def __init__(
        self,
        sessions: Callable[[], Session],
        documents: DocumentRepository,
        knowledge: KnowledgeService,
        runner: JobRunner,
        scope: Scope,
        audit: AuditLog,
    ) -> None:
        self._sessions = sessions
        self.documents = documents
        self.knowledge = knowledge
        self.runner = runner
        self.scope = scope
        self.audit = audit

    # ------------------------------------------------------------------------------------------- catalogue

    def _indexed(self) -> dict[str, Any]:
        try:
            return self.knowledge.current().documents
        except IndexNotReady:
            return {}

    def list_documents(self) -> list[dict[str, Any]]:
        indexed = self._indexed()
        docs = self.documents.list()
        book = _validity_book(docs)
        today = date.today()
        return [summary(d, d.number in indexed, book.of(d.number, today)) for d in docs]

    def detail(self, number: str) -> dict[str, Any]:
        docs = self.documents.list()
        doc = next((d for d in docs if d.doc_id == doc_slug(number)), None) or self.documents.get(number)
        validity = _validity_book(docs).of(doc.number, date.today())
        try:
            gen = self.knowledge.current()
            units = [
                {"unit_id": u.id, "citation": u.citation, "heading": u.heading, "text": u.text}
                for u in gen.units.values()
                if u.doc_number == doc.number
            ]
            indexed = doc.number in gen.documents
        except IndexNotReady:
            units, indexed = [], False
        return {
            **summary(doc, indexed, validity),
            # provenance (source sentences, possibly English): for the admin / detail view, never in answers
            "status_source": doc.status_source,
            "completeness_note": doc.completeness_note,
            "provenance": doc.provenance,
            "relations": [
                {
                    "kind": r.kind.value,
                    "target": r.target,
                    "note": r.note,
                    "effective_date": r.effective_date,
                    "scope": r.scope,
                    "certainty": r.certainty.value,
                }
                for r in doc.relations
            ],
            "structure": structure(doc),
            "units": units,
        }

    # ------------------------------------------------------------------------------------------- uploads

    def preview(self, p: Principal, data: bytes, filename: str) -> dict[str, Any]:
        """Parse an upload and keep it pending; nothing in the documents or the index changes yet."""
        self.scope.require_role(p, Role.ADMIN)
        if len(data) > MAX_UPLOAD_BYTES:
            raise UploadTooLarge(f"Tệp quá lớn (tối đa {MAX_UPLOAD_BYTES // (1024 * 1024)} MB).")
        doc = parse_isolated(data, filename or "tai-lieu")  # a worker process, capped: never this server
        upload = Upload(id=uuid.uuid4().hex[:16], filename=filename[:255], uploaded_by=p.name, document=_doc_json(doc))
        with self._sessions() as s, s.begin():
            s.add(upload)
        self.audit.action(p, "document.preview", doc.number, {"upload_id": upload.id, "filename": filename})
        return self._preview(upload.id, doc)

    def _preview(self, upload_id: str, doc: Document) -> dict[str, Any]:
        warnings = []
        if not doc.number:
            warnings.append("Không xác định được số hiệu văn bản; hãy điền 'number' khi xác nhận.")
        elif any(d.number == doc.number for d in self.documents.list()):
            warnings.append(f"Văn bản số {doc.number} đã có trong kho; xác nhận sẽ thay thế bản hiện có.")
        if doc.status is DocStatus.UNKNOWN:
            warnings.append("Chưa rõ hiệu lực; hãy chọn «Hiệu lực» khi xác nhận nếu biết.")
        warnings += missing_metadata(doc)
        if not doc.articles:
            warnings.append("Không nhận ra điều khoản nào; văn bản này sẽ không được lập chỉ mục.")
        return {
            "upload_id": upload_id,
            "document": summary(doc, False),
            "structure": structure(doc),
            "warnings": warnings,
            "citation_example": citation_example(doc),
        }

    def commit(self, p: Principal, upload_id: str, corrections: dict[str, Any] | None = None) -> JobView:
        """Apply the administrator's metadata corrections, add the document and re-index."""
        self.scope.require_role(p, Role.ADMIN)
        with self._sessions() as s:
            upload = s.get(Upload, upload_id)
            if upload is None:
                raise NotFound(f"Không có tệp chờ xác nhận mã '{upload_id}'.")
            if upload.status != "pending":
                raise Conflict("Tệp này đã được xác nhận trước đó.")
            doc = apply_overrides(Document.from_dict(upload.document), _corrections(corrections))
        if not doc.number:
            raise InvalidInput("Văn bản chưa có số hiệu; hãy điền 'number' trong phần hiệu chỉnh.")
        if not doc.articles:
            raise InvalidInput("Văn bản không có điều khoản nào đọc được; không thể thêm vào kho.")
        if problem := citation_problem(doc):
            raise InvalidInput(problem)

        def apply() -> None:
            self.documents.put(doc)
            with self._sessions() as s, s.begin():
                row = s.get(Upload, upload_id)
                if row is not None:
                    row.status = "committed"

        job = self.runner.submit("commit", p.name, doc.number, before=apply)
        self._link_upload(upload_id, job.id)
        self.audit.action(
            p,
            "document.commit",
            doc.number,
            {"upload_id": upload_id, "job_id": job.id, "corrections": corrections or {}},
        )
        return job

    def _link_upload(self, upload_id: str, job_id: str) -> None:
        with self._sessions() as s, s.begin():
            row = s.get(Upload, upload_id)
            if row is not None:
                row.job_id = job_id

    def pending(self, p: Principal) -> list[dict[str, Any]]:
        self.scope.require_role(p, Role.ADMIN)
        with self._sessions() as s:
            rows = s.scalars(select(Upload).where(Upload.status == "pending").order_by(Upload.created_at.desc()))
            return [
                {
                    "upload_id": u.id,
                    "filename": u.filename,
                    "uploaded_by": u.uploaded_by,
                    "created_at": u.created_at,
                    "number": u.document.get("number", ""),
                }
                for u in rows
            ]

    # ------------------------------------------------------------------------------------------- changes

    def update(
        self,
        p: Principal,
        number: str,
        *,
        status: str | None = None,
        status_source: str | None = None,
        relations: list[RelationChange] | None = None,
    ) -> JobView:
        """Set a document's validity and/or its relations (amends / replaces / repeals …) and re-index."""
        self.scope.require_role(p, Role.ADMIN)
        doc = self.documents.get(number)
        changes: dict[str, Any] = {}
        if status is not None:
            changes["status"] = _status(status)
            changes["status_source"] = status_source or f"Quản trị viên ({p.name})"
        if relations is not None:
            changes["relations"] = [_relation(r, p) for r in relations]
        if not changes:
            raise InvalidInput("Không có thay đổi nào: hãy gửi 'status' và/hoặc 'relations'.")
        updated = replace(doc, **changes)
        job = self.runner.submit("update", p.name, doc.number, before=lambda: self.documents.put(updated))
        detail = {"job_id": job.id, "status": status, "relations": [r.__dict__ for r in relations or []]}
        self.audit.action(p, "document.update", doc.number, detail)
        return job

    def delete(self, p: Principal, number: str) -> JobView:
        """Withdraw a document: left out of this and every later build (until restored), its text kept."""
        self.scope.require_role(p, Role.ADMIN)
        doc = self.documents.get(number)
        job = self.runner.submit("delete", p.name, doc.number, before=lambda: self.documents.remove(doc.number))
        self.audit.action(p, "document.withdraw", doc.number, {"job_id": job.id})
        return job

    withdraw = delete

    def withdrawn(self, p: Principal) -> list[dict[str, Any]]:
        self.scope.require_role(p, Role.ADMIN)
        return [summary(d, False) for d in self.documents.withdrawn()]

    def restore(self, p: Principal, number: str) -> JobView:
        """Bring a withdrawn document back into the builds and re-index."""
        self.scope.require_role(p, Role.ADMIN)
        doc = self.documents.get_withdrawn(number)

        def apply() -> None:
            self.documents.reinstate(doc.number)

        job = self.runner.submit("restore", p.name, doc.number, before=apply)
        self.audit.action(p, "document.restore", doc.number, {"job_id": job.id})
        return job

    def index_status(self, p: Principal) -> dict[str, Any]:
        """The serving generation and the ones kept for rollback."""
        self.scope.require_role(p, Role.ADMIN)
        return self.knowledge.status()

    def jobs(self, p: Principal, limit: int = 20) -> list[JobView]:
        self.scope.require_role(p, Role.ADMIN)
        return self.runner.list(limit)

    def job(self, p: Principal, job_id: str) -> JobView:
        self.scope.require_role(p, Role.ADMIN)
        return self.runner.get(job_id)

    def reindex(self, p: Principal) -> JobView:
        self.scope.require_role(p, Role.ADMIN)
        job = self.runner.submit("reindex", p.name)
        self.audit.action(p, "index.reindex", "", {"job_id": job.id})
        return job

    def rollback(self, p: Principal) -> dict[str, Any]:
        """Serve the previous generation again AND make the document set match it, so that the next, unrelated
        re-index does not bring back what was rolled back. Says exactly which documents that changes."""
        self.scope.require_role(p, Role.ADMIN)
        self.runner.require_idle()
        generations = self.knowledge.generations
        left = generations.current_id()
        try:
            left_hashes = generations.manifest(left).doc_hashes if left else {}
            generation = self.knowledge.rollback()
        except IndexNotReady as e:  # nothing to go back to: a state conflict, not an outage
            raise Conflict(e.message) from e
        target = generations.manifest(generation).doc_hashes
        changes = self._match_documents(left_hashes, target)
        self.audit.action(p, "index.rollback", generation, {"replaced": left, "changes": changes})
        return {
            "generation": generation,
            "replaced": left,
            "changes": changes,
            "message": rollback_message(generation, changes),
        }

    def _match_documents(self, left: dict[str, str], target: dict[str, str]) -> list[dict[str, str]]:
        changes: list[dict[str, str]] = []
        for number in sorted(set(left) - set(target)):
            try:
                self.documents.remove(number)
                changes.append({"number": number, "change": "withdrawn"})
            except NotFound:
                changes.append({"number": number, "change": "already_absent"})
        for number in sorted(target):
            if left.get(number) == target[number]:
                continue
            doc = self.documents.version(number, target[number])
            if doc is None:
                changes.append({"number": number, "change": "not_restorable"})
                continue
            self.documents.restore(doc)
            changes.append({"number": number, "change": "restored" if number not in left else "reverted"})
        return changes


CHANGE_WORDS = {
    "withdrawn": "rút khỏi kho (các lượt lập chỉ mục sau không đưa lại; có thể khôi phục ở mục «Văn bản đã rút»)",
    "already_absent": "không còn trong kho",
    "restored": "đưa trở lại kho",
    "reverted": "trở về phiên bản trước",
    "not_restorable": "không tìm thấy phiên bản cũ; giữ phiên bản hiện có cho các lượt lập chỉ mục sau",
}


def rollback_message(generation: str, changes: list[dict[str, str]]) -> str:
    head = f"Đã quay lui: câu hỏi được trả lời bằng thế hệ chỉ mục {generation}."
    if not changes:
        return head + " Danh sách văn bản không thay đổi."
    parts = [f"{c['number']}: {CHANGE_WORDS[c['change']]}" for c in changes]
    return head + " Thay đổi văn bản: " + "; ".join(parts) + "."


def _doc_json(doc: Document) -> dict[str, Any]:
    import json

    data: dict[str, Any] = json.loads(json.dumps(doc.to_dict(), ensure_ascii=False, default=str))
    return data


def _corrections(corrections: dict[str, Any] | None) -> dict[str, Any] | None:
    if not corrections:
        return None
    return {k: v for k, v in corrections.items() if v is not None} or None


def _status(value: str) -> DocStatus:
    try:
        return DocStatus(value)
    except ValueError:
        allowed = ", ".join(s.value for s in DocStatus)
        raise InvalidInput(f"Hiệu lực '{value}' không hợp lệ; chọn một trong: {allowed}.") from None


def _relation(r: RelationChange, p: Principal) -> Relation:
    try:
        kind = RelationKind(r.kind)
    except ValueError:
        allowed = ", ".join(k.value for k in RelationKind)
        raise InvalidInput(f"Loại quan hệ '{r.kind}' không hợp lệ; chọn một trong: {allowed}.") from None
    target = normalize_doc_number(r.target)
    if not target:
        raise InvalidInput("Quan hệ văn bản cần số hiệu văn bản đích.")
    return Relation(kind, target, r.note or f"Quản trị viên ({p.name})")


def _validity_book(docs: list[Document]) -> ValidityBook:
    """Validity of the current document set (what an administrator sees before and after re-indexing)."""
    return ValidityBook({d.number: validity_metadata(d) for d in docs})
