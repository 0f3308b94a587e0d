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


def _checks() -> list:  # type: ignore[type-arg]
    return list(CHECKS.get_all())


def _fuzz(api, role: str, headers: dict[str, str], deadline: float, calls: list[int]) -> list[str]:  # type: ignore[no-untyped-def]
    raw = httpx.get(f"{api.base}/openapi.json").json()
    schema = schemathesis.openapi.from_dict(raw)
    checks = _checks()
    failures: list[str] = []
    for result in schema.get_all_operations():
        operation = result.ok()
        if time.monotonic() > deadline:
            failures.append(f"[{role}] time budget exhausted before {operation.method} {operation.path}")
            break
        if operation.path in SKIP:
            continue

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
            response = case.call(base_url=api.base, headers=headers, timeout=30)
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
