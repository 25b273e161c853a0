"""Loading third-party plugins so that one broken package cannot take every RoomKit down.

Each entry point of the ``roomkit`` group is imported and registered on its own. A plugin that
fails to import, names a hook that does not exist or fails to register is reported (logged,
kept in ``failures``, shown by ``roomkit plugins``) and skipped; with strict loading
(``ROOMKIT_STRICT_PLUGINS=1`` or ``strict=True``) the first failure is raised instead.
"""

from __future__ import annotations

import difflib
import logging
import os
from dataclasses import dataclass
from importlib import metadata
from typing import Any

import pluggy

from roomkit.domain.errors import PluginLoadError
from roomkit.plugins import hookspecs
from roomkit.plugins.markers import PROJECT

STRICT_ENV = "ROOMKIT_STRICT_PLUGINS"
AUTOLOAD_ENV = "ROOMKIT_DISABLE_PLUGIN_AUTOLOAD"

log = logging.getLogger("roomkit.plugins")


@dataclass(frozen=True)
class PluginFailure:
    """A plugin that was skipped, and why."""

    distribution: str
    entry_point: str
    error: str

    def describe(self, outcome: str = "was skipped") -> str:
        return f"plugin {self.entry_point!r} from {self.distribution} {outcome}: {self.error}"


class RoomKitPluginManager(pluggy.PluginManager):
    """A pluggy manager that also remembers which distribution each plugin came from, and which
    plugins were skipped."""

    def __init__(self) -> None:
        super().__init__(PROJECT)
        self.origins: dict[int, str] = {}
        self.failures: list[PluginFailure] = []
        self.strict = False

    def report(self, failure: PluginFailure) -> None:
        if self.strict:
            raise PluginLoadError(
                failure.describe("failed to load") + f" (strict loading: {STRICT_ENV} is set)"
            )
        log.warning(
            "%s; RoomKit runs without it (set %s=1 to skip every plugin, %s=1 to fail instead)",
            failure.describe(),
            AUTOLOAD_ENV,
            STRICT_ENV,
        )
        self.failures.append(failure)


def strict_from_env() -> bool:
    return os.environ.get(STRICT_ENV, "").lower() not in ("", "0", "false", "no")


def unknown_hooks(plugin: object) -> list[str]:
    """Hook implementations of ``plugin`` that match no hookspec, each with a suggestion."""
    problems = []
    for name in dir(plugin):
        attr = getattr(plugin, name, None)
        if getattr(attr, f"{PROJECT}_impl", None) is None or name in hookspecs.PORT_OF_HOOK:
            continue
        close = difflib.get_close_matches(name, list(hookspecs.PORT_OF_HOOK), n=1, cutoff=0.6)
        known = ", ".join(hookspecs.PORT_OF_HOOK)
        hint = f"; did you mean {close[0]!r}?" if close else f"; the hooks are {known}"
        problems.append(f"{name!r} is not a RoomKit plugin hook{hint}")
    return problems


def check_explicit_plugin(plugin: object) -> None:
    """Plugins passed in code fail loudly, with the suggestion."""
    problems = unknown_hooks(plugin)
    if problems:
        raise pluggy.PluginValidationError(plugin, "; ".join(problems))


def load_entry_points(pm: RoomKitPluginManager, group: str) -> None:
    for dist in metadata.distributions():
        for entry_point in dist.entry_points:
            if entry_point.group != group:
                continue
            _load_one(pm, dist, entry_point)


def _load_one(pm: RoomKitPluginManager, dist: Any, entry_point: metadata.EntryPoint) -> None:
    name = f"{dist.metadata['name']} {dist.version}"
    if pm.get_plugin(entry_point.name) is not None or pm.is_blocked(entry_point.name):
        return
    try:
        plugin = entry_point.load()
    except Exception as exc:
        pm.report(
            PluginFailure(
                name,
                entry_point.name,
                f"importing {entry_point.value} failed: {type(exc).__name__}: {exc}",
            ),
        )
        return
    problems = unknown_hooks(plugin)
    if problems:
        pm.report(PluginFailure(name, entry_point.name, "; ".join(problems)))
        return
    try:
        pm.register(plugin, name=entry_point.name)
    except Exception as exc:
        pm.report(PluginFailure(name, entry_point.name, f"{type(exc).__name__}: {exc}"))
        return
    pm.origins[id(plugin)] = name
