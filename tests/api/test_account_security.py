"""Issue 13: login throttling (per account, per address, in the database), disable / password change / API-key
revoke taking effect at once, demo accounts refused when switched off, CSRF for cookie-authenticated changes."""

from __future__ import annotations

import httpx
import pytest


def login(api, user: str, password: str, **kw) -> httpx.Response:  # type: ignore[no-untyped-def]
    return httpx.post(api.url("/auth/login"), json={"username": user, "password": password}, timeout=30, **kw)


def test_wrong_passwords_lock_the_account_with_a_vietnamese_message_and_an_audit_entry(api):  # type: ignore[no-untyped-def]
    api.services.personal.accounts.create_user("bi_do", "mat-khau-dung-1", "admin")
    codes = [login(api, "bi_do", f"sai-{i}").status_code for i in range(7)]
    assert codes[:5] == [401] * 5 and codes[5:] == [429, 429]
    locked = login(api, "bi_do", "mat-khau-dung-1")  # even the right password waits for the lock to pass
    assert locked.status_code == 429 and "tạm khóa" in locked.json()["error"]["message"]
    actions = api.call("admin", "GET", "/admin/audit?limit=50").json()
    assert any(a["action"] == "auth.lockout" and a["target"] == "bi_do" for a in actions)
    assert login(api, "demo_admin", "demo-admin-2025").status_code == 200  # other accounts are not affected


def test_the_throttle_lives_in_the_database_so_every_process_sees_it(api):  # type: ignore[no-untyped-def]
    from assistant.accounts.service import AccountService

    accounts = api.services.personal.accounts
    accounts.create_user("hai_tien_trinh", "mat-khau-dung-2", "admin")
    for i in range(5):
        assert login(api, "hai_tien_trinh", f"sai-{i}").status_code == 401
    other_process = AccountService(accounts._sessions, accounts.scope)  # no shared memory with the server
    from assistant.accounts.errors import RateLimited

    with pytest.raises(RateLimited):
        other_process.login("hai_tien_trinh", "mat-khau-dung-2")


def test_disable_and_enable_take_effect_at_once(api):  # type: ignore[no-untyped-def]
    api.services.personal.accounts.create_user("tam_nghi", "mat-khau-tam-nghi", "admin")
    token = login(api, "tam_nghi", "mat-khau-tam-nghi").json()["access_token"]
    bearer = {"authorization": f"Bearer {token}"}
    assert api.call("anonymous", "GET", "/admin/users", headers=bearer).status_code == 200
    r = api.call("admin", "POST", "/admin/users/tam_nghi/disable")
    assert r.status_code == 200 and r.json()["active"] is False
    assert api.call("anonymous", "GET", "/admin/users", headers=bearer).status_code == 401
    refused = login(api, "tam_nghi", "mat-khau-tam-nghi")
    assert refused.status_code == 401 and "vô hiệu hóa" in refused.json()["error"]["message"]
    assert api.call("hr", "POST", "/admin/users/tam_nghi/enable").status_code == 403
    assert api.call("admin", "POST", "/admin/users/tam_nghi/enable").status_code == 200
    assert login(api, "tam_nghi", "mat-khau-tam-nghi").status_code == 200
    assert api.call("admin", "POST", "/admin/users/khong-co-ai/disable").status_code == 404


def test_password_change_ends_other_sessions(api):  # type: ignore[no-untyped-def]
    api.services.personal.accounts.create_user("doi_mk", "mat-khau-cu-123", "cadre", cadre_code=api.cadres["own"])
    first = {"authorization": f"Bearer {login(api, 'doi_mk', 'mat-khau-cu-123').json()['access_token']}"}
    second = {"authorization": f"Bearer {login(api, 'doi_mk', 'mat-khau-cu-123').json()['access_token']}"}
    wrong = api.call(
        "anonymous",
        "POST",
        "/auth/password",
        headers=first,
        json={"current_password": "khong-dung-9", "new_password": "mat-khau-moi-456"},
    )
    assert wrong.status_code == 400 and "hiện tại" in wrong.json()["error"]["message"]
    r = api.call(
        "anonymous",
        "POST",
        "/auth/password",
        headers=first,
        json={"current_password": "mat-khau-cu-123", "new_password": "mat-khau-moi-456"},
    )
    assert r.status_code == 200, r.text
    assert api.call("anonymous", "GET", "/auth/me", headers=first).json()["name"] == "user:doi_mk"
    assert api.call("anonymous", "GET", "/auth/me", headers=second).status_code == 401
    assert login(api, "doi_mk", "mat-khau-cu-123").status_code == 401
    assert login(api, "doi_mk", "mat-khau-moi-456").status_code == 200
    reset = api.call("admin", "POST", "/admin/users/doi_mk/password", json={"new_password": "dat-lai-789"})
    assert reset.status_code == 200
    assert api.call("anonymous", "GET", "/auth/me", headers=first).status_code == 401
    assert login(api, "doi_mk", "dat-lai-789").status_code == 200


def test_api_key_revoke_takes_effect_at_once(api):  # type: ignore[no-untyped-def]
    key = api.services.personal.accounts.create_api_key("bot-thu-thu-hoi")
    headers = {"x-api-key": key}
    assert api.call("anonymous", "GET", "/auth/me", headers=headers).json()["service"] == "bot-thu-thu-hoi"
    assert "bot-thu-thu-hoi" in [k["name"] for k in api.call("admin", "GET", "/admin/api-keys").json()]
    assert api.call("hr", "DELETE", "/admin/api-keys/bot-thu-thu-hoi").status_code == 403
    assert api.call("admin", "DELETE", "/admin/api-keys/bot-thu-thu-hoi").status_code == 200
    assert api.call("anonymous", "GET", "/auth/me", headers=headers).status_code == 401
    assert api.call("admin", "DELETE", "/admin/api-keys/bot-thu-thu-hoi").status_code == 409
    assert api.call("admin", "DELETE", "/admin/api-keys/khong-co").status_code == 404


def test_cookie_authenticated_changes_need_this_sites_origin(api):  # type: ignore[no-untyped-def]
    r = login(api, "demo_admin", "demo-admin-2025")
    cookies = {"assistant_session": r.cookies["assistant_session"]}
    rebuild = api.url("/admin/index/rollback")
    evil = httpx.post(rebuild, cookies=cookies, headers={"origin": "http://127.0.0.1:1"})
    assert evil.status_code == 403 and evil.json()["error"]["code"] == "csrf_rejected"
    assert httpx.post(rebuild, cookies=cookies).status_code == 403  # neither Origin nor Referer
    referer = httpx.post(rebuild, cookies=cookies, headers={"referer": "http://evil.example/page"})
    assert referer.status_code == 403
    own = httpx.post(rebuild, cookies=cookies, headers={"origin": api.base})
    assert own.status_code != 403, own.text  # 200 or 409 (nothing to roll back to), never the CSRF refusal
    assert httpx.get(api.url("/admin/users"), cookies=cookies).status_code == 200  # reads are not affected
    bearer = {**api.headers["admin"], "origin": "http://evil.example"}
    assert httpx.post(api.url("/admin/index/rollback"), headers=bearer).status_code != 403  # bearer unaffected
    foreign_login = login(api, "demo_admin", "demo-admin-2025", headers={"origin": "http://evil.example"})
    assert foreign_login.status_code == 403


def test_demo_accounts_are_refused_when_demo_is_switched_off(api):  # type: ignore[no-untyped-def]
    accounts = api.services.personal.accounts
    assert accounts.get_user("demo_hr").demo
    token = api.headers["hr"]
    accounts.demo_enabled = False
    try:
        refused = login(api, "demo_hr", "demo-hr-2025")
        assert refused.status_code == 401 and "Tài khoản mẫu" in refused.json()["error"]["message"]
        assert api.call("anonymous", "GET", "/auth/me", headers=token).status_code == 401
        assert login(api, "hr_h2", "mat-khau-hr-h2").status_code == 200  # real accounts sign in as before
        from assistant.accounts.demo import seed_demo_accounts
        from assistant.errors import InvalidInput

        with pytest.raises(InvalidInput, match="ASSISTANT_DEMO__ENABLED"):
            seed_demo_accounts(accounts, api.services.personal.enrollment)
    finally:
        accounts.demo_enabled = True


def test_an_address_trying_many_accounts_is_throttled_too(api):  # type: ignore[no-untyped-def]
    from assistant.accounts.errors import NotAuthenticated, RateLimited
    from assistant.accounts.service import AccountService, LoginThrottle

    base = api.services.personal.accounts
    accounts = AccountService(base._sessions, base.scope, throttle=LoginThrottle(per_account=100, per_address=3))
    for i in range(3):
        with pytest.raises(NotAuthenticated):
            accounts.login(f"ai-do-{i}", "sai-mat-khau", address="203.0.113.9")
    with pytest.raises(RateLimited, match="Địa chỉ"):
        accounts.login("demo_admin", "demo-admin-2025", address="203.0.113.9")
    assert accounts.login("demo_admin", "demo-admin-2025", address="203.0.113.10").token


def test_a_bad_credential_is_refused_even_beside_a_good_one(api):  # type: ignore[no-untyped-def]
    both = {"x-api-key": api.bot_key, "authorization": "Bearer tk_sai"}
    assert api.call("anonymous", "GET", "/auth/me", headers=both).status_code == 401
    stale_cookie = httpx.get(api.url("/auth/me"), headers=api.headers["hr"], cookies={"assistant_session": "tk_cu"})
    assert stale_cookie.status_code == 401
