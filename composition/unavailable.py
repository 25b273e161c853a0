"""Documented names of subsystems this installation does not provide yet.

Importing them works (so code written against the full API imports); using them raises
NotAvailableError saying what is missing.
"""

from __future__ import annotations

from typing import Any, NoReturn

from roomkit.domain.errors import NotAvailableError


def placeholder(name: str, subsystem: str) -> type:
    def __init__(self: Any, *args: Any, **kwargs: Any) -> NoReturn:
        raise NotAvailableError(name, f"the {subsystem} subsystem is not built yet")

    return type(
        name, (), {"__init__": __init__, "__doc__": f"{name} ({subsystem}); not available yet."}
    )


def placeholder_module_error(module: str, extra: str) -> ImportError:
    from roomkit.plugins.install_hints import distribution_for, install_hint

    return ImportError(
        f"{module} needs the adapter distribution {distribution_for(extra)}, which is not "
        f"installed: {install_hint(extra)}"
    )
