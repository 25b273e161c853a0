"""Framework events: lifecycle notifications for ``@kit.on(name)`` listeners."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import Any

from roomkit.application.logging_rules import log_failure
from roomkit.domain.framework import FRAMEWORK_EVENT_TYPES, FrameworkEvent

log = logging.getLogger("roomkit.events")

Listener = Callable[[FrameworkEvent], Awaitable[None]]


class FrameworkEventBus:
    def __init__(self) -> None:
        self._listeners: dict[str, list[Listener]] = {}

    @staticmethod
    def check(event_type: str) -> None:
        if event_type not in FRAMEWORK_EVENT_TYPES:
            known = ", ".join(sorted(FRAMEWORK_EVENT_TYPES))
            raise ValueError(f"unknown framework event {event_type!r}; known: {known}")

    def on(self, event_type: str, listener: Listener) -> None:
        self.check(event_type)
        self._listeners.setdefault(event_type, []).append(listener)

    def has_listeners(self, event_type: str) -> bool:
        return bool(self._listeners.get(event_type))

    async def emit(self, event_type: str, room_id: str | None = None, **data: Any) -> None:
        listeners = self._listeners.get(event_type)
        if not listeners:
            return
        if room_id is not None:
            data.setdefault("room_id", room_id)
        event = FrameworkEvent(type=event_type, data=data, room_id=room_id)
        for listener in listeners:
            try:
                await listener(event)
            except Exception as exc:
                log_failure(log, "framework event listener failed", exc, event_type=event_type)
