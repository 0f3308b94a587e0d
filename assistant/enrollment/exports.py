"""Reports out: per-unit requirement status as CSV (UTF-8 with BOM, so Excel shows Vietnamese) or XLSX.

Every cell goes through `assistant.spreadsheets`, so imported text is never evaluated as a formula.
"""

from __future__ import annotations

import io
from collections import Counter
from collections.abc import Callable, Sequence
from datetime import date
from typing import TYPE_CHECKING, Any

from assistant import spreadsheets
from assistant.enrollment.engine import STATUS_LABELS, Status

if TYPE_CHECKING:
    from assistant.enrollment.reports import CadreStatusReport

HEADERS = [
    "Mã cán bộ",
    "Họ và tên",
    "Mã đơn vị",
    "Đơn vị",
    "Loại",
    "Chức vụ",
    "Mã ngạch/chức danh",
    "Ngạch/chức danh nghề nghiệp",
    "Hạng",
    "Mã yêu cầu",
    "Yêu cầu (tóm tắt)",
    "Trạng thái",
    "Hạn",
    "Minh chứng",
    "Ghi chú",
    "Căn cứ",
]
STATUS_ORDER = [Status.OVERDUE, Status.MISSING, Status.IN_PROGRESS, Status.MET, Status.EXEMPT]


def report_rows(reports: Sequence[CadreStatusReport]) -> list[list[Any]]:
    """One row per cadre and applicable requirement; a cadre with none still gets one row."""
    rows: list[list[Any]] = []
    for r in reports:
        c = r.cadre
        person = [
            c.code,
            c.full_name,
            c.unit_code,
            c.unit_name,
            c.kind_label,
            c.position or "",
            c.title_code or "",
            c.title_name or "",
            c.title_rank or "",
        ]
        if not r.statuses:
            rows.append(
                person
                + ["", "Kho quy định chưa có tiêu chuẩn đào tạo, bồi dưỡng cho chức danh này", "", "", "", "", ""]
            )
        for s in r.statuses:
            evidence = "; ".join(e.label for e in s.evidence)
            due = s.due_date.strftime("%d/%m/%Y") if s.due_date else ""
            note = "; ".join([s.detail, *s.basis_notes]) if s.basis_notes else s.detail
            rows.append(person + [s.rule_id, s.title, s.status_label, due, evidence, note, s.citation])
    return rows


def status_counts(reports: Sequence[CadreStatusReport]) -> dict[tuple[str, str], Counter[Status]]:
    """Per unit (code, name) — keyed by the code, so two units of the same name stay apart."""
    out: dict[tuple[str, str], Counter[Status]] = {}
    for r in reports:
        counter = out.setdefault((r.cadre.unit_code, r.cadre.unit_name), Counter())
        counter.update(s.status for s in r.statuses)
    return out


def to_csv(reports: Sequence[CadreStatusReport], title: str, as_of: date) -> bytes:
    return spreadsheets.to_csv([HEADERS, *report_rows(reports)])


def to_xlsx(reports: Sequence[CadreStatusReport], title: str, as_of: date) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill

    wb = Workbook()
    ws = wb.worksheets[0]
    ws.title = "Chi tiết"
    spreadsheets.append_row(ws, [f"BÁO CÁO TÌNH HÌNH ĐÀO TẠO, BỒI DƯỠNG — {title}"])
    ws.append([f"Tính đến ngày {as_of:%d/%m/%Y}. Cột 'Yêu cầu' là tóm tắt; đối chiếu văn bản tại cột 'Căn cứ'."])
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(HEADERS))
    ws.merge_cells(start_row=2, start_column=1, end_row=2, end_column=len(HEADERS))
    ws["A1"].font = Font(bold=True, size=13)
    ws.append(HEADERS)
    for cell in ws[3]:
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="DDEBF7")
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    for row in report_rows(reports):
        spreadsheets.append_row(ws, row)
    ws.freeze_panes = "A4"
    for letter, width in zip(
        "ABCDEFGHIJKLMNOP", [12, 24, 14, 30, 10, 18, 14, 28, 6, 28, 50, 14, 11, 50, 30, 60], strict=True
    ):
        ws.column_dimensions[letter].width = width

    summary = wb.create_sheet("Tổng hợp")
    summary.append(["Mã đơn vị", "Đơn vị", *(STATUS_LABELS[s] for s in STATUS_ORDER)])
    for cell in summary[1]:
        cell.font = Font(bold=True)
    for (code, name), counts in sorted(status_counts(reports).items()):
        spreadsheets.append_row(summary, [code, name, *(counts.get(s, 0) for s in STATUS_ORDER)])
    summary.column_dimensions["A"].width = 16
    summary.column_dimensions["B"].width = 40

    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def import_template(kind: str, headers: Sequence[str]) -> bytes:
    """A blank XLSX with the importer's Vietnamese headers, for HR staff to fill in."""
    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    wb = Workbook()
    ws = wb.worksheets[0]
    ws.title = kind
    ws.append(list(headers))
    for index, header in enumerate(headers, start=1):
        cell = ws.cell(row=1, column=index)
        cell.font = Font(bold=True)
        ws.column_dimensions[get_column_letter(index)].width = max(14, len(header) + 4)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


FORMATS: dict[str, Callable[[Sequence[CadreStatusReport], str, date], bytes]] = {"csv": to_csv, "xlsx": to_xlsx}
