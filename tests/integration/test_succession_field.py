"""The quy hoạch / dự nguồn flag on the cadre record: imported from a spreadsheet column, validated in Vietnamese,
stored on SQLite and PostgreSQL (a throw-away schema), and read by the succession report."""

from __future__ import annotations

import uuid

import pytest
from sqlalchemy import create_engine, select, text

from assistant.db import make_engine, upgrade
from assistant.db import sessions as session_factory
from assistant.enrollment.imports import import_bytes
from assistant.enrollment.models import Cadre, SuccessionPool

PG_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
UNITS = "Mã đơn vị,Tên đơn vị,Cấp đơn vị,Mã đơn vị cấp trên\nT1,Tỉnh Thử (DỮ LIỆU MẪU),tỉnh,\n"
CADRES = (
    "Mã cán bộ,Họ và tên,Mã đơn vị,Loại,Chức vụ,Quy hoạch/dự nguồn,Chức danh quy hoạch\n"
    "Q1,Nguyễn Văn A,T1,công chức,Phó Giám đốc,Quy hoạch,Giám đốc Sở\n"
    "Q2,Trần Thị B,T1,công chức,,dự nguồn,Ủy viên Ban Chấp hành Đảng bộ tỉnh\n"
    "Q3,Lê Văn C,T1,công chức,,,\n"
)


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def sessions(request, tmp_path):  # type: ignore[no-untyped-def]
    if request.param == "sqlite":
        eng = make_engine("", sqlite_path=tmp_path / "db.sqlite")
        upgrade(eng)
        yield session_factory(eng)
        eng.dispose()
        return
    schema = f"rpt_test_{uuid.uuid4().hex[:10]}"
    admin = create_engine(PG_URL)
    try:
        with admin.begin() as c:
            c.execute(text(f'CREATE SCHEMA "{schema}"'))
    except Exception as e:  # pragma: no cover - no PostgreSQL here
        pytest.skip(f"PostgreSQL unavailable: {e}")
    eng = make_engine(PG_URL, schema=schema)
    try:
        upgrade(eng)
        yield session_factory(eng)
    finally:
        eng.dispose()
        with admin.begin() as c:
            c.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


def test_the_flag_and_target_are_imported_and_stored(sessions):  # type: ignore[no-untyped-def]
    with sessions() as s:
        assert import_bytes(s, UNITS.encode(), "don_vi.csv", "units").ok
    with sessions() as s:
        report = import_bytes(s, CADRES.encode(), "can_bo.csv", "cadres")
        assert report.ok, report.messages
    with sessions() as s:
        got = {c.code: (c.succession_pool, c.succession_target) for c in s.scalars(select(Cadre))}
    assert got == {
        "Q1": (SuccessionPool.QUY_HOACH, "Giám đốc Sở"),
        "Q2": (SuccessionPool.DU_NGUON, "Ủy viên Ban Chấp hành Đảng bộ tỉnh"),
        "Q3": (None, None),
    }


def test_an_unknown_value_is_a_row_error_and_nothing_is_imported(sessions):  # type: ignore[no-untyped-def]
    with sessions() as s:
        assert import_bytes(s, UNITS.encode(), "don_vi.csv", "units").ok
    bad = CADRES.replace(",,dự nguồn,", ",,sắp lên chức,")
    with sessions() as s:
        report = import_bytes(s, bad.encode(), "can_bo.csv", "cadres")
    assert not report.ok
    assert report.messages == ["Dòng 3: quy hoạch/dự nguồn 'sắp lên chức' không hợp lệ"]
    with sessions() as s:
        assert s.scalars(select(Cadre)).first() is None  # all rows or none
