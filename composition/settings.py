"""Configuration for ``RoomKit.from_config``: a mapping or a TOML file.

```toml
max_chain_depth = 3
process_timeout = 20.0
store = "memory"                                   # or { name = "...", settings = {...} }
telemetry = { name = "opentelemetry", settings = { service_name = "support" } }
inbound_rate_limit = { max_per_second = 50.0 }

[[channels]]
id = "ws-user"
type = "websocket"

[[channels]]
id = "assistant"
type = "ai"
provider = { name = "mock", settings = { responses = ["Hello!"] } }
system_prompt = "You are helpful."
```
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field, model_validator

from roomkit.application.ai.agent import Agent
from roomkit.application.ai.channel import AIChannel
from roomkit.domain.channel import RateLimit
from roomkit.domain.enums import ChannelType
from roomkit.plugins.registry import Registry
from roomkit.ports.channel import Channel

AdapterChoice = str | dict[str, Any]

PORT_KEYS = (
    "store",
    "lock_manager",
    "realtime",
    "inbound_router",
    "identity_resolver",
    "telemetry",
    "clock",
)


class ChannelConfig(BaseModel):
    model_config = ConfigDict(extra="forbid")

    id: str
    type: str
    provider: AdapterChoice | None = None
    settings: dict[str, Any] = Field(default_factory=dict)
    system_prompt: str | None = None
    temperature: float | None = None
    max_tokens: int | None = None
    thinking_budget: int | None = None
    tools: list[dict[str, Any]] = Field(default_factory=list)
    role: str | None = None
    description: str | None = None
    greeting: str | None = None


class KitConfig(BaseModel):
    model_config = ConfigDict(extra="forbid")

    store: AdapterChoice | None = None
    lock_manager: AdapterChoice | None = None
    realtime: AdapterChoice | None = None
    inbound_router: AdapterChoice | None = None
    identity_resolver: AdapterChoice | None = None
    telemetry: AdapterChoice | None = None
    clock: AdapterChoice | None = None
    max_chain_depth: int = Field(default=5, ge=0)
    identity_timeout: float = Field(default=10.0, gt=0)
    process_timeout: float | None = Field(default=30.0, gt=0)
    identity_channel_types: list[ChannelType] | None = None
    inbound_rate_limit: RateLimit | None = None
    channels: list[ChannelConfig] = Field(default_factory=list)
    server: dict[str, Any] | None = None  # read by ``roomkit serve`` (roomkit-server)

    @model_validator(mode="before")
    @classmethod
    def _short_forms(cls, data: Any) -> Any:
        """Accept ``{"kind": "postgres", "dsn": ...}`` for ``{"name": ..., "settings": {...}}``
        and ``locks`` for ``lock_manager``; a PostgreSQL lock manager or realtime backend without
        a DSN uses the store's."""
        if not isinstance(data, dict):
            return data
        data = dict(data)
        if "locks" in data:
            data.setdefault("lock_manager", data.pop("locks"))
        store_dsn = None
        for port in PORT_KEYS:
            value = data.get(port)
            if isinstance(value, dict) and "kind" in value:
                settings = {k: v for k, v in value.items() if k != "kind"}
                data[port] = {"name": value["kind"], "settings": settings}
            if port == "store" and isinstance(data.get(port), dict):
                store_dsn = (data[port].get("settings") or {}).get("dsn")
        for port in ("lock_manager", "realtime"):
            value = data.get(port)
            if isinstance(value, dict) and value.get("name") == "postgres" and store_dsn:
                value.setdefault("settings", {})
                value["settings"] = {"dsn": store_dsn, **(value["settings"] or {})}
        return data

    def kit_kwargs(self) -> dict[str, Any]:
        return self.model_dump(exclude={"channels", "server"}, exclude_none=False) | {
            "inbound_rate_limit": self.inbound_rate_limit
        }

    def build_channels(self, registry: Registry) -> list[Channel]:
        return [_build_channel(c, registry) for c in self.channels]


def _build_channel(config: ChannelConfig, registry: Registry) -> Channel:
    if config.type in ("ai", "agent"):
        if config.provider is None:
            raise ValueError(f"channel {config.id!r}: an AI channel needs a provider")
        name, settings = (
            (config.provider, None)
            if isinstance(config.provider, str)
            else (config.provider["name"], config.provider.get("settings"))
        )
        provider = registry.create("ai_provider", name, settings)
        common: dict[str, Any] = {
            "system_prompt": config.system_prompt,
            "temperature": config.temperature,
            "max_tokens": config.max_tokens,
            "thinking_budget": config.thinking_budget,
            "tools": config.tools,
        }
        if config.type == "agent":
            return Agent(
                config.id,
                provider,
                role=config.role,
                description=config.description,
                greeting=config.greeting,
                **common,
            )
        return AIChannel(config.id, provider, **common)
    channel = registry.create("channel", config.type, config.settings, channel_id=config.id)
    if not isinstance(channel, Channel):
        raise TypeError(f"channel adapter {config.type!r} did not build a Channel")
    return channel
