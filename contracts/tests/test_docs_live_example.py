"""docs/contracts.md's live-tier example runs: skipped without --roomkit-live or without a key."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

RunSuite = Callable[..., Any]

DOC = Path(__file__).resolve().parents[2] / "docs" / "contracts.md"


def live_example() -> str:
    found = re.search(r"<!-- example: live tier -->\n```python\n(.*?)```", DOC.read_text(), re.S)
    assert found, "docs/contracts.md lost its live-tier example"
    return found.group(1)


def test_the_live_example_is_skipped_without_the_live_flag(run_suite: RunSuite) -> None:
    pytest.importorskip("roomkit_anthropic")
    run = run_suite(live_example())
    assert run.failed == set() and run.passed == set()
    assert len(run.skipped) >= 5 and "live tier off" in run.output


def test_the_live_example_needs_the_key_when_asked_to_run(
    run_suite: RunSuite, monkeypatch: pytest.MonkeyPatch
) -> None:
    pytest.importorskip("roomkit_anthropic")
    monkeypatch.delenv("ANTHROPIC_API_KEY", raising=False)
    run = run_suite(live_example(), "--roomkit-live", "-rs")
    assert run.failed == set() and run.passed == set()
    assert "ANTHROPIC_API_KEY is not set" in run.output
