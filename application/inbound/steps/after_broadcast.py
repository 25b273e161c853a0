"""Step 10: AFTER_BROADCAST async hooks, and the side effects channels produced."""

from __future__ import annotations

from roomkit.application.inbound.state import InboundState
from roomkit.application.runtime import Runtime
from roomkit.domain.enums import HookTrigger


class AfterBroadcastStep:
    name = "after_broadcast"

    def __init__(self, runtime: Runtime) -> None:
        self._rt = runtime

    async def __call__(self, state: InboundState) -> None:
        rt = self._rt
        context = state.ctx()
        outcome = state.broadcast
        if outcome is not None:
            room_id = context.room.id
            for task in outcome.tasks:
                stored = await rt.store.add_task(task.model_copy(update={"room_id": room_id}))
                await rt.hooks.run_async(HookTrigger.ON_TASK_CREATED, stored, context)
            for observation in outcome.observations:
                await rt.store.add_observation(observation.model_copy(update={"room_id": room_id}))
        if state.blocked:
            return
        await rt.hooks.run_async(HookTrigger.AFTER_BROADCAST, state.ev(), context)
