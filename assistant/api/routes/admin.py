"""Index jobs, rollback, and the audit views an administrator reads."""

from __future__ import annotations

from dataclasses import asdict
from typing import Annotated, Any

from fastapi import APIRouter, Path, Query, Response

from assistant.api.deps import Caller, Personal
from assistant.api.schemas import JobOut, LoggedActionOut, LoggedAnswerOut, RatedAnswerOut, RollbackOut, errors

router = APIRouter(tags=["admin: index and audit"])
Limit = Annotated[int, Query(ge=1, le=1000)]


@router.get(
    "/admin/index", summary="Thế hệ chỉ mục đang phục vụ và các thế hệ giữ lại (quản trị)", responses=errors(401, 403)
)
def index_status(personal: Personal, caller: Caller) -> dict[str, Any]:
    return personal.library.index_status(caller)


@router.post(
    "/admin/index/rebuild",
    summary="Lập chỉ mục lại toàn bộ kho (quản trị)",
    description=(
        "Chạy nền; chỉ một lượt một lúc (lượt thứ hai bị từ chối với 409). Câu hỏi vẫn được trả lời trong lúc chạy."
    ),
    response_model=JobOut,
    status_code=202,
    responses=errors(401, 403, 409),
)
def rebuild(personal: Personal, caller: Caller, response: Response) -> dict[str, Any]:
    job = personal.library.reindex(caller)
    response.headers["location"] = f"/api/v1/admin/jobs/{job.id}"
    return asdict(job)


@router.post(
    "/admin/index/rollback",
    summary="Quay lui về thế hệ chỉ mục trước và đưa danh sách văn bản về đúng thế hệ đó (quản trị)",
    description=(
        "Thế hệ trước phục vụ ngay; văn bản chỉ có trong thế hệ vừa bỏ được rút khỏi kho, văn bản đã đổi được trả về "
        "phiên bản trước — nên lượt lập chỉ mục lại sau đó không đưa chúng trở lại. `changes` liệt kê từng thay đổi."
    ),
    response_model=RollbackOut,
    responses=errors(401, 403, 409, 503),
)
def rollback(personal: Personal, caller: Caller) -> dict[str, Any]:
    return personal.library.rollback(caller)


@router.get(
    "/admin/jobs",
    summary="Các lượt lập chỉ mục gần đây (quản trị)",
    response_model=list[JobOut],
    responses=errors(401, 403),
)
def list_jobs(personal: Personal, caller: Caller, limit: Limit = 20) -> list[dict[str, Any]]:
    return [asdict(j) for j in personal.library.jobs(caller, limit)]


@router.get(
    "/admin/jobs/{job_id}",
    summary="Tiến độ và kết quả một lượt lập chỉ mục (quản trị)",
    description="`phase`/`done`/`total` khi đang chạy; `result.indexed / skipped / failed` khi xong.",
    response_model=JobOut,
    responses=errors(401, 403, 404),
)
def get_job(
    job_id: Annotated[str, Path(min_length=1, max_length=32)], personal: Personal, caller: Caller
) -> dict[str, Any]:
    return asdict(personal.library.job(caller, job_id))


@router.get(
    "/admin/unanswered",
    summary="Câu hỏi hệ thống đã từ chối trả lời (quản trị)",
    description="Mới nhất trước; cho biết kho văn bản đang thiếu gì.",
    response_model=list[LoggedAnswerOut],
    responses=errors(401, 403),
)
def unanswered(personal: Personal, caller: Caller, limit: Limit = 100) -> list[dict[str, Any]]:
    return [asdict(a) for a in personal.oversight.unanswered(caller, limit)]


@router.get(
    "/admin/feedback",
    summary="Góp ý của người dùng, mỗi góp ý kèm câu trả lời được đánh giá (quản trị)",
    description="Mới nhất trước; `helpful=false` chỉ lấy các góp ý «chưa đúng».",
    response_model=list[RatedAnswerOut],
    responses=errors(401, 403),
)
def feedback(
    personal: Personal, caller: Caller, limit: Limit = 100, helpful: bool | None = None
) -> list[dict[str, Any]]:
    return [asdict(f) for f in personal.asking.feedback_list(caller, limit, helpful)]


@router.get(
    "/admin/answers/{trace_id}",
    summary="Một câu trả lời đã ghi nhật ký, kèm tình trạng đã hiển thị (quản trị)",
    response_model=LoggedAnswerOut,
    responses=errors(401, 403, 404),
)
def logged_answer(
    trace_id: Annotated[str, Path(min_length=1, max_length=32)], personal: Personal, caller: Caller
) -> dict[str, Any]:
    return asdict(personal.oversight.answer(caller, trace_id))


@router.get(
    "/admin/audit",
    summary="Nhật ký thao tác quản trị (quản trị)",
    response_model=list[LoggedActionOut],
    responses=errors(401, 403),
)
def audit(personal: Personal, caller: Caller, limit: Limit = 100) -> list[dict[str, Any]]:
    return [asdict(a) for a in personal.oversight.actions(caller, limit)]
