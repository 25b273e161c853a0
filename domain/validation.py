"""What an event must be to be stored: readable back by every store, the same on all of them.

Hooks and adapters can build events without validation (``model_copy``, ``model_construct``);
the stores and the pipeline check them here before anything is written, so one bad event can
never make a room unreadable.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pydantic import BaseModel

from roomkit.domain.base import is_model
from roomkit.domain.content import (
    MAX_CONTENT_DEPTH,
    CompositeContent,
    EditContent,
    TextContent,
    content_depth,
)
from roomkit.domain.errors import InvalidEventError
from roomkit.domain.event import RoomEvent

MAX_ID_LENGTH = 200
"""Room, event, channel, participant and identity ids: at most this many characters."""

MAX_EXTERNAL_ID_LENGTH = 300
"""Provider message ids and external addresses (phone numbers, emails, user ids)."""

_ID_FIELDS = ("id", "room_id", "parent_event_id", "correlation_id")
_SOURCE_ID_FIELDS = ("channel_id", "participant_id")
_SOURCE_EXTERNAL_FIELDS = ("external_id", "provider")
_MAX_WALK = 10_000  # strings and containers visited in one event before it is refused as too big


def check_id(value: object, what: str, limit: int = MAX_ID_LENGTH) -> str:
    """``value`` if it is a usable id: a non-empty str of at most ``limit`` characters, no NUL,
    no lone surrogate. Raises ValueError naming ``what`` otherwise."""
    if not isinstance(value, str):
        raise InvalidEventError(f"{what} must be a string, got {type(value).__name__}")
    if not value:
        raise InvalidEventError(f"{what} must not be empty")
    if len(value) > limit:
        raise InvalidEventError(f"{what} is {len(value)} characters long; at most {limit} allowed")
    if "\x00" in value:
        raise InvalidEventError(f"{what} contains a NUL character")
    _require_encodable(value, what)
    return value


def _plain_id(value: object, limit: int) -> bool:
    """The common case at the cost of one call: a short ASCII id without NUL."""
    return (
        type(value) is str and 0 < len(value) <= limit and value.isascii() and "\x00" not in value
    )


def check_event(event: object) -> RoomEvent:
    """``event`` if every store can store it and read it back; InvalidEventError otherwise."""
    if not isinstance(event, RoomEvent):
        raise InvalidEventError(f"expected a RoomEvent, got {type(event).__name__}")
    values = event.__dict__
    for name in _ID_FIELDS:
        value = values[name]
        if value is not None and not _plain_id(value, MAX_ID_LENGTH):
            check_id(value, f"event {name}")
    value = values["provider_message_id"]
    if value is not None and not _plain_id(value, MAX_EXTERNAL_ID_LENGTH):
        check_id(value, "provider_message_id", MAX_EXTERNAL_ID_LENGTH)
    source = event.source
    if not is_model(source):
        raise InvalidEventError(f"event source must be an EventSource, got {type(source).__name__}")
    fields = source.__dict__
    for name in _SOURCE_ID_FIELDS:
        value = fields[name]
        if value is not None and not _plain_id(value, MAX_ID_LENGTH):
            check_id(value, f"source.{name}")
    for name in _SOURCE_EXTERNAL_FIELDS:
        value = fields[name]
        if value is not None and not _plain_id(value, MAX_EXTERNAL_ID_LENGTH):
            check_id(value, f"source.{name}", MAX_EXTERNAL_ID_LENGTH)
    content = event.content
    if not is_model(content) or getattr(content, "type", None) is None:
        raise InvalidEventError(
            f"event content must be one of the content types, got {type(content).__name__}"
        )
    if isinstance(content, CompositeContent | EditContent):
        depth = content_depth(content)
        if depth > MAX_CONTENT_DEPTH:
            raise InvalidEventError(
                f"event content is nested {depth} deep; at most {MAX_CONTENT_DEPTH} allowed"
            )
    if not text_is_valid(content, event.metadata):
        budget = [_MAX_WALK]  # slowly, to name where the bad text is
        _walk(content, "content", budget)
        _walk(event.metadata, "metadata", budget)
    return event


def revalidated(event: RoomEvent) -> RoomEvent:
    """A full validation of an event built without one (a hook's ``model_copy``)."""
    check_event(event)
    return RoomEvent.model_validate(event.model_dump())


def text_is_valid(content: Any, metadata: Mapping[str, Any] | None) -> bool:
    """True if every string in ``content`` and ``metadata`` is valid Unicode text (no lone
    surrogate); InvalidEventError if they hold more than ``_MAX_WALK`` values."""
    if (
        type(content) is TextContent
        and content.body.isascii()
        and (content.language is None or content.language.isascii())
        and (not metadata or _flat_ascii(metadata))
    ):
        return True  # the usual message, in one pass
    if metadata and not _flat_ascii(metadata):
        budget = [_MAX_WALK]
        return _all_text_valid(content, budget) and _all_text_valid(metadata, budget)
    return _all_text_valid(content, [_MAX_WALK - len(metadata or ())])


def _flat_ascii(mapping: Mapping[str, Any]) -> bool:
    """The usual metadata, checked in one pass: ASCII string keys, scalar or ASCII values."""
    if len(mapping) >= _MAX_WALK:
        return False
    for key, value in mapping.items():
        if type(key) is not str or not key.isascii():
            return False
        kind = type(value)
        if kind is str:
            if not value.isascii():
                return False
        elif value is not None and kind is not int and kind is not bool and kind is not float:
            return False
    return True


def _all_text_valid(value: Any, budget: list[int]) -> bool:
    """The per-message pass: True if every string below ``value`` is valid Unicode text."""
    budget[0] -= 1
    if budget[0] < 0:
        raise InvalidEventError(
            f"event is too large: more than {_MAX_WALK} values in content and metadata"
        )
    if isinstance(value, str):
        if value.isascii():
            return True
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            return False
        return True
    if isinstance(value, BaseModel):
        items: Any = value.__dict__.values()
    elif isinstance(value, Mapping):
        if not all(isinstance(k, str) and _all_text_valid(k, budget) for k in value):
            return False
        items = value.values()
    elif isinstance(value, list | tuple):
        items = value
    else:
        return True
    for item in items:
        if item is not None and not isinstance(item, int | float | bool):
            if not _all_text_valid(item, budget):
                return False
    return True


def _walk(value: Any, path: str, budget: list[int]) -> None:
    budget[0] -= 1
    if budget[0] < 0:
        raise InvalidEventError(
            f"event is too large: more than {_MAX_WALK} values in content and metadata"
        )
    if isinstance(value, str):
        _require_encodable(value, path)
    elif isinstance(value, BaseModel):
        for name, item in value.__dict__.items():
            if item is not None and not isinstance(item, int | float | bool):
                _walk(item, f"{path}.{name}", budget)
    elif isinstance(value, Mapping):
        for key, item in value.items():
            if isinstance(key, str):
                _require_encodable(key, f"{path} key")
            _walk(item, f"{path}.{key}", budget)
    elif isinstance(value, list | tuple):
        for i, item in enumerate(value):
            _walk(item, f"{path}[{i}]", budget)


def _require_encodable(text: str, what: str) -> None:
    if text.isascii():
        return
    try:
        text.encode("utf-8")
    except UnicodeEncodeError as exc:
        raise InvalidEventError(
            f"{what} contains a lone surrogate at position {exc.start} (not valid Unicode text)"
        ) from None
