"""Step 4: let identity hooks decide about senders that were not plainly identified."""

from __future__ import annotations

from typing import Any

from roomkit.application.delivery.router import EventRouter
from roomkit.application.inbound.inject import injected_event, store_and_send
from roomkit.application.inbound.state import InboundState
from roomkit.application.participants import identified_participant
from roomkit.application.runtime import Runtime
from roomkit.domain.content import SystemContent
from roomkit.domain.enums import EventType, HookTrigger, IdentificationStatus
from roomkit.domain.event import EventSource, RoomEvent
from roomkit.domain.identity import IdentityHookResult
from roomkit.domain.participant import Participant, address_participant_id

AMBIGUOUS = frozenset({IdentificationStatus.AMBIGUOUS, IdentificationStatus.PENDING})


class IdentityHooksStep:
    name = "identity_hooks"

    def __init__(self, runtime: Runtime, router: EventRouter) -> None:
        self._rt = runtime
        self._router = router

    async def __call__(self, state: InboundState) -> None:
        result = state.identity
        if result is None:
            return
        if result.status is IdentificationStatus.IDENTIFIED:
            if state.newly_identified:
                await self._identified(state)
            return
        trigger = (
            HookTrigger.ON_IDENTITY_AMBIGUOUS
            if result.status in AMBIGUOUS
            else HookTrigger.ON_IDENTITY_UNKNOWN
        )
        decision = await self._rt.hooks.run_identity(trigger, state.ev(), state.ctx())
        if decision is None:
            await self._default(state)
        else:
            await self._apply(state, decision)

    async def _default(self, state: InboundState) -> None:
        result = state.identity
        assert result is not None
        if result.status is IdentificationStatus.REJECTED:
            self._block(state, "sender rejected by the identity resolver")
            return
        status = (
            IdentificationStatus.PENDING
            if result.status in AMBIGUOUS
            else IdentificationStatus.UNKNOWN
        )
        await self._upsert(
            state, identification=status, candidates=[c.id for c in result.candidates]
        )

    async def _apply(self, state: InboundState, decision: IdentityHookResult) -> None:
        if decision.outcome == "resolved" and decision.identity is not None:
            assert state.message is not None
            participant = await identified_participant(
                self._rt.store, state.ctx().room.id, state.message, decision.identity
            )
            state.participant = participant
            event = state.ev()
            source = event.source.model_copy(update={"participant_id": participant.id})
            state.event = event.model_copy(update={"source": source})
            await self._identified(state)
        elif decision.outcome == "pending":
            await self._upsert(
                state,
                identification=IdentificationStatus.PENDING,
                candidates=[c.id for c in decision.candidates],
                display_name=decision.display_name,
            )
        elif decision.outcome == "challenge":
            await self._upsert(state, identification=IdentificationStatus.CHALLENGE_SENT)
            if decision.inject is not None:
                assert state.message is not None
                challenge = injected_event(
                    state.ctx().room.id, decision.inject, state.message.channel_id
                )
                await store_and_send(self._rt, self._router, [challenge], state.ctx())
            self._block(state, decision.reason or "identity challenge sent")
        else:
            await self._upsert(state, identification=IdentificationStatus.REJECTED)
            self._block(state, decision.reason or "sender rejected")

    @staticmethod
    def _block(state: InboundState, reason: str) -> None:
        state.blocked = True
        state.reason = reason
        state.blocked_by = "identity"

    async def _upsert(self, state: InboundState, **fields: Any) -> None:
        store = self._rt.store
        message = state.message
        assert message is not None
        room_id = state.ctx().room.id
        participant = state.participant or await store.find_participant(
            room_id, message.channel_id, message.sender_id
        )
        fields = {k: v for k, v in fields.items() if v is not None}
        if participant is None:
            participant = await store.add_participant(
                Participant(
                    id=address_participant_id(message.channel_id, message.sender_id),
                    room_id=room_id,
                    channel_id=message.channel_id,
                    external_id=message.sender_id,
                    **fields,
                )
            )
        else:
            participant = await store.update_participant(participant.model_copy(update=fields))
        state.participant = participant
        event = state.ev()
        source = event.source.model_copy(update={"participant_id": participant.id})
        state.event = event.model_copy(update={"source": source})

    async def _identified(self, state: InboundState) -> None:
        participant = state.participant
        if participant is None or not self._rt.hooks.has_hooks(
            HookTrigger.ON_PARTICIPANT_IDENTIFIED, state.ctx().room.id
        ):
            return
        notice = identified_event(state.ctx().room.id, participant)
        await self._rt.hooks.run_async(HookTrigger.ON_PARTICIPANT_IDENTIFIED, notice, state.ctx())


def identified_event(room_id: str, participant: Participant) -> RoomEvent:
    return RoomEvent(
        room_id=room_id,
        type=EventType.IDENTITY_RESOLVED,
        source=EventSource(
            channel_id=participant.channel_id or "roomkit", participant_id=participant.id
        ),
        content=SystemContent(
            body=f"participant {participant.id} identified",
            code="participant_identified",
            data={"participant_id": participant.id, "identity_id": participant.identity_id},
        ),
    )
