"""Step 6: a message whose provider_message_id was already stored returns the first result."""

from __future__ import annotations

from roomkit.application.inbound.state import InboundState
from roomkit.application.runtime import Runtime
from roomkit.domain.enums import EventStatus
from roomkit.domain.inbound import InboundResult


class IdempotencyStep:
    name = "idempotency"

    def __init__(self, runtime: Runtime) -> None:
        self._rt = runtime

    async def __call__(self, state: InboundState) -> None:
        provider_id = state.ev().provider_message_id
        if not provider_id:
            return
        first = await self._rt.store.find_event_by_provider_message_id(
            state.ctx().room.id, provider_id
        )
        if first is None:
            return
        blocked = first.status is EventStatus.BLOCKED
        state.result = InboundResult(
            event=first,
            blocked=blocked,
            reason=first.blocked_by if blocked else None,
            room_id=first.room_id,
            duplicate=True,
        )
