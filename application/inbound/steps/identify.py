"""Step 3: map the sender to a participant, asking the IdentityResolver when one is set."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence

from roomkit.application.inbound.state import InboundState
from roomkit.application.participants import identified_participant, remember_address
from roomkit.application.runtime import Runtime
from roomkit.domain.base import evolve
from roomkit.domain.enums import IdentificationStatus
from roomkit.domain.identity import IdentityResult
from roomkit.domain.participant import Participant, address_participant_id

log = logging.getLogger("roomkit.identity")


class IdentifyStep:
    name = "identify"

    def __init__(self, runtime: Runtime) -> None:
        self._rt = runtime

    async def __call__(self, state: InboundState) -> None:
        rt = self._rt
        message, channel, context = state.message, state.channel, state.ctx()
        assert message is not None and channel is not None
        room_id = context.room.id
        participant = _known(context.participants, message.channel_id, message.sender_id)
        if participant is None:  # not in the context just read: ask the store itself
            participant = await rt.store.find_participant(
                room_id, message.channel_id, message.sender_id
            )
        resolver = rt.identity_resolver
        types = rt.settings.identity_channel_types
        wants_resolution = resolver is not None and (types is None or channel.channel_type in types)
        if not wants_resolution or (
            participant is not None
            and participant.identification is IdentificationStatus.IDENTIFIED
        ):
            if participant is None:
                participant = await rt.store.add_participant(
                    Participant(
                        id=address_participant_id(message.channel_id, message.sender_id),
                        room_id=room_id,
                        channel_id=message.channel_id,
                        external_id=message.sender_id,
                    )
                )
            _stamp(state, participant)
            state.participant = await remember_address(rt.store, participant, message)
            return
        assert resolver is not None
        try:
            async with asyncio.timeout(rt.settings.identity_timeout):
                result = await resolver.resolve(message, context)
        except Exception as exc:
            log.warning("identity resolution for %r failed: %r", message.sender_id, exc)
            await rt.hooks.report_error(context, "identity resolution failed", exc, state.event)
            result = IdentityResult(
                status=IdentificationStatus.UNKNOWN,
                address=message.sender_id,
                metadata={"error": repr(exc)},
            )
        state.identity = result
        if result.status is IdentificationStatus.IDENTIFIED and result.identity is not None:
            participant = await identified_participant(rt.store, room_id, message, result.identity)
            state.newly_identified = True
            _stamp(state, participant)
            state.participant = await remember_address(rt.store, participant, message)
        elif participant is not None:
            state.participant = participant


def _known(people: Sequence[Participant], channel_id: str, address: str) -> Participant | None:
    """The room's one participant at this channel address, from its context (None when there
    is none or more than one: the store decides which)."""
    found = [p for p in people if p.external_id == address and p.channel_id == channel_id]
    return found[0] if len(found) == 1 else None


def _stamp(state: InboundState, participant: Participant) -> None:
    state.participant = participant
    event = state.ev()
    if event.source.participant_id != participant.id:
        state.event = evolve(event, source=evolve(event.source, participant_id=participant.id))
