"""Schemathesis against the live OpenAPI schema, authenticated as each role in turn, with every check schemathesis
has (server errors, status codes, content types, headers and bodies against the schema, negative data rejected,
positive data accepted, auth not ignored, unsupported methods …). Bounded: a fixed number of cases per operation
and role, replayed identically in CI (API_FUZZ_RANDOM=1 explores, API_FUZZ_EXAMPLES raises the budget)."""

from __future__ import annotations

import os
import time

import httpx
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from schemathesis import GenerationMode
from schemathesis.checks import CHECKS

EXAMPLES = int(os.environ.get("API_FUZZ_EXAMPLES", "4"))
# These end or change the fuzzing session itself; each has its own test (test_account_security, test_authorization).
SKIP = {"/api/v1/auth/logout", "/api/v1/auth/password"}
ROLES = ("anonymous", "cadre", "hr", "bot", "admin")  # admin last: its changes cannot disturb the others
# Where a check cannot hold by the nature of the operation, it is excused there only, with the reason:
# the validity of an uploaded file, a spreadsheet, a link code or a password rule is not expressible in a schema.
CONTENT = "positive_data_acceptance"
EXCUSED: dict[tuple[str, str], set[str]] = {
    ("POST", "/api/v1/admin/documents/preview"): {CONTENT},  # a schema-valid file may not be a readable document
    ("POST", "/api/v1/imports"): {CONTENT},  # … nor a spreadsheet with the expected columns
    ("POST", "/api/v1/telegram/links"): {CONTENT},  # a well-formed link code may be wrong or used
    ("POST", "/api/v1/admin/users"): {CONTENT},  # the unit/cadre named must exist
    ("POST", "/api/v1/courses"): {CONTENT},  # dates must be in order; the code may be taken
    ("PATCH", "/api/v1/cadres/{code}/enrollments/{course_code}"): {CONTENT},  # 'completed' needs a date
    ("POST", "/api/v1/telegram/link-codes"): {CONTENT},  # the cadre must exist and be in scope
    ("GET", "/api/v1/cadres"): {CONTENT},  # an admin must name the unit (HR defaults to their own)
    # ignored_auth: its probes swap one of the several declared schemes (bearer, cookie, API key) and misread the
    # answer here; these operations refuse missing and wrong credentials (test_authorization, test_account_security).
    ("GET", "/api/v1/reports/{kind}"): {CONTENT, "ignored_auth"},  # a period is a year OR a from/to pair in order
    ("GET", "/api/v1/reports/{kind}/export"): {CONTENT, "ignored_auth"},
    ("DELETE", "/api/v1/telegram/links/{telegram_user_id}"): {"ignored_auth"},
}


def _checks() -> list:  # type: ignore[type-arg]
    return list(CHECKS.get_all())


def _fuzz(api, role: str, headers: dict[str, str], deadline: float, calls: list[int]) -> list[str]:  # type: ignore[no-untyped-def]
    raw = httpx.get(f"{api.base}/openapi.json").json()
    schema = schemathesis.openapi.from_dict(raw)
    everything = _checks()
    failures: list[str] = []
    for result in schema.get_all_operations():
        operation = result.ok()
        if time.monotonic() > deadline:  # a slow machine fuzzes fewer operations; what ran must still pass
            print(f"[{role}] time budget exhausted before {operation.method} {operation.path}")
            break
        if operation.path in SKIP:
            continue
        excused = EXCUSED.get((operation.method.upper(), operation.path), set())
        checks = [c for c in everything if c.__name__ not in excused]

        strategy = operation.as_strategy(generation_mode=GenerationMode.POSITIVE) | operation.as_strategy(
            generation_mode=GenerationMode.NEGATIVE
        )

        @given(case=strategy)
        @settings(
            max_examples=EXAMPLES,
            derandomize=not os.environ.get("API_FUZZ_RANDOM"),
            deadline=None,
            database=None,
            phases=[Phase.explicit, Phase.generate],
            suppress_health_check=list(HealthCheck),
        )
        def run(case) -> None:  # type: ignore[no-untyped-def]
            response = case.call(base_url=api.base, headers=headers, timeout=120)
            calls.append(response.status_code)
            try:
                case.validate_response(response, checks=checks, headers=headers)
            except (Exception, BaseExceptionGroup) as e:  # a failed check: collected, the run goes on
                first = str(e).strip().splitlines()
                what = " | ".join(line.strip() for line in first[:3] if line.strip())
                failures.append(f"[{role}] {case.method} {case.formatted_path} → {response.status_code}: {what[:300]}")

        run()
    return failures


def test_every_check_passes_for_every_role(api):  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + float(os.environ.get("API_FUZZ_SECONDS", "240"))
    calls: list[int] = []
    failures: list[str] = []
    for role in ROLES:
        failures += _fuzz(api, role, api.headers[role], deadline, calls)
    api.services.personal.jobs.wait(30)
    unique = sorted(set(failures))
    assert not unique, f"{len(unique)} failures:\n" + "\n".join(unique[:60])
    assert len(calls) > 300 and len(set(calls)) > 5, calls  # the run really exercised the API
