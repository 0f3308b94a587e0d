"""Spreadsheets in: units, cadres, courses, enrollments and certificates from CSV or XLSX.

The layout is found, not assumed: title rows above the header are skipped, headers are matched accent- and
case-insensitively against Vietnamese names and English aliases, and the kind of file follows from its columns.
Every row is validated first; a file with any bad row imports nothing and the report lists each problem in
Vietnamese ("Dòng 5: ngày sinh '31/02/1990' không hợp lệ"). Good files are upserted by code in one transaction,
so importing the same file twice changes nothing the second time.
"""

from __future__ import annotations

import csv
import io
import math
import re
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal
from enum import StrEnum
from functools import partial
from pathlib import PurePath
from typing import Any, Protocol

from sqlalchemy import select
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from assistant.enrollment.errors import ImportRejected, LegacyEncoding
from assistant.enrollment.models import (
    Cadre,
    CadreKind,
    Certificate,
    Course,
    CourseFormat,
    CourseType,
    Enrollment,
    EnrollmentStatus,
    OrgUnit,
    StudyCommitment,
    SuccessionPool,
    TitleChangeKind,
    TitleHistory,
    UnitLevel,
)
from assistant.errors import UnsupportedFormat
from assistant.text import fold_accents

HEADER_SCAN_ROWS = 30


# ----------------------------------------------------------------------------------------------- report


@dataclass(frozen=True)
class RowError:
    row: int  # 1-based line / spreadsheet row as the user sees it; 0 for file-level problems
    message: str

    def __str__(self) -> str:
        return f"Dòng {self.row}: {self.message}" if self.row else self.message


@dataclass
class ImportReport:
    filename: str
    kind: str = ""  # "units", "cadres", "courses", "enrollments", "certificates"
    encoding: str | None = None  # for CSV
    rows: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: list[RowError] = field(default_factory=list)
    warnings: list[RowError] = field(default_factory=list)  # imported, but the user should look (name matching …)

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def messages(self) -> list[str]:
        return [str(e) for e in self.errors]

    @property
    def warning_messages(self) -> list[str]:
        return [str(w) for w in self.warnings]

    def summary(self) -> str:
        if not self.ok:
            return f"Tệp {self.filename}: {len(self.errors)} lỗi, không nhập dòng nào."
        text = (
            f"Tệp {self.filename} ({KIND_LABELS.get(self.kind, self.kind)}): {self.rows} dòng — "
            f"thêm mới {self.created}, cập nhật {self.updated}, không đổi {self.unchanged}."
        )
        return text + (f" {len(self.warnings)} cảnh báo cần xem lại." if self.warnings else "")


KIND_LABELS = {
    "units": "đơn vị",
    "cadres": "cán bộ",
    "courses": "khóa học",
    "enrollments": "ghi danh",
    "certificates": "chứng chỉ",
    "commitments": "cam kết phục vụ sau đào tạo",
    "title_history": "quá trình giữ ngạch/chức danh",
}


# ----------------------------------------------------------------------------------------------- reading


def _norm_header(value: Any) -> str:
    text = fold_accents(str(value or ""))
    text = re.sub(r"\(.*?\)|\*", " ", text)  # "Ngày sinh (dd/mm/yyyy)*" → "ngay sinh"
    return " ".join(re.sub(r"[^a-z0-9/]+", " ", text).split())


def decode_csv(data: bytes) -> tuple[str, str]:
    """Text and the encoding it was read with: UTF-8 (with or without BOM), UTF-16 with BOM, else cp1258/cp1252."""
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8"), "utf-8-sig"
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16"), "utf-16"
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    vn = unicodedata.normalize("NFC", data.decode("cp1258", errors="replace"))
    if _looks_vietnamese(vn):
        return vn, "cp1258"
    return data.decode("cp1252", errors="replace"), "cp1252"


_VI_SPECIFIC = re.compile(r"[ăđơưĂĐƠƯ\u1ea0-\u1ef9]")
_COMBINING = re.compile(r"[\u0300-\u036f]")


def _looks_vietnamese(nfc_text: str) -> bool:
    """cp1258 writes most tones as combining marks: real Vietnamese composes fully under NFC, other text does not."""
    return bool(_VI_SPECIFIC.search(nfc_text)) and not _COMBINING.search(nfc_text) and "\ufffd" not in nfc_text


# TCVN3 (ABC) letters seen through a Western code page, and VNI's tone bytes: never in Unicode Vietnamese.
_TCVN3 = re.compile(r"(?<=[A-Za-z])[¸µ¶·¹¨©ª«¬®¦§¤¥¢£Þ]|[§¦](?=[A-Za-z¬])")
_VNI = re.compile(r"(?<=[A-Za-z])[øïûöñÏØÛÖ]|\b[ñÑ](?=[a-zô])")


def legacy_encoding(texts: Iterable[str]) -> str | None:
    """'TCVN3' or 'VNI' when the text looks typed in a legacy Vietnamese font encoding, else None."""
    sample = " ".join(texts)
    if len(_TCVN3.findall(sample)) >= 2:
        return "TCVN3"
    if len(_VNI.findall(sample)) >= 2:
        return "VNI"
    return None


def read_rows(data: bytes, filename: str) -> tuple[list[tuple[int, list[Any]]], str | None]:
    """(row number, cells) for every row of the first sheet or the CSV, and the CSV's encoding."""
    suffix = PurePath(filename).suffix.lower()
    if suffix in {".xlsx", ".xlsm"}:
        return _read_xlsx(data), None
    if suffix in {".csv", ".txt", ".tsv"}:
        text, encoding = decode_csv(data)
        return _read_csv(text), encoding
    raise UnsupportedFormat(f"Không đọc được tệp '{filename}': chỉ nhận CSV hoặc XLSX (Excel 2007 trở lên).")


def _read_csv(text: str) -> list[tuple[int, list[Any]]]:
    sample = "\n".join(text.splitlines()[:HEADER_SCAN_ROWS])
    try:
        dialect: Any = csv.Sniffer().sniff(sample, delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    reader = csv.reader(io.StringIO(text, newline=""), dialect)
    return [(reader.line_num, row) for row in reader]


def _read_xlsx(data: bytes) -> list[tuple[int, list[Any]]]:
    from openpyxl import load_workbook

    from assistant.errors import DocumentParseError
    from assistant.ingest.worker import check_zip

    try:
        check_zip(data, "bang-tinh.xlsx")
    except DocumentParseError as e:
        raise ImportRejected(e.message.replace("'bang-tinh.xlsx'", "Excel")) from e
    try:
        wb = load_workbook(io.BytesIO(data), data_only=True, read_only=True)
    except Exception as e:  # openpyxl raises several unrelated types for a damaged file
        raise ImportRejected("Tệp Excel bị hỏng hoặc không phải định dạng XLSX.") from e
    try:
        ws = wb.worksheets[0]
        return [(i, list(row)) for i, row in enumerate(ws.iter_rows(values_only=True), start=1)]
    finally:
        wb.close()


# ----------------------------------------------------------------------------------------------- values


class _Bad(ValueError):
    """A cell value that does not parse; the message is completed with the column label and row."""


EXCEL_EPOCH = date(1899, 12, 30)
_DMY = re.compile(r"^(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{4})$")
_YMD = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T].*)?$")
_SERIAL = re.compile(r"^\d{3,5}(?:\.0+)?$")


def parse_date(value: Any) -> date | None:
    """dd/mm/yyyy, yyyy-mm-dd, an Excel serial number, or a date cell; empty gives None."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return _from_serial(float(value))
    text = str(value).strip()
    try:
        if m := _DMY.match(text):
            return date(int(m[3]), int(m[2]), int(m[1]))
        if m := _YMD.match(text):
            return date(int(m[1]), int(m[2]), int(m[3]))
    except ValueError:
        raise _Bad from None
    if _SERIAL.match(text):
        return _from_serial(float(text))
    raise _Bad


def _from_serial(serial: float) -> date:
    if not 1 <= serial < 2958466:
        raise _Bad
    return EXCEL_EPOCH + timedelta(days=int(serial))


MAX_INT = 1_000_000  # hours and counts; far above any real value, far below every backend's INTEGER limit


def parse_int(value: Any, limit: int = MAX_INT) -> int | None:
    """A whole number within ±limit (1e20 or a 400-digit number is a row error, never a database failure)."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, bool):
        raise _Bad
    if isinstance(value, (int, float)):
        if isinstance(value, float) and (not math.isfinite(value) or not value.is_integer()):
            raise _Bad
        number = int(value)
    else:
        text = str(value).strip().replace(" ", "")
        if re.fullmatch(r"\d{1,3}([.,]\d{3})+", text):  # 1.500.000 or 1,500,000
            text = re.sub(r"[.,]", "", text)
        if len(text) > 16 or not re.fullmatch(r"-?\d+(\.0+)?", text):
            raise _Bad
        number = int(text.split(".")[0])
    if abs(number) > limit:
        raise _Bad
    return number


MAX_MONEY = 10**13 - 1  # đồng; the column is NUMERIC(14, 0)


def parse_money(value: Any) -> int | None:
    """An amount in đồng: '120.000.000', '120,000,000' or a number cell."""
    return parse_int(value, MAX_MONEY)


def parse_text(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)  # a code typed as a number in Excel
    text = " ".join(unicodedata.normalize("NFC", str(value)).split())
    return text or None


def _choice(mapping: dict[str, str]) -> Callable[[Any], str | None]:
    """Parser for an enumerated value given by code or by any of its folded Vietnamese/English names."""
    folded = {_norm_header(k): v for k, v in mapping.items()}

    def parse(value: Any) -> str | None:
        text = parse_text(value)
        if text is None:
            return None
        key = _norm_header(text)
        if key in folded:
            return folded[key]
        raise _Bad

    return parse


def _enum_names(enum: type[StrEnum], names: dict[str, list[str]]) -> dict[str, str]:
    out = {m.value: m.value for m in enum}
    out |= {m.value.replace("_", " "): m.value for m in enum}
    for value, aliases in names.items():
        out |= {a: value for a in aliases}
    return out


KIND_VALUES = _enum_names(
    CadreKind,
    {
        "can_bo": ["cán bộ", "CB", "cadre"],
        "cong_chuc": ["công chức", "CC", "civil servant"],
        "vien_chuc": ["viên chức", "VC", "public employee"],
    },
)
LEVEL_VALUES = _enum_names(
    UnitLevel,
    {
        "tinh": ["tỉnh", "UBND tỉnh"],
        "so_ban_nganh": ["sở", "ban", "ngành", "sở, ban, ngành", "sở/ban/ngành"],
        "huyen": ["huyện", "UBND huyện", "cấp huyện"],
        "phong": ["phòng"],
        "don_vi_su_nghiep": ["đơn vị sự nghiệp", "ĐVSN", "trường", "bệnh viện", "trung tâm"],
        "xa": ["xã", "cấp xã"],
    },
)
COURSE_TYPE_VALUES = _enum_names(
    CourseType,
    {
        "ly_luan_chinh_tri": ["lý luận chính trị", "LLCT"],
        "quan_ly_nha_nuoc": ["quản lý nhà nước", "QLNN"],
        "chuc_danh_nghe_nghiep": ["chức danh nghề nghiệp", "tiêu chuẩn chức danh nghề nghiệp", "CDNN"],
        "lanh_dao_quan_ly": ["lãnh đạo, quản lý", "lãnh đạo quản lý", "bồi dưỡng lãnh đạo quản lý"],
        "cap_nhat_kien_thuc": ["cập nhật kiến thức"],
        "chuyen_mon_nghiep_vu": ["chuyên môn, nghiệp vụ", "chuyên môn nghiệp vụ"],
        "ngoai_ngu": ["ngoại ngữ"],
        "tin_hoc": ["tin học"],
        "quoc_phong_an_ninh": ["quốc phòng, an ninh", "quốc phòng an ninh"],
        "sau_dai_hoc": ["sau đại học"],
        "khac": ["khác"],
    },
)
FORMAT_VALUES = _enum_names(
    CourseFormat,
    {
        "tap_trung": ["tập trung"],
        "khong_tap_trung": ["không tập trung", "vừa làm vừa học"],
        "truc_tuyen": ["trực tuyến", "online"],
    },
)
STATUS_VALUES = _enum_names(
    EnrollmentStatus,
    {
        "registered": ["đã đăng ký", "đăng ký"],
        "in_progress": ["đang học", "đang tham gia"],
        "completed": ["hoàn thành", "đã hoàn thành", "đạt"],
        "failed": ["không đạt", "không hoàn thành"],
        "withdrawn": ["rút", "đã rút", "thôi học", "bỏ học"],
    },
)
EDUCATION_VALUES = {
    "trung_cap": "trung_cap",
    "trung cấp": "trung_cap",
    "cao_dang": "cao_dang",
    "cao đẳng": "cao_dang",
    "dai_hoc": "dai_hoc",
    "đại học": "dai_hoc",
    "cử nhân": "dai_hoc",
    "kỹ sư": "dai_hoc",
    "bác sĩ": "dai_hoc",
    "thac_si": "thac_si",
    "thạc sĩ": "thac_si",
    "chuyen_khoa_1": "chuyen_khoa_1",
    "chuyên khoa I": "chuyen_khoa_1",
    "chuyên khoa cấp I": "chuyen_khoa_1",
    "CKI": "chuyen_khoa_1",
    "tien_si": "tien_si",
    "tiến sĩ": "tien_si",
    "chuyen_khoa_2": "chuyen_khoa_2",
    "chuyên khoa II": "chuyen_khoa_2",
    "CKII": "chuyen_khoa_2",
}
POLITICAL_VALUES = {
    "so_cap": "so_cap",
    "sơ cấp": "so_cap",
    "trung_cap": "trung_cap",
    "trung cấp": "trung_cap",
    "cao_cap": "cao_cap",
    "cao cấp": "cao_cap",
    "cu_nhan": "cu_nhan",
    "cử nhân": "cu_nhan",
}
STATE_MGMT_VALUES = {
    "chuyen_vien": "chuyen_vien",
    "chuyên viên": "chuyen_vien",
    "chuyen_vien_chinh": "chuyen_vien_chinh",
    "chuyên viên chính": "chuyen_vien_chinh",
    "chuyen_vien_cao_cap": "chuyen_vien_cao_cap",
    "chuyên viên cao cấp": "chuyen_vien_cao_cap",
}
LANGUAGE_VALUES = (
    {f"bac_{n}": f"bac_{n}" for n in range(1, 7)}
    | {f"bậc {n}": f"bac_{n}" for n in range(1, 7)}
    | {"A1": "bac_1", "A2": "bac_2", "B1": "bac_3", "B2": "bac_4", "C1": "bac_5", "C2": "bac_6"}
)
IT_VALUES = {
    "co_ban": "co_ban",
    "cơ bản": "co_ban",
    "ứng dụng CNTT cơ bản": "co_ban",
    "nang_cao": "nang_cao",
    "nâng cao": "nang_cao",
    "ứng dụng CNTT nâng cao": "nang_cao",
}
SUCCESSION_VALUES = {
    "quy_hoach": "quy_hoach",
    "quy hoạch": "quy_hoach",
    "diện quy hoạch": "quy_hoach",
    "du_nguon": "du_nguon",
    "dự nguồn": "du_nguon",
    "diện dự nguồn": "du_nguon",
    "cán bộ dự nguồn": "du_nguon",
}
CHANGE_VALUES = _enum_names(
    TitleChangeKind,
    {
        "tuyen_dung": ["tuyển dụng", "bổ nhiệm khi tuyển dụng"],
        "thang_hang": ["thăng hạng", "nâng ngạch", "xét thăng hạng", "thi thăng hạng"],
        "chuyen_chuc_danh": [
            "chuyển chức danh",
            "chuyển chức danh nghề nghiệp",
            "xét chuyển chức danh",
            "chuyển ngạch",
        ],
        "bo_nhiem": ["bổ nhiệm", "khác"],
    },
)
RANK_VALUES = {
    "I": "I",
    "II": "II",
    "III": "III",
    "IV": "IV",
    "1": "I",
    "2": "II",
    "3": "III",
    "4": "IV",
    "hạng I": "I",
    "hạng II": "II",
    "hạng III": "III",
    "hạng IV": "IV",
}


@dataclass(frozen=True)
class Column:
    field: str
    label: str  # Vietnamese, used in messages and in templates
    aliases: tuple[str, ...]
    parse: Callable[[Any], Any] = parse_text
    required: bool = False


def col(
    field: str, label: str, *aliases: str, parse: Callable[[Any], Any] = parse_text, required: bool = False
) -> Column:
    return Column(field, label, (label, field, *aliases), parse, required)


SCHEMAS: dict[str, list[Column]] = {
    "units": [
        col("code", "Mã đơn vị", "ma dv", "unit code", required=True),
        col("name", "Tên đơn vị", "don vi", "unit name", "name", required=True),
        col("level", "Cấp đơn vị", "cap", "loai don vi", "level", parse=_choice(LEVEL_VALUES), required=True),
        col("parent_code", "Mã đơn vị cấp trên", "don vi cap tren", "ma don vi cha", "parent code", "parent"),
    ],
    "cadres": [
        col("code", "Mã cán bộ", "ma cb", "ma ccvc", "ma nhan su", "ma so", "cadre code", "code", required=True),
        col("full_name", "Họ và tên", "ho ten", "full name", "name", required=True),
        col("birth_date", "Ngày sinh", "birth date", "date of birth", "dob", parse=parse_date),
        col("gender", "Giới tính", "gender"),
        col("unit_code", "Mã đơn vị", "don vi", "unit code", "unit", required=True),
        col("kind", "Loại", "doi tuong", "loai can bo", "kind", parse=_choice(KIND_VALUES), required=True),
        col("recruited_on", "Ngày tuyển dụng", "recruited on", "recruitment date", parse=parse_date),
        col("position", "Chức vụ", "position"),
        col("position_appointed_on", "Ngày bổ nhiệm chức vụ", "position appointed on", parse=parse_date),
        col("title_code", "Mã ngạch/chức danh", "ma ngach", "ma chuc danh", "ma so chuc danh", "ma cdnn", "title code"),
        col("title_name", "Ngạch/chức danh nghề nghiệp", "ngach", "chuc danh nghe nghiep", "chuc danh", "title"),
        col("title_rank", "Hạng", "hang chuc danh", "rank", parse=_choice(RANK_VALUES)),
        col(
            "title_appointed_on",
            "Ngày bổ nhiệm ngạch/chức danh",
            "ngay bo nhiem ngach",
            "ngay bo nhiem chuc danh",
            "title appointed on",
            parse=parse_date,
        ),
        col(
            "title_change",
            "Hình thức bổ nhiệm chức danh",
            "hinh thuc bo nhiem",
            "hinh thuc",
            "title change",
            parse=_choice(CHANGE_VALUES),
        ),
        col("education_level", "Trình độ chuyên môn", "trinh do", "education", parse=_choice(EDUCATION_VALUES)),
        col("education_major", "Chuyên ngành", "nganh", "major"),
        col("political_theory", "Lý luận chính trị", "llct", "political theory", parse=_choice(POLITICAL_VALUES)),
        col("state_management", "Quản lý nhà nước", "qlnn", "state management", parse=_choice(STATE_MGMT_VALUES)),
        col("foreign_language", "Ngoại ngữ", "trinh do ngoai ngu", "foreign language", parse=_choice(LANGUAGE_VALUES)),
        col("it_skill", "Tin học", "trinh do tin hoc", "it skill", parse=_choice(IT_VALUES)),
        col(
            "succession_pool",
            "Quy hoạch/dự nguồn",
            "quy hoach",
            "du nguon",
            "dien quy hoach",
            "dien can bo",
            "succession",
            parse=_choice(SUCCESSION_VALUES),
        ),
        col("succession_target", "Chức danh quy hoạch", "chuc danh quy hoach", "vi tri quy hoach", "succession target"),
    ],
    "courses": [
        col("code", "Mã khóa học", "ma lop", "ma khoa", "ma chuong trinh", "course code", "code", required=True),
        col("name", "Tên khóa học", "ten lop", "ten chuong trinh", "course name", "name", required=True),
        col(
            "course_type",
            "Loại khóa học",
            "loai",
            "loai hinh",
            "type",
            "course type",
            parse=_choice(COURSE_TYPE_VALUES),
            required=True,
        ),
        col("certificate_type", "Loại chứng chỉ", "chung chi cap", "certificate type"),
        col("provider", "Cơ sở đào tạo", "don vi to chuc", "co so boi duong", "provider"),
        col("start_date", "Ngày bắt đầu", "tu ngay", "start date", parse=parse_date),
        col("end_date", "Ngày kết thúc", "den ngay", "end date", parse=parse_date),
        col("hours", "Số tiết", "thoi luong", "hours", parse=parse_int),
        col("format", "Hình thức", "format", parse=_choice(FORMAT_VALUES)),
        col("location", "Địa điểm", "location"),
        col("country", "Quốc gia", "nuoc", "country"),
    ],
    "enrollments": [
        col("cadre_code", "Mã cán bộ", "ma cb", "ma ccvc", "cadre code", required=True),
        col("course_code", "Mã khóa học", "ma lop", "ma khoa", "course code", required=True),
        col("status", "Trạng thái", "ket qua", "status", parse=_choice(STATUS_VALUES), required=True),
        col("registered_on", "Ngày đăng ký", "registered on", parse=parse_date),
        col("completed_on", "Ngày hoàn thành", "completed on", parse=parse_date),
        col("hours_earned", "Số tiết đạt", "so tiet tich luy", "hours earned", parse=parse_int),
        col("certificate_number", "Số chứng chỉ", "so hieu chung chi", "certificate number"),
        col("certificate_date", "Ngày cấp chứng chỉ", "ngay cap", "certificate date", parse=parse_date),
    ],
    "certificates": [
        col("cadre_code", "Mã cán bộ", "ma cb", "ma ccvc", "cadre code", required=True),
        col("cert_type", "Loại chứng chỉ", "certificate type", required=True),
        col("name", "Tên chứng chỉ", "certificate name"),
        col("number", "Số chứng chỉ", "so hieu", "certificate number"),
        col("issuer", "Nơi cấp", "co quan cap", "issuer"),
        col("issued_on", "Ngày cấp", "issued on", parse=parse_date, required=True),
        col("expires_on", "Ngày hết hạn", "hieu luc den", "expires on", parse=parse_date),
    ],
    "title_history": [
        col("cadre_code", "Mã cán bộ", "ma cb", "ma ccvc", "cadre code", required=True),
        col("title_code", "Mã ngạch/chức danh", "ma ngach", "ma chuc danh", "ma so chuc danh", "title code"),
        col("title_name", "Ngạch/chức danh nghề nghiệp", "ngach", "chuc danh nghe nghiep", "chuc danh", "title"),
        col("title_rank", "Hạng", "hang chuc danh", "rank", parse=_choice(RANK_VALUES)),
        col(
            "since",
            "Ngày bổ nhiệm",
            "tu ngay",
            "ngay bo nhiem ngach/chuc danh",
            "since",
            parse=parse_date,
            required=True,
        ),
        col(
            "change",
            "Hình thức bổ nhiệm chức danh",
            "hinh thuc bo nhiem",
            "hinh thuc",
            "change",
            parse=_choice(CHANGE_VALUES),
            required=True,
        ),
        col("note", "Ghi chú", "note"),
    ],
    "commitments": [
        col("cadre_code", "Mã cán bộ", "ma cb", "ma ccvc", "cadre code", required=True),
        col("course_code", "Mã khóa học", "ma lop", "ma khoa", "khoa dao tao", "course code"),
        col(
            "start_date",
            "Ngày bắt đầu cam kết",
            "bat dau cam ket",
            "tu ngay",
            "commitment start",
            parse=parse_date,
            required=True,
        ),
        col(
            "service_years",
            "Số năm cam kết",
            "thoi gian cam ket",
            "so nam phuc vu",
            "service years",
            parse=parse_int,
            required=True,
        ),
        col("cost", "Chi phí đào tạo", "chi phi", "kinh phi", "chi phi den bu", "cost", parse=parse_money),
        col("note", "Ghi chú", "note"),
    ],
}


# ----------------------------------------------------------------------------------------------- layout


@dataclass
class Layout:
    kind: str
    header_row_index: int  # index into the rows list
    columns: dict[int, Column]  # cell index → column


def _match_header(cells: list[Any], schema: list[Column]) -> dict[int, Column]:
    found: dict[int, Column] = {}
    used: set[str] = set()
    for i, cell in enumerate(cells):
        name = _norm_header(cell)
        if not name:
            continue
        for column in schema:
            if column.field not in used and name in {_norm_header(a) for a in column.aliases}:
                found[i] = column
                used.add(column.field)
                break
    return found


def find_layout(rows: list[tuple[int, list[Any]]], kind: str | None = None) -> Layout:
    """The header row (below any title rows) and the file kind that explain the most columns."""
    best: Layout | None = None
    kinds = [kind] if kind else list(SCHEMAS)
    for index, (_, cells) in enumerate(rows[:HEADER_SCAN_ROWS]):
        for k in kinds:
            found = _match_header(cells, SCHEMAS[k])
            required = {c.field for c in SCHEMAS[k] if c.required}
            if required <= {c.field for c in found.values()} and (best is None or len(found) > len(best.columns)):
                best = Layout(k, index, found)
        if best is not None:
            return best  # the first row that works is the header; later rows are data
    wanted = "; ".join(f"{KIND_LABELS[k]}: " + ", ".join(c.label for c in SCHEMAS[k] if c.required) for k in kinds)
    raise ImportRejected(f"Không tìm thấy dòng tiêu đề trong {HEADER_SCAN_ROWS} dòng đầu. Cần các cột — {wanted}.")


def parse_records(
    rows: list[tuple[int, list[Any]]], layout: Layout
) -> tuple[list[tuple[int, dict[str, Any]]], list[RowError]]:
    records, errors = [], []
    for row_no, cells in rows[layout.header_row_index + 1 :]:
        if all(c is None or (isinstance(c, str) and not c.strip()) for c in cells):
            continue
        record: dict[str, Any] = {}
        for i, column in layout.columns.items():
            raw = cells[i] if i < len(cells) else None
            try:
                record[column.field] = column.parse(raw)
            except _Bad:
                errors.append(RowError(row_no, f"{column.label.lower()} '{_show(raw)}' không hợp lệ"))
                continue
            if column.required and record[column.field] in (None, ""):
                errors.append(RowError(row_no, f"thiếu {column.label.lower()}"))
            limit = _max_length(layout.kind, column.field)
            if limit and isinstance(record[column.field], str) and len(record[column.field]) > limit:
                errors.append(RowError(row_no, f"{column.label.lower()} dài quá {limit} ký tự"))
        records.append((row_no, record))
    return records, errors


MODELS: dict[str, Any] = {
    "units": OrgUnit,
    "cadres": Cadre,
    "courses": Course,
    "enrollments": Enrollment,
    "certificates": Certificate,
    "commitments": StudyCommitment,
    "title_history": TitleHistory,
}


def _max_length(kind: str, field_name: str) -> int | None:
    """The column's VARCHAR length, so an overlong value is a row error, not a database failure mid-import."""
    column = MODELS[kind].__table__.columns.get(field_name)
    return getattr(column.type, "length", None) if column is not None else None


def _show(raw: Any) -> str:
    if isinstance(raw, datetime):
        return f"{raw:%d/%m/%Y}"
    if isinstance(raw, float) and raw.is_integer():
        return str(int(raw))
    return str(raw)


# ----------------------------------------------------------------------------------------------- writing


@dataclass
class UpsertCounts:
    created: int = 0
    updated: int = 0
    unchanged: int = 0


def _assign(obj: Any, values: dict[str, Any], counts: UpsertCounts, is_new: bool) -> None:
    changed = False
    for key, value in values.items():
        if getattr(obj, key) != value:
            setattr(obj, key, value)
            changed = True
    if is_new:
        counts.created += 1
    elif changed:
        counts.updated += 1
    else:
        counts.unchanged += 1


def _upsert(
    session: Session,
    existing: dict[Any, Any],
    key: Any,
    make: Callable[[], Any],
    values: dict[str, Any],
    counts: UpsertCounts,
) -> Any:
    """The row of `key` (created by `make` and added when the database and the file so far have none) with
    `values` assigned and counted as created, updated or unchanged."""
    obj = existing.get(key)
    is_new = obj is None
    if obj is None:
        obj = existing[key] = make()
        session.add(obj)
    _assign(obj, values, counts, is_new)
    return obj


def _duplicates(
    records: list[tuple[int, dict[str, Any]]], key: Callable[[dict[str, Any]], Any], label: str
) -> list[RowError]:
    seen: dict[Any, int] = {}
    errors = []
    for row_no, r in records:
        k = key(r)
        if k in seen:
            errors.append(RowError(row_no, f"{label} trùng với dòng {seen[k]}"))
        else:
            seen[k] = row_no
    return errors


def _by_code(session: Session, model: Any, codes: Iterable[str]) -> dict[str, Any]:
    codes = [c for c in set(codes) if c]
    if not codes:
        return {}
    return {o.code: o for o in session.scalars(select(model).where(model.code.in_(codes)))}


def _write_units(session: Session, records: list[tuple[int, dict[str, Any]]], counts: UpsertCounts) -> list[RowError]:
    errors = _duplicates(records, lambda r: r["code"], "mã đơn vị")
    existing = _by_code(
        session, OrgUnit, [r["code"] for _, r in records] + [r.get("parent_code") or "" for _, r in records]
    )
    in_file = {r["code"] for _, r in records}
    for row_no, r in records:
        parent = r.get("parent_code")
        if parent and parent == r["code"]:
            errors.append(RowError(row_no, "đơn vị không thể là cấp trên của chính nó"))
        elif parent and parent not in in_file and parent not in existing:
            errors.append(RowError(row_no, f"không có đơn vị cấp trên mã '{parent}'"))
    if not errors:
        errors = _tree_problems(session, records)
    if errors:
        return errors
    units = dict(existing)
    for _, r in records:  # create first, link parents after a flush: a parent may come later in the file
        if r["code"] not in units:
            units[r["code"]] = OrgUnit(code=r["code"], name=r["name"], level=UnitLevel(r["level"]))
            session.add(units[r["code"]])
    session.flush()
    for _, r in records:
        values: dict[str, Any] = {"name": r["name"], "level": UnitLevel(r["level"])}
        if "parent_code" in r:  # a file without the parent column keeps every unit where it is
            values["parent_id"] = units[r["parent_code"]].id if r.get("parent_code") else None
        _assign(units[r["code"]], values, counts, r["code"] not in existing)
    return []


def _tree_problems(session: Session, records: list[tuple[int, dict[str, Any]]]) -> list[RowError]:
    """The unit tree as it would be after the import must stay a tree: no cycle (A under B under A), and a
    province-level unit never under a unit of another level — either would widen an HR officer's scope."""
    parent: dict[str, str | None] = {}
    level: dict[str, str] = {}
    rows = session.execute(select(OrgUnit.id, OrgUnit.code, OrgUnit.parent_id, OrgUnit.level)).all()
    code_of = {row.id: row.code for row in rows}
    for row in rows:
        parent[row.code] = code_of.get(row.parent_id) if row.parent_id is not None else None
        level[row.code] = UnitLevel(row.level).value
    for _, r in records:
        if "parent_code" in r or r["code"] not in parent:
            parent[r["code"]] = r.get("parent_code") or None
        level[r["code"]] = UnitLevel(r["level"]).value
    errors = []
    for row_no, r in records:
        up = parent.get(r["code"])
        if up and level[r["code"]] == UnitLevel.TINH.value and level.get(up) != UnitLevel.TINH.value:
            errors.append(RowError(row_no, f"đơn vị cấp tỉnh '{r['code']}' không thể trực thuộc đơn vị '{up}'"))
            continue
        seen = [r["code"]]
        while up is not None and up not in seen:
            seen.append(up)
            up = parent.get(up)
        if up is not None:
            chain = " → ".join([*seen[seen.index(up) :], up][-6:])
            errors.append(
                RowError(row_no, f"đơn vị cấp trên '{r.get('parent_code')}' tạo thành vòng lặp ({chain}); không nhập")
            )
    return errors


def _write_cadres(session: Session, records: list[tuple[int, dict[str, Any]]], counts: UpsertCounts) -> list[RowError]:
    errors = _duplicates(records, lambda r: r["code"], "mã cán bộ")
    units = _by_code(session, OrgUnit, [r["unit_code"] for _, r in records])
    for row_no, r in records:
        if r["unit_code"] not in units:
            errors.append(RowError(row_no, f"không có đơn vị mã '{r['unit_code']}'"))
    if errors:
        return errors
    existing = _by_code(session, Cadre, [r["code"] for _, r in records])
    for _, r in records:
        values = {k: v for k, v in r.items() if k not in {"code", "unit_code", "title_change"}}
        values["kind"] = CadreKind(values["kind"])
        if values.get("succession_pool"):
            values["succession_pool"] = SuccessionPool(values["succession_pool"])
        values["unit_id"] = units[r["unit_code"]].id
        known = existing.get(r["code"])
        before = (
            (known.title_code, known.title_name, known.title_rank, known.title_appointed_on) if known else (None,) * 4
        )
        cadre = _upsert(session, existing, r["code"], partial(Cadre, code=r["code"]), values, counts)
        _record_title_change(session, cadre, before, r.get("title_change"), known is None)
    return []


def _record_title_change(
    session: Session,
    cadre: Cadre,
    before: tuple[str | None, str | None, str | None, date | None],
    change: str | None,
    is_new: bool,
) -> None:
    """Remember the title a cadre held before an import changed it, and how the new one was reached when the file
    says so; a title history row already there is left alone."""
    old_code, old_name, old_rank, old_since = before
    changed = bool(not is_new and old_code and old_code != cadre.title_code)
    if not changed and not change:
        return
    session.flush()  # the cadre needs its id
    known = {
        (h.title_code, h.since) for h in session.scalars(select(TitleHistory).where(TitleHistory.cadre_id == cadre.id))
    }
    if changed and old_code and old_since and (old_code, old_since) not in known:
        session.add(
            TitleHistory(
                cadre_id=cadre.id,
                title_code=old_code,
                title_name=old_name,
                title_rank=old_rank,
                since=old_since,
                change=TitleChangeKind.APPOINTMENT,
                note="Ghi nhận khi nhập tệp đổi chức danh",
            )
        )
    if cadre.title_code and cadre.title_appointed_on and (cadre.title_code, cadre.title_appointed_on) not in known:
        session.add(
            TitleHistory(
                cadre_id=cadre.id,
                title_code=cadre.title_code,
                title_name=cadre.title_name,
                title_rank=cadre.title_rank,
                since=cadre.title_appointed_on,
                change=TitleChangeKind(change) if change else TitleChangeKind.APPOINTMENT,
            )
        )


def _write_title_history(
    session: Session, records: list[tuple[int, dict[str, Any]]], counts: UpsertCounts
) -> list[RowError]:
    """Quá trình giữ ngạch/chức danh: one row per cadre, title code and appointment date."""
    errors = _duplicates(records, lambda r: (r["cadre_code"], r.get("title_code"), r["since"]), "chức danh và ngày")
    cadres = _by_code(session, Cadre, [r["cadre_code"] for _, r in records])
    for row_no, r in records:
        if r["cadre_code"] not in cadres:
            errors.append(RowError(row_no, f"không có cán bộ mã '{r['cadre_code']}'"))
        if not r.get("title_code"):
            errors.append(RowError(row_no, "thiếu mã ngạch/chức danh (hoặc tên chức danh khớp danh mục)"))
    if errors:
        return errors
    ids = {cadres[r["cadre_code"]].id for _, r in records}
    existing = {
        (h.cadre_id, h.title_code, h.since): h
        for h in session.scalars(select(TitleHistory).where(TitleHistory.cadre_id.in_(ids)))
    }
    for _, r in records:
        key = (cadres[r["cadre_code"]].id, r["title_code"], r["since"])
        values = {
            "title_name": r.get("title_name"),
            "title_rank": r.get("title_rank"),
            "change": TitleChangeKind(r["change"]),
            "note": r.get("note"),
        }
        _upsert(
            session,
            existing,
            key,
            partial(TitleHistory, cadre_id=key[0], title_code=key[1], since=key[2]),
            values,
            counts,
        )
    return []


def _write_courses(session: Session, records: list[tuple[int, dict[str, Any]]], counts: UpsertCounts) -> list[RowError]:
    errors = _duplicates(records, lambda r: r["code"], "mã khóa học")
    for row_no, r in records:
        if r.get("start_date") and r.get("end_date") and r["end_date"] < r["start_date"]:
            errors.append(RowError(row_no, "ngày kết thúc trước ngày bắt đầu"))
        if r.get("hours") is not None and r["hours"] < 0:
            errors.append(RowError(row_no, f"số tiết '{r['hours']}' không hợp lệ"))
    if errors:
        return errors
    existing = _by_code(session, Course, [r["code"] for _, r in records])
    for _, r in records:
        values = {k: v for k, v in r.items() if k != "code"}
        values["course_type"] = CourseType(values["course_type"])
        if values.get("format"):
            values["format"] = CourseFormat(values["format"])
        _upsert(session, existing, r["code"], partial(Course, code=r["code"]), values, counts)
    return []


def _write_enrollments(
    session: Session, records: list[tuple[int, dict[str, Any]]], counts: UpsertCounts
) -> list[RowError]:
    errors = _duplicates(records, lambda r: (r["cadre_code"], r["course_code"]), "cặp mã cán bộ – mã khóa học")
    cadres = _by_code(session, Cadre, [r["cadre_code"] for _, r in records])
    courses = _by_code(session, Course, [r["course_code"] for _, r in records])
    for row_no, r in records:
        if r["cadre_code"] not in cadres:
            errors.append(RowError(row_no, f"không có cán bộ mã '{r['cadre_code']}'"))
        if r["course_code"] not in courses:
            errors.append(RowError(row_no, f"không có khóa học mã '{r['course_code']}'"))
        if r.get("status") == EnrollmentStatus.COMPLETED and not (r.get("completed_on") or r.get("certificate_date")):
            errors.append(RowError(row_no, "trạng thái hoàn thành cần ngày hoàn thành hoặc ngày cấp chứng chỉ"))
    if errors:
        return errors
    pairs = {(cadres[r["cadre_code"]].id, courses[r["course_code"]].id) for _, r in records}
    existing = {
        (e.cadre_id, e.course_id): e
        for e in session.scalars(select(Enrollment).where(Enrollment.cadre_id.in_({p[0] for p in pairs})))
        if (e.cadre_id, e.course_id) in pairs
    }
    for _, r in records:
        key = (cadres[r["cadre_code"]].id, courses[r["course_code"]].id)
        values = {k: v for k, v in r.items() if k not in {"cadre_code", "course_code"}}
        values["status"] = EnrollmentStatus(values["status"])
        _upsert(session, existing, key, partial(Enrollment, cadre_id=key[0], course_id=key[1]), values, counts)
    return []


def _write_certificates(
    session: Session, records: list[tuple[int, dict[str, Any]]], counts: UpsertCounts
) -> list[RowError]:
    errors = _duplicates(records, lambda r: (r["cadre_code"], r["cert_type"], r.get("number") or ""), "chứng chỉ")
    cadres = _by_code(session, Cadre, [r["cadre_code"] for _, r in records])
    for row_no, r in records:
        if r["cadre_code"] not in cadres:
            errors.append(RowError(row_no, f"không có cán bộ mã '{r['cadre_code']}'"))
        if r.get("issued_on") and r.get("expires_on") and r["expires_on"] < r["issued_on"]:
            errors.append(RowError(row_no, "ngày hết hạn trước ngày cấp"))
    if errors:
        return errors
    ids = {cadres[r["cadre_code"]].id for _, r in records}
    existing = {
        (c.cadre_id, c.cert_type, c.number): c
        for c in session.scalars(select(Certificate).where(Certificate.cadre_id.in_(ids)))
    }
    for _, r in records:
        key = (cadres[r["cadre_code"]].id, r["cert_type"], r.get("number") or "")
        values = {k: v for k, v in r.items() if k not in {"cadre_code", "cert_type", "number"}}
        _upsert(
            session,
            existing,
            key,
            partial(Certificate, cadre_id=key[0], cert_type=key[1], number=key[2]),
            values,
            counts,
        )
    return []


def _write_commitments(
    session: Session, records: list[tuple[int, dict[str, Any]]], counts: UpsertCounts
) -> list[RowError]:
    """Cam kết phục vụ / đền bù: one per cadre, course and start date; re-importing the same file changes nothing."""
    errors = _duplicates(
        records,
        lambda r: (r["cadre_code"], r.get("course_code") or "", r["start_date"]),
        "cam kết (cán bộ, khóa, ngày)",
    )
    cadres = _by_code(session, Cadre, [r["cadre_code"] for _, r in records])
    courses = _by_code(session, Course, [r.get("course_code") or "" for _, r in records])
    for row_no, r in records:
        if r["cadre_code"] not in cadres:
            errors.append(RowError(row_no, f"không có cán bộ mã '{r['cadre_code']}'"))
        if r.get("course_code") and r["course_code"] not in courses:
            errors.append(RowError(row_no, f"không có khóa học mã '{r['course_code']}'"))
        if r.get("service_years") is not None and not 0 < r["service_years"] <= 50:
            errors.append(RowError(row_no, f"số năm cam kết '{r['service_years']}' không hợp lệ (từ 1 đến 50)"))
        if r.get("cost") is not None and r["cost"] < 0:
            errors.append(RowError(row_no, f"chi phí đào tạo '{r['cost']}' không hợp lệ"))
    if errors:
        return errors
    ids = {cadres[r["cadre_code"]].id for _, r in records}
    existing = {
        (c.cadre_id, c.course_id, c.start_date): c
        for c in session.scalars(select(StudyCommitment).where(StudyCommitment.cadre_id.in_(ids)))
    }
    for _, r in records:
        course_id = courses[r["course_code"]].id if r.get("course_code") else None
        key = (cadres[r["cadre_code"]].id, course_id, r["start_date"])
        cost = r.get("cost")
        values = {
            "service_years": r["service_years"],
            "cost": Decimal(cost) if cost is not None else None,
            "note": r.get("note"),
        }
        make = partial(StudyCommitment, cadre_id=key[0], course_id=course_id, start_date=key[2])
        _upsert(session, existing, key, make, values, counts)
    return []


WRITERS: dict[str, Callable[[Session, list[tuple[int, dict[str, Any]]], UpsertCounts], list[RowError]]] = {
    "units": _write_units,
    "cadres": _write_cadres,
    "courses": _write_courses,
    "enrollments": _write_enrollments,
    "certificates": _write_certificates,
    "commitments": _write_commitments,
    "title_history": _write_title_history,
}


class Vocabulary(Protocol):
    """What the importer needs from the rule set: certificate types and title names (see rules.RuleSet)."""

    titles: dict[str, str]

    def certificate_code(self, text: str | None) -> str | None: ...

    def title_code_for_name(self, name: str | None) -> str | None: ...


def normalise_records(
    kind: str, records: list[tuple[int, dict[str, Any]]], vocabulary: Vocabulary | None
) -> list[RowError]:
    """Title codes normalised (found by name when absent) and certificate types mapped onto the vocabulary, in
    place; what could not be matched is a warning — the row is still imported, as typed."""
    from assistant.enrollment.rules import normalize_title_code

    warnings: list[RowError] = []
    for row_no, r in records:
        if kind in ("cadres", "title_history"):
            typed = r.get("title_code")
            code = normalize_title_code(typed)
            if typed and code != typed:
                r["title_code"] = code
            if vocabulary is None:
                continue
            known = {normalize_title_code(c) for c in vocabulary.titles}
            if not code and r.get("title_name"):
                found = vocabulary.title_code_for_name(r["title_name"])
                if found:
                    r["title_code"] = found
                    warnings.append(
                        RowError(row_no, f"không có mã chức danh; theo tên '{r['title_name']}' xác định là mã {found}")
                    )
                else:
                    warnings.append(
                        RowError(
                            row_no,
                            f"không có mã chức danh và tên '{r['title_name']}' không khớp chức danh nào trong kho quy "
                            "định; các yêu cầu theo chức danh sẽ không được xét",
                        )
                    )
            elif code and code.startswith("V.") and code not in known:
                warnings.append(RowError(row_no, f"mã chức danh '{code}' không có trong kho quy định"))
        elif kind in ("certificates", "courses"):
            column = "cert_type" if kind == "certificates" else "certificate_type"
            typed = r.get(column)
            if not typed or vocabulary is None:
                continue
            cert_code = vocabulary.certificate_code(typed)
            if cert_code:
                r[column] = cert_code
            else:
                warnings.append(
                    RowError(
                        row_no,
                        f"loại chứng chỉ '{typed}' không có trong danh mục; được lưu như đã ghi nhưng không được tính "
                        "cho yêu cầu nào",
                    )
                )
    return warnings


class _Abort(Exception):
    """Rolls the transaction back after validation against the database found problems."""


def import_bytes(
    session: Session, data: bytes, filename: str, kind: str | None = None, vocabulary: Vocabulary | None = None
) -> ImportReport:
    """Validate then upsert one file inside one transaction of `session` (which must not be in one already)."""
    rows, encoding = read_rows(data, filename)
    texts = [c for _, cells in rows for c in cells if isinstance(c, str)]
    if legacy := legacy_encoding(texts):
        raise LegacyEncoding(
            f"Tệp '{filename}' có vẻ được gõ bằng bảng mã {legacy} (phông chữ cũ), không chuyển đổi chính xác được. "
            "Hãy chuyển sang Unicode (ví dụ bằng chức năng chuyển mã của Unikey) rồi lưu lại dạng CSV UTF-8 hoặc XLSX."
        )
    layout = find_layout(rows, kind)
    report = ImportReport(filename=filename, kind=layout.kind, encoding=encoding)
    records, errors = parse_records(rows, layout)
    report.rows = len(records)
    if errors:
        report.errors = errors
        return report
    report.warnings = normalise_records(layout.kind, records, vocabulary)
    counts = UpsertCounts()
    try:
        with session.begin():
            db_errors = WRITERS[layout.kind](session, records, counts)
            if db_errors:
                report.errors = db_errors
                raise _Abort
    except _Abort:
        return report
    except SQLAlchemyError as e:
        raise ImportRejected(f"Không ghi được tệp '{filename}' vào cơ sở dữ liệu; không dòng nào được nhập.") from e
    report.created, report.updated, report.unchanged = counts.created, counts.updated, counts.unchanged
    return report


def template_headers(kind: str) -> list[str]:
    """Vietnamese column headers for a blank import template of `kind`."""
    return [c.label for c in SCHEMAS[kind]]
