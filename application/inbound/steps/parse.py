"""Step 2: the channel turns the provider message into a RoomEvent. Its ids are checked at once
(an id no store could keep is refused before any lookup uses it); the whole event is checked
by the store before it is written."""

from __future__ import annotations

from roomkit.application.inbound.state import InboundState
from roomkit.domain.base import evolve, is_model
from roomkit.domain.errors import InvalidEventError
from roomkit.domain.validation import MAX_EXTERNAL_ID_LENGTH, check_id


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
        state.event = event = evolve(event, **update) if update else event
        if event.provider_message_id is not None:
            check_id(event.provider_message_id, "provider_message_id", MAX_EXTERNAL_ID_LENGTH)
        if not is_model(event.content):
            raise InvalidEventError(
                f"channel {state.message.channel_id!r} produced an event without valid content"
            )
