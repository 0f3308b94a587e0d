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
