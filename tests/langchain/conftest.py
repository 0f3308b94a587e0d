"""The standard suite's async test is a bare coroutine (no marker): run it on a fresh asyncio loop here."""

from __future__ import annotations

import asyncio
import inspect
from pathlib import Path

import pytest

HERE = Path(__file__).parent


@pytest.hookimpl(tryfirst=True)
def pytest_pyfunc_call(pyfuncitem: pytest.Function) -> bool | None:
    fn = pyfuncitem.obj
    if HERE not in Path(str(pyfuncitem.fspath)).parents or not inspect.iscoroutinefunction(fn):
        return None
    names = pyfuncitem._fixtureinfo.argnames
    asyncio.run(fn(**{name: pyfuncitem.funcargs[name] for name in names}))
    return True
