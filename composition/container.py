"""The dependency-injection container: one provider per port, built through the registry.

Only ``roomkit.kit`` uses this module. Each port is filled by an instance the user passed, or
by a registered adapter chosen by name (with validated settings).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from dependency_injector import containers, providers

from roomkit.plugins.registry import Registry
from roomkit.ports.clock import Clock
from roomkit.ports.identity import IdentityResolver
from roomkit.ports.locks import RoomLockManager
from roomkit.ports.realtime import RealtimeBackend
from roomkit.ports.routing import InboundRoomRouter
from roomkit.ports.store import ConversationStore
from roomkit.ports.telemetry import TelemetryProvider

#: port -> (ABC the instance must satisfy, default adapter name or None for "off")
PORTS: dict[str, tuple[type, str | None]] = {
    "clock": (Clock, "system"),
    "store": (ConversationStore, "memory"),
    "lock_manager": (RoomLockManager, "memory"),
    "realtime": (RealtimeBackend, "memory"),
    "inbound_router": (InboundRoomRouter, "default"),
    "identity_resolver": (IdentityResolver, None),
    "telemetry": (TelemetryProvider, "noop"),
}


class Container(containers.DeclarativeContainer):
    clock = providers.Dependency(instance_of=Clock)  # type: ignore[type-abstract]
    store = providers.Dependency(instance_of=ConversationStore)  # type: ignore[type-abstract]
    lock_manager = providers.Dependency(instance_of=RoomLockManager)  # type: ignore[type-abstract]
    realtime = providers.Dependency(instance_of=RealtimeBackend)  # type: ignore[type-abstract]
    inbound_router = providers.Dependency(instance_of=InboundRoomRouter)  # type: ignore[type-abstract]
    identity_resolver = providers.Dependency(instance_of=object)  # an IdentityResolver or None
    telemetry = providers.Dependency(instance_of=TelemetryProvider)  # type: ignore[type-abstract]


def _choice(value: Any) -> tuple[str, Mapping[str, Any] | None] | None:
    """A port setting given by name: "memory" or {"name": "memory", "settings": {...}}."""
    if isinstance(value, str):
        return value, None
    if isinstance(value, Mapping) and "name" in value:
        extra = set(value) - {"name", "settings"}
        if extra:
            raise ValueError(f"unknown keys {sorted(extra)} in adapter choice {dict(value)!r}")
        return str(value["name"]), value.get("settings")
    return None


def build_container(registry: Registry, choices: Mapping[str, Any]) -> Container:
    """Wire every port: an instance is used as given, a name goes through the registry."""
    container = Container()
    for port, (_abc, default) in PORTS.items():
        value = choices.get(port)
        provider = getattr(container, port)
        named = _choice(value) if value is not None else ((default, None) if default else None)
        if value is not None and named is None:
            provider.override(providers.Object(value))
            continue
        if named is None:
            provider.override(providers.Object(None))
            continue
        name, settings = named
        deps: dict[str, Any] = {}
        if port != "clock":
            deps["clock"] = container.clock
        if port not in ("clock", "store"):
            deps["store"] = container.store
        provider.override(providers.Singleton(registry.create, port, name, settings, **deps))
    container.check_dependencies()
    return container
