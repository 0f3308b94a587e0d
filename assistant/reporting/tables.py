"""The reports as tables: one shape for the web page (JSON), the XLSX workbook (a sheet each) and the CSV file
(the tables one after another). Every cell goes through `assistant.spreadsheets`, so no text becomes a formula.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from assistant import spreadsheets
from assistant.reporting import plans

MEDIA_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
FILE_STEMS = {
    "plan": "ke-hoach-dao-tao",
    "levels": "chenh-lech-llct-qlnn",
    "overlaps": "trung-lap-khoa-hoc",
    "completed": "luot-dao-tao",
    "succession": "quy-hoach-du-nguon",
}
TITLES = {
    "plan": "KẾ HOẠCH ĐÀO TẠO, BỒI DƯỠNG (NHU CẦU THEO QUY ĐỊNH)",
    "levels": "TRÌNH ĐỘ LÝ LUẬN CHÍNH TRỊ, QUẢN LÝ NHÀ NƯỚC SO VỚI YÊU CẦU",
    "overlaps": "KHÓA HỌC TRÙNG LẶP, CHỒNG CHÉO",
    "completed": "SỐ LƯỢT CÁN BỘ HOÀN THÀNH ĐÀO TẠO, BỒI DƯỠNG",
    "succession": "CÁN BỘ QUY HOẠCH, DỰ NGUỒN VÀ NHỮNG GÌ CÒN THIẾU",
}


@dataclass(frozen=True)
class Sheet:
    name: str  # ≤ 31 characters (an XLSX sheet name)
    title: str
    headers: tuple[str, ...]
    rows: tuple[tuple[Any, ...], ...]
    note: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "title": self.title,
            "note": self.note,
            "headers": list(self.headers),
            "rows": [[_cell(v) for v in r] for r in self.rows],
        }


def _cell(v: Any) -> Any:
    return f"{v:%d/%m/%Y}" if isinstance(v, date) else v


def _d(v: date | None) -> str:
    return f"{v:%d/%m/%Y}" if v else ""


def _period(start: date, end: date) -> str:
    return f"từ {start:%d/%m/%Y} đến {end:%d/%m/%Y}"


def plan_sheets(r: plans.TrainingPlan, unit: str) -> list[Sheet]:
    head = (
        f"{unit}, kỳ {_period(r.period_start, r.period_end)}, tình trạng hồ sơ tính đến {r.as_of:%d/%m/%Y}. "
        f"Mỗi dòng là một yêu cầu của quy định (xem cột Căn cứ) mà hồ sơ chưa đáp ứng và hạn nằm trong kỳ hoặc đã qua; "
        f"{r.in_progress} yêu cầu đang được đáp ứng bằng khóa đang học không đưa vào kế hoạch."
    )
    detail = tuple(
        (
            n,
            row.requirement,
            row.citation,
            row.cadre_code,
            row.full_name,
            row.unit_name,
            row.post,
            row.status_label,
            _d(row.due_date),
            row.slot,
            row.course_type_label,
            row.suggested_course,
        )
        for n, row in enumerate(r.rows, 1)
    )
    totals = tuple((label, *counts, total) for label, counts, total in r.totals)
    grand = tuple(sum(t[1][i] for t in r.totals) for i in range(len(r.columns)))
    totals += (("Tổng cộng", *grand, sum(grand)),) if r.totals else ()
    groups = tuple((g.title, g.citation, g.quote, g.course_type_label, len(g.rows)) for g in r.groups)
    return [
        Sheet(
            "Kế hoạch",
            TITLES["plan"],
            (
                "STT",
                "Yêu cầu",
                "Căn cứ",
                "Mã cán bộ",
                "Họ và tên",
                "Đơn vị",
                "Chức vụ, chức danh",
                "Tình trạng",
                "Hạn theo quy định",
                "Cần hoàn thành trong",
                "Loại khóa học",
                "Khóa gợi ý (danh mục)",
            ),
            detail,
            head,
        ),
        Sheet("Tổng hợp", "Tổng hợp theo loại khóa học và quý", ("Loại khóa học", *r.columns, "Tổng"), totals),
        Sheet(
            "Theo yêu cầu", "Theo từng yêu cầu", ("Yêu cầu", "Căn cứ", "Trích dẫn", "Loại khóa học", "Số người"), groups
        ),
    ]


def level_sheets(r: plans.LevelReport, unit: str) -> list[Sheet]:
    note = f"{unit}. Chỉ so sánh với yêu cầu mà kho quy định nêu cho chức vụ, chức danh của từng người"
    note += f"; {r.uncovered} người không có quy định nào về LLCT/QLNN trong kho." if r.uncovered else "."
    gaps = tuple(
        (
            g.field_label,
            g.cadre_code,
            g.full_name,
            g.unit_name,
            g.post,
            g.held,
            g.required,
            g.status_label,
            _d(g.due_date),
            g.citation,
        )
        for g in r.gaps
    )
    return [
        Sheet(
            "Chênh lệch",
            TITLES["levels"],
            (
                "Lĩnh vực",
                "Mã cán bộ",
                "Họ và tên",
                "Đơn vị",
                "Chức vụ, chức danh",
                "Trình độ hiện có",
                "Yêu cầu",
                "Tình trạng",
                "Hạn",
                "Căn cứ",
            ),
            gaps,
            note,
        ),
        Sheet(
            "Phân bố trình độ",
            "Phân bố trình độ hiện có",
            ("Lĩnh vực", "Trình độ hiện có", "Số người", "Trong đó có quy định áp dụng"),
            tuple(r.distribution),
        ),
    ]


def overlap_sheets(r: Sequence[plans.Overlap], unit: str) -> list[Sheet]:
    rows = tuple(
        (
            o.kind,
            o.cadre_code,
            o.full_name,
            o.unit_name,
            o.course_type_label,
            o.course,
            o.course_dates,
            o.other,
            o.other_dates,
        )
        for o in r
    )
    note = f"{unit}. Cùng một người học các khóa cùng loại trùng thời gian, hoặc học lại để lấy chứng chỉ đã có."
    headers = (
        "Loại trùng lặp",
        "Mã cán bộ",
        "Họ và tên",
        "Đơn vị",
        "Loại khóa học",
        "Khóa học",
        "Thời gian",
        "Trùng với",
        "Thời gian / ngày cấp",
    )
    return [Sheet("Trùng lặp", TITLES["overlaps"], headers, rows, note)]


def completed_sheets(r: plans.CompletedCounts, unit: str) -> list[Sheet]:
    note = f"{unit}, kỳ {_period(r.period_start, r.period_end)}: {r.total} lượt, {r.people} người" + (
        f", trong đó {r.abroad} lượt ở nước ngoài." if r.abroad else "."
    )
    by_type = tuple((label, *per_q, total, people) for label, per_q, total, people in r.by_type)
    if r.by_type:
        by_type += (
            ("Tổng cộng", *(sum(t[1][i] for t in r.by_type) for i in range(len(r.columns))), r.total, r.people),
        )
    return [
        Sheet("Theo loại", TITLES["completed"], ("Loại khóa học", *r.columns, "Tổng lượt", "Số người"), by_type, note),
        Sheet("Theo đối tượng", "Theo đối tượng", ("Đối tượng", "Số lượt", "Số người"), tuple(r.by_kind)),
    ]


def succession_sheets(r: plans.SuccessionReport, unit: str) -> list[Sheet]:
    rows = tuple(
        (
            s.pool,
            s.cadre_code,
            s.full_name,
            s.unit_name,
            s.post,
            s.target,
            s.political_theory,
            s.state_management,
            "\n".join(s.lacking)
            if s.lacking
            else ("Không còn thiếu yêu cầu nào" if s.covered else "Kho quy định chưa có tiêu chuẩn cho chức danh này"),
            s.met,
        )
        for s in r.rows
    )
    counts = ", ".join(f"{k}: {v}" for k, v in sorted(r.counts.items()))
    note = f"{unit}. {counts or 'Chưa có cán bộ nào được đánh dấu quy hoạch hoặc dự nguồn.'}"
    headers = (
        "Diện",
        "Mã cán bộ",
        "Họ và tên",
        "Đơn vị",
        "Chức vụ, chức danh hiện nay",
        "Chức danh quy hoạch",
        "Lý luận chính trị",
        "Quản lý nhà nước",
        "Còn thiếu (theo quy định)",
        "Số yêu cầu đã đáp ứng",
    )
    return [Sheet("Quy hoạch, dự nguồn", TITLES["succession"], headers, rows, note)]


BUILDERS: dict[str, Any] = {
    "plan": plan_sheets,
    "levels": level_sheets,
    "overlaps": overlap_sheets,
    "completed": completed_sheets,
    "succession": succession_sheets,
}


def sheets(kind: str, report: Any, unit: str) -> list[Sheet]:
    built: list[Sheet] = BUILDERS[kind](report, unit)
    return built


def sheets_to_text(items: Sequence[Sheet]) -> str:
    """The tables for a terminal: each row as 'header: value' pairs, one block per row."""
    out: list[str] = []
    for s in items:
        out.append(f"== {s.title}")
        if s.note:
            out.append(s.note)
        if not s.rows:
            out.append("(không có dòng nào)")
        for r in s.rows:
            out.append(
                " | ".join(f"{h}: {_cell(v)}" for h, v in zip(s.headers, r, strict=False) if v not in ("", None))
            )
        out.append("")
    return "\n".join(out)


def to_csv(items: Sequence[Sheet]) -> bytes:
    """The tables one after another: title, note, header, rows, a blank line."""
    rows: list[Sequence[Any]] = []
    for s in items:
        rows.append([s.title])
        if s.note:
            rows.append([s.note])
        rows.append(list(s.headers))
        rows += [[_cell(v) for v in r] for r in s.rows]
        rows.append([])
    return spreadsheets.to_csv(rows)


def to_xlsx(items: Sequence[Sheet]) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    wb = Workbook()
    wb.remove(wb.worksheets[0])
    for s in items:
        ws = wb.create_sheet(s.name[:31])
        spreadsheets.append_row(ws, [s.title])
        ws["A1"].font = Font(bold=True, size=13)
        spreadsheets.append_row(ws, [s.note])
        spreadsheets.append_row(ws, list(s.headers))
        for cell in ws[3]:
            cell.font = Font(bold=True)
            cell.fill = PatternFill("solid", fgColor="DDEBF7")
            cell.alignment = Alignment(wrap_text=True, vertical="top")
        for r in s.rows:
            spreadsheets.append_row(ws, [_cell(v) for v in r])
        ws.freeze_panes = "A4"
        for i, h in enumerate(s.headers, 1):
            longest = max([len(str(h))] + [len(str(r[i - 1])) for r in s.rows[:200] if i - 1 < len(r)])
            ws.column_dimensions[get_column_letter(i)].width = min(60, max(10, longest + 2))
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()
