"""Install hints that never send a user to the package registry.

The name ``roomkit`` on PyPI belongs to a different project, so a hint that installs the
``roomkit[sqlite]`` extra from the registry would replace this framework. Every hint points at the
wheelhouse ``./dev dist`` builds, or at the distribution's folder in a checkout.
"""

from __future__ import annotations

import re
from functools import cache
from importlib import metadata


@cache
def core_extras() -> dict[str, str]:
    """extra -> the adapter distribution it installs, read from the core's own metadata."""
    try:
        requirements = metadata.requires("roomkit") or []
    except metadata.PackageNotFoundError:  # pragma: no cover - running from an unbuilt tree
        return {}
    extras: dict[str, str] = {}
    for requirement in requirements:
        found = re.match(r"\s*([A-Za-z0-9._-]+).*extra\s*==\s*['\"]([^'\"]+)['\"]", requirement)
        if found:
            extras[found.group(2)] = found.group(1)
    return extras


def distribution_for(extra: str) -> str:
    return core_extras().get(extra, f"roomkit-{extra}")


def install_hint(extra: str) -> str:
    """How to install the distribution behind the ``roomkit[extra]`` extra."""
    distribution = distribution_for(extra)
    folder = distribution.removeprefix("roomkit-")
    return (
        f"install {distribution} from RoomKit's own wheels: './dev dist' in a RoomKit checkout, "
        f'then pip install --no-index --find-links dist "roomkit[{extra}]" '
        f"(or pip install . ./adapters/{folder} from the checkout); "
        "the project named roomkit on PyPI is a different one"
    )
