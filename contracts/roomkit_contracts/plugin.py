"""pytest plugin of roomkit-contracts (entry point ``pytest11``), loaded wherever it is installed.

- registers the markers ``contract`` (added to every contract test, so ``-m contract`` selects
  them) and ``roomkit_live`` (a test that needs a real service);
- adds ``--roomkit-live``: without it, live-tier tests (``roomkit_live`` marker, or contract
  classes with ``live = True``) are skipped with the reason;
- puts the failing contract test's troubleshooting hint in the failure report;
- reports the tier in the session header.
"""

from __future__ import annotations

from collections.abc import Generator

import pytest

from roomkit_contracts.base import LIVE_OPTION, ContractSuite, hint_of

LIVE_MARKER = "roomkit_live"


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("roomkit-contracts", "RoomKit contract suites")
    group.addoption(
        LIVE_OPTION,
        action="store_true",
        default=False,
        help="also run the live tier of the roomkit contract suites (real services, network)",
    )


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "contract: a test of a roomkit port contract suite")
    config.addinivalue_line(
        "markers", f"{LIVE_MARKER}: needs a real service; skipped unless {LIVE_OPTION} is given"
    )


def pytest_report_header(config: pytest.Config) -> str:
    state = "on" if config.getoption(LIVE_OPTION) else f"off (enable with {LIVE_OPTION})"
    return f"roomkit-contracts: live tier {state}"


def _suite_of(item: pytest.Item) -> type[ContractSuite] | None:
    cls = getattr(item, "cls", None)
    if isinstance(cls, type) and issubclass(cls, ContractSuite):
        return cls
    return None


@pytest.hookimpl(tryfirst=True)  # before ``-m`` deselects by marker
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    live = config.getoption(LIVE_OPTION)
    skip_live = pytest.mark.skip(reason=f"live tier: run pytest with {LIVE_OPTION} to include it")
    for item in items:
        suite = _suite_of(item)
        if suite is not None and item.name.split("[")[0] in suite.contract_tests():
            item.add_marker(pytest.mark.contract)
        if not live and (item.get_closest_marker(LIVE_MARKER) or (suite and suite.live)):
            item.add_marker(skip_live)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(
    item: pytest.Item, call: pytest.CallInfo[None]
) -> Generator[None, pytest.TestReport, pytest.TestReport]:
    report = yield
    if report.when == "call" and report.failed and _suite_of(item) is not None:
        hint = hint_of(getattr(item, "function", None))
        if hint:
            report.sections.append(("roomkit contract hint", hint))
    return report
