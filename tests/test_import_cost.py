"""``import roomkit`` loads no optional subsystem: names resolve on first use (PEP 562).

Structural, not timed (timings live in docs/performance.md): which modules a fresh interpreter
has loaded after each step.
"""

from __future__ import annotations

import ast
import json
import subprocess
import sys
from pathlib import Path

import roomkit

HEAVY = ("pydantic", "structlog", "dependency_injector", "rich", "starlette", "pluggy")


def loaded_after(code: str) -> set[str]:
    probe = code + "\nimport sys, json\nprint(json.dumps(sorted(sys.modules)))\n"
    result = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True
    )
    modules = json.loads(result.stdout.splitlines()[-1])
    return {m.split(".")[0] for m in modules}


def test_import_roomkit_loads_no_framework_or_vendor_package() -> None:
    assert loaded_after("import roomkit").isdisjoint(HEAVY)


def test_the_facade_loads_logging_and_the_container_only_when_a_kit_is_built() -> None:
    after_import = loaded_after("from roomkit import RoomKit")
    assert {"structlog", "dependency_injector", "rich", "starlette"}.isdisjoint(after_import)
    after_kit = loaded_after("from roomkit import RoomKit\nRoomKit()")
    assert {"structlog", "dependency_injector"} <= after_kit


def test_every_public_name_resolves() -> None:
    missing = [name for name in roomkit.__all__ if getattr(roomkit, name, None) is None]
    assert missing == []
    assert set(roomkit.__all__) <= set(dir(roomkit))


def test_the_type_checking_imports_match_the_lazy_table() -> None:
    """Type checkers read the ``if TYPE_CHECKING`` imports; the runtime reads ``_EXPORTS``."""
    source = Path(roomkit.__file__).read_text()
    tree = ast.parse(source)
    [block] = [n for n in tree.body if isinstance(n, ast.If)]
    declared = {
        alias.asname or alias.name: node.module
        for node in block.body
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("roomkit")
        for alias in node.names
    }
    assert declared == roomkit._EXPORTS
