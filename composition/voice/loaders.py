"""Lazy loaders: ``get_deepgram_provider()`` and friends return the adapter class registered by
the vendor's distribution, or raise ImportError naming the extra to install."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from roomkit.domain.errors import AdapterNotFoundError
from roomkit.plugins.install_hints import install_hint
from roomkit.plugins.registry import default_registry


def _missing(what: str, extra: str) -> ImportError:
    return ImportError(
        f"{what} needs an adapter package that is not installed: {install_hint(extra)}"
    )


def load_adapter(port: str, name: str, extra: str, *, settings: bool = False) -> Any:
    """The class registered for (``port``, ``name``), or its settings model."""
    try:
        spec = default_registry().get(port, name)
    except AdapterNotFoundError as exc:
        raise _missing(f"the {name} {port.replace('_', ' ')}", extra) from exc
    if settings:
        return spec.settings
    return getattr(spec.factory, "adapter_class", spec.factory)


def provider_loader(port: str, name: str, extra: str) -> Callable[[], Any]:
    def load() -> Any:
        return load_adapter(port, name, extra)

    load.__doc__ = f"The {name} {port.replace('_', ' ')} class (the roomkit[{extra}] extra)."
    return load


def config_loader(port: str, name: str, extra: str) -> Callable[[], Any]:
    def load() -> Any:
        return load_adapter(port, name, extra, settings=True)

    load.__doc__ = f"The settings model of the {name} {port.replace('_', ' ')}."
    return load


def unbuilt_loader(what: str, extra: str) -> Callable[[], Any]:
    """Realtime (speech-to-speech) names: no port to resolve through in this installation."""

    def load() -> Any:
        raise _missing(what, extra)

    load.__doc__ = f"{what} (the roomkit[{extra}] extra)."
    return load


def module_getattr(module: str, names: dict[str, tuple[str, str, str]]) -> Callable[[str], Any]:
    """A module ``__getattr__`` resolving ``names`` (name -> port, adapter name, extra) through
    the registry, so ``from roomkit.voice.pipeline.vad import EnergyVADProvider`` works when the
    adapter distribution is installed and says which extra to install when it is not."""

    def __getattr__(name: str) -> Any:
        if name not in names:
            raise AttributeError(f"module {module!r} has no attribute {name!r}")
        port, adapter, extra = names[name]
        try:
            spec = default_registry().get(port, adapter)
        except AdapterNotFoundError as exc:
            raise _missing(f"{module}.{name}", extra) from exc
        return getattr(spec.factory, "adapter_class", spec.factory)

    return __getattr__
