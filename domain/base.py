"""Shared model configuration and small helpers for the domain models."""

from __future__ import annotations

import os
from datetime import UTC, datetime
from typing import Any, TypeGuard

from pydantic import BaseModel, ConfigDict


class Model(BaseModel):
    """Immutable model: change one with ``model_copy(update=...)``."""

    model_config = ConfigDict(frozen=True, extra="forbid")


class _Shape:
    """What ``assemble`` needs of a model class, worked out once per class."""

    __slots__ = ("factories", "field_count", "make", "static")

    def __init__(self, cls: type[BaseModel]) -> None:
        self.static: dict[str, Any] = {}
        factories: list[tuple[str, Any]] = []
        for name, info in cls.model_fields.items():
            if info.default_factory is not None:
                factories.append((name, info.default_factory))
            elif not info.is_required():
                self.static[name] = info.default
        self.factories = tuple(factories)
        self.field_count = len(cls.model_fields)
        # object.__new__ directly: looking ``__new__`` up through pydantic's metaclass costs
        # three times the allocation itself
        self.make = object.__new__ if cls.__new__ is object.__new__ else cls.__new__


_SHAPES: dict[type[BaseModel], _Shape] = {}

# The slots every pydantic model instance has, set through their descriptors: a frozen model's
# own __setattr__ refuses, and object.__setattr__ looks each name up again on every call.
_set_dict = BaseModel.__dict__["__dict__"].__set__
_set_fields_set = BaseModel.__dict__["__pydantic_fields_set__"].__set__
_set_extra = BaseModel.__dict__["__pydantic_extra__"].__set__
_set_private = BaseModel.__dict__["__pydantic_private__"].__set__


def _shape(cls: type[BaseModel]) -> _Shape:
    found = _SHAPES.get(cls)
    if found is None:
        found = _SHAPES[cls] = _Shape(cls)
    return found


def assemble[M: BaseModel](cls: type[M], **values: Any) -> M:
    """Build a model from values that are already valid, skipping validation; fields not given
    take their defaults. For hot-path objects made from models validated when they were made.
    """
    shape = _SHAPES.get(cls) or _shape(cls)
    fields_set = set(values)
    if len(values) != shape.field_count:
        values = {**shape.static, **values}
        for name, factory in shape.factories:
            if name not in values:
                values[name] = factory()
    new: M = shape.make(cls)
    _set_dict(new, values)
    _set_fields_set(new, fields_set)
    _set_extra(new, None)
    _set_private(new, None)
    return new


def evolve[M: BaseModel](model: M, **changes: Any) -> M:
    """``model.model_copy(update=changes)`` without its per-attribute copy machinery.

    Like ``model_copy(update=...)`` it does not validate ``changes``: callers pass values of the
    right types. Used on the per-message hot path.
    """
    cls = model.__class__
    new: M = (_SHAPES.get(cls) or _shape(cls)).make(cls)
    values = model.__dict__.copy()
    values.update(changes)
    _set_dict(new, values)
    _set_fields_set(new, model.__pydantic_fields_set__ | changes.keys())
    _set_extra(new, model.__pydantic_extra__)
    _set_private(new, model.__pydantic_private__)
    return new


def is_model(value: object) -> TypeGuard[BaseModel]:
    """``isinstance(value, BaseModel)`` without pydantic's ABC metaclass check, which runs a
    Python-level ``__instancecheck__`` for every subclass instance (hot-path checks)."""
    return BaseModel in type(value).__mro__


class OpenModel(BaseModel):
    """Immutable model that keeps unknown fields (provider payloads, user extensions)."""

    model_config = ConfigDict(frozen=True, extra="allow")


def new_id() -> str:
    """128 random bits as 32 hex characters (the shape of ``uuid4().hex``, faster to make)."""
    return os.urandom(16).hex()


def utcnow() -> datetime:
    return datetime.now(UTC)
