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

import difflib
import importlib
import inspect
import tomllib
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, ValidationInfo, model_validator

from roomkit.application.ai.agent import Agent
from roomkit.application.ai.channel import AIChannel
from roomkit.domain.channel import RateLimit
from roomkit.domain.enums import ChannelDirection, ChannelType, HookExecution, HookTrigger
from roomkit.domain.errors import ConfigError
from roomkit.plugins.registry import Registry
from roomkit.ports.channel import Channel

AdapterChoice = str | dict[str, Any]

#: keys people reach for, and the one key that means it
RENAMED = {
    "locks": "lock_manager",
    "lock": "lock_manager",
    "locking": "lock_manager",
    "router": "inbound_router",
    "routing": "inbound_router",
    "identity": "identity_resolver",
    "storage": "store",
}
#: adapter settings holding a file name, resolved against the configuration file's folder
PATH_SETTINGS = ("path",)

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


class HookConfig(BaseModel):
    """A global hook declared in the configuration: ``handler`` is an import path
    (``"package.module:function"`` or ``"package.module.function"``) to an async function."""

    model_config = ConfigDict(extra="forbid")

    trigger: HookTrigger
    handler: str = Field(min_length=1)
    name: str | None = None
    execution: HookExecution | None = None
    priority: int = 0
    channel_types: list[ChannelType] | None = None
    channel_ids: list[str] | None = None
    directions: list[ChannelDirection] | None = None
    timeout: float | None = Field(default=None, gt=0)
    fail_closed: bool = False

    def load(self) -> Any:
        """The handler the import path names, checked to be an async function."""
        function = import_path(self.handler)
        if not inspect.iscoroutinefunction(function):
            raise ConfigError(
                [f"hook handler {self.handler!r} is {type(function).__name__}, not an async "
                 "function (async def handler(event, ctx): ...)"]
            )
        return function

    def register_on(self, kit: Any) -> None:
        options = self.model_dump(exclude={"handler", "trigger", "timeout"}, exclude_none=True)
        if self.timeout is not None:
            options["timeout"] = self.timeout
        options.setdefault("name", self.handler)
        kit.hook(self.trigger, **options)(self.load())


def import_path(path: str) -> Any:
    """``"pkg.mod:attr.sub"`` or ``"pkg.mod.attr"``: the object, or a ConfigError saying which
    part was not found."""
    module_name, _, attributes = path.partition(":")
    if not attributes:
        module_name, _, attributes = path.rpartition(".")
    if not module_name or not attributes:
        raise ConfigError([f"{path!r} is not an import path like 'package.module:function'"])
    try:
        target: Any = importlib.import_module(module_name)
    except ImportError as exc:
        raise ConfigError([f"cannot import {module_name!r} for {path!r}: {exc}"]) from exc
    for part in attributes.split("."):
        if not hasattr(target, part):
            known = [n for n in dir(target) if not n.startswith("_")]
            close = difflib.get_close_matches(part, known, n=1)
            hint = f"; did you mean {close[0]!r}?" if close else ""
            raise ConfigError([f"{module_name!r} has no {part!r} (from {path!r}){hint}"])
        target = getattr(target, part)
    return target


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
    fallback_check_interval: float = Field(default=5.0, gt=0)
    identity_channel_types: list[ChannelType] | None = None
    inbound_rate_limit: RateLimit | None = None
    channels: list[ChannelConfig] = Field(default_factory=list)
    server: dict[str, Any] | None = None  # read by ``roomkit serve`` (roomkit-server)
    hooks: list[HookConfig] = Field(default_factory=list)

    @model_validator(mode="before")
    @classmethod
    def _short_forms(cls, data: Any, info: ValidationInfo) -> Any:
        """``{"kind": "postgres", "dsn": ...}`` is ``{"name": ..., "settings": {...}}`` and
        ``"postgres"`` is ``{"name": "postgres"}``; a PostgreSQL lock manager or realtime backend
        without a DSN uses the store's; relative file paths in adapter settings are resolved
        against the configuration file's folder."""
        if not isinstance(data, dict):
            return data
        data = dict(data)
        base_dir = (info.context or {}).get("base_dir")
        store_dsn = None
        for port in PORT_KEYS:
            value = data.get(port)
            if isinstance(value, dict) and "kind" in value:
                settings = {k: v for k, v in value.items() if k != "kind"}
                data[port] = {"name": value["kind"], "settings": settings}
            elif isinstance(value, str) and port in ("lock_manager", "realtime"):
                data[port] = {"name": value}
            if isinstance(data.get(port), dict) and base_dir is not None:
                data[port] = _resolve_paths(data[port], base_dir)
            if port == "store" and isinstance(data.get(port), dict):
                store_dsn = (data[port].get("settings") or {}).get("dsn")
        for port in ("lock_manager", "realtime"):
            value = data.get(port)
            if isinstance(value, dict) and value.get("name") == "postgres" and store_dsn:
                value = dict(value)
                value["settings"] = {"dsn": store_dsn, **(value.get("settings") or {})}
                data[port] = value
        return data

    @classmethod
    def load(cls, config: Mapping[str, Any] | str | Path) -> KitConfig:
        """Parse a mapping or a TOML file, with errors that say what is wrong and what is valid."""
        base_dir: Path | None = None
        source = "the configuration"
        if isinstance(config, str | Path):
            path = Path(config)
            source = f"configuration file {str(path)!r}"
            try:
                with open(path, "rb") as handle:
                    data: Mapping[str, Any] = tomllib.load(handle)
            except tomllib.TOMLDecodeError as exc:
                raise ConfigError([f"not valid TOML: {exc}"], source) from exc
            base_dir = path.resolve().parent
        else:
            data = config
        problems = _unknown_keys(data, cls, "")
        for number, channel in enumerate(data.get("channels") or []):
            if isinstance(channel, Mapping):
                problems += _unknown_keys(channel, ChannelConfig, f"channels[{number}].")
        for number, hook in enumerate(data.get("hooks") or []):
            if isinstance(hook, Mapping):
                problems += _unknown_keys(hook, HookConfig, f"hooks[{number}].")
        if problems:
            raise ConfigError(problems, source)
        try:
            return cls.model_validate(dict(data), context={"base_dir": base_dir})
        except ValidationError as exc:
            raise ConfigError(
                [
                    f"{'.'.join(str(p) for p in err['loc']) or '<root>'}: {err['msg']}"
                    for err in exc.errors()
                ],
                source,
            ) from exc

    def kit_kwargs(self) -> dict[str, Any]:
        return self.model_dump(exclude={"channels", "server", "hooks"}, exclude_none=False) | {
            "inbound_rate_limit": self.inbound_rate_limit
        }

    def build_channels(self, registry: Registry) -> list[Channel]:
        return [_build_channel(c, registry) for c in self.channels]

    def configure(self, kit: Any) -> None:
        """Register the configured channels and hooks on a freshly built kit."""
        for channel in self.build_channels(kit.registry):
            kit.register_channel(channel)
        for number, hook in enumerate(self.hooks):
            try:
                hook.register_on(kit)
            except ConfigError as exc:
                raise ConfigError([f"hooks[{number}]: {p}" for p in exc.problems]) from exc


def _unknown_keys(data: Mapping[str, Any], model: type[BaseModel], prefix: str) -> list[str]:
    valid = list(model.model_fields)
    problems = []
    for key in data:
        if key in valid:
            continue
        suggestion = RENAMED.get(key) if model is KitConfig else None
        close = [suggestion] if suggestion else difflib.get_close_matches(key, valid, n=1)
        hint = f"did you mean {close[0]!r}? " if close else ""
        problems.append(
            f"unknown key {prefix}{key!r}: {hint}valid keys are {', '.join(sorted(valid))}"
        )
    return problems


def _resolve_paths(choice: dict[str, Any], base_dir: Path) -> dict[str, Any]:
    settings = choice.get("settings")
    if not isinstance(settings, dict):
        return choice
    resolved = dict(settings)
    for key in PATH_SETTINGS:
        value = resolved.get(key)
        if isinstance(value, str) and value != ":memory:" and not Path(value).is_absolute():
            resolved[key] = str(base_dir / value)
    return {**choice, "settings": resolved}


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
