"""Telegram linking: HR issues a one-time code, the bot redeems it; reuse, expiry and guessing are refused."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import delete


def _issue(api, who="hr", cadre=None):  # type: ignore[no-untyped-def]
    r = api.call(who, "POST", "/telegram/link-codes", json={"cadre_code": cadre or api.cadres["own"]})
    assert r.status_code == 201, r.text
    return r.json()


def _redeem(api, tg, code):  # type: ignore[no-untyped-def]
    return api.call("bot", "POST", "/telegram/links", json={"telegram_user_id": tg, "code": code})


@pytest.fixture(autouse=True)
def clean_attempts(api):  # type: ignore[no-untyped-def]
    from assistant.accounts.models import LinkAttempt

    yield
    with api.services.personal.accounts._sessions() as s, s.begin():
        s.execute(delete(LinkAttempt))


def test_good_code_links_once_then_bot_acts_for_the_cadre(api):  # type: ignore[no-untyped-def]
    issued = _issue(api)
    assert len(issued["code"].replace("-", "")) == 16 and issued["cadre_code"] == api.cadres["own"]
    typed = issued["code"].lower().replace("-", " ")  # what a person types into Telegram
    r = _redeem(api, 4200001, typed)
    assert r.status_code == 201 and r.json()["cadre_code"] == api.cadres["own"]
    me = api.call("bot", "GET", "/auth/me", headers={"x-telegram-user-id": "4200001"}).json()
    assert me["role"] == "cadre" and me["cadre_code"] == api.cadres["own"] and me["service"] == "telegram-bot"
    again = _redeem(api, 4200002, issued["code"])
    assert again.status_code == 400 and "đã được sử dụng" in again.json()["error"]["message"]
    assert api.call("bot", "DELETE", "/telegram/links/4200001").status_code == 200
    me = api.call("bot", "GET", "/auth/me", headers={"x-telegram-user-id": "4200001"}).json()
    assert me["role"] is None and me["cadre_code"] is None


def test_only_the_hash_of_a_code_is_stored(api):  # type: ignore[no-untyped-def]
    from sqlalchemy import select

    from assistant.accounts.models import LinkCode

    code = _issue(api)["code"]
    with api.services.personal.accounts._sessions() as s:
        hashes = list(s.scalars(select(LinkCode.code_hash)))
    assert all(code.replace("-", "") not in h and code not in h for h in hashes)


def test_expired_code_is_refused(api):  # type: ignore[no-untyped-def]
    accounts = api.services.personal.accounts
    code = _issue(api)["code"]
    clock = accounts.clock
    accounts.clock = lambda: clock() + accounts.policy.link_code_ttl + timedelta(seconds=1)
    try:
        r = _redeem(api, 4300001, code)
    finally:
        accounts.clock = clock
    assert r.status_code == 400 and "hết hạn" in r.json()["error"]["message"]


def test_guessing_is_rate_limited_per_telegram_user(api):  # type: ignore[no-untyped-def]
    limit = api.services.personal.accounts.policy.failures_per_telegram_user
    for i in range(limit):
        r = _redeem(api, 4400001, f"SAI{i:013d}")
        assert r.status_code == 400 and "không đúng" in r.json()["error"]["message"]
    good = _issue(api)["code"]
    blocked = _redeem(api, 4400001, good)  # even a right code waits out the window
    assert blocked.status_code == 429 and "quá nhiều lần" in blocked.json()["error"]["message"]
    assert _redeem(api, 4400002, good).status_code == 201  # another person is not blocked


def test_guessing_across_many_telegram_ids_hits_the_global_limit(api):  # type: ignore[no-untyped-def]
    policy = api.services.personal.accounts.policy
    saved = policy.failures_global
    policy.failures_global = 8
    try:
        statuses = [_redeem(api, 4500000 + i, "AAAA-BBBB-CCCC-DDDD").status_code for i in range(10)]
    finally:
        policy.failures_global = saved
    assert statuses[:8] == [400] * 8 and statuses[8:] == [429, 429]


@pytest.mark.parametrize(
    "body",
    [
        {"telegram_user_id": "abc", "code": "X"},
        {"telegram_user_id": -5, "code": "X"},
        {"telegram_user_id": 1, "code": ""},
        {"telegram_user_id": 1, "code": "x" * 500},
        {},
    ],
)
def test_malformed_redemptions_get_vietnamese_4xx(api, body):  # type: ignore[no-untyped-def]
    r = api.call("bot", "POST", "/telegram/links", json=body)
    assert r.status_code == 422 and r.json()["error"]["message"].startswith("Yêu cầu không hợp lệ")


def test_bad_telegram_header_is_a_4xx(api):  # type: ignore[no-untyped-def]
    r = api.call("bot", "GET", "/auth/me", headers={"x-telegram-user-id": "not-a-number"})
    assert r.status_code == 400
