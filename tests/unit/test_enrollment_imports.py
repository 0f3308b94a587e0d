"""Spreadsheet imports against a real (temporary) SQLite database: bad files import nothing."""

from __future__ import annotations

import io
import unicodedata
from datetime import date, datetime

import pytest
from openpyxl import Workbook
from sqlalchemy import func, select

from assistant.db import make_engine, upgrade
from assistant.db import sessions as session_factory
from assistant.enrollment.errors import ImportRejected, LegacyEncoding
from assistant.enrollment.imports import decode_csv, import_bytes, legacy_encoding, parse_date
from assistant.enrollment.models import Cadre, CadreKind, Course, CourseFormat, CourseType, Enrollment, OrgUnit
from assistant.errors import UnsupportedFormat

UNITS_CSV = """Mã đơn vị,Tên đơn vị,Cấp đơn vị,Mã đơn vị cấp trên
T,UBND tỉnh Thử,tỉnh,
SGD,Sở Giáo dục và Đào tạo,sở,T
MN1,Trường Mầm non Thử,đơn vị sự nghiệp,SGD
"""
CADRES_CSV = """Mã cán bộ,Họ và tên,Ngày sinh,Mã đơn vị,Loại,Mã ngạch/chức danh,Hạng,Ngày tuyển dụng,Trình độ chuyên môn
CB01,Nguyễn Thị Hương,12/05/1990,MN1,viên chức,V.07.02.26,III,2015-09-01,cao đẳng
CB02,Trần Văn Nam,1988-01-31,SGD,công chức,01.003,,01/10/2012,đại học
CB03,Lê Thị Mai,45292,MN1,Viên chức,V.07.02.25,2,,thạc sĩ
"""


@pytest.fixture
def sessions(tmp_path):
    engine = make_engine("", sqlite_path=tmp_path / "enr.db")
    upgrade(engine)
    factory = session_factory(engine)
    yield factory
    engine.dispose()


def run(sessions, data: bytes | str, filename: str = "tep.csv", kind: str | None = None):
    raw = data.encode("utf-8") if isinstance(data, str) else data
    with sessions() as session:
        return import_bytes(session, raw, filename, kind)


def count(sessions, model) -> int:
    with sessions() as session:
        return session.scalar(select(func.count()).select_from(model))


@pytest.fixture
def with_units(sessions):
    assert run(sessions, UNITS_CSV, "don-vi.csv").ok
    return sessions


def test_units_import_links_parents_even_when_listed_later(sessions):
    reordered = (
        "Mã đơn vị,Tên đơn vị,Cấp đơn vị,Mã đơn vị cấp trên\nMN1,Trường MN,trường,SGD\nSGD,Sở GD,sở,T\nT,Tỉnh,tỉnh,\n"
    )
    report = run(sessions, reordered)
    assert report.ok and report.kind == "units" and report.created == 3
    with sessions() as s:
        mn = s.scalar(select(OrgUnit).where(OrgUnit.code == "MN1"))
        assert mn.parent.code == "SGD" and mn.parent.parent.code == "T"


def test_cadres_with_bom_vietnamese_headers_and_three_date_forms(with_units):
    report = run(with_units, b"\xef\xbb\xbf" + CADRES_CSV.encode("utf-8"))
    assert report.ok, report.messages
    assert (report.kind, report.encoding, report.created) == ("cadres", "utf-8-sig", 3)
    with with_units() as s:
        people = {c.code: c for c in s.scalars(select(Cadre))}
    assert people["CB01"].birth_date == date(1990, 5, 12) and people["CB01"].kind is CadreKind.VIEN_CHUC
    assert people["CB02"].birth_date == date(1988, 1, 31) and people["CB02"].recruited_on == date(2012, 10, 1)
    assert people["CB03"].birth_date == date(2024, 1, 1)  # Excel serial 45292
    assert people["CB03"].title_rank == "II" and people["CB03"].education_level == "thac_si"
    assert people["CB01"].full_name == unicodedata.normalize("NFC", "Nguyễn Thị Hương")


def test_reimport_is_idempotent_and_a_changed_row_is_an_update(with_units):
    assert run(with_units, CADRES_CSV).created == 3
    again = run(with_units, CADRES_CSV)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 3)
    changed = run(with_units, CADRES_CSV.replace("Trần Văn Nam", "Trần Văn Nam Anh"))
    assert (changed.created, changed.updated, changed.unchanged) == (0, 1, 2)
    assert count(with_units, Cadre) == 3


def test_bad_rows_are_reported_in_vietnamese_and_nothing_is_imported(with_units):
    bad = CADRES_CSV + (
        "CB04,Phạm Văn Hùng,31/02/1990,MN1,viên chức,,,,\n"  # line 5
        "CB05,,01/01/1991,MN1,viên chức,,,,\n"  # line 6
        "CB06,Đỗ Thị Lan,01/01/1992,MN1,nhân viên,,,,\n"  # line 7
        "CB01,Trùng Mã,01/01/1993,MN1,viên chức,,,,\n"  # line 8
    )
    report = run(with_units, bad)
    assert not report.ok and report.created == 0
    assert "Dòng 5: ngày sinh '31/02/1990' không hợp lệ" in report.messages
    assert "Dòng 6: thiếu họ và tên" in report.messages
    assert "Dòng 7: loại 'nhân viên' không hợp lệ" in report.messages
    assert count(with_units, Cadre) == 0
    assert "không nhập dòng nào" in report.summary()


def test_database_level_problems_also_import_nothing(with_units):
    unknown_unit = CADRES_CSV + "CB09,Vũ Minh Sơn,01/01/1990,KHONGCO,viên chức,,,,\n"
    report = run(with_units, unknown_unit)
    assert report.messages == ["Dòng 5: không có đơn vị mã 'KHONGCO'"]
    assert count(with_units, Cadre) == 0
    duplicate = CADRES_CSV + "CB02,Trần Văn Nam,01/01/1990,SGD,công chức,,,,\n"
    assert run(with_units, duplicate).messages == ["Dòng 5: mã cán bộ trùng với dòng 3"]
    assert count(with_units, Cadre) == 0


TONE_MARKS = "\u0300\u0301\u0303\u0309\u0323"


def to_cp1258(text: str) -> bytes:
    """Encode as Windows-1258 does: base letters precomposed where the code page has them, tones combining."""
    out = bytearray()
    for ch in unicodedata.normalize("NFC", text):
        try:
            out += ch.encode("cp1258")
        except UnicodeEncodeError:
            parts = unicodedata.normalize("NFD", ch)
            tones = "".join(c for c in parts if c in TONE_MARKS)
            base = unicodedata.normalize("NFC", "".join(c for c in parts if c not in TONE_MARKS))
            out += base.encode("cp1258") + tones.encode("cp1258")
    return bytes(out)


def test_windows_1258_file_is_detected_and_converted(with_units):
    data = to_cp1258(CADRES_CSV)
    with pytest.raises(UnicodeDecodeError):
        data.decode("utf-8")
    report = run(with_units, data)
    assert report.ok and report.encoding == "cp1258" and report.created == 3
    with with_units() as s:
        names = set(s.scalars(select(Cadre.full_name)))
    assert names == {"Nguyễn Thị Hương", "Trần Văn Nam", "Lê Thị Mai"}


def test_western_cp1252_file_stays_cp1252():
    text, encoding = decode_csv("code,name\nX1,José Müller\n".encode("cp1252"))
    assert encoding == "cp1252" and "José Müller" in text


@pytest.mark.parametrize(
    ("sample", "expected"),
    [
        ("M· c¸n bé,Hä vµ tªn,M· ®¬n vÞ", "TCVN3"),  # "Mã cán bộ,Họ và tên,Mã đơn vị" typed with .VnTime
        ("Hoï vaø teân,Ngaøy sinh,Ñôn vò", "VNI"),  # the same in VNI-Times
        ("Mã cán bộ,Họ và tên,Đỗ Thị Hương,Nguyễn Văn Ước", None),
    ],
)
def test_legacy_font_encodings_are_recognised(sample, expected):
    assert legacy_encoding([sample]) == expected


def test_legacy_encoded_file_is_rejected_with_a_clear_message(with_units):
    tcvn3 = "M· c¸n bé,Hä vµ tªn,M· ®¬n vÞ,Lo¹i\nCB1,NguyÔn V¨n A,MN1,viªn chøc\n".encode("cp1252")
    with pytest.raises(LegacyEncoding, match="TCVN3") as err:
        run(with_units, tcvn3)
    assert "Unicode" in err.value.message
    assert count(with_units, Cadre) == 0


def xlsx(rows: list[list], title_rows: int = 2) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.append(["DANH SÁCH KHÓA BỒI DƯỠNG NĂM 2025"])
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=6)
    for _ in range(title_rows - 1):
        ws.append([])
    for row in rows:
        ws.append(row)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def test_xlsx_with_merged_title_rows_english_aliases_and_excel_dates(with_units):
    data = xlsx(
        [
            ["Course code", "Course name", "Type", "Start date", "End date", "Hours", "Format", "Country"],
            [
                "K01",
                "Bồi dưỡng CDNN giáo viên mầm non hạng III",
                "chức danh nghề nghiệp",
                45355,
                45379.0,
                120,
                "tập trung",
                None,
            ],
            [
                "K02",
                "Quản trị bệnh viện",
                "chuyên môn, nghiệp vụ",
                datetime(2024, 11, 4),
                "15/11/2024",
                "80",
                "Trực tuyến",
                "Singapore",
            ],
        ]
    )
    report = run(with_units, data, "khoa-hoc.xlsx")
    assert report.ok, report.messages
    assert (report.kind, report.created) == ("courses", 2)
    with with_units() as s:
        k1 = s.scalar(select(Course).where(Course.code == "K01"))
        k2 = s.scalar(select(Course).where(Course.code == "K02"))
    assert k1.start_date == date(2024, 3, 4) and k1.end_date == date(2024, 3, 28) and k1.hours == 120
    assert k1.course_type is CourseType.CHUC_DANH_NGHE_NGHIEP and not k1.abroad
    assert k2.format is CourseFormat.TRUC_TUYEN and k2.abroad and k2.end_date == date(2024, 11, 15)


def test_xlsx_bad_row_numbers_are_spreadsheet_rows(with_units):
    data = xlsx(
        [
            ["Mã khóa học", "Tên khóa học", "Loại khóa học", "Số tiết"],
            ["K01", "Khóa một", "tin học", 40],
            ["K02", "Khóa hai", "không biết", "bốn mươi"],
        ],
        title_rows=3,
    )
    report = run(with_units, data, "khoa-hoc.xlsx")
    assert report.messages == [
        "Dòng 6: loại khóa học 'không biết' không hợp lệ",
        "Dòng 6: số tiết 'bốn mươi' không hợp lệ",
    ]
    assert count(with_units, Course) == 0


def test_enrollments_reference_known_cadres_and_courses(with_units):
    assert run(with_units, CADRES_CSV).ok
    assert run(with_units, "Mã khóa học,Tên khóa học,Loại khóa học\nK01,Khóa CDNN,CDNN\n").ok
    good = (
        "Mã cán bộ,Mã khóa học,Trạng thái,Ngày hoàn thành,Số chứng chỉ\n"
        "CB01,K01,hoàn thành,20/06/2024,CC-1\nCB02,K01,đang học,,\n"
    )
    report = run(with_units, good)
    assert report.ok and report.kind == "enrollments" and report.created == 2
    bad = "Mã cán bộ,Mã khóa học,Trạng thái\nCB03,K01,đã rút\nCB99,K01,hoàn thành\n"
    report = run(with_units, bad)
    assert report.messages == [
        "Dòng 3: không có cán bộ mã 'CB99'",
        "Dòng 3: trạng thái hoàn thành cần ngày hoàn thành hoặc ngày cấp chứng chỉ",
    ]
    assert count(with_units, Enrollment) == 2
    assert run(with_units, good).unchanged == 2


def test_unknown_layout_and_unsupported_type_are_rejected(with_units):
    with pytest.raises(ImportRejected, match="Không tìm thấy dòng tiêu đề"):
        run(with_units, "a,b,c\n1,2,3\n")
    with pytest.raises(UnsupportedFormat):
        run(with_units, b"%PDF-1.4", "bao-cao.pdf")
    with pytest.raises(ImportRejected, match="Excel"):
        run(with_units, b"not a zip", "hong.xlsx")


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("05/03/2024", date(2024, 3, 5)),
        ("5-3-2024", date(2024, 3, 5)),
        ("2024-03-05", date(2024, 3, 5)),
        (45356, date(2024, 3, 5)),
        ("45356", date(2024, 3, 5)),
        (datetime(2024, 3, 5, 8, 30), date(2024, 3, 5)),
        ("", None),
        (None, None),
    ],
)
def test_date_forms(raw, expected):
    assert parse_date(raw) == expected


@pytest.mark.parametrize("raw", ["31/02/1990", "2024-13-01", "hôm qua", "12/2024", 0, True])
def test_bad_dates(raw):
    with pytest.raises(ValueError):
        parse_date(raw)


# ----------------------------------------------------------------------------------------------- issue 13


UNIT_HEADER = "Mã đơn vị,Tên đơn vị,Cấp đơn vị,Mã đơn vị cấp trên\n"


def test_reparenting_the_province_under_its_own_school_is_refused(with_units):
    report = run(with_units, UNIT_HEADER + "T,UBND tỉnh Thử,tỉnh,MN1\n")
    assert not report.ok
    assert report.messages == ["Dòng 2: đơn vị cấp tỉnh 'T' không thể trực thuộc đơn vị 'MN1'"]
    with with_units() as s:
        assert s.scalar(select(OrgUnit).where(OrgUnit.code == "T")).parent_id is None


def test_a_two_unit_cycle_is_refused_with_a_row_error(with_units):
    assert run(with_units, UNIT_HEADER + "A,Phòng A,phòng,SGD\nB,Phòng B,phòng,A\n").ok
    report = run(with_units, UNIT_HEADER + "A,Phòng A,phòng,B\n")
    assert not report.ok and len(report.messages) == 1
    assert report.messages[0].startswith("Dòng 2: đơn vị cấp trên 'B' tạo thành vòng lặp")
    in_file = run(with_units, UNIT_HEADER + "X,Phòng X,phòng,Y\nY,Phòng Y,phòng,X\n")
    assert not in_file.ok and all("vòng lặp" in m for m in in_file.messages)
    assert count(with_units, OrgUnit) == 5


def test_a_units_file_without_the_parent_column_keeps_the_tree(with_units):
    assert run(with_units, "Mã đơn vị,Tên đơn vị,Cấp đơn vị\nMN1,Trường Mầm non Thử (mới),đơn vị sự nghiệp\n").ok
    with with_units() as s:
        assert s.scalar(select(OrgUnit).where(OrgUnit.code == "MN1")).parent.code == "SGD"


def test_scope_stays_narrow_even_if_a_cycle_reached_the_database(with_units):
    from assistant.enrollment.repository import UnitTree

    with with_units() as s, s.begin():  # bad data written behind the importer's back
        units = {u.code: u for u in s.scalars(select(OrgUnit))}
        units["T"].parent_id = units["MN1"].id
    with with_units() as s:
        tree = UnitTree.load(s)
        assert tree.subtree("SGD") == [] and tree.subtree("T") == []
        assert [u.code for u in tree.path(units["MN1"].id)][-1] == "MN1"  # terminates


@pytest.mark.parametrize("hours", ["1e20", "1" * 400, "99999999999", "-5000000"])
def test_out_of_range_numbers_are_row_errors(with_units, hours):
    report = run(with_units, f"Mã khóa học,Tên khóa học,Loại khóa học,Số tiết\nK9,Khóa,CDNN,{hours}\n")
    assert not report.ok and report.messages == [f"Dòng 2: số tiết '{hours}' không hợp lệ"]


def test_huge_numbers_in_xlsx_cells_are_row_errors(with_units):
    data = xlsx([["Mã khóa học", "Tên khóa học", "Loại khóa học", "Số tiết"], ["K9", "Khóa", "CDNN", 1e20]], 0)
    report = run(with_units, data, "k.xlsx")
    assert not report.ok and "số tiết" in report.messages[0]
