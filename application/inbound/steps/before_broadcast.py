"""Step 7: BEFORE_BROADCAST sync hooks may block or modify the event, or inject events."""

from __future__ import annotations

from roomkit.application.inbound.inject import injected_event
from roomkit.application.inbound.state import InboundState
from roomkit.application.runtime import Runtime
from roomkit.domain.enums import HookTrigger


class BeforeBroadcastStep:
    name = "before_broadcast"

    def __init__(self, runtime: Runtime) -> None:
        self._rt = runtime

    async def __call__(self, state: InboundState) -> None:
        context = state.ctx()
        hooks = self._rt.hooks
        if not hooks.has_hooks(HookTrigger.BEFORE_BROADCAST, context.room.id):
            return
        outcome = await hooks.run_sync(HookTrigger.BEFORE_BROADCAST, state.ev(), context)
        state.event = outcome.event
        if outcome.blocked:
            state.blocked = True
            state.reason = outcome.reason
            state.blocked_by = outcome.blocked_by
        source = state.ev().source.channel_id
        state.injected.extend(injected_event(context.room.id, i, source) for i in outcome.injected)
