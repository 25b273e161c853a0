"""The ``[server]`` table of roomkit.toml, read next to the kit's own configuration.

```toml
[server]
host = "0.0.0.0"
port = 8080
api_key = "..."                 # or ROOMKIT_API_KEY; required unless --insecure-dev
cors_origins = ["https://app.example.com"]
verify_tokens = { "wa-main" = "token-set-in-meta-console" }
public_url = "https://chat.example.com"   # what vendors sign, behind a load balancer
setup = "myapp.hooks:install"             # install(kit): register hooks, tools, channels
```
"""

from __future__ import annotations

import os
import tomllib
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

API_KEY_ENV = "ROOMKIT_API_KEY"


class ServerConfig(BaseModel):
    """How the HTTP service runs; everything else in the file configures the kit."""

    model_config = ConfigDict(extra="forbid")

    host: str = "127.0.0.1"
    port: int = Field(default=8080, ge=0, le=65535)
    api_key: str | None = None
    insecure_dev: bool = False
    cors_origins: list[str] = Field(default_factory=list)
    verify_tokens: dict[str, str] = Field(default_factory=dict)
    public_url: str | None = None  # the URL vendors call, when a proxy rewrites the host
    auto_attach_websocket: bool = True
    max_body_bytes: int = Field(default=1_000_000, gt=0)
    shutdown_grace: float = Field(default=10.0, ge=0)
    record_ai_responses: bool = True  # kept with the room, for export and replay
    relay_events: bool = False  # several instances: stored events reach every instance's sockets
    setup: str | None = None  # "package.module:function", called with the kit (hooks, tools)

    def effective_api_key(self) -> str | None:
        """The configured key, else ``ROOMKIT_API_KEY`` from the environment."""
        return self.api_key or os.environ.get(API_KEY_ENV) or None


class InsecureConfigError(ValueError):
    """No API key and no ``--insecure-dev``: the server refuses to start."""


def read_config(source: Mapping[str, Any] | str | Path) -> tuple[dict[str, Any], ServerConfig]:
    """Split a roomkit.toml (or mapping) into the kit's configuration and the server's."""
    if isinstance(source, str | Path):
        with open(source, "rb") as handle:
            data = tomllib.load(handle)
    else:
        data = dict(source)
    server = ServerConfig.model_validate(data.pop("server", None) or {})
    return data, server


def require_key(config: ServerConfig) -> str | None:
    """The API key to enforce, or None in insecure development mode."""
    key = config.effective_api_key()
    if key is None and not config.insecure_dev:
        raise InsecureConfigError(
            f"no API key: set [server] api_key in the configuration or {API_KEY_ENV} in the "
            "environment, or pass --insecure-dev to serve without authentication (development "
            "only)"
        )
    return key


def run_setup(kit: Any, target: str | None) -> None:
    """Call the ``module:function`` named by ``setup`` with the kit (hooks live in code)."""
    if not target:
        return
    import importlib

    module_name, _, function_name = target.partition(":")
    if not module_name or not function_name:
        raise ValueError(f"setup must look like 'package.module:function', not {target!r}")
    try:
        function = getattr(importlib.import_module(module_name), function_name)
    except (ImportError, AttributeError) as exc:
        raise ValueError(f"setup {target!r} cannot be loaded: {exc}") from exc
    function(kit)
