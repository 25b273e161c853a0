"""What hooks return: allow, block or modify, plus events they inject."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import Field

from roomkit.domain.base import Model
from roomkit.domain.content import EventContent
from roomkit.domain.event import RoomEvent
from roomkit.domain.tasks import Observation, Task


class InjectedEvent(Model):
    """An event a hook adds to the room; by default delivered to the sender's channel only."""

    content: EventContent
    target_channel_ids: list[str] | None = None
    metadata: dict[str, Any] = Field(default_factory=dict)
    store: bool = True


class HookResult(Model):
    action: Literal["allow", "block", "modify"] = "allow"
    reason: str | None = None
    event: RoomEvent | None = None
    injected_events: list[InjectedEvent] = Field(default_factory=list)
    tasks: list[Task] = Field(default_factory=list)
    observations: list[Observation] = Field(default_factory=list)
    metadata: dict[str, Any] = Field(default_factory=dict)

    @classmethod
    def allow(cls, injected_events: list[InjectedEvent] | None = None) -> HookResult:
        return _ALLOW if not injected_events else cls(injected_events=injected_events)

    @classmethod
    def block(
        cls, reason: str = "blocked", injected_events: list[InjectedEvent] | None = None
    ) -> HookResult:
        return cls(action="block", reason=reason, injected_events=injected_events or [])

    @classmethod
    def modify(
        cls, event: RoomEvent, injected_events: list[InjectedEvent] | None = None
    ) -> HookResult:
        return cls(action="modify", event=event, injected_events=injected_events or [])

    @property
    def allowed(self) -> bool:
        return self.action != "block"


_ALLOW = HookResult()
