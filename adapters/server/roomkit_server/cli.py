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


def register_export(subcommands: Any) -> None:
    """``roomkit export ROOM_ID``: from a running server (``--url``) or the configured store."""
    export = subcommands.add_parser("export", help="write a room as versioned JSONL to stdout")
    export.add_argument("room_id")
    source = export.add_mutually_exclusive_group(required=True)
    source.add_argument("--config", help="roomkit.toml whose store holds the room")
    source.add_argument("--url", help="a running roomkit server (token from ROOMKIT_API_KEY)")
    export.set_defaults(handler=_export)


def register_replay(subcommands: Any) -> None:
    """``roomkit replay FILE``: rebuild the room in a fresh in-memory store and re-run it."""
    replay = subcommands.add_parser(
        "replay", help="re-run an exported room with its recorded AI responses; report changes"
    )
    replay.add_argument("file", help="an export written by roomkit export")
    replay.add_argument("--config", help="roomkit.toml for the channels (store is replaced)")
    replay.add_argument("--setup", help="package.module:function installing hooks on the kit")
    replay.set_defaults(handler=_replay)


def _export(args: argparse.Namespace) -> int:
    import asyncio

    if args.url:
        import os

        import httpx

        token = os.environ.get("ROOMKIT_API_KEY", "")
        url = f"{args.url.rstrip('/')}/api/rooms/{args.room_id}/export"
        with httpx.stream(
            "GET", url, headers={"Authorization": f"Bearer {token}"}, timeout=60
        ) as answer:
            if answer.status_code != 200:
                answer.read()
                print(f"roomkit export: {answer.status_code} {answer.text}", file=sys.stderr)
                return 1
            for chunk in answer.iter_text():
                sys.stdout.write(chunk)
        return 0

    from roomkit import RoomKit, RoomKitError

    from .config import read_config
    from .replay import export_room

    async def write() -> None:
        kit_config, _ = read_config(args.config)
        async with RoomKit.from_config(kit_config) as kit:
            async for line in export_room(kit, args.room_id):
                sys.stdout.write(line + "\n")

    try:
        asyncio.run(write())
    except (RoomKitError, ValueError, OSError) as exc:
        print(f"roomkit export: {exc}", file=sys.stderr)
        return 1
    return 0


def _replay(args: argparse.Namespace) -> int:
    import asyncio

    from roomkit import RoomKit, RoomKitError

    from .config import read_config, run_setup
    from .replay import ExportError, RoomExport, read_export, replay

    async def run(export: RoomExport) -> int:
        kit_config: dict[str, Any] = {}
        setup = args.setup
        if args.config:
            kit_config, server = read_config(args.config)
            setup = setup or server.setup
        for port in ("store", "lock_manager", "locks", "realtime"):
            kit_config.pop(port, None)  # a fresh in-memory room, never the production store
        async with RoomKit.from_config(kit_config) as kit:
            run_setup(kit, setup)
            report = await replay(kit, export)
        print(report.summary())
        return 0 if report.identical else 1

    try:
        with open(args.file, encoding="utf-8") as handle:
            export = read_export(handle)
        return asyncio.run(run(export))
    except (ExportError, RoomKitError, ValueError, OSError) as exc:
        print(f"roomkit replay: {exc}", file=sys.stderr)
        return 2
