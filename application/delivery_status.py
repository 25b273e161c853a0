"""Delivery reports from providers: tied back to their send, stored, handed to hooks.

A report of a failed delivery is treated like a failed send: recorded among the event's
deliveries and reported to ON_ERROR.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from roomkit.application.runtime import Runtime
from roomkit.domain.delivery import DeliveryResult, DeliveryStatus
from roomkit.domain.enums import DeliveryState, HookTrigger
from roomkit.domain.errors import RoomNotFoundError

if TYPE_CHECKING:
    from roomkit.application.delivery.fallback import Fallbacks

log = logging.getLogger("roomkit.delivery")

#: The normalised words for ``DeliveryStatus.status``; parsers map vendor words onto these.
QUEUED, SENT, DELIVERED, READ, FAILED = "queued", "sent", "delivered", "read", "failed"
FAILED_WORDS = frozenset({FAILED, "undelivered", "rejected", "bounced", "expired", "dropped"})


class DeliveryStatusTracker:
    def __init__(self, runtime: Runtime, fallbacks: Fallbacks | None = None) -> None:
        self._rt = runtime
        self._fallbacks = fallbacks

    async def process(self, status: DeliveryStatus) -> DeliveryStatus:
        status = await self._tied_to_send(status)
        store = self._rt.store
        await store.add_delivery_status(status)
        failed = status.status in FAILED_WORDS
        if failed and status.room_id and status.event_id:
            await self._record_failure(status)
        if self._fallbacks is not None:
            if failed:
                await self._fallbacks.failed(status)
            elif status.status in (DELIVERED, READ):
                await self._fallbacks.delivered(status)
        context = None
        if status.room_id:
            try:
                context = await self._rt.context(status.room_id)
            except RoomNotFoundError:
                context = None
        await self._rt.hooks.run_async(HookTrigger.ON_DELIVERY_STATUS, status, context)
        return status

    async def _tied_to_send(self, status: DeliveryStatus) -> DeliveryStatus:
        if status.room_id and status.event_id and status.channel_id:
            return status
        sent = await self._rt.store.find_delivery_result(status.message_id)
        if sent is None:
            return status
        return status.model_copy(
            update={
                "room_id": status.room_id or sent.room_id,
                "event_id": status.event_id or sent.event_id,
                "channel_id": status.channel_id or sent.channel_id,
            }
        )

    async def _record_failure(self, status: DeliveryStatus) -> None:
        assert status.room_id is not None and status.event_id is not None
        reason = status.error_message or status.error_code or status.status
        result = DeliveryResult(
            room_id=status.room_id,
            event_id=status.event_id,
            channel_id=status.channel_id or "unknown",
            state=DeliveryState.FAILED,
            attempts=1,
            error=f"{status.provider} reported {status.status}: {reason}",
            provider_message_id=status.message_id,
        )
        await self._rt.store.add_delivery_result(result)
        try:
            context = await self._rt.context(status.room_id)
        except RoomNotFoundError:
            log.warning("delivery report for a deleted room %s", status.room_id)
            return
        await self._rt.hooks.report_error(
            context,
            f"delivery to channel {result.channel_id!r} failed",
            None,
            data={
                "event_id": result.event_id,
                "channel_id": result.channel_id,
                "state": str(result.state),
                "provider_message_id": status.message_id,
                "error": result.error,
            },
        )
