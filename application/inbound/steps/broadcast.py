"""Step 9: deliver the stored event to the room's channels, and injected events to theirs."""

from __future__ import annotations

from roomkit.application.delivery.router import EventRouter
from roomkit.application.inbound.inject import store_and_send
from roomkit.application.inbound.state import InboundState
from roomkit.application.runtime import Runtime


class BroadcastStep:
    name = "broadcast"

    def __init__(self, runtime: Runtime, router: EventRouter) -> None:
        self._rt = runtime
        self._router = router

    async def __call__(self, state: InboundState) -> None:
        context = state.ctx()
        if not state.blocked:
            state.broadcast = await self._router.broadcast(state.ev(), context)
        if state.injected:
            state.injected = await store_and_send(self._rt, self._router, state.injected, context)
