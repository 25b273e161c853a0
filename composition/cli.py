"""The ``roomkit`` console script: ``roomkit plugins`` and ``roomkit demo``."""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from collections.abc import Sequence


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


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="roomkit", description="RoomKit command line")
    sub = parser.add_subparsers(dest="command", required=True)
    plugins = sub.add_parser("plugins", help="list installed adapters, per port")
    plugins.add_argument("--json", action="store_true", help="machine-readable output")
    sub.add_parser("demo", help="run the Quickstart scenario and print the timeline")
    args = parser.parse_args(argv)
    if args.command == "plugins":
        return _plugins(args.json)
    from roomkit.demo import main as demo

    asyncio.run(demo())
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
