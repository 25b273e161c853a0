"""Remember which provider message ids a delivery produced, so later status callbacks from the
vendor find their room, event and channel (see application/delivery_status.py)."""

from __future__ import annotations

import logging
import time

from roomkit.domain.base import utcnow
from roomkit.domain.channel import ChannelBinding
from roomkit.domain.delivery import PROVIDER_MESSAGE_IDS, ChannelOutput, DeliveryResult
from roomkit.domain.enums import DeliveryState
from roomkit.domain.event import RoomEvent
from roomkit.ports.store import ConversationStore

log = logging.getLogger("roomkit.delivery")


def provider_message_ids(output: ChannelOutput) -> list[str]:
    result = output.provider_result
    if result is None:
        return []
    many = result.metadata.get(PROVIDER_MESSAGE_IDS)
    if isinstance(many, list) and many:
        return [str(m) for m in many if m]
    return [result.provider_message_id] if result.provider_message_id else []


async def record_provider_sends(
    store: ConversationStore,
    event: RoomEvent,
    target: ChannelBinding,
    output: ChannelOutput,
    attempts: int,
    started: float,
) -> None:
    """One DELIVERED result per provider message id (delivered to the provider, that is)."""
    for message_id in provider_message_ids(output):
        result = DeliveryResult(
            room_id=event.room_id,
            event_id=event.id,
            channel_id=target.channel_id,
            state=DeliveryState.DELIVERED,
            attempts=attempts,
            provider_message_id=message_id,
            duration_ms=(time.perf_counter() - started) * 1000,
            at=utcnow(),
        )
        try:
            await store.add_delivery_result(result)
        except Exception:
            log.exception("could not record provider message %s of %s", message_id, event.id)
