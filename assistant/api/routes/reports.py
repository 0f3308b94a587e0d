"""HR planning and reports for the units in the caller's scope: JSON for the web page, XLSX/CSV to download."""

from __future__ import annotations

from dataclasses import asdict
from datetime import date
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Path, Query, Response

from assistant.api.deps import Caller, Personal
from assistant.api.schemas import errors
from assistant.services.reports import Period

router = APIRouter(tags=["reports"])
Kind = Annotated[
    Literal["plan", "levels", "overlaps", "completed", "succession"],
    Path(
        description=(
            "plan: kế hoạch theo quy định; levels: LLCT/QLNN; overlaps: trùng lặp; completed: số lượt; "
            "succession: quy hoạch, dự nguồn"
        )
    ),
]
Unit = Annotated[str | None, Query(max_length=64, description="Mã đơn vị (mặc định: đơn vị của HR)")]
Year = Annotated[int | None, Query(ge=1990, le=2100, description="Năm của kỳ báo cáo (mặc định: năm nay)")]
From = Annotated[date | None, Query(alias="from", description="Ngày bắt đầu kỳ (cùng với `to`)")]
To = Annotated[date | None, Query(alias="to", description="Ngày kết thúc kỳ")]
AsOf = Annotated[date | None, Query(description="Ngày đánh giá hồ sơ (mặc định: hôm nay)")]


def _period(personal: Personal, year: int | None, start: date | None, end: date | None) -> Period:
    return Period.of(start, end, year, personal.reports.today())


@router.get(
    "/reports/units",
    summary="Các đơn vị mà người dùng được lập báo cáo (HR: đơn vị mình và trực thuộc; quản trị: tất cả)",
    responses=errors(401, 403),
)
def report_units(personal: Personal, caller: Caller) -> list[dict[str, Any]]:
    return [asdict(u) for u in personal.reports.units(caller)]


@router.get(
    "/reports/{kind}",
    summary="Một báo cáo kế hoạch đào tạo của đơn vị (HR trong phạm vi, quản trị)",
    description=(
        "Các bảng của báo cáo như trên trang web và trong tệp tải về. Nhu cầu đào tạo chỉ lấy từ tình trạng "
        "các yêu cầu của bộ quy tắc, mỗi yêu cầu kèm căn cứ điều khoản."
    ),
    responses=errors(401, 403, 404, 422),
)
def report(
    kind: Kind,
    personal: Personal,
    caller: Caller,
    unit: Unit = None,
    year: Year = None,
    start: From = None,
    end: To = None,
    as_of: AsOf = None,
) -> dict[str, Any]:
    period = _period(personal, year, start, end)
    return personal.reports.view(caller, kind, unit or caller.unit_code or "", period, as_of).to_dict()


@router.get(
    "/reports/{kind}/export",
    summary="Tải báo cáo (XLSX hoặc CSV) — HR trong phạm vi, quản trị",
    response_class=Response,
    responses={
        200: {"content": {"text/csv": {}, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": {}}},
        **errors(401, 403, 404, 422),
    },
)
def export(
    kind: Kind,
    personal: Personal,
    caller: Caller,
    unit: Unit = None,
    year: Year = None,
    start: From = None,
    end: To = None,
    as_of: AsOf = None,
    format: Literal["csv", "xlsx"] = "xlsx",
) -> Response:
    period = _period(personal, year, start, end)
    out = personal.reports.export(caller, kind, unit or caller.unit_code or "", period, format, as_of)
    return Response(
        out.data, media_type=out.media_type, headers={"content-disposition": f'attachment; filename="{out.filename}"'}
    )
