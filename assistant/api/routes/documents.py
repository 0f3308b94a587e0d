"""The document catalogue (open to everyone) and its administration (admin: upload, status, relations, removal)."""

from __future__ import annotations

from dataclasses import asdict
from typing import Annotated, Any

from fastapi import APIRouter, File, Path, Response, UploadFile
from starlette.concurrency import run_in_threadpool

from assistant.api.deps import Caller, Personal
from assistant.api.schemas import CommitIn, DocumentDetailOut, DocumentOut, DocumentPatch, JobOut, PreviewOut, errors
from assistant.services.library import MAX_UPLOAD_BYTES, RelationChange

router = APIRouter(tags=["documents"])
admin = APIRouter(tags=["admin: documents"])
Number = Annotated[str, Path(min_length=1, max_length=64, description="Số hiệu văn bản", examples=["58/2010/QH12"])]
JOB_STARTED = (
    "Bắt đầu một lượt lập chỉ mục; theo dõi tại GET /api/v1/admin/jobs/{id}. "
    "Trong lúc chạy, câu hỏi vẫn được trả lời bằng chỉ mục hiện tại."
)


@router.get("/documents", summary="Danh sách văn bản trong kho", response_model=list[DocumentOut])
def list_documents(personal: Personal) -> list[dict[str, Any]]:
    return personal.library.list_documents()


@router.get(
    "/documents/{number:path}",
    summary="Chi tiết văn bản: siêu dữ liệu, hiệu lực, mức đầy đủ, cấu trúc, các đơn vị đã lập chỉ mục",
    response_model=DocumentDetailOut,
    responses=errors(404),
)
def get_document(number: Number, personal: Personal) -> dict[str, Any]:
    return personal.library.detail(number)


@admin.post(
    "/admin/documents/preview",
    summary="Tải lên một văn bản để xem trước (quản trị)",
    description=(
        "Nhận .txt, .md, .html, .docx, .pdf (tối đa 10 MB). Trả về cấu trúc (Chương/Điều/Khoản/Điểm) và siêu dữ liệu "
        "đọc được; tệp được giữ ở trạng thái chờ xác nhận, chưa thay đổi kho văn bản hay chỉ mục."
    ),
    response_model=PreviewOut,
    status_code=201,
    responses=errors(400, 401, 403, 413, 422),
)
async def preview(
    personal: Personal, caller: Caller, file: Annotated[UploadFile, File(description="Tệp văn bản")]
) -> dict[str, Any]:
    data = await file.read(MAX_UPLOAD_BYTES + 1)  # the service refuses anything past the limit
    return await run_in_threadpool(personal.library.preview, caller, data, file.filename or "")


@admin.get("/admin/uploads", summary="Các tệp đang chờ xác nhận (quản trị)", responses=errors(401, 403))
def pending_uploads(personal: Personal, caller: Caller) -> list[dict[str, Any]]:
    return personal.library.pending(caller)


@admin.post(
    "/admin/documents/{upload_id}/commit",
    summary="Xác nhận tệp đã xem trước (kèm hiệu chỉnh siêu dữ liệu) và lập chỉ mục lại (quản trị)",
    description=JOB_STARTED,
    response_model=JobOut,
    status_code=202,
    responses=errors(400, 401, 403, 404, 409, 422),
)
def commit(
    upload_id: Annotated[str, Path(min_length=1, max_length=32)],
    personal: Personal,
    caller: Caller,
    response: Response,
    corrections: CommitIn | None = None,
) -> dict[str, Any]:
    data = corrections.model_dump(exclude_none=True, mode="json") if corrections else None
    return _started(response, personal.library.commit(caller, upload_id, data))


@admin.patch(
    "/admin/documents/{number:path}",
    summary="Sửa hiệu lực và quan hệ (sửa đổi / thay thế / bãi bỏ) của văn bản (quản trị)",
    description=JOB_STARTED,
    response_model=JobOut,
    status_code=202,
    responses=errors(400, 401, 403, 404, 409, 422),
)
def patch_document(
    number: Number, req: DocumentPatch, personal: Personal, caller: Caller, response: Response
) -> dict[str, Any]:
    relations = [RelationChange(r.kind, r.target, r.note) for r in req.relations] if req.relations is not None else None
    job = personal.library.update(
        caller, number, status=req.status, status_source=req.status_source, relations=relations
    )
    return _started(response, job)


@admin.delete(
    "/admin/documents/{number:path}",
    summary="Rút văn bản khỏi kho và lập chỉ mục lại (quản trị)",
    description=(
        "Văn bản không còn trong các lượt lập chỉ mục sau (kể cả lượt lập lại toàn bộ) cho đến khi được khôi phục; "
        "nội dung được giữ lại. " + JOB_STARTED
    ),
    response_model=JobOut,
    status_code=202,
    responses=errors(401, 403, 404, 409),
)
def delete_document(number: Number, personal: Personal, caller: Caller, response: Response) -> dict[str, Any]:
    return _started(response, personal.library.delete(caller, number))


@admin.get(
    "/admin/withdrawn",
    summary="Văn bản đã rút khỏi kho (quản trị)",
    response_model=list[DocumentOut],
    responses=errors(401, 403),
)
def withdrawn(personal: Personal, caller: Caller) -> list[dict[str, Any]]:
    return personal.library.withdrawn(caller)


@admin.post(
    "/admin/withdrawn/{number:path}/restore",
    summary="Khôi phục văn bản đã rút và lập chỉ mục lại (quản trị)",
    description=JOB_STARTED,
    response_model=JobOut,
    status_code=202,
    responses=errors(401, 403, 404, 409),
)
def restore(number: Number, personal: Personal, caller: Caller, response: Response) -> dict[str, Any]:
    return _started(response, personal.library.restore(caller, number))


def _started(response: Response, job: Any) -> dict[str, Any]:
    response.headers["location"] = f"/api/v1/admin/jobs/{job.id}"
    return asdict(job)
