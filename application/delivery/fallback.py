"""Cross-channel fallback: send an event on a binding's fallback channel when its delivery
fails or is not confirmed in time.

Every event delivered to a binding with a ``FallbackPolicy`` leaves one record in the store. It
leaves ``pending`` once, by a compare-and-set in the store: ``fired`` when the send failed, a
status callback reported a failure or the deadline passed without a delivered/read status;
``settled`` when a delivered/read status came first; ``dropped`` when the fallback channel had
been detached. Firing also writes the outbox entry for the fallback channel in the same store
transaction, so a process that dies right after still delivers it through outbox recovery.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence
from datetime import timedelta
from typing import TYPE_CHECKING

from roomkit.application.logging_rules import log_failure
from roomkit.application.runtime import Runtime
from roomkit.domain.channel import ChannelBinding
from roomkit.domain.delivery import ChannelOutput, DeliveryResult, DeliveryStatus
from roomkit.domain.enums import DeliveryState
from roomkit.domain.errors import RoomNotFoundError
from roomkit.domain.event import RoomEvent
from roomkit.domain.fallback import (
    FallbackPolicy,
    FallbackState,
    PendingFallback,
    check_fallback,
)

if TYPE_CHECKING:
    from roomkit.application.inbound.pipeline import InboundPipeline

log = logging.getLogger("roomkit.delivery")

#: ``DeliveryResult.metadata`` keys of a delivery made as a fallback
FALLBACK_FROM, FALLBACK_REASON = "fallback_from", "fallback_reason"


def without_standby(targets: list[ChannelBinding]) -> list[ChannelBinding]:
    """The targets minus the channels standing in for another target: they receive the event
    only if that target's delivery falls back to them."""
    standby = {t.fallback.channel_id for t in targets if t.fallback is not None}
    if not standby:
        return targets
    return [t for t in targets if t.channel_id not in standby]


def check_policy(
    room_id: str,
    bindings: Sequence[ChannelBinding],
    channel_id: str,
    policy: FallbackPolicy | None,
) -> None:
    """Raise FallbackPolicyError if giving ``channel_id`` this policy breaks the room's chains."""
    policies = {b.channel_id: b.fallback.channel_id for b in bindings if b.fallback is not None}
    policies.pop(channel_id, None)
    if policy is not None:
        policies[channel_id] = policy.channel_id
    attached = {b.channel_id for b in bindings} | {channel_id}
    check_fallback(room_id, attached, policies, channel_id)


class Fallbacks:
    """Tracks the fallback of each delivery to a binding with a policy, and fires it."""

    def __init__(self, runtime: Runtime, pipeline: InboundPipeline, interval: float = 5.0) -> None:
        self._rt = runtime
        self._pipeline = pipeline
        #: seconds between two checks of the deadlines by the background task
        self.interval = interval
        self._watcher: asyncio.Task[None] | None = None

    # around a broadcast --------------------------------------------------------------------
    async def before_broadcast(self, event: RoomEvent, targets: Sequence[ChannelBinding]) -> None:
        """Store a pending fallback for each target with a policy, before anything is sent: a
        process that dies mid-send leaves a record whose deadline the next one honours, and no
        status callback can arrive before its record. A redelivery finds its record there."""
        store = self._rt.store
        if not store.supports_fallbacks:
            return
        now = self._rt.clock.now()
        watch = False
        for target in targets:
            policy = target.fallback
            if policy is None:
                continue
            due = None if policy.after is None else now + timedelta(seconds=policy.after)
            record = PendingFallback(
                room_id=event.room_id,
                event_id=event.id,
                channel_id=target.channel_id,
                fallback_channel_id=policy.channel_id,
                on_failed=policy.on_failed,
                due_at=due,
                created_at=now,
                updated_at=now,
            )
            try:
                if await store.add_fallback(record) and due is not None:
                    watch = True
            except Exception as exc:
                log_failure(
                    log,
                    "could not record a pending fallback",
                    exc,
                    event_id=event.id,
                    channel_id=target.channel_id,
                )
        if watch:
            self.start()

    async def after_broadcast(
        self,
        event: RoomEvent,
        targets: Sequence[ChannelBinding],
        outcomes: Sequence[tuple[DeliveryResult | None, ChannelOutput | None]],
    ) -> None:
        """Fire at once the fallback of each target whose send failed or was skipped (its
        result is not None), if its policy has ``on_failed``. A target that had no one to send
        to (``ChannelOutput.empty()``: the event came from its own recipient) needs no fallback:
        its record is settled."""
        for target, (failure, output) in zip(targets, outcomes, strict=True):
            policy = target.fallback
            if policy is None:
                continue
            if failure is None and output is ChannelOutput.empty():
                await self._nothing_sent(event, target)
                continue
            if failure is None or not policy.on_failed:
                continue
            try:
                await self.fire(event.id, target.channel_id, _failure_reason(failure))
            except Exception as exc:
                log_failure(
                    log,
                    "could not send a fallback",
                    exc,
                    event_id=event.id,
                    channel_id=target.channel_id,
                )

    async def _nothing_sent(self, event: RoomEvent, target: ChannelBinding) -> None:
        if not self._rt.store.supports_fallbacks:
            return
        try:
            await self._rt.store.settle_fallback(
                event.id,
                target.channel_id,
                FallbackState.SETTLED,
                f"nothing was sent on {target.channel_id!r}: no recipient besides the sender",
            )
        except Exception as exc:
            log_failure(
                log,
                "could not settle a fallback",
                exc,
                event_id=event.id,
                channel_id=target.channel_id,
            )

    # status callbacks ----------------------------------------------------------------------
    async def delivered(self, status: DeliveryStatus) -> None:
        """A delivered/read status settles the pending fallback of the send it reports on."""
        if not (status.event_id and status.channel_id and self._rt.store.supports_fallbacks):
            return
        await self._rt.store.settle_fallback(
            status.event_id,
            status.channel_id,
            FallbackState.SETTLED,
            f"{status.provider} reported {status.status}",
        )

    async def failed(self, status: DeliveryStatus) -> None:
        """A failure status fires the fallback (when its policy has ``on_failed``)."""
        if not (status.event_id and status.channel_id and self._rt.store.supports_fallbacks):
            return
        record = await self._rt.store.get_fallback(status.event_id, status.channel_id)
        if record is None or not record.on_failed:
            return
        detail = status.error_message or status.error_code
        reason = f"{status.provider} reported {status.status}" + (f": {detail}" if detail else "")
        await self.fire(status.event_id, status.channel_id, reason)

    # deadlines -----------------------------------------------------------------------------
    async def check(self, limit: int = 100) -> int:
        """Fire every pending fallback whose deadline has passed on the kit's clock (and whose
        fallback channel this process has registered); how many were fired."""
        store = self._rt.store
        if not store.supports_fallbacks:
            return 0
        fired = 0
        for record in await store.list_due_fallbacks(self._rt.clock.now(), limit):
            if record.fallback_channel_id not in self._rt.channels:
                continue  # another process may own this channel
            due = record.due_at.isoformat() if record.due_at else "its deadline"
            reason = f"no delivered or read status from {record.channel_id!r} by {due}"
            if await self.fire(record.event_id, record.channel_id, reason):
                fired += 1
        return fired

    def start(self) -> None:
        """Run ``check`` every ``interval`` seconds in the background (idempotent)."""
        if self._watcher is not None and not self._watcher.done():
            return
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:
            return
        self._watcher = loop.create_task(self._watch(), name="roomkit-fallbacks")

    async def stop(self) -> None:
        watcher, self._watcher = self._watcher, None
        if watcher is not None:
            watcher.cancel()
            await asyncio.gather(watcher, return_exceptions=True)

    async def _watch(self) -> None:
        while True:
            await asyncio.sleep(self.interval)  # pacing only: deadlines use the kit's clock
            try:
                await self.check()
            except Exception as exc:
                log_failure(log, "checking fallback deadlines failed", exc)

    # firing --------------------------------------------------------------------------------
    async def fire(self, event_id: str, channel_id: str, reason: str) -> bool:
        """Send the event on the fallback channel, if this call wins the record; True if so."""
        rt = self._rt
        store = rt.store
        record = await store.get_fallback(event_id, channel_id)
        if record is None or record.state is not FallbackState.PENDING:
            return False
        target = record.fallback_channel_id
        if target not in rt.channels:
            log.warning(
                "fallback channel %r is not registered in this process; left pending", target
            )
            return False
        async with rt.room_lock(record.room_id):
            if await store.get_binding(record.room_id, target) is None:
                await self._drop(record, reason)
                return False
            fired = await store.settle_fallback(event_id, channel_id, FallbackState.FIRED, reason)
            if fired is None:
                return False  # another worker, or a repeated status, got there first
            event = await store.get_event(event_id)
            if event is None:
                return False
            outcome = await self._pipeline.redeliver(event, target)
        failures = outcome.results if outcome is not None else []
        state = failures[0].state if failures else DeliveryState.DELIVERED
        await self._record(fired, state, failures[0].error if failures else None)
        await rt.events.emit(
            "delivery_fallback",
            room_id=fired.room_id,
            event_id=event_id,
            channel_id=channel_id,
            fallback_channel_id=target,
            reason=reason,
            state=str(fired.state),
            delivery=str(state),
        )
        return True

    async def _drop(self, record: PendingFallback, reason: str) -> None:
        note = (
            f"fallback channel {record.fallback_channel_id!r} is no longer attached to room "
            f"{record.room_id!r} ({reason})"
        )
        dropped = await self._rt.store.settle_fallback(
            record.event_id, record.channel_id, FallbackState.DROPPED, note
        )
        if dropped is None:
            return
        result = await self._record(dropped, DeliveryState.SKIPPED, note)
        try:
            context = await self._rt.context(record.room_id)
        except RoomNotFoundError:
            context = None
        if context is not None:
            await self._rt.hooks.report_error(
                context,
                f"fallback from channel {record.channel_id!r} dropped",
                None,
                data={
                    "event_id": result.event_id,
                    "channel_id": result.channel_id,
                    "state": str(result.state),
                    "error": note,
                    FALLBACK_FROM: record.channel_id,
                },
            )
        await self._rt.events.emit(
            "delivery_fallback",
            room_id=record.room_id,
            event_id=record.event_id,
            channel_id=record.channel_id,
            fallback_channel_id=record.fallback_channel_id,
            reason=note,
            state=str(dropped.state),
            delivery=str(result.state),
        )

    async def _record(
        self, record: PendingFallback, state: DeliveryState, error: str | None
    ) -> DeliveryResult:
        result = DeliveryResult(
            room_id=record.room_id,
            event_id=record.event_id,
            channel_id=record.fallback_channel_id,
            state=state,
            attempts=1 if state is not DeliveryState.SKIPPED else 0,
            error=error,
            metadata={FALLBACK_FROM: record.channel_id, FALLBACK_REASON: record.reason},
        )
        try:
            await self._rt.store.add_delivery_result(result)
        except Exception as exc:
            log_failure(log, "could not record a fallback", exc, event_id=record.event_id)
        return result


def _failure_reason(failure: DeliveryResult) -> str:
    return f"delivery {failure.state}" + (f": {failure.error}" if failure.error else "")
