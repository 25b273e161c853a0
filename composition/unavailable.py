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
    return ImportError(
        f"{module} needs an adapter package that is not installed: pip install roomkit[{extra}]"
    )
