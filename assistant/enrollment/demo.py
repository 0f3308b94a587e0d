"""A synthetic demo province — DỮ LIỆU MẪU, không phải người thật — for trying the assistant and for tests.

Reproducible (fixed seed) and relative to the date it is loaded (`as_of`, today for `assistant demo load`): the
province is laid out around a reference date and every date is moved by the distance from it to `as_of`, so
courses under way are under way and probation deadlines fall due whenever it is loaded. Idempotent for one `as_of`:
`load_demo` upserts through the same writers as the spreadsheet importer, so loading twice leaves one copy.
Local government has two tiers (tỉnh → xã/phường, no district level since 01/7/2025).
Every code starts with "DEMO-" and the root unit's name
carries the label, so demo records are never mistaken for real personnel data.
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from assistant.enrollment.imports import WRITERS, ImportReport, UpsertCounts
from assistant.enrollment.models import Cadre, Course, StudyCommitment

DEMO_LABEL = "DỮ LIỆU MẪU – không phải người thật"
DEMO_SEED = 20250901
DEMO_AS_OF = date(2025, 9, 1)  # the reference date the layout below is written around (tests pin it)
ROOT = "DEMO-TINH"

UNITS = [  # code, name, level, parent — two tiers: tỉnh → xã/phường (no district level since 01/7/2025)
    (ROOT, f"UBND tỉnh Mẫu ({DEMO_LABEL})", "tinh", None),
    ("DEMO-SGD", "Sở Giáo dục và Đào tạo", "so_ban_nganh", ROOT),
    ("DEMO-THPT-A", "Trường THPT Mẫu A", "don_vi_su_nghiep", "DEMO-SGD"),
    ("DEMO-THPT-B", "Trường THPT Mẫu B", "don_vi_su_nghiep", "DEMO-SGD"),
    ("DEMO-SYT", "Sở Y tế", "so_ban_nganh", ROOT),
    ("DEMO-BVDK", "Bệnh viện Đa khoa tỉnh Mẫu", "don_vi_su_nghiep", "DEMO-SYT"),
    ("DEMO-TTYT-H1", "Trung tâm Y tế khu vực Mẫu Một", "don_vi_su_nghiep", "DEMO-SYT"),
    ("DEMO-SNV", "Sở Nội vụ", "so_ban_nganh", ROOT),
    ("DEMO-SNV-VP", "Văn phòng Sở Nội vụ", "phong", "DEMO-SNV"),
    ("DEMO-TTLT", "Trung tâm Lưu trữ lịch sử tỉnh Mẫu", "don_vi_su_nghiep", "DEMO-SNV"),
    ("DEMO-TTCTXH", "Trung tâm Công tác xã hội tỉnh Mẫu", "don_vi_su_nghiep", "DEMO-SNV"),
    ("DEMO-SVH", "Sở Văn hóa, Thể thao và Du lịch", "so_ban_nganh", ROOT),
    ("DEMO-TV", "Thư viện tỉnh Mẫu", "don_vi_su_nghiep", "DEMO-SVH"),
    ("DEMO-BT", "Bảo tàng tỉnh Mẫu", "don_vi_su_nghiep", "DEMO-SVH"),
    ("DEMO-TTHL", "Trung tâm Huấn luyện và Thi đấu thể dục thể thao tỉnh Mẫu", "don_vi_su_nghiep", "DEMO-SVH"),
    ("DEMO-SNNMT", "Sở Nông nghiệp và Môi trường", "so_ban_nganh", ROOT),
    ("DEMO-TTDVNN", "Trung tâm Dịch vụ nông nghiệp tỉnh Mẫu", "don_vi_su_nghiep", "DEMO-SNNMT"),
    ("DEMO-VPDKDD", "Văn phòng Đăng ký đất đai tỉnh Mẫu", "don_vi_su_nghiep", "DEMO-SNNMT"),
    ("DEMO-BPTTH", "Báo và Phát thanh, Truyền hình tỉnh Mẫu", "don_vi_su_nghiep", ROOT),
    ("DEMO-H1", "UBND xã Mẫu Một", "xa", ROOT),
    ("DEMO-H1-PNV", "Phòng Văn hóa – Xã hội xã Mẫu Một", "phong", "DEMO-H1"),
    ("DEMO-H1-MN", "Trường Mầm non Hoa Sen", "don_vi_su_nghiep", "DEMO-H1"),
    ("DEMO-H1-TH", "Trường Tiểu học Mẫu Một", "don_vi_su_nghiep", "DEMO-H1"),
    ("DEMO-H1-THCS", "Trường THCS Mẫu Một", "don_vi_su_nghiep", "DEMO-H1"),
    ("DEMO-H2", "UBND phường Mẫu Hai", "xa", ROOT),
    ("DEMO-H2-MN", "Trường Mầm non Sơn Ca", "don_vi_su_nghiep", "DEMO-H2"),
    ("DEMO-H2-TH", "Trường Tiểu học Mẫu Hai", "don_vi_su_nghiep", "DEMO-H2"),
]


@dataclass(frozen=True)
class Title:
    code: str
    name: str
    rank: str | None
    cert: str | None  # certificate type the title's standard asks for
    course: str | None  # demo course that awards it
    education: str = "dai_hoc"
    major: str = ""


T = Title
TITLES: dict[str, list[Title]] = {  # unit kind → titles held there
    "mn": [
        T(
            "V.07.02.26",
            "Giáo viên mầm non hạng III",
            "III",
            "cdnn_gvmn_h3",
            "DEMO-K-GVMN3",
            "cao_dang",
            "Giáo dục mầm non",
        ),
        T(
            "V.07.02.25",
            "Giáo viên mầm non hạng II",
            "II",
            "cdnn_gvmn_h2",
            "DEMO-K-GVMN2",
            "dai_hoc",
            "Giáo dục mầm non",
        ),
        T("V.07.02.24", "Giáo viên mầm non hạng I", "I", "cdnn_gvmn_h1", "DEMO-K-GVMN1", "dai_hoc", "Giáo dục mầm non"),
    ],
    "th": [
        T(
            "V.07.03.29",
            "Giáo viên tiểu học hạng III",
            "III",
            "cdnn_gvth_h3",
            "DEMO-K-GVTH3",
            "dai_hoc",
            "Giáo dục tiểu học",
        ),
        T(
            "V.07.03.28",
            "Giáo viên tiểu học hạng II",
            "II",
            "cdnn_gvth_h2",
            "DEMO-K-GVTH2",
            "dai_hoc",
            "Giáo dục tiểu học",
        ),
        T(
            "V.07.03.27",
            "Giáo viên tiểu học hạng I",
            "I",
            "cdnn_gvth_h1",
            "DEMO-K-GVTH1",
            "dai_hoc",
            "Giáo dục tiểu học",
        ),
    ],
    "thcs": [
        T(
            "V.07.04.32",
            "Giáo viên trung học cơ sở hạng III",
            "III",
            "cdnn_gvthcs_h3",
            "DEMO-K-GVTHCS",
            "dai_hoc",
            "Sư phạm Toán",
        ),
        T(
            "V.07.04.31",
            "Giáo viên trung học cơ sở hạng II",
            "II",
            "cdnn_gvthcs_h2",
            "DEMO-K-GVTHCS",
            "dai_hoc",
            "Sư phạm Ngữ văn",
        ),
    ],
    "thpt": [
        T(
            "V.07.05.15",
            "Giáo viên trung học phổ thông hạng III",
            "III",
            "cdnn_gvthpt_h3",
            "DEMO-K-GVTHPT",
            "dai_hoc",
            "Sư phạm Vật lý",
        ),
        T(
            "V.07.05.14",
            "Giáo viên trung học phổ thông hạng II",
            "II",
            "cdnn_gvthpt_h2",
            "DEMO-K-GVTHPT",
            "dai_hoc",
            "Sư phạm Hóa học",
        ),
        T(
            "V.07.05.13",
            "Giáo viên trung học phổ thông hạng I",
            "I",
            "cdnn_gvthpt_h1",
            "DEMO-K-GVTHPT",
            "thac_si",
            "Lý luận và PPDH",
        ),
    ],
    "yte": [
        T("V.08.05.12", "Điều dưỡng hạng III", "III", "cdnn_dieu_duong", "DEMO-K-DD", "dai_hoc", "Điều dưỡng"),
        T("V.08.05.13", "Điều dưỡng hạng IV", "IV", "cdnn_dieu_duong", "DEMO-K-DD", "cao_dang", "Điều dưỡng"),
        T("V.08.05.11", "Điều dưỡng hạng II", "II", "cdnn_dieu_duong", "DEMO-K-DD", "chuyen_khoa_1", "Điều dưỡng"),
        T("V.08.01.03", "Bác sĩ (hạng III)", "III", "cdnn_bac_si", "DEMO-K-BS", "dai_hoc", "Y khoa"),
        T("V.08.01.02", "Bác sĩ chính (hạng II)", "II", "bd_bac_si_chinh", "DEMO-K-BSC", "chuyen_khoa_1", "Nội khoa"),
        T("V.08.06.15", "Hộ sinh hạng III", "III", "cdnn_ho_sinh", "DEMO-K-HS", "dai_hoc", "Hộ sinh"),
        T("V.08.08.22", "Dược sĩ", "III", "cdnn_duoc", "DEMO-K-DUOC", "dai_hoc", "Dược học"),
    ],
    "disan": [
        T(
            "V.10.05.17",
            "Di sản viên hạng III",
            "III",
            "cdnn_vien_chuc_chuyen_nganh_di_san_van_hoa",
            "DEMO-K-DS",
            "dai_hoc",
            "Bảo tàng học",
        ),
    ],
    "tdtt": [
        T(
            "V.10.01.03",
            "Huấn luyện viên (hạng III)",
            "III",
            "cdnn_vien_chuc_chuyen_nganh_the_duc_the_thao",
            "DEMO-K-TDTT",
            "dai_hoc",
            "Giáo dục thể chất",
        ),
    ],
    "nongnghiep": [
        T("V.03.01.03", "Kỹ thuật viên bảo vệ thực vật hạng IV", "IV", None, None, "trung_cap", "Bảo vệ thực vật"),
    ],
    "diachinh": [
        T(
            "V.06.01.02",
            "Địa chính viên hạng III",
            "III",
            "cdnn_vien_chuc_chuyen_nganh_dia_chinh",
            "DEMO-K-DC",
            "dai_hoc",
            "Quản lý đất đai",
        ),
    ],
    "xahoi": [
        T(
            "V.09.04.02",
            "Công tác xã hội viên (hạng III)",
            "III",
            "cdnn_cong_tac_xa_hoi_vien_hang_iii",
            "DEMO-K-CTXH",
            "dai_hoc",
            "Công tác xã hội",
        ),
    ],
    "baochi": [
        T(
            "V.11.01.03",
            "Biên tập viên hạng III",
            "III",
            "cdnn_bien_tap_vien_hang_iii",
            "DEMO-K-BTV",
            "dai_hoc",
            "Báo chí",
        ),
    ],
    "luutru": [
        T("V.01.02.02", "Lưu trữ viên", None, "bd_nghiep_vu_luu_tru", "DEMO-K-LT", "dai_hoc", "Lưu trữ học"),
        T("V.01.02.01", "Lưu trữ viên chính", None, "bd_nghiep_vu_luu_tru", "DEMO-K-LT", "dai_hoc", "Luật"),
    ],
    "thuvien": [
        T(
            "V.10.02.06",
            "Thư viện viên hạng III",
            "III",
            "cdnn_thu_vien",
            "DEMO-K-TV",
            "dai_hoc",
            "Thông tin – thư viện",
        )
    ],
    "congchuc": [
        T("01.003", "Chuyên viên", None, None, None, "dai_hoc", "Hành chính học"),
        T("01.002", "Chuyên viên chính", None, None, None, "thac_si", "Quản lý công"),
    ],
}
UNIT_KIND = {
    "DEMO-H1-MN": "mn",
    "DEMO-H2-MN": "mn",
    "DEMO-H1-TH": "th",
    "DEMO-H2-TH": "th",
    "DEMO-H1-THCS": "thcs",
    "DEMO-THPT-A": "thpt",
    "DEMO-THPT-B": "thpt",
    "DEMO-BVDK": "yte",
    "DEMO-TTYT-H1": "yte",
    "DEMO-TTLT": "luutru",
    "DEMO-TV": "thuvien",
    "DEMO-SGD": "congchuc",
    "DEMO-SYT": "congchuc",
    "DEMO-SNV-VP": "congchuc",
    "DEMO-SVH": "congchuc",
    "DEMO-H1-PNV": "congchuc",
    "DEMO-BT": "disan",
    "DEMO-TTHL": "tdtt",
    "DEMO-TTDVNN": "nongnghiep",
    "DEMO-VPDKDD": "diachinh",
    "DEMO-TTCTXH": "xahoi",
    "DEMO-BPTTH": "baochi",
    "DEMO-SNNMT": "congchuc",
}
HEADS = {
    "mn": "Hiệu trưởng",
    "th": "Hiệu trưởng",
    "thcs": "Hiệu trưởng",
    "thpt": "Hiệu trưởng",
    "yte": "Trưởng khoa",
    "luutru": "Giám đốc",
    "thuvien": "Giám đốc",
    "congchuc": "Trưởng phòng",
    "disan": "Giám đốc",
    "tdtt": "Giám đốc",
    "nongnghiep": "Giám đốc",
    "diachinh": "Giám đốc",
    "xahoi": "Giám đốc",
    "baochi": "Tổng Biên tập",
}

COURSES = [  # code, name, type, certificate, hours, format, country, start
    (
        "DEMO-K-GVMN3",
        "Bồi dưỡng theo tiêu chuẩn CDNN giáo viên mầm non hạng III",
        "chuc_danh_nghe_nghiep",
        "cdnn_gvmn_h3",
        120,
        "khong_tap_trung",
        "",
        date(2024, 3, 4),
    ),
    (
        "DEMO-K-GVMN2",
        "Bồi dưỡng theo tiêu chuẩn CDNN giáo viên mầm non hạng II",
        "chuc_danh_nghe_nghiep",
        "cdnn_gvmn_h2",
        120,
        "khong_tap_trung",
        "",
        date(2023, 7, 3),
    ),
    (
        "DEMO-K-GVMN1",
        "Bồi dưỡng theo tiêu chuẩn CDNN giáo viên mầm non hạng I",
        "chuc_danh_nghe_nghiep",
        "cdnn_gvmn_h1",
        120,
        "tap_trung",
        "",
        date(2024, 7, 1),
    ),
    (
        "DEMO-K-GVTH3",
        "Bồi dưỡng theo tiêu chuẩn CDNN giáo viên tiểu học hạng III",
        "chuc_danh_nghe_nghiep",
        "cdnn_gvth_h3",
        120,
        "truc_tuyen",
        "",
        date(2025, 7, 7),
    ),
    (
        "DEMO-K-GVTH2",
        "Bồi dưỡng theo tiêu chuẩn CDNN giáo viên tiểu học hạng II",
        "chuc_danh_nghe_nghiep",
        "cdnn_gvth_h2",
        120,
        "khong_tap_trung",
        "",
        date(2023, 6, 5),
    ),
    (
        "DEMO-K-GVTH1",
        "Bồi dưỡng theo tiêu chuẩn CDNN giáo viên tiểu học hạng I",
        "chuc_danh_nghe_nghiep",
        "cdnn_gvth_h1",
        120,
        "tap_trung",
        "",
        date(2024, 6, 3),
    ),
    (
        "DEMO-K-GVTHCS",
        "Bồi dưỡng theo tiêu chuẩn CDNN giáo viên trung học cơ sở",
        "chuc_danh_nghe_nghiep",
        "cdnn_gvthcs_h3",
        120,
        "khong_tap_trung",
        "",
        date(2023, 8, 7),
    ),
    (
        "DEMO-K-GVTHPT",
        "Bồi dưỡng theo tiêu chuẩn CDNN giáo viên trung học phổ thông",
        "chuc_danh_nghe_nghiep",
        "cdnn_gvthpt_h3",
        120,
        "khong_tap_trung",
        "",
        date(2025, 8, 4),
    ),
    (
        "DEMO-K-DD",
        "Bồi dưỡng theo tiêu chuẩn CDNN điều dưỡng",
        "chuc_danh_nghe_nghiep",
        "cdnn_dieu_duong",
        80,
        "tap_trung",
        "",
        date(2023, 10, 2),
    ),
    (
        "DEMO-K-BS",
        "Bồi dưỡng theo tiêu chuẩn CDNN bác sĩ",
        "chuc_danh_nghe_nghiep",
        "cdnn_bac_si",
        80,
        "tap_trung",
        "",
        date(2024, 4, 1),
    ),
    (
        "DEMO-K-BSC",
        "Bồi dưỡng bác sĩ chính (hạng II)",
        "chuc_danh_nghe_nghiep",
        "bd_bac_si_chinh",
        120,
        "tap_trung",
        "",
        date(2025, 8, 18),
    ),
    (
        "DEMO-K-LT",
        "Bồi dưỡng nghiệp vụ lưu trữ",
        "chuyen_mon_nghiep_vu",
        "bd_nghiep_vu_luu_tru",
        160,
        "tap_trung",
        "",
        date(2024, 9, 9),
    ),
    (
        "DEMO-K-TV",
        "Bồi dưỡng tiêu chuẩn CDNN viên chức chuyên ngành thư viện",
        "chuc_danh_nghe_nghiep",
        "cdnn_thu_vien",
        80,
        "truc_tuyen",
        "",
        date(2024, 5, 6),
    ),
    (
        "DEMO-K-QL",
        "Bồi dưỡng lãnh đạo, quản lý cấp phòng",
        "lanh_dao_quan_ly",
        None,
        200,
        "tap_trung",
        "",
        date(2022, 9, 5),
    ),
    (
        "DEMO-K-LLCT",
        "Trung cấp lý luận chính trị – hành chính",
        "ly_luan_chinh_tri",
        None,
        1100,
        "khong_tap_trung",
        "",
        date(2024, 3, 1),
    ),
    (
        "DEMO-K-QLNN",
        "Bồi dưỡng kiến thức QLNN ngạch chuyên viên chính",
        "quan_ly_nha_nuoc",
        None,
        320,
        "tap_trung",
        "",
        date(2025, 6, 2),
    ),
    (
        "DEMO-K-HS",
        "Bồi dưỡng theo tiêu chuẩn CDNN hộ sinh",
        "chuc_danh_nghe_nghiep",
        "cdnn_ho_sinh",
        80,
        "tap_trung",
        "",
        date(2025, 7, 14),
    ),
    (
        "DEMO-K-DUOC",
        "Bồi dưỡng theo tiêu chuẩn CDNN dược",
        "chuc_danh_nghe_nghiep",
        "cdnn_duoc",
        80,
        "tap_trung",
        "",
        date(2024, 9, 16),
    ),
    (
        "DEMO-K-DS",
        "Bồi dưỡng tiêu chuẩn CDNN viên chức chuyên ngành di sản văn hóa",
        "chuc_danh_nghe_nghiep",
        "cdnn_vien_chuc_chuyen_nganh_di_san_van_hoa",
        80,
        "truc_tuyen",
        "",
        date(2025, 8, 4),
    ),
    (
        "DEMO-K-TDTT",
        "Bồi dưỡng tiêu chuẩn CDNN viên chức chuyên ngành thể dục thể thao",
        "chuc_danh_nghe_nghiep",
        "cdnn_vien_chuc_chuyen_nganh_the_duc_the_thao",
        80,
        "tap_trung",
        "",
        date(2024, 5, 13),
    ),
    (
        "DEMO-K-DC",
        "Bồi dưỡng theo tiêu chuẩn CDNN viên chức chuyên ngành địa chính",
        "chuc_danh_nghe_nghiep",
        "cdnn_vien_chuc_chuyen_nganh_dia_chinh",
        120,
        "khong_tap_trung",
        "",
        date(2025, 6, 23),
    ),
    (
        "DEMO-K-CTXH",
        "Bồi dưỡng tiêu chuẩn CDNN công tác xã hội viên (hạng III)",
        "chuc_danh_nghe_nghiep",
        "cdnn_cong_tac_xa_hoi_vien_hang_iii",
        80,
        "tap_trung",
        "",
        date(2024, 10, 21),
    ),
    (
        "DEMO-K-BTV",
        "Bồi dưỡng tiêu chuẩn chức danh biên tập viên hạng III",
        "chuc_danh_nghe_nghiep",
        "cdnn_bien_tap_vien_hang_iii",
        80,
        "tap_trung",
        "",
        date(2025, 3, 10),
    ),
    (
        "DEMO-K-GVMN3-CU",
        "Bồi dưỡng theo tiêu chuẩn CDNN giáo viên mầm non hạng III (khóa trước)",
        "chuc_danh_nghe_nghiep",
        "cdnn_gvmn_h3",
        120,
        "khong_tap_trung",
        "",
        date(2024, 2, 5),
    ),
    ("DEMO-K-ANH", "Tiếng Anh bậc 3 (B1)", "ngoai_ngu", None, 150, "truc_tuyen", "", date(2025, 2, 10)),
    ("DEMO-K-TIN", "Ứng dụng công nghệ thông tin cơ bản", "tin_hoc", None, 60, "truc_tuyen", "", date(2024, 10, 7)),
    (
        "DEMO-K-CNKT",
        "Cập nhật kiến thức chuyển đổi số trong khu vực công",
        "cap_nhat_kien_thuc",
        None,
        16,
        "truc_tuyen",
        "",
        date(2025, 4, 14),
    ),
    (
        "DEMO-K-SG",
        "Quản trị bệnh viện (khóa ngắn hạn ở nước ngoài)",
        "chuyen_mon_nghiep_vu",
        None,
        80,
        "tap_trung",
        "Singapore",
        date(2024, 11, 4),
    ),
    (
        "DEMO-K-THS",
        "Thạc sĩ Quản lý giáo dục (cử đi học)",
        "sau_dai_hoc",
        None,
        900,
        "khong_tap_trung",
        "",
        date(2021, 9, 6),
    ),
]

FAMILY = [
    "Nguyễn",
    "Trần",
    "Lê",
    "Phạm",
    "Hoàng",
    "Vũ",
    "Đặng",
    "Bùi",
    "Đỗ",
    "Hồ",
    "Ngô",
    "Dương",
    "Lý",
    "Phan",
    "Đinh",
]
MIDDLE_F = ["Thị", "Thu", "Ngọc", "Thanh", "Minh", "Hồng", "Phương"]
MIDDLE_M = ["Văn", "Đức", "Minh", "Quang", "Hữu", "Công", "Thành"]
GIVEN_F = ["Hương", "Lan", "Mai", "Hà", "Linh", "Trang", "Thảo", "Ngân", "Yến", "Hạnh", "Nhung", "Oanh", "Vân", "Huyền"]
GIVEN_M = [
    "Hùng",
    "Dũng",
    "Nam",
    "Sơn",
    "Tuấn",
    "Long",
    "Hải",
    "Quân",
    "Thắng",
    "Phong",
    "Khánh",
    "Bình",
    "Tùng",
    "Việt",
]


def _rows(items: list[dict[str, Any]]) -> list[tuple[int, dict[str, Any]]]:
    return list(enumerate(items, start=1))


def _units() -> list[dict[str, Any]]:
    return [{"code": c, "name": n, "level": lv, "parent_code": p} for c, n, lv, p in UNITS]


RUNNING = "-HT"  # suffix of a course's current offering: started a month before the reference date, still running


def _offerings() -> list[tuple[str, str, str, str | None, int, str, str, date, date]]:
    """Every course with its end date, plus a current offering of each certificate course."""
    out = []
    for code, name, ctype, cert, hours, fmt, country, start in COURSES:
        out.append(
            (code, name, ctype, cert, hours, fmt, country, start, start + timedelta(days=7 * max(1, hours // 40)))
        )
        if cert and not code.endswith("-CU"):
            begin = DEMO_AS_OF - timedelta(days=30)
            out.append(
                (
                    code + RUNNING,
                    f"{name} (khóa đang mở)",
                    ctype,
                    cert,
                    hours,
                    fmt,
                    country,
                    begin,
                    DEMO_AS_OF + timedelta(days=60),
                )
            )
    return out


def _courses(shift: timedelta = timedelta(0)) -> list[dict[str, Any]]:
    out = []
    for code, name, ctype, cert, hours, fmt, country, start, end in _offerings():
        start, end = start + shift, end + shift
        out.append(
            {
                "code": code,
                "name": f"{name} ({DEMO_LABEL})",
                "course_type": ctype,
                "certificate_type": cert,
                "provider": "Trường Chính trị tỉnh Mẫu" if not country else "Đối tác nước ngoài (mẫu)",
                "start_date": start,
                "end_date": end,
                "hours": hours,
                "format": fmt,
                "location": country or "Thành phố Mẫu",
                "country": country or "Việt Nam",
            }
        )
    return out


def _name(rng: random.Random) -> tuple[str, str]:
    female = rng.random() < 0.6
    middle, given = (MIDDLE_F, GIVEN_F) if female else (MIDDLE_M, GIVEN_M)
    return f"{rng.choice(FAMILY)} {rng.choice(middle)} {rng.choice(given)}", "Nữ" if female else "Nam"


def _rand_date(rng: random.Random, start: date, end: date) -> date:
    return start + timedelta(days=rng.randrange(max(1, (end - start).days)))


@dataclass
class _DemoData:
    cadres: list[dict[str, Any]]
    enrollments: list[dict[str, Any]]
    certificates: list[dict[str, Any]]
    commitments: list[tuple[str, str | None, int, date, int]]  # cadre, course, years, start, cost


def _shifted(items: list[dict[str, Any]], shift: timedelta) -> list[dict[str, Any]]:
    return [{k: (v + shift if isinstance(v, date) else v) for k, v in item.items()} for item in items]


def build_demo(n_cadres: int = 200, as_of: date = DEMO_AS_OF) -> _DemoData:
    """The demo records as plain dicts, dated relative to `as_of`; the same seed and date yield the same province."""
    data = _build(n_cadres)
    shift = as_of - DEMO_AS_OF
    return _DemoData(
        _shifted(data.cadres, shift),
        _shifted(data.enrollments, shift),
        _shifted(data.certificates, shift),
        [(c, k, y, start + shift, cost) for c, k, y, start, cost in data.commitments],
    )


def _build(n_cadres: int) -> _DemoData:
    """The province laid out around the reference date DEMO_AS_OF."""
    rng = random.Random(DEMO_SEED)
    data = _DemoData([], [], [], [])
    staffed = list(UNIT_KIND)
    courses = {c[0]: c for c in COURSES}
    head_done: set[str] = set()
    for i in range(1, n_cadres + 1):
        code = f"DEMO-{i:04d}"
        if i <= 8:  # elected cadres of the province and districts
            unit = rng.choice([ROOT, "DEMO-H1", "DEMO-H2"])
            name, gender = _name(rng)
            data.cadres.append(
                {
                    "code": code,
                    "full_name": name,
                    "gender": gender,
                    "unit_code": unit,
                    "kind": "can_bo",
                    "birth_date": _rand_date(rng, date(1965, 1, 1), date(1985, 1, 1)),
                    "position": rng.choice(["Chủ tịch UBND", "Phó Chủ tịch UBND"]),
                    "position_appointed_on": _rand_date(rng, date(2016, 1, 1), date(2024, 1, 1)),
                    "education_level": "thac_si",
                    "political_theory": "cao_cap",
                    "state_management": "chuyen_vien_cao_cap",
                    "foreign_language": "bac_3",
                    "it_skill": "co_ban",
                }
            )
            continue
        unit = staffed[i % len(staffed)]
        kind = UNIT_KIND[unit]
        title = rng.choice(TITLES[kind])
        data.cadres.append(_cadre(rng, code, unit, kind, title, head_done))
        _history(rng, data, code, title, data.cadres[-1], courses)
    _duplicates(data)
    return data


def _duplicates(data: _DemoData) -> None:
    """What the seed's HR officer calls "trùng lặp": two people sent again for a certificate they hold, and one
    registered in two running courses of the same type (deterministic, after the rest: the layout is unchanged)."""
    running = [c[0] for c in COURSES if c[3] and not c[0].endswith("-CU")]
    taken = {(e["cadre_code"], e["course_code"]) for e in data.enrollments}
    holders = [e for e in data.enrollments if e["status"] == "completed" and e["course_code"] in running]
    for e in holders[:2]:
        if (e["cadre_code"], e["course_code"] + RUNNING) not in taken:
            data.enrollments.append(
                {
                    "cadre_code": e["cadre_code"],
                    "course_code": e["course_code"] + RUNNING,
                    "status": "registered",
                    "registered_on": DEMO_AS_OF - timedelta(days=40),
                }
            )
    learners = [e for e in data.enrollments if e["status"] == "in_progress" and e["course_code"].endswith(RUNNING)]
    same_type = {c[0]: c[2] for c in COURSES}
    for e in learners[:1]:
        base = e["course_code"].removesuffix(RUNNING)
        other = next((c for c in running if c != base and same_type[c] == same_type[base]), None)
        if other and (e["cadre_code"], other + RUNNING) not in taken:
            data.enrollments.append(
                {
                    "cadre_code": e["cadre_code"],
                    "course_code": other + RUNNING,
                    "status": "registered",
                    "registered_on": DEMO_AS_OF - timedelta(days=35),
                }
            )


def _cadre(rng: random.Random, code: str, unit: str, kind: str, title: Title, head_done: set[str]) -> dict[str, Any]:
    name, gender = _name(rng)
    recent = rng.random() < 0.15
    recruited = (
        _rand_date(rng, date(2023, 6, 1), date(2025, 6, 1))
        if recent
        else _rand_date(rng, date(2003, 1, 1), date(2020, 1, 1))
    )
    cadre = {
        "code": code,
        "full_name": name,
        "gender": gender,
        "unit_code": unit,
        "kind": "cong_chuc" if kind == "congchuc" else "vien_chuc",
        "birth_date": _rand_date(rng, date(recruited.year - 35, 1, 1), date(recruited.year - 22, 1, 1)),
        "recruited_on": recruited,
        "title_code": title.code,
        "title_name": title.name,
        "title_rank": title.rank,
        "title_appointed_on": recruited if recent else _rand_date(rng, recruited, date(2024, 12, 31)),
        "education_level": title.education,
        "education_major": title.major,
        "political_theory": rng.choice([None, "so_cap", "trung_cap"]),
        "state_management": rng.choice([None, "chuyen_vien"]) if kind != "congchuc" else "chuyen_vien",
        "foreign_language": rng.choice([None, "bac_2", "bac_3", "bac_4"]),
        "it_skill": rng.choice([None, "co_ban", "co_ban", "nang_cao"]),
    }
    if unit not in head_done and not recent:
        head_done.add(unit)
        cadre["position"] = HEADS[kind]
        cadre["position_appointed_on"] = _rand_date(rng, date(2018, 1, 1), date(2025, 3, 1))
    elif rng.random() < 0.08 and not recent:
        cadre["position"] = "Phó " + HEADS[kind][0].lower() + HEADS[kind][1:]
        cadre["position_appointed_on"] = _rand_date(rng, date(2019, 1, 1), date(2025, 6, 1))
    _succession(cadre, kind, recent)
    return cadre


def _succession(cadre: dict[str, Any], kind: str, recent: bool) -> None:
    """Deputies are in the pool (quy hoạch) for their head's post; every 17th long-serving cadre is dự nguồn."""
    if str(cadre.get("position", "")).startswith("Phó "):
        cadre["succession_pool"] = "quy_hoach"
        cadre["succession_target"] = HEADS[kind]
    elif not recent and (n := re.search(r"(\d+)$", cadre["code"])) and int(n.group(1)) % 17 == 0:
        cadre["succession_pool"] = "du_nguon"
        cadre["succession_target"] = "Ủy viên Ban Chấp hành Đảng bộ tỉnh"


def _history(
    rng: random.Random, data: _DemoData, code: str, title: Title, cadre: dict[str, Any], courses: dict[str, Any]
) -> None:
    """Pick one scenario per person so that every status and every enrollment status occurs."""
    if title.code.startswith("V.07.") and int(code[5:]) % 9 == 0 and cadre.get("title_appointed_on"):
        # moved to this title by xét chuyển chức danh nghề nghiệp (08/2023/TT-BGDĐT Điều 6 khoản 5): no certificate
        cadre["title_change"] = "chuyen_chuc_danh"
    roll = rng.random()
    if title.course:
        course = courses[title.course]
        start = course[7]
        if roll < 0.50:  # completed with certificate
            done = start + timedelta(days=30)
            data.enrollments.append(
                {
                    "cadre_code": code,
                    "course_code": title.course,
                    "status": "completed",
                    "registered_on": start - timedelta(days=20),
                    "completed_on": done,
                    "hours_earned": course[4],
                    "certificate_number": f"CC-{code[5:]}-{done.year}",
                    "certificate_date": done,
                }
            )
        elif roll < 0.62:  # in the current offering, which is under way on the reference date
            status = rng.choice(["in_progress", "in_progress", "registered"])
            data.enrollments.append(
                {
                    "cadre_code": code,
                    "course_code": title.course + RUNNING,
                    "status": status,
                    "registered_on": DEMO_AS_OF - timedelta(days=45),
                }
            )
        elif roll < 0.68:
            data.enrollments.append(
                {
                    "cadre_code": code,
                    "course_code": title.course,
                    "status": rng.choice(["failed", "withdrawn"]),
                    "registered_on": start - timedelta(days=20),
                }
            )
        elif roll < 0.80 and title.cert:  # certificate held from before the demo's courses
            issued = _rand_date(rng, date(2016, 1, 1), date(2022, 6, 1))
            data.certificates.append(
                {
                    "cadre_code": code,
                    "cert_type": title.cert,
                    "number": f"CC-CU-{code[5:]}",
                    "name": f"Chứng chỉ mẫu ({DEMO_LABEL})",
                    "issuer": "Cơ sở bồi dưỡng (mẫu)",
                    "issued_on": issued,
                }
            )
        elif roll < 0.88:  # enrolled in an earlier offering that ended long ago, result never recorded
            data.enrollments.append(
                {
                    "cadre_code": code,
                    "course_code": "DEMO-K-GVMN3-CU" if title.code == "V.07.02.26" else title.course,
                    "status": "in_progress",
                    "registered_on": start - timedelta(days=20),
                }
            )
        # else: nothing recorded yet — the person appears as "còn thiếu" or "quá hạn"
    if title.code == "V.08.01.02" and rng.random() < 0.5:
        data.certificates.append(
            {
                "cadre_code": code,
                "cert_type": "cchn_kcb",
                "number": f"CCHN-{code[5:]}",
                "name": "Chứng chỉ hành nghề khám bệnh, chữa bệnh (mẫu)",
                "issued_on": date(2015, 5, 4),
            }
        )
    if cadre.get("position") and rng.random() < 0.7:
        data.enrollments.append(
            {
                "cadre_code": code,
                "course_code": "DEMO-K-QL",
                "status": "completed",
                "completed_on": date(2022, 12, 20),
                "hours_earned": 200,
            }
        )
    extra = rng.random()
    if extra < 0.15:
        data.enrollments.append(
            {
                "cadre_code": code,
                "course_code": "DEMO-K-CNKT",
                "status": "completed",
                "completed_on": date(2025, 4, 18),
                "hours_earned": 16,
            }
        )
    elif extra < 0.22:
        data.enrollments.append(
            {"cadre_code": code, "course_code": "DEMO-K-ANH", "status": rng.choice(["in_progress", "withdrawn"])}
        )
    elif extra < 0.25 and cadre["kind"] == "vien_chuc":
        data.enrollments.append(
            {
                "cadre_code": code,
                "course_code": "DEMO-K-THS",
                "status": "completed",
                "completed_on": date(2023, 9, 30),
                "hours_earned": 900,
            }
        )
        cost = rng.randrange(60, 180) * 1_000_000
        data.commitments.append((code, "DEMO-K-THS", rng.choice([2, 3, 5]), date(2023, 10, 1), cost))
    elif extra < 0.27:
        data.enrollments.append(
            {
                "cadre_code": code,
                "course_code": "DEMO-K-SG",
                "status": "completed",
                "completed_on": date(2024, 11, 15),
                "hours_earned": 80,
            }
        )
        data.commitments.append((code, "DEMO-K-SG", 1, date(2024, 11, 16), 95_000_000))


def load_demo(session: Session, n_cadres: int = 200, as_of: date = DEMO_AS_OF) -> ImportReport:
    """Upsert the demo province, dated relative to `as_of`, in one transaction; loading twice changes nothing."""
    data = build_demo(n_cadres, as_of)
    counts = UpsertCounts()
    with session.begin():
        for kind, items in (
            ("units", _units()),
            ("courses", _courses(as_of - DEMO_AS_OF)),
            ("cadres", data.cadres),
            ("enrollments", data.enrollments),
            ("certificates", data.certificates),
        ):
            errors = WRITERS[kind](session, _rows(items), counts)
            if errors:  # a bug in the generator, not user input
                raise RuntimeError(f"demo data invalid ({kind}): {errors[:3]}")
            session.flush()
        _write_commitments(session, data.commitments, counts)
    return ImportReport(
        "demo", kind="demo", rows=n_cadres, created=counts.created, updated=counts.updated, unchanged=counts.unchanged
    )


def _write_commitments(
    session: Session, items: list[tuple[str, str | None, int, date, int]], counts: UpsertCounts
) -> None:
    cadres = {c.code: c for c in session.scalars(select(Cadre).where(Cadre.code.in_({i[0] for i in items})))}
    courses = {c.code: c for c in session.scalars(select(Course).where(Course.code.like("DEMO-%")))}
    for cadre_code, course_code, years, start, cost in items:
        cadre = cadres[cadre_code]
        found = session.scalars(
            select(StudyCommitment).where(StudyCommitment.cadre_id == cadre.id, StudyCommitment.start_date == start)
        ).first()
        if found is not None:
            counts.unchanged += 1
            continue
        session.add(
            StudyCommitment(
                cadre_id=cadre.id,
                course_id=courses[course_code].id if course_code else None,
                service_years=years,
                start_date=start,
                cost=Decimal(cost),
                note=f"Cam kết phục vụ sau đào tạo ({DEMO_LABEL})",
            )
        )
        counts.created += 1
