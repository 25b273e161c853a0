"""Step 2: the channel turns the provider message into a RoomEvent, checked at once: an event
no store could keep is refused here, before any hook, lock or lookup sees it."""

from __future__ import annotations

from roomkit.application.inbound.state import InboundState
from roomkit.domain.base import evolve
from roomkit.domain.validation import check_event


class ParseStep:
    name = "parse"

    async def __call__(self, state: InboundState) -> None:
        assert state.channel is not None and state.message is not None
        context = state.ctx()
        event = await state.channel.handle_inbound(state.message, context)
        update: dict[str, object] = {}
        if event.room_id != context.room.id:
            update["room_id"] = context.room.id
        if state.chain_depth and event.chain_depth != state.chain_depth:
            update["chain_depth"] = state.chain_depth
        if state.message.provider_message_id and not event.provider_message_id:
            update["provider_message_id"] = state.message.provider_message_id
        state.event = check_event(evolve(event, **update) if update else event)
