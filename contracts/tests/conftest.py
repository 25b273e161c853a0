"""Helpers for running contract suites inside a pytester sandbox."""

from __future__ import annotations

from collections.abc import Callable

import pytest

pytest_plugins = ["pytester"]

# The flags a user in asyncio "strict" mode would have: the suites must not rely on auto mode.
STRICT = (
    "-p",
    "no:cacheprovider",
    "-o",
    "asyncio_mode=strict",
    "-o",
    "asyncio_default_fixture_loop_scope=function",
)


class SuiteRun:
    """Outcome of one in-process pytest run: ``failed`` holds ``Class::test`` names."""

    def __init__(self, result: pytest.RunResult) -> None:
        self.result = result
        passed, skipped, failed = result.reprec.listoutcomes()  # type: ignore[attr-defined]
        self.output = "\n".join(result.outlines)
        self.passed = {_name(r.nodeid) for r in passed}
        self.skipped = {_name(r.nodeid) for r in skipped}
        self.failed = {_name(r.nodeid) for r in failed}

    def failed_in(self, cls: str) -> set[str]:
        """Names of the failed tests of one class."""
        prefix = f"{cls}::"
        return {n.removeprefix(prefix) for n in self.failed if n.startswith(prefix)}


def _name(nodeid: str) -> str:
    return nodeid.split("::", 1)[1]


RunSuite = Callable[..., SuiteRun]


@pytest.fixture
def run_suite(pytester: pytest.Pytester) -> RunSuite:
    """``run_suite(source, *args)``: write ``source`` as a test module, run it in-process in
    strict asyncio mode, return a :class:`SuiteRun`."""

    def run(source: str, *args: str) -> SuiteRun:
        pytester.makepyfile(test_sandbox=source)
        return SuiteRun(pytester.runpytest_inprocess(*STRICT, *args))

    return run
