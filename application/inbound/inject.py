"""Events that hooks inject (identity challenges, notices): built, stored, sent to targets."""

from __future__ import annotations

from roomkit.application.delivery.router import EventRouter
from roomkit.application.runtime import Runtime
from roomkit.domain.context import RoomContext
from roomkit.domain.enums import ChannelDirection, ChannelType, EventStatus
from roomkit.domain.event import EventSource, RoomEvent
from roomkit.domain.hooks import InjectedEvent

INJECTED_SOURCE = "roomkit"


def injected_event(room_id: str, injected: InjectedEvent, default_target: str) -> RoomEvent:
    targets = injected.target_channel_ids or [default_target]
    return RoomEvent(
        room_id=room_id,
        status=EventStatus.DELIVERED,
        source=EventSource(
            channel_id=INJECTED_SOURCE,
            channel_type=ChannelType.SYSTEM,
            direction=ChannelDirection.OUTBOUND,
        ),
        content=injected.content,
        metadata={
            **injected.metadata,
            "injected": True,
            "targets": targets,
            "store": injected.store,
        },
    )


async def store_and_send(
    runtime: Runtime, router: EventRouter, events: list[RoomEvent], context: RoomContext
) -> list[RoomEvent]:
    """Store each injected event (unless it asked not to be) and deliver it to its targets."""
    sent: list[RoomEvent] = []
    for event in events:
        if event.metadata.get("store", True):
            event = await runtime.store.add_event(
                event.model_copy(update={"created_at": runtime.clock.now()})
            )
        targets = [b for b in context.bindings if b.channel_id in event.metadata.get("targets", ())]
        await router.broadcast(
            event, context, targets=[b for b in targets if b.channel_id in runtime.channels]
        )
        sent.append(event)
    return sent
