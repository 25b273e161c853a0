"""Shared model configuration and small helpers for the domain models."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

from pydantic import BaseModel, ConfigDict


class Model(BaseModel):
    """Immutable model: change one with ``model_copy(update=...)``."""

    model_config = ConfigDict(frozen=True, extra="forbid")


class OpenModel(BaseModel):
    """Immutable model that keeps unknown fields (provider payloads, user extensions)."""

    model_config = ConfigDict(frozen=True, extra="allow")


def new_id() -> str:
    return uuid.uuid4().hex


def utcnow() -> datetime:
    return datetime.now(UTC)
