"""Plugin hooks: how a package contributes adapters, one hook per port.

Each hook receives ``register`` and calls it once per adapter::

    register(name="memory", factory=InMemoryStore, settings=MySettings, capabilities={"x"})

``factory`` is called with the validated settings model as its first argument, plus any of the
keyword dependencies the composition root offers (``store``, ``clock``) that its signature names.
Hookspecs are append-only: arguments may be added, never renamed or removed.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any, Protocol

from pydantic import BaseModel

from roomkit.plugins.markers import hookspec


class Register(Protocol):
    def __call__(
        self,
        *,
        name: str,
        factory: Callable[..., Any],
        settings: type[BaseModel] | None = None,
        capabilities: Iterable[str] = (),
        description: str = "",
    ) -> None: ...


@hookspec
def roomkit_register_stores(register: Register) -> None:
    """Contribute ConversationStore adapters. Since version 1."""


@hookspec
def roomkit_register_lock_managers(register: Register) -> None:
    """Contribute RoomLockManager adapters. Since version 1."""


@hookspec
def roomkit_register_realtime_backends(register: Register) -> None:
    """Contribute RealtimeBackend adapters. Since version 1."""


@hookspec
def roomkit_register_identity_resolvers(register: Register) -> None:
    """Contribute IdentityResolver adapters. Since version 1."""


@hookspec
def roomkit_register_inbound_routers(register: Register) -> None:
    """Contribute InboundRoomRouter adapters; factories may take ``store``. Since version 1."""


@hookspec
def roomkit_register_ai_providers(register: Register) -> None:
    """Contribute AIProvider adapters. Since version 1."""


@hookspec
def roomkit_register_channels(register: Register) -> None:
    """Contribute Channel classes; factories take ``channel_id``. Since version 1."""


@hookspec
def roomkit_register_telemetry_providers(register: Register) -> None:
    """Contribute TelemetryProvider adapters. Since version 1."""


@hookspec
def roomkit_register_clocks(register: Register) -> None:
    """Contribute Clock adapters. Since version 1."""


@hookspec
def roomkit_register_sources(register: Register) -> None:
    """Contribute SourceProvider adapters (event sources). Since version 2."""


#: plugin hook name -> the port it contributes to (the key used by ``Registry.create``).
PORT_OF_HOOK: dict[str, str] = {
    "roomkit_register_stores": "store",
    "roomkit_register_lock_managers": "lock_manager",
    "roomkit_register_realtime_backends": "realtime",
    "roomkit_register_identity_resolvers": "identity_resolver",
    "roomkit_register_inbound_routers": "inbound_router",
    "roomkit_register_ai_providers": "ai_provider",
    "roomkit_register_channels": "channel",
    "roomkit_register_telemetry_providers": "telemetry",
    "roomkit_register_clocks": "clock",
    "roomkit_register_sources": "source",
}
