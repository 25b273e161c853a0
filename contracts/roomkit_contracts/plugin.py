"""pytest plugin (entry point ``pytest11``): the ``contract`` marker and the live tier switch."""

from __future__ import annotations

import pytest

LIVE_OPTION = "--roomkit-live"


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        LIVE_OPTION,
        action="store_true",
        default=False,
        help="also run the live tier of roomkit contract suites (real services)",
    )


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "contract: a roomkit port contract test")
    config.addinivalue_line("markers", "live: needs a real service; run with --roomkit-live")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if config.getoption(LIVE_OPTION):
        return
    skip = pytest.mark.skip(reason=f"live contract tier: pass {LIVE_OPTION} to run it")
    for item in items:
        if "live" in item.keywords:
            item.add_marker(skip)
