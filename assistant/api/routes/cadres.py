"""Cadres, units, courses and enrollments, seen through the caller's scope (cadre: self; HR: subtree; admin: all)."""

from __future__ import annotations

import re
from dataclasses import asdict
from typing import Annotated, Any, Literal

from fastapi import APIRouter, File, Form, Path, Query, Response, UploadFile
from starlette.concurrency import run_in_threadpool

from assistant.api.deps import Caller, Personal
from assistant.api.schemas import (
    CadreOut,
    CadreStatusOut,
    CourseIn,
    CourseOut,
    EnrollIn,
    EnrollmentOut,
    EnrollmentUpdate,
    ImportOut,
    UnitOut,
    errors,
)
from assistant.services.records import MAX_IMPORT_BYTES
from assistant.services.views import cadre_status, import_report

router = APIRouter(tags=["cadres"])
ImportKind = Literal["units", "cadres", "courses", "enrollments", "certificates", "commitments"]
Code = Annotated[str, Path(min_length=1, max_length=64, examples=["DEMO-0001"])]
UnitCode = Annotated[str, Path(min_length=1, max_length=64, examples=["DEMO-H1"])]
REPORT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


@router.get(
    "/cadres",
    summary="Danh sách cán bộ của một đơn vị (HR: trong phạm vi; quản trị)",
    description="Mặc định: đơn vị của HR đang đăng nhập, kèm các đơn vị trực thuộc.",
    response_model=list[CadreOut],
    responses=errors(401, 403, 404, 422),
)
def list_cadres(
    personal: Personal,
    caller: Caller,
    unit: Annotated[str | None, Query(max_length=64, description="Mã đơn vị")] = None,
    include_subunits: bool = True,
) -> list[dict[str, Any]]:
    return [asdict(c) for c in personal.records.list_cadres(caller, unit, include_subunits)]


@router.get(
    "/units/{code}",
    summary="Đơn vị và các đơn vị trực thuộc (HR: trong phạm vi; quản trị)",
    response_model=list[UnitOut],
    responses=errors(401, 403, 404),
)
def units(code: UnitCode, personal: Personal, caller: Caller) -> list[dict[str, Any]]:
    return [asdict(u) for u in personal.records.units(caller, code)]


@router.get(
    "/cadres/{code}",
    summary="Hồ sơ một cán bộ (chính mình; HR trong phạm vi; quản trị)",
    response_model=CadreOut,
    responses=errors(401, 403, 404),
)
def get_cadre(code: Code, personal: Personal, caller: Caller) -> dict[str, Any]:
    return asdict(personal.records.cadre(caller, code))


@router.get(
    "/cadres/{code}/status",
    summary="Tình trạng các yêu cầu đào tạo, bồi dưỡng của một cán bộ",
    description="Mỗi yêu cầu: đã đáp ứng / đang thực hiện / còn thiếu / quá hạn, kèm căn cứ pháp lý và bằng chứng.",
    response_model=CadreStatusOut,
    responses=errors(401, 403, 404),
)
def get_status(code: Code, personal: Personal, caller: Caller) -> dict[str, Any]:
    view = personal.reports.personal_view(caller, code)  # checks scope: self, HR's units, admin
    return cadre_status(personal.enrollment.cadre_status(code, view.as_of), view)


@router.get(
    "/courses",
    summary="Danh sách khóa học (người đã đăng nhập)",
    response_model=list[CourseOut],
    responses=errors(401, 403),
)
def list_courses(personal: Personal, caller: Caller) -> list[dict[str, Any]]:
    return [asdict(c) for c in personal.training.list_courses(caller)]


@router.post(
    "/courses",
    summary="Thêm khóa học (HR, quản trị)",
    response_model=CourseOut,
    status_code=201,
    responses=errors(400, 401, 403, 409, 422),
)
def create_course(req: CourseIn, personal: Personal, caller: Caller) -> dict[str, Any]:
    return asdict(personal.training.create_course(caller, **req.model_dump()))


@router.post(
    "/cadres/{code}/enrollments",
    summary="Ghi danh cán bộ vào khóa học (HR trong phạm vi, quản trị)",
    response_model=EnrollmentOut,
    status_code=201,
    responses=errors(401, 403, 404, 409, 422),
)
def enroll(code: Code, req: EnrollIn, personal: Personal, caller: Caller) -> dict[str, Any]:
    return asdict(personal.training.enroll(caller, code, req.course_code, req.registered_on))


@router.patch(
    "/cadres/{code}/enrollments/{course_code}",
    summary="Cập nhật ghi danh: hoàn thành (kèm chứng chỉ), không đạt, rút … (HR trong phạm vi, quản trị)",
    response_model=EnrollmentOut,
    responses=errors(400, 401, 403, 404, 422),
)
def update_enrollment(
    code: Code,
    course_code: Annotated[str, Path(min_length=1, max_length=64)],
    req: EnrollmentUpdate,
    personal: Personal,
    caller: Caller,
) -> dict[str, Any]:
    return asdict(personal.training.update_enrollment(caller, code, course_code, req.model_dump(exclude_unset=True)))


@router.post(
    "/imports",
    summary="Nhập bảng tính (đơn vị, cán bộ, khóa học, ghi danh, chứng chỉ, cam kết) — quản trị",
    description=(
        "CSV hoặc XLSX, tối đa 10 MB. Mọi dòng được kiểm tra trước; chỉ cần một dòng lỗi là không nhập dòng nào, "
        "và lỗi từng dòng được liệt kê (mã `import_rejected`)."
    ),
    response_model=ImportOut,
    responses=errors(400, 401, 403, 413, 422),
)
async def import_file(
    personal: Personal,
    caller: Caller,
    file: Annotated[UploadFile, File(description="Tệp .csv hoặc .xlsx")],
    kind: Annotated[ImportKind | None, Form()] = None,
) -> dict[str, Any]:
    data = await file.read(MAX_IMPORT_BYTES + 1)  # never more than one byte past the limit in memory
    report = await run_in_threadpool(personal.records.import_file, caller, data, file.filename or "", kind)
    return import_report(report)


@router.get(
    "/reports/units/{code}",
    summary="Báo cáo tình trạng đào tạo của đơn vị (CSV hoặc XLSX) — HR trong phạm vi, quản trị",
    response_class=Response,
    responses={
        200: {"content": {t: {} for t in REPORT_TYPES.values()}, "description": "Tệp báo cáo"},
        **errors(401, 403, 404, 422),
    },
)
def unit_report(
    code: UnitCode, personal: Personal, caller: Caller, format: Literal["csv", "xlsx"] = "xlsx"
) -> Response:
    data = personal.records.unit_report(caller, code, format)
    safe = re.sub(r"[^A-Za-z0-9._-]", "_", code)
    disposition = f'attachment; filename="bao-cao-{safe}.{format}"'
    return Response(data, media_type=REPORT_TYPES[format], headers={"content-disposition": disposition})


@router.get("/rules", summary="Bộ quy tắc yêu cầu đào tạo (người đã đăng nhập)", responses=errors(401, 403))
def rules(personal: Personal, caller: Caller) -> dict[str, Any]:
    return personal.records.rules(caller)
