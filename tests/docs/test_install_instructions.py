"""No page, docstring or error message sends a user to the registry's ``roomkit``.

The project named ``roomkit`` on PyPI is a different one: ``pip install roomkit[sqlite]`` would
install it in place of this framework. Installs go through ``./dev dist`` wheels (``--no-index
--find-links dist``) or the checkout's folders.
"""

from __future__ import annotations

import importlib
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent.parent
REGISTRY_INSTALL = re.compile(
    r"""pip\s+install\s+(?:-U\s+|--upgrade\s+)?["'`]?roomkit(?:-[a-z]+)?(?:\[[^\]]*\])?["'`]?(?=[\s`'")]|$)"""
)
SOURCES = ("composition", "domain", "ports", "application", "plugins", "adapters", "contracts")


def _texts() -> list[Path]:
    pages = [*sorted((ROOT / "docs").glob("*.md")), ROOT / "README.md"]
    code = [p for folder in SOURCES for p in (ROOT / folder).rglob("*.py")]
    return pages + code


def _offending(line: str) -> bool:
    if "--find-links" in line or "--no-index" in line:
        return False
    # the warning that names the wrong command, and the benchmark against the published package
    return bool(REGISTRY_INSTALL.search(line)) and "different" not in line and "0.109" not in line


def test_no_page_or_message_points_at_a_registry_install() -> None:
    found = [
        f"{path.relative_to(ROOT)}:{number}: {line.strip()}"
        for path in _texts()
        for number, line in enumerate(path.read_text().splitlines(), start=1)
        if _offending(line)
    ]
    assert found == []


def test_the_check_catches_the_old_hints() -> None:
    assert _offending("raise ImportError('... not installed: pip install roomkit[sqlite]')")
    assert _offending("pip install roomkit-contracts        # or: uv add --dev roomkit-contracts")
    assert _offending("pip install -U roomkit")
    assert not _offending('pip install --no-index --find-links dist "roomkit[sqlite]"')


@pytest.mark.parametrize(
    "module", ["roomkit.providers.teams.webhook", "roomkit.providers.whatsapp.personal"]
)
def test_a_missing_adapter_names_its_distribution_and_the_wheelhouse(module: str) -> None:
    with pytest.raises(ImportError) as caught:
        importlib.import_module(module)
    message = str(caught.value)
    assert "roomkit-" in message and "./dev dist" in message
    assert "--no-index --find-links dist" in message and not _offending(message)
