"""The adapter registry: what each installed plugin contributed, looked up by (port, name)."""

from __future__ import annotations

import inspect
import logging
import os
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

import pluggy
from pydantic import BaseModel, ConfigDict, ValidationError

from roomkit.domain.errors import (
    AdapterConfigError,
    AdapterFactoryError,
    AdapterNotFoundError,
    DuplicateAdapterError,
)
from roomkit.plugins import hookspecs
from roomkit.plugins.install_hints import core_extras, install_hint
from roomkit.plugins.loading import (
    AUTOLOAD_ENV,
    PluginFailure,
    RoomKitPluginManager,
    check_explicit_plugin,
    load_entry_points,
    strict_from_env,
)

ENTRY_POINT_GROUP = "roomkit"
__all__ = ["AUTOLOAD_ENV", "ENTRY_POINT_GROUP", "AdapterSpec", "PluginFailure", "Registry"]


class NoSettings(BaseModel):
    """Settings model of adapters that take none."""

    model_config = ConfigDict(extra="forbid")


@dataclass(frozen=True)
class AdapterSpec:
    port: str
    name: str
    factory: Callable[..., Any]
    settings: type[BaseModel]
    capabilities: frozenset[str] = field(default_factory=frozenset)
    description: str = ""
    distribution: str = "roomkit"

    def build(self, settings: Mapping[str, Any] | BaseModel | None = None, **deps: Any) -> Any:
        """Validate ``settings`` and call the factory with the dependencies it names."""
        model = self.validate(settings)
        wanted = _accepted_keywords(self.factory)
        offered = {k: v for k, v in deps.items() if wanted is None or k in wanted}
        built = self.factory(model, **offered)
        if built is None:
            raise AdapterFactoryError(
                self.port, self.name, self.distribution, "its factory returned None"
            )
        return built

    def validate(self, settings: Mapping[str, Any] | BaseModel | None) -> BaseModel:
        if isinstance(settings, self.settings):
            return settings
        data = settings.model_dump() if isinstance(settings, BaseModel) else dict(settings or {})
        try:
            return self.settings.model_validate(data)
        except ValidationError as exc:
            problems = [
                f"{'.'.join(str(p) for p in err['loc']) or '<root>'}: {err['msg']}"
                for err in exc.errors()
            ]
            raise AdapterConfigError(self.port, self.name, problems) from exc


def _accepted_keywords(factory: Callable[..., Any]) -> set[str] | None:
    try:
        params = inspect.signature(factory).parameters.values()
    except (TypeError, ValueError):  # pragma: no cover - builtins without signatures
        return set()
    if any(p.kind is inspect.Parameter.VAR_KEYWORD for p in params):
        return None
    return {p.name for p in params if p.kind is not inspect.Parameter.VAR_POSITIONAL}


class Registry:
    """Adapters per port, filled by calling every plugin's ``roomkit_register_*`` hooks."""

    def __init__(self, plugin_manager: pluggy.PluginManager) -> None:
        self.plugin_manager = plugin_manager
        self._adapters: dict[str, dict[str, AdapterSpec]] = {
            port: {} for port in hookspecs.PORT_OF_HOOK.values()
        }
        self._failures: list[PluginFailure] = []
        self._collect()

    # lookup --------------------------------------------------------------------------------
    @property
    def ports(self) -> list[str]:
        return list(self._adapters)

    def names(self, port: str) -> list[str]:
        return sorted(self._port(port))

    @property
    def failures(self) -> list[PluginFailure]:
        """Plugins that failed to load or register and were skipped."""
        return [*getattr(self.plugin_manager, "failures", []), *self._failures]

    def get(self, port: str, name: str) -> AdapterSpec:
        adapters = self._port(port)
        if name not in adapters:
            error = AdapterNotFoundError(port, name, list(adapters))
            hints = [install_hint(name)] if name in core_extras() else []
            hints += [f.describe() for f in self.failures]
            if hints:
                error.args = (f"{error.args[0]}; " + "; ".join(hints),)
            raise error
        return adapters[name]

    def create(
        self,
        port: str,
        name: str,
        settings: Mapping[str, Any] | BaseModel | None = None,
        **deps: Any,
    ) -> Any:
        return self.get(port, name).build(settings, **deps)

    def all(self) -> dict[str, list[AdapterSpec]]:
        return {port: [specs[n] for n in sorted(specs)] for port, specs in self._adapters.items()}

    def _port(self, port: str) -> dict[str, AdapterSpec]:
        if port not in self._adapters:
            raise AdapterNotFoundError("port", port, list(self._adapters))
        return self._adapters[port]

    # collection ----------------------------------------------------------------------------
    def _collect(self) -> None:
        dists = {
            id(plugin): f"{dist.metadata['name']} {dist.version}"
            for plugin, dist in self.plugin_manager.list_plugin_distinfo()
        }
        dists |= getattr(self.plugin_manager, "origins", {})
        strict = getattr(self.plugin_manager, "strict", True)
        for hook_name, port in hookspecs.PORT_OF_HOOK.items():
            caller = getattr(self.plugin_manager.hook, hook_name)
            for impl in caller.get_hookimpls():
                origin = dists.get(id(impl.plugin))
                register = self._registrar(port, origin or "roomkit (built-in)")
                if origin is None or strict:  # built-in and explicit plugins fail loudly
                    impl.function(register=register)
                    continue
                try:
                    impl.function(register=register)
                except DuplicateAdapterError:
                    raise
                except Exception as exc:
                    failure = PluginFailure(
                        origin, impl.plugin_name, f"{hook_name} raised {type(exc).__name__}: {exc}"
                    )
                    self._failures.append(failure)
                    logging.getLogger("roomkit.plugins").warning(
                        "%s; RoomKit runs without it", failure.describe()
                    )

    def _registrar(self, port: str, origin: str) -> hookspecs.Register:
        def register(
            *,
            name: str,
            factory: Callable[..., Any],
            settings: type[BaseModel] | None = None,
            capabilities: Iterable[str] = (),
            description: str = "",
        ) -> None:
            existing = self._adapters[port].get(name)
            if existing is not None:
                raise DuplicateAdapterError(port, name, existing.distribution, origin)
            self._adapters[port][name] = AdapterSpec(
                port=port,
                name=name,
                factory=factory,
                settings=settings or NoSettings,
                capabilities=frozenset(capabilities),
                description=description or (inspect.getdoc(factory) or "").split("\n")[0],
                distribution=origin,
            )

        return register


def make_plugin_manager(
    *,
    autoload: bool | None = None,
    extra_plugins: Iterable[object] = (),
    strict: bool | None = None,
) -> pluggy.PluginManager:
    """Built-ins first, then entry points (unless disabled), then ``extra_plugins`` (objects or
    modules with hookimpls, for tests and embedding). An entry-point plugin that fails to load
    is reported and skipped unless ``strict`` (default: ``ROOMKIT_STRICT_PLUGINS``); explicit
    plugins with a misspelt hook fail loudly, with a suggestion."""
    from roomkit.plugins import builtin

    pm = RoomKitPluginManager()
    pm.strict = strict_from_env() if strict is None else strict
    pm.add_hookspecs(hookspecs)
    for module in builtin.PLUGINS:
        pm.register(module, name=f"builtin.{module.__name__.rsplit('.', 1)[-1]}")
    if autoload is None:
        autoload = not os.environ.get(AUTOLOAD_ENV)
    if autoload:
        load_entry_points(pm, ENTRY_POINT_GROUP)
    for plugin in extra_plugins:
        check_explicit_plugin(plugin)
        pm.register(plugin)
    pm.check_pending()
    return pm


_default: Registry | None = None


def default_registry() -> Registry:
    """The process-wide registry, loaded lazily and once."""
    global _default
    if _default is None:
        _default = Registry(make_plugin_manager())
    return _default


def reset_default_registry() -> None:
    """Forget the loaded registry (tests that install plugins at run time)."""
    global _default
    _default = None
