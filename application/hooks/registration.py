"""One registered hook: the function, when it runs, and which events it sees."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from roomkit.domain.enums import ChannelDirection, ChannelType, HookExecution, HookTrigger
from roomkit.domain.event import RoomEvent

HookFn = Callable[..., Awaitable[Any] | Any]

DEFAULT_HOOK_TIMEOUT = 30.0


@dataclass(frozen=True, slots=True)
class HookRegistration:
    trigger: HookTrigger
    fn: HookFn
    name: str
    execution: HookExecution
    priority: int = 0
    channel_types: frozenset[ChannelType] | None = None
    channel_ids: frozenset[str] | None = None
    directions: frozenset[ChannelDirection] | None = None
    timeout: float | None = DEFAULT_HOOK_TIMEOUT
    room_id: str | None = None
    #: a sync hook that raises, times out or returns no HookResult blocks the event when True
    #: (what a moderation hook wants); by default such a hook is skipped (fails open)
    fail_closed: bool = False
    sequence: int = field(default=0, compare=False)

    @property
    def has_filters(self) -> bool:
        return bool(self.channel_types or self.channel_ids or self.directions)

    def matches(self, event: object) -> bool:
        """Filters apply to RoomEvents by their source; other payloads always match."""
        if not self.has_filters or not isinstance(event, RoomEvent):
            return True
        source = event.source
        if self.channel_types and source.channel_type not in self.channel_types:
            return False
        if self.channel_ids and source.channel_id not in self.channel_ids:
            return False
        return not (self.directions and source.direction not in self.directions)
