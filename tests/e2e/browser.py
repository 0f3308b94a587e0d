"""Fixtures for the browser tests: Debian's Chromium driven by Playwright against the real app (uvicorn in a thread,
SQLite, the small real corpus with the fake embedder, the demo province and demo accounts).

Kept out of tests/e2e/conftest.py (the Telegram bot's harness): test_web.py imports these fixtures, registered under
the names `site`, `browser` and `page`. A failing test leaves a full-page screenshot in test-artifacts/. A missing
browser is a failure, never a skip: CI must install it.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from tests.api.conftest import prepare_services
from tests.conftest import ROOT
from tests.support import LiveServer

ARTIFACTS = ROOT / "test-artifacts"
CHROMIUM = Path(os.environ.get("E2E_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}


class ScreenshotOnFailure:
    """A pytest plugin: keeps each phase's report on the test item, so the page fixture knows the test failed."""

    @pytest.hookimpl(hookwrapper=True)
    def pytest_runtest_makereport(self, item: pytest.Item, call: pytest.CallInfo[None]) -> Iterator[None]:
        outcome = yield
        report = outcome.get_result()  # type: ignore[attr-defined]
        setattr(item, f"rep_{report.when}", report)


@dataclass
class Site:
    base: str
    services: Any
    hr_cadres: set[str]  # every cadre of DEMO-H1 and its subunits: what demo_hr may see
    other_cadre: str  # a cadre of DEMO-H2, outside demo_hr's scope
    instructive_cadre: str  # a DEMO-H1 cadre with missing or overdue requirements


@pytest.fixture(scope="module", name="site")
def site_fixture(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    from assistant.api.app import create_app

    services = prepare_services(tmp_path_factory.mktemp("web"), "")
    enrollment = services.personal.enrollment
    hr_cadres = {c.code for c in enrollment.list_cadres("DEMO-H1")}
    other = enrollment.list_cadres("DEMO-H2")[0].code
    instructive = services.personal.accounts.get_user("demo_canbo").cadre_code
    with LiveServer(create_app(services)) as base:  # secure cookies as in production: the page uses the bearer token
        yield Site(base, services, hr_cadres, other, instructive)


@pytest.fixture(scope="module", name="browser")
def browser_fixture(pytestconfig: pytest.Config) -> Iterator[Any]:
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        pytest.fail("Playwright is not installed: .venv/bin/pip install playwright", pytrace=False)
    if not CHROMIUM.exists():
        pytest.fail(
            f"Chromium not found at {CHROMIUM}: install it with `apt-get install -y chromium` "
            "(or point E2E_CHROMIUM at a Chromium binary). Browser tests are never skipped.",
            pytrace=False,
        )
    if not pytestconfig.pluginmanager.has_plugin("web-screenshots"):
        pytestconfig.pluginmanager.register(ScreenshotOnFailure(), "web-screenshots")
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True)
        yield b
        b.close()


@pytest.fixture(name="page")
def page_fixture(browser: Any, request: pytest.FixtureRequest) -> Iterator[Any]:
    context = browser.new_context(viewport=DESKTOP, locale="vi-VN", accept_downloads=True)
    pg = context.new_page()
    pg.set_default_timeout(15_000)
    from playwright.sync_api import expect

    expect.set_options(timeout=15_000)  # a loaded CI machine: an assertion waits as long as an action
    js_errors: list[str] = []
    pg.on("pageerror", lambda e: js_errors.append(str(e)))
    yield pg
    report = getattr(request.node, "rep_call", None)
    if report is not None and report.failed:
        ARTIFACTS.mkdir(exist_ok=True)
        name = re.sub(r"[^A-Za-z0-9_.-]+", "_", request.node.nodeid)
        pg.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)
    context.close()
    if report is not None and report.passed:
        assert not js_errors, f"JavaScript errors on the page: {js_errors}"
