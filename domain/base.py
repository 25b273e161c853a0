"""Shared model configuration and small helpers for the domain models."""

from __future__ import annotations

import os
from datetime import UTC, datetime
from typing import Any

from pydantic import BaseModel, ConfigDict


class Model(BaseModel):
    """Immutable model: change one with ``model_copy(update=...)``."""

    model_config = ConfigDict(frozen=True, extra="forbid")


_DEFAULTS: dict[type[BaseModel], list[tuple[str, Any, bool]]] = {}


def _defaults(cls: type[BaseModel]) -> list[tuple[str, Any, bool]]:
    found = _DEFAULTS.get(cls)
    if found is None:
        found = []
        for name, info in cls.model_fields.items():
            if info.default_factory is not None:
                found.append((name, info.default_factory, True))
            elif not info.is_required():
                found.append((name, info.default, False))
        _DEFAULTS[cls] = found
    return found


def assemble[M: BaseModel](cls: type[M], **values: Any) -> M:
    """Build a model from values that are already valid, skipping validation; fields not given
    take their defaults. For hot-path objects made from models validated when they were made.
    """
    fields_set = set(values)
    for name, default, is_factory in _defaults(cls):
        if name not in values:
            values[name] = default() if is_factory else default
    new = cls.__new__(cls)
    object.__setattr__(new, "__dict__", values)
    object.__setattr__(new, "__pydantic_fields_set__", fields_set)
    object.__setattr__(new, "__pydantic_extra__", None)
    object.__setattr__(new, "__pydantic_private__", None)
    return new


def evolve[M: BaseModel](model: M, **changes: Any) -> M:
    """``model.model_copy(update=changes)`` without its per-attribute copy machinery.

    Like ``model_copy(update=...)`` it does not validate ``changes``: callers pass values of the
    right types. Used on the per-message hot path.
    """
    new = model.__class__.__new__(model.__class__)
    values = model.__dict__.copy()
    values.update(changes)
    object.__setattr__(new, "__dict__", values)
    fields_set = model.__pydantic_fields_set__ | changes.keys()
    object.__setattr__(new, "__pydantic_fields_set__", fields_set)
    object.__setattr__(new, "__pydantic_extra__", model.__pydantic_extra__)
    object.__setattr__(new, "__pydantic_private__", model.__pydantic_private__)
    return new


class OpenModel(BaseModel):
    """Immutable model that keeps unknown fields (provider payloads, user extensions)."""

    model_config = ConfigDict(frozen=True, extra="allow")


def new_id() -> str:
    """128 random bits as 32 hex characters (the shape of ``uuid4().hex``, faster to make)."""
    return os.urandom(16).hex()


def utcnow() -> datetime:
    return datetime.now(UTC)
