"""A broken third-party plugin is reported with its distribution and skipped, unless strict."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from roomkit import RoomKit
from roomkit.domain.errors import AdapterFactoryError, AdapterNotFoundError, PluginLoadError
from roomkit.plugins.markers import hookimpl
from roomkit.plugins.registry import (
    Registry,
    make_plugin_manager,
    reset_default_registry,
)

TYPO_PLUGIN = """
from roomkit.plugins.markers import hookimpl
from roomkit.plugins.builtin.memory_store import InMemoryStore

@hookimpl
def roomkit_register_store(register):
    register(name="typo-store", factory=lambda settings: InMemoryStore())
"""

GOOD_PLUGIN = """
from roomkit.plugins.markers import hookimpl
from roomkit.plugins.builtin.memory_store import InMemoryStore

@hookimpl
def roomkit_register_stores(register):
    register(name="good-store", factory=lambda settings: InMemoryStore(), description="works")
"""


def _distribution(site: Path, name: str, entry_points: dict[str, str]) -> None:
    info = site / f"{name.replace('-', '_')}-1.0.dist-info"
    info.mkdir()
    (info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {name}\nVersion: 1.0\n")
    lines = "\n".join(f"{k} = {v}" for k, v in entry_points.items())
    (info / "entry_points.txt").write_text(f"[roomkit]\n{lines}\n")


@pytest.fixture
def site(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Three installed third-party plugins: one missing its module, one with a misspelt hook,
    one that works."""
    (tmp_path / "typo_plugin_mod.py").write_text(TYPO_PLUGIN)
    (tmp_path / "good_plugin_mod.py").write_text(GOOD_PLUGIN)
    _distribution(tmp_path, "roomkit-broken", {"broken": "roomkit_broken_missing.plugin"})
    _distribution(tmp_path, "roomkit-typo", {"typo": "typo_plugin_mod"})
    _distribution(tmp_path, "roomkit-good", {"good": "good_plugin_mod"})
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.delenv("ROOMKIT_STRICT_PLUGINS", raising=False)
    monkeypatch.delenv("ROOMKIT_DISABLE_PLUGIN_AUTOLOAD", raising=False)
    reset_default_registry()
    yield tmp_path
    reset_default_registry()


def test_broken_plugins_are_reported_and_skipped(site: Path) -> None:
    registry = Registry(make_plugin_manager())
    failures = {f.distribution: f for f in registry.failures}
    assert set(failures) == {"roomkit-broken 1.0", "roomkit-typo 1.0"}
    assert "ModuleNotFoundError" in failures["roomkit-broken 1.0"].error
    assert "roomkit_broken_missing" in failures["roomkit-broken 1.0"].error
    assert "did you mean 'roomkit_register_stores'" in failures["roomkit-typo 1.0"].error
    assert "good-store" in registry.names("store")
    assert registry.get("store", "good-store").distribution == "roomkit-good 1.0"
    assert "typo-store" not in registry.names("store")


async def test_roomkit_works_with_a_broken_plugin_installed(site: Path) -> None:
    kit = RoomKit(store="good-store")
    await kit.create_room(room_id="r")
    with pytest.raises(AdapterNotFoundError, match=r"roomkit-broken 1\.0 was skipped"):
        RoomKit(store="broken-store")


def test_strict_loading_raises_naming_the_distribution(
    site: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with pytest.raises(PluginLoadError, match=r"from roomkit-(broken|typo) 1.0 failed to load"):
        make_plugin_manager(strict=True)
    monkeypatch.setenv("ROOMKIT_STRICT_PLUGINS", "1")
    with pytest.raises(PluginLoadError, match="ROOMKIT_STRICT_PLUGINS"):
        make_plugin_manager()


def test_roomkit_plugins_lists_the_broken_ones(site: Path) -> None:
    env = {**os.environ, "PYTHONPATH": str(site)}
    env.pop("ROOMKIT_STRICT_PLUGINS", None)
    result = subprocess.run(
        [sys.executable, "-m", "roomkit", "plugins"], capture_output=True, text=True, env=env
    )
    assert result.returncode == 0, result.stderr
    broken = result.stdout.split("broken (skipped", 1)[1]
    assert "roomkit-broken 1.0" in broken and "ModuleNotFoundError" in broken
    assert "did you mean 'roomkit_register_stores'" in broken
    assert "good-store" in result.stdout


def test_a_plugin_whose_hook_raises_is_skipped_too(site: Path) -> None:
    (site / "raising_plugin_mod.py").write_text(
        "from roomkit.plugins.markers import hookimpl\n"
        "@hookimpl\n"
        "def roomkit_register_clocks(register):\n"
        "    raise RuntimeError('needs a licence key')\n"
    )
    _distribution(site, "roomkit-raising", {"raising": "raising_plugin_mod"})
    registry = Registry(make_plugin_manager())
    [failure] = [f for f in registry.failures if f.distribution == "roomkit-raising 1.0"]
    assert "needs a licence key" in failure.error


def test_a_misspelt_hook_in_code_fails_with_a_suggestion() -> None:
    class Typo:
        @hookimpl
        def roomkit_register_ai_provider(self, register):  # type: ignore[no-untyped-def]
            pass

    import pluggy

    suggestion = "did you mean 'roomkit_register_ai_providers'"
    with pytest.raises(pluggy.PluginValidationError, match=suggestion):
        make_plugin_manager(autoload=False, extra_plugins=[Typo()])


def test_a_factory_returning_none_names_the_adapter_and_its_distribution() -> None:
    class NoneFactory:
        @hookimpl
        def roomkit_register_stores(self, register):  # type: ignore[no-untyped-def]
            register(name="nothing", factory=lambda settings: None)

    registry = Registry(make_plugin_manager(autoload=False, extra_plugins=[NoneFactory()]))
    with pytest.raises(AdapterFactoryError, match=r"store adapter 'nothing' .*returned None"):
        RoomKit(store="nothing", registry=registry)


def test_an_adapter_of_a_missing_extra_gets_an_install_hint() -> None:
    registry = Registry(make_plugin_manager(autoload=False))
    with pytest.raises(AdapterNotFoundError) as caught:
        registry.get("store", "sqlite")
    message = str(caught.value)
    assert "roomkit-sql" in message and "--find-links dist" in message
    assert "roomkit[sqlite]" in message


def test_every_installed_adapter_has_a_description() -> None:
    registry = Registry(make_plugin_manager())
    undescribed = [
        f"{spec.port}/{spec.name} ({spec.distribution})"
        for specs in registry.all().values()
        for spec in specs
        if not spec.description
    ]
    assert undescribed == []
