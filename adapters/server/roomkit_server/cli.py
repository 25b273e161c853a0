"""``roomkit serve``: found by the core CLI through the ``roomkit.cli`` entry point group."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from .config import InsecureConfigError


def register(subcommands: Any) -> None:
    """Add ``serve`` to the ``roomkit`` command line."""
    serve = subcommands.add_parser(
        "serve", help="serve webhooks, WebSocket chat, the JSON API and the room inspector"
    )
    serve.add_argument("--config", required=True, help="roomkit.toml (kit and [server] settings)")
    serve.add_argument("--host", default=None, help="interface to bind (default 127.0.0.1)")
    serve.add_argument("--port", type=int, default=None, help="port (default 8080)")
    serve.add_argument(
        "--insecure-dev",
        action="store_true",
        help="serve without an API key (development only: anyone reaching the port has access)",
    )
    serve.set_defaults(handler=_serve)


def _serve(args: argparse.Namespace) -> int:
    from roomkit.domain.errors import RoomKitError

    from .app import app_from_config
    from .config import read_config
    from .running import run

    try:
        _, server = read_config(args.config)
        server = server.model_copy(
            update={
                "host": args.host or server.host,
                "port": args.port if args.port is not None else server.port,
                "insecure_dev": args.insecure_dev or server.insecure_dev,
            }
        )
        app = app_from_config(args.config, **server.model_dump())
    except (InsecureConfigError, RoomKitError, ValueError, OSError) as exc:
        print(f"roomkit serve: {exc}", file=sys.stderr)
        return 2
    if server.insecure_dev:
        print("roomkit serve: --insecure-dev: no authentication", file=sys.stderr)
    print(f"roomkit serve: listening on http://{server.host}:{server.port}", file=sys.stderr)
    run(app, server.host, server.port, server.shutdown_grace)
    return 0
