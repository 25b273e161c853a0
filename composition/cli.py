"""The ``roomkit`` console script: ``roomkit plugins``, ``roomkit demo``, and the subcommands
adapter distributions add through the ``roomkit.cli`` entry point group (``roomkit serve``)."""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from collections.abc import Sequence
from importlib.metadata import entry_points
from typing import Any

from roomkit.plugins.install_hints import install_hint

# subcommands that come with a distribution, and how to get it when it is missing
OPTIONAL_COMMANDS = {
    "serve": ("roomkit-server", "serve webhooks, WebSocket chat, the JSON API and the inspector"),
    "export": ("roomkit-server", "write a room as versioned JSONL"),
    "replay": ("roomkit-server", "re-run an exported room and report what changed"),
}


def _plugins(as_json: bool) -> int:
    from roomkit.plugins.registry import default_registry

    registry = default_registry()
    listing = {
        port: [
            {
                "name": spec.name,
                "distribution": spec.distribution,
                "description": spec.description,
                "settings": spec.settings.__name__,
                "capabilities": sorted(spec.capabilities),
            }
            for spec in specs
        ]
        for port, specs in registry.all().items()
    }
    broken = [
        {"distribution": f.distribution, "entry_point": f.entry_point, "error": f.error}
        for f in registry.failures
    ]
    if as_json:
        print(json.dumps({**listing, "broken": broken} if broken else listing, indent=2))
        return 0
    for port, specs in listing.items():
        print(f"{port}:")
        if not specs:
            print("  (none installed)")
        for spec in specs:
            line = f"  {spec['name']:<16} {spec['distribution']}"
            if spec["description"]:
                line += f"  - {spec['description']}"
            print(line)
    if broken:
        print("broken (skipped; ROOMKIT_STRICT_PLUGINS=1 makes this an error):")
        for failure in broken:
            print(f"  {failure['entry_point']:<16} {failure['distribution']}  - {failure['error']}")
    return 0


def _add_plugin_commands(sub: Any) -> None:
    """Subcommands of installed distributions; a hint for the known ones that are missing."""
    for entry in entry_points(group="roomkit.cli"):
        entry.load()(sub)
    for name, (distribution, purpose) in OPTIONAL_COMMANDS.items():
        if name in sub.choices:
            continue
        missing = sub.add_parser(name, help=f"{purpose} (needs {distribution})", add_help=False)
        missing.set_defaults(handler=_install_hint(name, distribution), takes_anything=True)


def _install_hint(name: str, distribution: str) -> Any:
    def hint(args: argparse.Namespace) -> int:
        extra = distribution.removeprefix("roomkit-")
        print(
            f"roomkit {name} needs the {distribution} distribution, which is not installed: "
            f"{install_hint(extra)}",
            file=sys.stderr,
        )
        return 2

    return hint


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="roomkit", description="RoomKit command line")
    sub = parser.add_subparsers(dest="command", required=True)
    plugins = sub.add_parser("plugins", help="list installed adapters, per port")
    plugins.add_argument("--json", action="store_true", help="machine-readable output")
    sub.add_parser("demo", help="run the Quickstart scenario and print the timeline")
    _add_plugin_commands(sub)
    args, unknown = parser.parse_known_args(argv)
    if unknown and not getattr(args, "takes_anything", False):
        parser.error(f"unrecognized arguments: {' '.join(unknown)}")
    handler = getattr(args, "handler", None)
    if handler is not None:
        return int(handler(args))
    if args.command == "plugins":
        return _plugins(args.json)
    from roomkit.demo import main as demo

    asyncio.run(demo())
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
