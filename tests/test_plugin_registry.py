"""The plugin registry: lookup, settings validation, duplicates, discovery, and meta-tests that
keep every plugin hook documented, versioned and exercised."""

from __future__ import annotations

import inspect
import re
from pathlib import Path

import pluggy
import pytest
from pydantic import BaseModel

from roomkit.domain.errors import AdapterConfigError, AdapterNotFoundError, DuplicateAdapterError
from roomkit.plugins import builtin, hookimpl, hookspecs
from roomkit.plugins.registry import AUTOLOAD_ENV, Registry, make_plugin_manager

DOCS = Path(__file__).resolve().parent.parent / "docs" / "plugins.md"
SPECS = [
    (name, fn)
    for name, fn in inspect.getmembers(hookspecs, inspect.isfunction)
    if name.startswith("roomkit_register_")
]


def registry(*extra: object, autoload: bool = False) -> Registry:
    return Registry(make_plugin_manager(autoload=autoload, extra_plugins=extra))


def test_lookup_unknown_name_lists_the_known_ones() -> None:
    with pytest.raises(AdapterNotFoundError) as info:
        registry().get("store", "cassandra")
    assert "no store adapter named 'cassandra'; installed: memory" in str(info.value)
    with pytest.raises(AdapterNotFoundError, match="no port adapter named 'storage'"):
        registry().get("storage", "memory")


def test_invalid_settings_name_the_field() -> None:
    with pytest.raises(AdapterConfigError) as info:
        registry().create("ai_provider", "mock", {"responses": "not a list", "streaming": "x"})
    message = str(info.value)
    assert "invalid settings for ai_provider adapter 'mock'" in message
    assert "responses: Input should be a valid list" in message
    assert "streaming: Input should be a valid boolean" in message
    with pytest.raises(AdapterConfigError, match="colour: Extra inputs are not permitted"):
        registry().create("store", "memory", {"colour": "blue"})


def test_valid_settings_reach_the_factory() -> None:
    provider = registry().create("ai_provider", "mock", {"responses": ["a", "b"]})
    assert provider.responses == ["a", "b"]


def test_duplicate_names_are_refused_naming_both_origins() -> None:
    class SecondMemoryStore:
        @hookimpl
        def roomkit_register_stores(self, register: hookspecs.Register) -> None:
            register(name="memory", factory=lambda settings: object())

    with pytest.raises(DuplicateAdapterError, match=r"registered twice: by roomkit \(built-in\)"):
        registry(SecondMemoryStore())


def test_misspelt_plugin_hook_fails_loudly() -> None:
    class Typo:
        @hookimpl
        def roomkit_register_store(self, register: hookspecs.Register) -> None:
            """(sic) - should be roomkit_register_stores"""

    with pytest.raises(pluggy.PluginValidationError, match="roomkit_register_store"):
        registry(Typo())


def test_factories_get_the_dependencies_they_name() -> None:
    seen: dict[str, object] = {}

    class Settings(BaseModel):
        level: int = 1

    class Plugin:
        @hookimpl
        def roomkit_register_inbound_routers(self, register: hookspecs.Register) -> None:
            def factory(settings: Settings, store: object) -> object:
                seen.update(settings=settings, store=store)
                return object()

            register(name="custom", factory=factory, settings=Settings)

    registry(Plugin()).create("inbound_router", "custom", {"level": 3}, store="S", clock="C")
    assert seen == {"settings": Settings(level=3), "store": "S"}


def test_entry_point_discovery_can_be_disabled(monkeypatch: pytest.MonkeyPatch) -> None:
    assert "opentelemetry" in Registry(make_plugin_manager()).names("telemetry")
    monkeypatch.setenv(AUTOLOAD_ENV, "1")
    assert Registry(make_plugin_manager()).names("telemetry") == ["noop"]


# meta-tests ------------------------------------------------------------------------------------
def test_every_plugin_hook_maps_to_a_port() -> None:
    assert {name for name, _ in SPECS} == set(hookspecs.PORT_OF_HOOK)


@pytest.mark.parametrize(("name", "spec"), SPECS, ids=[n for n, _ in SPECS])
def test_every_plugin_hook_is_versioned_and_documented(name: str, spec: object) -> None:
    doc = inspect.getdoc(spec) or ""
    assert re.search(r"[Vv]ersion \d+", doc), f"{name} docstring must say since which version"
    signature = f"def {name}(register: Register) -> None"
    assert signature in DOCS.read_text(), f"{name} is not documented in docs/plugins.md"


@pytest.mark.parametrize(("name", "spec"), SPECS, ids=[n for n, _ in SPECS])
def test_every_plugin_hook_is_exercised(name: str, spec: object) -> None:
    implemented = [m for m in builtin.PLUGINS if hasattr(m, name)]
    port = hookspecs.PORT_OF_HOOK[name]
    assert implemented, f"no built-in plugin implements {name}"
    assert registry().names(port), f"{name} registered nothing for port {port}"
