"""The layer rules hold, and the linter demonstrably catches a violation."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent


def test_every_import_contract_is_kept() -> None:
    result = subprocess.run(
        [str(BIN / "lint-imports"), "--no-cache"], capture_output=True, text=True, cwd=ROOT
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout


def test_seeded_forbidden_imports_are_caught() -> None:
    result = subprocess.run(
        [sys.executable, str(ROOT / ".ci" / "seeded_forbidden_import.py")],
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.count("caught:") == 4
    assert "domain/base.py -> Layers" in result.stdout
