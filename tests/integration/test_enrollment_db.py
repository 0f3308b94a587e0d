"""The enrollment schema on real databases: SQLite (temporary file) and PostgreSQL (a throw-away schema).

PostgreSQL runs each test module in its own schema named enr_test_<random>, dropped afterwards, so parallel or
repeated runs never collide. The PostgreSQL cases are skipped, with the reason, only when the server is unreachable.
"""

from __future__ import annotations

import uuid
from collections import Counter
from datetime import date
from decimal import Decimal

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import create_engine, func, inspect, select, text
from sqlalchemy.exc import IntegrityError, OperationalError

from assistant.db import VERSION_TABLE, make_engine, upgrade
from assistant.db import sessions as session_factory
from assistant.db.migrate import MIGRATIONS_DIR
from assistant.enrollment.demo import DEMO_AS_OF, build_demo, load_demo
from assistant.enrollment.engine import Status
from assistant.enrollment.models import (
    Base,
    Cadre,
    Certificate,
    Course,
    Enrollment,
    EnrollmentStatus,
    OrgUnit,
    StudyCommitment,
)
from assistant.enrollment.rules import load_rules
from assistant.enrollment.service import EnrollmentService

PG_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/test"


def _pg_reachable() -> str | None:
    try:
        probe = create_engine(PG_URL, connect_args={"connect_timeout": 3})
        with probe.connect() as conn:
            conn.execute(text("select 1"))
        probe.dispose()
        return None
    except OperationalError as e:
        return f"PostgreSQL unreachable at 127.0.0.1:5432 ({type(e.orig).__name__})"


@pytest.fixture(scope="module", params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def engine(request, tmp_path_factory):
    if request.param == "sqlite":
        eng = make_engine("", sqlite_path=tmp_path_factory.mktemp("enr") / "enrollment.db")
        upgrade(eng)
        yield eng
        eng.dispose()
        return
    if reason := _pg_reachable():
        pytest.skip(reason)
    schema = f"enr_test_{uuid.uuid4().hex[:12]}"
    admin = create_engine(PG_URL)
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    eng = make_engine(PG_URL, schema=schema)
    try:
        upgrade(eng)
        yield eng
    finally:
        eng.dispose()
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


@pytest.fixture(scope="module")
def sessions(engine):
    factory = session_factory(engine)
    with factory() as session:
        load_demo(session)
    return factory


def test_migrations_create_the_models_schema_exactly(engine):
    upgrade(engine)  # a second run is a no-op
    with engine.connect() as conn:
        ctx = MigrationContext.configure(conn, opts={"version_table": VERSION_TABLE})
        diff = compare_metadata(ctx, Base.metadata)
        tables = set(inspect(conn).get_table_names())
        version = conn.execute(text(f"select version_num from {VERSION_TABLE}")).scalar_one()
    assert diff == [], f"models and migrations differ: {diff}"
    assert {
        "enr_units",
        "enr_cadres",
        "enr_courses",
        "enr_enrollments",
        "enr_certificates",
        "enr_commitments",
    } <= tables
    assert version == ScriptDirectory(str(MIGRATIONS_DIR)).get_current_head()


def test_demo_loads_once_however_often_it_is_loaded(sessions):
    demo = build_demo()
    with sessions() as s:
        before = {
            m.__name__: s.scalar(select(func.count()).select_from(m))
            for m in (OrgUnit, Cadre, Course, Enrollment, Certificate, StudyCommitment)
        }
    with sessions() as s:
        report = load_demo(s)
    assert report.created == 0 and report.updated == 0
    with sessions() as s:
        after = {
            m.__name__: s.scalar(select(func.count()).select_from(m))
            for m in (OrgUnit, Cadre, Course, Enrollment, Certificate, StudyCommitment)
        }
    assert before == after
    assert after["Cadre"] == 200 and after["Enrollment"] == len(demo.enrollments)
    assert after["StudyCommitment"] == len(demo.commitments)


def test_values_round_trip(sessions):
    with sessions() as s:
        commitment = s.scalars(select(StudyCommitment).order_by(StudyCommitment.id)).first()
        assert isinstance(commitment.cost, Decimal) and commitment.cost > 0
        assert isinstance(commitment.start_date, date)
        statuses = set(s.scalars(select(Enrollment.status)))
        assert statuses == set(EnrollmentStatus)
        abroad = s.scalar(select(Course).where(Course.code == "DEMO-K-SG"))
        assert abroad.abroad and abroad.country == "Singapore"


def test_unique_enrollment_per_cadre_and_course(sessions):
    with sessions() as s:
        e = s.scalars(select(Enrollment)).first()
        s.add(Enrollment(cadre_id=e.cadre_id, course_id=e.course_id, status=EnrollmentStatus.REGISTERED))
        with pytest.raises(IntegrityError):
            s.commit()


def test_service_reports_are_the_same_on_every_database(sessions):
    svc = EnrollmentService(sessions, load_rules(), today=lambda: DEMO_AS_OF)
    reports = svc.unit_report("DEMO-TINH")
    counts = Counter(s.status for r in reports for s in r.statuses)
    # Evaluated from the same generator, the numbers cannot depend on the database underneath.
    assert sum(counts.values()) > 150 and counts[Status.OVERDUE] > 0
    assert len(svc.list_cadres("DEMO-SYT")) == sum(
        1 for c in build_demo().cadres if c["unit_code"] in {"DEMO-SYT", "DEMO-BVDK", "DEMO-TTYT-H1"}
    )
    assert svc.export_unit_report("DEMO-SGD", "xlsx")[:2] == b"PK"


def test_a_bad_file_imports_nothing_on_this_database(sessions):
    svc = EnrollmentService(sessions, load_rules())
    data = (
        f"Mã cán bộ,Họ và tên,Mã đơn vị,Loại\nDB-1,Người Một,DEMO-H1,cán bộ\nDB-2,{'X' * 300},DEMO-H1,cán bộ\n"
    ).encode()
    report = svc.import_file(data, "can-bo.csv")
    assert report.messages == ["Dòng 3: họ và tên dài quá 255 ký tự"]
    with sessions() as s:
        assert s.scalar(select(Cadre).where(Cadre.code == "DB-1")) is None


# ----------------------------------------------------------------------------------------------- issue 11 imports


COMMITMENTS_OK = (
    "Mã cán bộ,Mã khóa học,Ngày bắt đầu cam kết,Số năm cam kết,Chi phí đào tạo,Ghi chú\n"
    "CK-1,,01/09/2024,5,\"120.000.000\",Thạc sĩ trong nước\n"
    "CK-1,,01/09/2020,2,,\n"
)
COMMITMENT_PEOPLE = "Mã cán bộ,Họ và tên,Mã đơn vị,Loại\nCK-1,Người Cam Kết,DEMO-TINH,viên chức\n"


def _xlsx(text: str) -> bytes:
    import csv
    import io

    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    for row in csv.reader(io.StringIO(text)):
        ws.append(row)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_commitments_import_all_or_nothing_and_idempotent(sessions, fmt):
    svc = EnrollmentService(sessions, load_rules())
    assert svc.import_file(COMMITMENT_PEOPLE.encode(), "ck-nguoi.csv").ok
    data = COMMITMENTS_OK.encode() if fmt == "csv" else _xlsx(COMMITMENTS_OK)
    first = svc.import_file(data, f"cam-ket.{fmt}")
    assert first.ok and first.kind == "commitments", first.messages
    again = svc.import_file(data, f"cam-ket.{fmt}")
    assert again.ok and again.created == 0 and again.unchanged == 2
    with sessions() as s:
        rows = s.scalars(select(StudyCommitment).join(Cadre).where(Cadre.code == "CK-1")).all()
        assert sorted((c.start_date, c.service_years, c.cost) for c in rows) == [
            (date(2020, 9, 1), 2, None),
            (date(2024, 9, 1), 5, Decimal("120000000")),
        ]
    bad = COMMITMENTS_OK + "CK-X,,01/01/2025,3,,\nCK-1,KHONG-CO,01/01/2025,0,,\n"
    report = svc.import_file(bad.encode() if fmt == "csv" else _xlsx(bad), f"cam-ket-loi.{fmt}")
    assert not report.ok
    assert "Dòng 4: không có cán bộ mã 'CK-X'" in report.messages
    assert any("không có khóa học mã 'KHONG-CO'" in m for m in report.messages)
    assert any("số năm cam kết '0' không hợp lệ" in m for m in report.messages)
    with sessions() as s:  # nothing half-imported
        assert s.scalar(select(func.count()).select_from(StudyCommitment).join(Cadre).where(Cadre.code == "CK-1")) == 2
    status = svc.cadre_status("CK-1", as_of=date(2026, 12, 1))
    commitment = next(x for x in status.statuses if x.rule_id == "vien-chuc-cam-ket-phuc-vu-sau-dao-tao")
    assert commitment.status is Status.IN_PROGRESS and commitment.due_date == date(2029, 9, 1)


def test_titles_are_matched_by_name_and_unknown_types_reported_at_import(sessions):
    svc = EnrollmentService(sessions, load_rules())
    people = (
        "Mã cán bộ,Họ và tên,Mã đơn vị,Loại,Mã ngạch/chức danh,Ngạch/chức danh nghề nghiệp\n"
        "TN-1,Người Tên Một,DEMO-TINH,viên chức,,Thư viện viên hạng III\n"
        "TN-2,Người Tên Hai,DEMO-TINH,viên chức,v07.02.26,\n"
        "TN-3,Người Tên Ba,DEMO-TINH,viên chức,,Chức danh không có\n"
    )
    report = svc.import_file(people.encode(), "ten.csv")
    assert report.ok
    assert "Dòng 2: không có mã chức danh; theo tên 'Thư viện viên hạng III' xác định là mã V.10.02.06" in (
        report.warning_messages
    )
    assert any(w.startswith("Dòng 4:") and "không khớp chức danh nào" in w for w in report.warning_messages)
    with sessions() as s:
        codes = dict(s.execute(select(Cadre.code, Cadre.title_code).where(Cadre.code.like("TN-%"))).all())
    assert codes == {"TN-1": "V.10.02.06", "TN-2": "V.07.02.26", "TN-3": None}
    certs = (
        "Mã cán bộ,Loại chứng chỉ,Số chứng chỉ,Ngày cấp\n"
        "TN-2,chứng chỉ CDNN giáo viên mầm non hạng III,S-1,01/03/2024\n"
        "TN-2,Chứng chỉ bơi lội,S-2,01/03/2024\n"
    )
    creport = svc.import_file(certs.encode(), "cc.csv")
    assert creport.ok and creport.warning_messages == [
        "Dòng 3: loại chứng chỉ 'Chứng chỉ bơi lội' không có trong danh mục; được lưu như đã ghi nhưng không được "
        "tính cho yêu cầu nào"
    ]
    with sessions() as s:
        types = set(s.scalars(select(Certificate.cert_type).join(Cadre).where(Cadre.code == "TN-2")))
    assert types == {"cdnn_gvmn_h3", "Chứng chỉ bơi lội"}
    met = svc.cadre_status("TN-2", as_of=date(2025, 1, 1))
    assert next(x for x in met.statuses if x.rule_id == "gvmn-h3-chung-chi-cdnn").status is Status.MET


def test_title_history_imported_and_recorded_on_change(sessions):
    from assistant.enrollment.models import TitleHistory

    svc = EnrollmentService(sessions, load_rules())
    first = (
        "Mã cán bộ,Họ và tên,Mã đơn vị,Loại,Mã ngạch/chức danh,Ngày tuyển dụng,Ngày bổ nhiệm ngạch/chức danh\n"
        "TH-1,Người Đổi Chức Danh,DEMO-TINH,viên chức,V.07.02.26,01/09/2021,01/09/2021\n"
    )
    assert svc.import_file(first.encode(), "th1.csv").ok
    moved = (
        "Mã cán bộ,Họ và tên,Mã đơn vị,Loại,Mã ngạch/chức danh,Ngày tuyển dụng,Ngày bổ nhiệm ngạch/chức danh,"
        "Hình thức bổ nhiệm chức danh\n"
        "TH-1,Người Đổi Chức Danh,DEMO-TINH,viên chức,V.07.03.29,01/09/2021,15/01/2024,chuyển chức danh\n"
    )
    assert svc.import_file(moved.encode(), "th2.csv").ok
    with sessions() as s:
        rows = s.execute(
            select(TitleHistory.title_code, TitleHistory.since, TitleHistory.change)
            .join(Cadre)
            .where(Cadre.code == "TH-1")
            .order_by(TitleHistory.since)
        ).all()
    assert [(r[0], r[1], r[2].value) for r in rows] == [
        ("V.07.02.26", date(2021, 9, 1), "bo_nhiem"),  # the title held before, remembered on the change
        ("V.07.03.29", date(2024, 1, 15), "chuyen_chuc_danh"),
    ]
    status = svc.cadre_status("TH-1", as_of=date(2025, 6, 1))
    gvth = next(x for x in status.statuses if x.rule_id == "gvth-h3-chung-chi-cdnn")
    assert gvth.status is Status.EXEMPT  # 08/2023/TT-BGDĐT Điều 6 khoản 5 điểm c
    history = (
        "Mã cán bộ,Mã ngạch/chức danh,Ngày bổ nhiệm,Hình thức bổ nhiệm chức danh\n"
        "TH-1,V.07.03.29,15/01/2024,thăng hạng\n"
    )
    report = svc.import_file(history.encode(), "qua-trinh.csv")
    assert report.ok and report.kind == "title_history" and report.updated == 1
    again = svc.cadre_status("TH-1", as_of=date(2025, 6, 1))
    assert next(x for x in again.statuses if x.rule_id == "gvth-h3-chung-chi-cdnn").status is Status.OVERDUE
    bad = "Mã cán bộ,Mã ngạch/chức danh,Ngày bổ nhiệm,Hình thức bổ nhiệm chức danh\nTH-9,V.07.03.29,15/01/2024,x\n"
    rejected = svc.import_file(bad.encode(), "qua-trinh-loi.csv")
    assert not rejected.ok and any("hình thức bổ nhiệm chức danh 'x' không hợp lệ" in m for m in rejected.messages)
