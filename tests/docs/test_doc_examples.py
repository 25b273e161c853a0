"""Every ```python block of the docs runs (blocks marked ``<!-- fragment -->`` excepted)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

DOCS = Path(__file__).resolve().parent.parent.parent / "docs"
BLOCK = re.compile(r"(?P<marker><!-- fragment -->\n)?```python\n(?P<code>.*?)```", re.S)


def blocks() -> list[tuple[str, int, str, bool]]:
    found = []
    for page in sorted(DOCS.glob("*.md")):
        for number, match in enumerate(BLOCK.finditer(page.read_text()), start=1):
            found.append((page.name, number, match["code"], bool(match["marker"])))
    return found


RUNNABLE = [(page, n, code) for page, n, code, fragment in blocks() if not fragment]


@pytest.mark.parametrize(
    ("page", "number", "code"), RUNNABLE, ids=[f"{p}#{n}" for p, n, _ in RUNNABLE]
)
def test_example_runs(page: str, number: int, code: str) -> None:
    namespace: dict[str, object] = {"__name__": f"docs_{page}_{number}"}
    exec(compile(code, f"{page} block {number}", "exec"), namespace)


def test_every_page_with_code_has_a_runnable_example() -> None:
    pages_with_code = {p for p, _, _, _ in blocks()}
    pages_with_runnable = {p for p, _, _ in RUNNABLE}
    assert pages_with_code == pages_with_runnable
    assert len(RUNNABLE) >= 15
