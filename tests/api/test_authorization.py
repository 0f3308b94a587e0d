"""The authorization matrix: every caller × every endpoint, including IDOR attempts, over real HTTP."""

from __future__ import annotations

import httpx
import pytest

CALLERS = ["anonymous", "bot", "bot_linked", "cadre", "cadre_other", "hr", "hr_other", "admin"]
LINKED_TG = 5550001
OK = "ok"


def deny(who: str) -> int:
    return 401 if who == "anonymous" else 403


# (id, method, path, request kwargs, expected per caller; callers not named are denied: 401 anonymous, 403 others).
# Paths use {own} (demo_canbo's record, unit DEMO-H1) and {other} (a cadre of DEMO-H2). Admin-only actions that would
# change state target missing records, so an authorised admin gets 404/400/409 and nothing changes.
EVERYONE = {c: OK for c in CALLERS}
SELF_OR_SCOPE = {"bot_linked": OK, "cadre": OK, "hr": OK, "admin": OK}
UNIT_H1 = {"hr": OK, "admin": OK}
SIGNED_IN = {"bot_linked": OK, "cadre": OK, "cadre_other": OK, "hr": OK, "hr_other": OK, "admin": OK}
MATRIX = [
    ("me", "GET", "/auth/me", {}, EVERYONE),
    ("ask", "POST", "/ask", {"json": {"question": "Hình thức đào tạo viên chức"}}, EVERYONE),
    ("documents", "GET", "/documents", {}, EVERYONE),
    ("document", "GET", "/documents/58/2010/QH12", {}, EVERYONE),
    ("cadres-of-unit", "GET", "/cadres?unit=DEMO-H1", {}, UNIT_H1),
    ("cadres-default-unit", "GET", "/cadres", {}, {"hr": OK, "hr_other": OK, "admin": 400}),
    ("units", "GET", "/units/DEMO-H1", {}, UNIT_H1),
    ("units-of-root", "GET", "/units/DEMO-TINH", {}, {"admin": OK}),
    ("cadre-own", "GET", "/cadres/{own}", {}, SELF_OR_SCOPE),
    ("cadre-status-own", "GET", "/cadres/{own}/status", {}, SELF_OR_SCOPE),
    ("cadre-other-unit", "GET", "/cadres/{other}", {}, {"cadre_other": OK, "hr_other": OK, "admin": OK}),
    ("cadre-status-other-unit", "GET", "/cadres/{other}/status", {}, {"cadre_other": OK, "hr_other": OK, "admin": OK}),
    ("cadre-missing", "GET", "/cadres/KHONG-CO", {}, {"admin": 404}),
    ("courses", "GET", "/courses", {}, SIGNED_IN),
    (
        "course-create",
        "POST",
        "/courses",
        {"json": {"code": "X", "name": "X", "course_type": "sai"}},
        {"hr": 400, "hr_other": 400, "admin": 400},
    ),
    ("enroll", "POST", "/cadres/{own}/enrollments", {"json": {"course_code": "KHONG-CO"}}, {"hr": 404, "admin": 404}),
    (
        "enrollment-update",
        "PATCH",
        "/cadres/{own}/enrollments/KHONG-CO",
        {"json": {"status": "completed", "completed_on": "2025-08-01"}},
        {"hr": 404, "admin": 404},
    ),
    ("import", "POST", "/imports", {"files": {"file": ("x.csv", b"a,b\n1,2\n", "text/csv")}}, {"admin": 400}),
    ("report", "GET", "/reports/units/DEMO-H1?format=csv", {}, UNIT_H1),
    ("report-other-unit", "GET", "/reports/units/DEMO-H2?format=csv", {}, {"hr_other": OK, "admin": OK}),
    ("rules", "GET", "/rules", {}, SIGNED_IN),
    ("link-code", "POST", "/telegram/link-codes", {"json": {"cadre_code": "{own}"}}, {"hr": OK, "admin": OK}),
    (
        "link-code-other-unit",
        "POST",
        "/telegram/link-codes",
        {"json": {"cadre_code": "{other}"}},
        {"hr_other": OK, "admin": OK},
    ),
    (
        "redeem",
        "POST",
        "/telegram/links",
        {"json": {"telegram_user_id": 7770001, "code": "SAI"}},
        {"bot": 400, "bot_linked": 400},
    ),
    ("unlink", "DELETE", "/telegram/links/999", {}, {"bot": OK, "bot_linked": OK, "admin": OK}),
    (
        "users-create",
        "POST",
        "/admin/users",
        {"json": {"username": "u", "password": "12345678", "role": "hr"}},
        {"admin": 400},
    ),
    ("users-list", "GET", "/admin/users", {}, {"admin": OK}),
    ("api-key-create", "POST", "/admin/api-keys", {"json": {"name": "telegram-bot"}}, {"admin": 409}),
    (
        "preview",
        "POST",
        "/admin/documents/preview",
        {"files": {"file": ("a.txt", b"\x00\x01\x02" * 50, "text/plain")}},
        {"admin": 400},
    ),
    ("uploads", "GET", "/admin/uploads", {}, {"admin": OK}),
    ("commit", "POST", "/admin/documents/khongco/commit", {}, {"admin": 404}),
    ("doc-patch", "PATCH", "/admin/documents/99/2099/QH99", {"json": {"status": "het_hieu_luc"}}, {"admin": 404}),
    ("doc-delete", "DELETE", "/admin/documents/99/2099/QH99", {}, {"admin": 404}),
    ("rebuild", "POST", "/admin/index/rebuild", {}, {"admin": None}),  # admin: see test_jobs
    ("rollback", "POST", "/admin/index/rollback", {}, {"admin": None}),
    ("index", "GET", "/admin/index", {}, {"admin": OK}),
    ("jobs", "GET", "/admin/jobs", {}, {"admin": OK}),
    ("job", "GET", "/admin/jobs/khongco", {}, {"admin": 404}),
    ("unanswered", "GET", "/admin/unanswered", {}, {"admin": OK}),
    ("answer-log", "GET", "/admin/answers/khongco", {}, {"admin": 404}),
    ("audit", "GET", "/admin/audit", {}, {"admin": OK}),
    ("feedback-list", "GET", "/admin/feedback", {}, {"admin": OK}),
    ("withdrawn", "GET", "/admin/withdrawn", {}, {"admin": OK}),
    ("restore", "POST", "/admin/withdrawn/99/2099/QH99/restore", {}, {"admin": 404}),
    ("own-answer-unknown", "GET", "/answers/khongco", {}, {c: 404 for c in CALLERS}),
    (
        "feedback-unknown",
        "POST",
        "/feedback",
        {"json": {"trace_id": "khongco", "helpful": True}},
        {c: 404 for c in CALLERS},
    ),
]


@pytest.fixture(scope="module")
def linked(api):  # type: ignore[no-untyped-def]
    """The bot acting for a Telegram user linked to demo_canbo's record."""
    code = api.call("hr", "POST", "/telegram/link-codes", json={"cadre_code": api.cadres["own"]}).json()["code"]
    r = api.call("bot", "POST", "/telegram/links", json={"telegram_user_id": LINKED_TG, "code": code})
    assert r.status_code == 201, r.text
    api.headers["bot_linked"] = {"x-api-key": api.bot_key, "x-telegram-user-id": str(LINKED_TG)}
    return api


def _fill(value, api):  # type: ignore[no-untyped-def]
    if isinstance(value, str):
        return value.replace("{own}", api.cadres["own"]).replace("{other}", api.cadres["other_unit"])
    if isinstance(value, dict):
        return {k: _fill(v, api) for k, v in value.items()}
    return value


@pytest.mark.parametrize("who", CALLERS)
@pytest.mark.parametrize(("name", "method", "path", "kwargs", "allowed"), MATRIX, ids=[m[0] for m in MATRIX])
def test_matrix(linked, who, name, method, path, kwargs, allowed):  # type: ignore[no-untyped-def]
    expected = allowed.get(who, deny(who))
    if expected is None:
        pytest.skip("state-changing for this caller; covered by its own test")
    r = linked.call(who, method, _fill(path, linked), **_fill(kwargs, linked))
    if expected == OK:
        assert 200 <= r.status_code < 300, (who, name, r.status_code, r.text[:300])
    else:
        assert r.status_code == expected, (who, name, r.text[:300])
        assert r.json()["error"]["message"], r.text


def test_cadre_sees_only_own_record_and_hr_only_its_subtree(linked):  # type: ignore[no-untyped-def]
    api = linked
    own, same, other = api.cadres["own"], api.cadres["same_unit"], api.cadres["other_unit"]
    assert api.call("cadre", "GET", f"/cadres/{own}").json()["code"] == own
    assert api.call("cadre", "GET", f"/cadres/{same}").status_code == 403  # a colleague of the same unit
    assert api.call("bot_linked", "GET", f"/cadres/{same}").status_code == 403
    assert api.call("hr", "GET", f"/cadres/{same}").status_code == 200
    denied = api.call("hr", "GET", f"/cadres/{other}")
    assert denied.status_code == 403 and "không có quyền" in denied.json()["error"]["message"]
    # a missing code is refused exactly like an out-of-scope one: no enumeration of cadre codes
    assert api.call("hr", "GET", "/cadres/KHONG-CO").json() == denied.json()
    codes = {c["code"] for c in api.call("hr", "GET", "/cadres").json()}
    assert own in codes and same in codes and other not in codes
    assert api.call("hr", "GET", "/cadres?unit=DEMO-TINH").status_code == 403  # the parent unit is out of scope


def test_hr_cannot_issue_link_code_outside_scope_nor_ask_for_other_units_cadre(linked):  # type: ignore[no-untyped-def]
    api = linked
    r = api.call("hr", "POST", "/telegram/link-codes", json={"cadre_code": api.cadres["other_unit"]})
    assert r.status_code == 403
    r = api.call("hr", "POST", "/ask", json={"question": "Tôi còn thiếu gì?", "cadre_code": api.cadres["other_unit"]})
    assert r.status_code == 403
    r = api.call("cadre", "POST", "/ask", json={"question": "Tôi còn thiếu gì?", "cadre_code": api.cadres["same_unit"]})
    assert r.status_code == 403


def test_login_cookie_logout_and_bad_credentials(api):  # type: ignore[no-untyped-def]
    r = httpx.post(api.url("/auth/login"), json={"username": "demo_hr", "password": "demo-hr-2025"})
    cookie = r.headers["set-cookie"]
    assert "HttpOnly" in cookie and "SameSite=strict" in cookie.replace("Strict", "strict") and "Secure" in cookie
    session = cookie.split(";")[0]
    me = httpx.get(api.url("/auth/me"), headers={"cookie": session}).json()
    assert me["role"] == "hr" and me["unit_code"] == "DEMO-H1"
    token = r.json()["access_token"]
    assert httpx.post(api.url("/auth/logout"), headers={"authorization": f"Bearer {token}"}).status_code == 200
    gone = httpx.get(api.url("/auth/me"), headers={"authorization": f"Bearer {token}"})
    assert gone.status_code == 401 and gone.headers["www-authenticate"] == "Bearer"
    wrong = httpx.post(api.url("/auth/login"), json={"username": "demo_hr", "password": "sai-mat-khau"})
    nobody = httpx.post(api.url("/auth/login"), json={"username": "khong-ai", "password": "sai-mat-khau"})
    assert wrong.status_code == nobody.status_code == 401 and wrong.json() == nobody.json()
    assert httpx.get(api.url("/auth/me"), headers={"x-api-key": "ak_sai"}).status_code == 401
    assert httpx.get(api.url("/auth/me"), headers={"authorization": "Bearer tk_sai"}).status_code == 401


def test_expired_token_is_refused(api):  # type: ignore[no-untyped-def]
    from datetime import timedelta

    accounts = api.services.personal.accounts
    token = accounts.login("demo_canbo", "demo-canbo-2025").token
    clock = accounts.clock
    accounts.clock = lambda: clock() + accounts.policy.token_ttl + timedelta(minutes=1)
    try:
        r = httpx.get(api.url("/auth/me"), headers={"authorization": f"Bearer {token}"})
    finally:
        accounts.clock = clock
    assert r.status_code == 401 and "hết hạn" in r.json()["error"]["message"]
