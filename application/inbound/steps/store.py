"""Step 8: persist the event (blocked ones too, marked BLOCKED) and the room's counters."""

from __future__ import annotations

from roomkit.application.inbound.state import InboundState
from roomkit.application.runtime import Runtime
from roomkit.domain.base import evolve
from roomkit.domain.enums import EventStatus


class StoreStep:
    name = "store"

    def __init__(self, runtime: Runtime) -> None:
        self._rt = runtime

    async def __call__(self, state: InboundState) -> None:
        update: dict[str, object] = {"created_at": self._rt.clock.now()}
        if state.blocked:
            update["status"] = EventStatus.BLOCKED
            update["blocked_by"] = state.reason or state.blocked_by
        else:
            update["status"] = EventStatus.DELIVERED
        state.event = await self._rt.store.add_event(evolve(state.ev(), **update))
