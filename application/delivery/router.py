"""EventRouter: broadcast one stored event to every binding that may read it.

An event stamped by a conversation router reaches only the intelligence channels it names; an
internal one (agents talking among themselves) reaches intelligence channels only.

Per target: access check, transcoding, rate limit, circuit breaker, retry with backoff, and a
time bound per attempt (``delivery_timeout``, per binding or for the kit). A failed or timed-out
delivery is recorded, reported to ON_ERROR and left in the outbox as a dead letter; it never
stops delivery to the other targets.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Coroutine
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from roomkit.application.delivery.fallback import without_standby
from roomkit.application.delivery.sent_messages import record_provider_sends
from roomkit.application.delivery.transcoder import DefaultContentTranscoder
from roomkit.application.logging_rules import describe_error, log_failure
from roomkit.application.policies.retry import RetryExhaustedError, attempt_with_backoff
from roomkit.application.runtime import Runtime
from roomkit.domain.base import evolve, utcnow
from roomkit.domain.channel import ChannelBinding
from roomkit.domain.context import RoomContext
from roomkit.domain.conversation import INTERNAL_KEY, routed_agents
from roomkit.domain.delivery import ChannelOutput, DeliveryResult
from roomkit.domain.enums import ChannelCategory, DeliveryState
from roomkit.domain.errors import DeliveryTimeoutError
from roomkit.domain.event import RoomEvent
from roomkit.domain.outbox import DeliverySettlement, OutboxState
from roomkit.domain.tasks import Observation, Task
from roomkit.domain.transcoding import transcode

if TYPE_CHECKING:
    from roomkit.application.delivery.fallback import Fallbacks

log = logging.getLogger("roomkit.delivery")


@dataclass(slots=True)
class Broadcast:
    """What a broadcast produced: per-target results and intelligence responses."""

    results: list[DeliveryResult] = field(default_factory=list)  # failures and skips only
    responses: list[tuple[ChannelBinding, RoomEvent]] = field(default_factory=list)
    tasks: list[Task] = field(default_factory=list)
    observations: list[Observation] = field(default_factory=list)


class EventRouter:
    def __init__(self, runtime: Runtime) -> None:
        self._rt = runtime
        #: tracks and fires the fallbacks of bindings that have a FallbackPolicy
        self.fallbacks: Fallbacks | None = None

    def targets(self, event: RoomEvent, context: RoomContext) -> list[ChannelBinding]:
        channels = self._rt.channels
        metadata = event.metadata
        routed = routed_agents(metadata) if metadata else None
        internal = bool(metadata) and bool(metadata.get(INTERNAL_KEY))
        targets = [
            b
            for b in context.bindings
            if b.access.can_read
            and b.channel_id in channels
            and (
                not (internal or b.category is ChannelCategory.INTELLIGENCE)
                or (
                    b.category is ChannelCategory.INTELLIGENCE
                    and b.channel_id != event.source.channel_id
                    and (routed is None or b.channel_id in routed)
                )
            )
        ]
        # standby channels stay out even when the binding they stand in for reaches no one
        return [
            b
            for b in without_standby(targets)
            if b.category is ChannelCategory.INTELLIGENCE
            or channels[b.channel_id].reaches_anyone(event, b, context)
        ]

    async def broadcast(
        self,
        event: RoomEvent,
        context: RoomContext,
        targets: list[ChannelBinding] | None = None,
    ) -> Broadcast:
        if targets is None:
            targets = self.targets(event, context)
        outcome = Broadcast()
        if not targets:
            return outcome
        source = context.get_binding(event.source.channel_id) or _system_binding(event)
        fallbacks = self.fallbacks if any(t.fallback is not None for t in targets) else None
        if fallbacks is not None:
            await fallbacks.before_broadcast(event, targets)
        # outcomes are noted per target and settled in batches, one store call each
        settled: list[DeliverySettlement] | None = [] if self._rt.store.supports_outbox else None
        if len(targets) == 1:
            pairs = [await self._deliver_one(event, source, targets[0], context, settled)]
        else:
            # Eager tasks run each delivery at once until it first waits: a delivery that never
            # waits (an in-process callback) costs no trip through the event loop, while slow
            # ones (HTTP to a provider) still overlap.
            loop = asyncio.get_running_loop()
            running = [
                asyncio.Task(
                    self._deliver_one(event, source, target, context, settled),
                    loop=loop,
                    eager_start=True,
                )
                for target in targets
            ]
            pending = [task for task in running if not task.done()]
            if pending:
                if settled:  # the deliveries that finished at once, before waiting for the rest
                    await self._settle(event, settled)
                try:
                    await asyncio.wait(pending)
                except asyncio.CancelledError:
                    for task in pending:
                        task.cancel()
                    raise
            pairs = [task.result() for task in running]
        if settled:
            await self._settle(event, settled)
        if fallbacks is not None:
            await fallbacks.after_broadcast(event, targets, pairs)
        for binding, (result, output) in zip(targets, pairs, strict=True):
            if result is not None:
                outcome.results.append(result)
            if output is None:
                continue
            if output.response_events:
                outcome.responses.extend((binding, e) for e in output.response_events)
            if output.tasks:
                outcome.tasks.extend(output.tasks)
            if output.observations:
                outcome.observations.extend(output.observations)
        return outcome

    async def _deliver_one(
        self,
        event: RoomEvent,
        source: ChannelBinding,
        target: ChannelBinding,
        context: RoomContext,
        settled: list[DeliverySettlement] | None = None,
    ) -> tuple[DeliveryResult | None, ChannelOutput | None]:
        rt = self._rt
        channel = rt.channels[target.channel_id]
        started = time.perf_counter()
        transcoder = rt.transcoder
        if type(transcoder) is DefaultContentTranscoder:  # the pure rule, without a coroutine
            content = transcode(event.content, target.capabilities)
        else:
            content = await transcoder.transcode(event.content, source, target)
        if content is None:
            self._mark(settled, target, OutboxState.DELIVERED, 0, "skipped: not representable")
            return self._result(event, target, DeliveryState.SKIPPED, 0, started), None
        delivered = event if content is event.content else evolve(event, content=content)
        send = (
            channel.on_event if target.category is ChannelCategory.INTELLIGENCE else channel.deliver
        )

        if target.rate_limit is not None:
            await rt.limiter(context.room.id, target.channel_id, target.rate_limit).acquire()

        breaker = rt.breaker(target.channel_id)
        if not breaker.allow_request():
            result = self._result(
                event,
                target,
                DeliveryState.CIRCUIT_OPEN,
                0,
                started,
                error=f"circuit for channel {target.channel_id!r} is open",
            )
            await self._record_failure(result, context, None)
            self._mark(settled, target, OutboxState.DEAD, 0, result.error)
            return result, None

        policy = target.retry_policy
        timeout = target.delivery_timeout
        if timeout is None:
            timeout = rt.settings.delivery_timeout

        async def attempt() -> ChannelOutput:
            return _checked_output(
                await _bounded(send(delivered, target, context), timeout, target.channel_id),
                target.channel_id,
            )

        try:
            if policy is None or policy.max_retries == 0:
                attempts = 1
                try:
                    output = await attempt()
                except Exception as exc:
                    raise RetryExhaustedError(1, exc) from exc
            else:
                output, attempts = await attempt_with_backoff(attempt, policy, rt.clock)
        except RetryExhaustedError as exc:
            breaker.record_failure()
            error = describe_error(exc.last)
            result = self._result(
                event, target, DeliveryState.FAILED, exc.attempts, started, error=error
            )
            await self._record_failure(result, context, exc.last)
            self._mark(settled, target, OutboxState.DEAD, exc.attempts, error)
            return result, None
        breaker.record_success()
        self._mark(settled, target, OutboxState.DELIVERED, attempts)
        if output.provider_result is not None:
            await record_provider_sends(self._rt.store, event, target, output, attempts, started)
        return None, output

    @staticmethod
    def _mark(
        settled: list[DeliverySettlement] | None,
        target: ChannelBinding,
        state: OutboxState,
        attempts: int,
        error: str | None = None,
    ) -> None:
        """Note the outcome for ``target``'s outbox entry (durable stores only)."""
        if settled is not None:
            settled.append(DeliverySettlement(target.channel_id, state, attempts, error))

    async def _settle(self, event: RoomEvent, settled: list[DeliverySettlement]) -> None:
        """Settle the outcomes noted so far in one store call (and start a new batch)."""
        batch = settled.copy()
        settled.clear()
        try:
            await self._rt.store.mark_deliveries(event.id, batch)
        except Exception as exc:
            log_failure(log, "could not settle outbox entries", exc, event_id=event.id)

    async def drop(self, event: RoomEvent, channel_id: str, reason: str) -> None:
        """Settle an outbox entry that must not be sent (its binding is gone)."""
        store = self._rt.store
        if store.supports_outbox:
            await store.mark_delivery(event.id, channel_id, OutboxState.DROPPED, 0, reason)

    @staticmethod
    def _result(
        event: RoomEvent,
        target: ChannelBinding,
        state: DeliveryState,
        attempts: int,
        started: float,
        *,
        error: str | None = None,
        provider_message_id: str | None = None,
    ) -> DeliveryResult:
        return DeliveryResult.model_construct(
            room_id=event.room_id,
            event_id=event.id,
            channel_id=target.channel_id,
            state=state,
            attempts=attempts,
            error=error,
            provider_message_id=provider_message_id,
            duration_ms=(time.perf_counter() - started) * 1000,
            at=utcnow(),
        )

    async def _record_failure(
        self, result: DeliveryResult, context: RoomContext, exc: BaseException | None
    ) -> None:
        log.warning(
            "delivery failed",
            extra={
                "event_id": result.event_id,
                "channel_id": result.channel_id,
                "state": str(result.state),
                "attempts": result.attempts,
                "error": result.error,
            },
        )
        try:
            await self._rt.store.add_delivery_result(result)
        except Exception as store_exc:
            log_failure(
                log, "could not record a failed delivery", store_exc, event_id=result.event_id
            )
        await self._rt.hooks.report_error(
            context,
            f"delivery to channel {result.channel_id!r} failed",
            exc,
            data={
                "event_id": result.event_id,
                "channel_id": result.channel_id,
                "state": str(result.state),
                "attempts": result.attempts,
                "error": result.error,
            },
        )


async def _bounded[T](call: Coroutine[Any, Any, T], seconds: float | None, channel_id: str) -> T:
    """``await call`` within ``seconds``. The send starts at once as an eager task: one that
    finishes without waiting (an in-process callback) needs no timer at all."""
    if seconds is None:
        return await call
    loop = asyncio.get_running_loop()
    deadline = loop.time() + seconds
    task = asyncio.Task(call, loop=loop, eager_start=True)
    if task.done():
        return task.result()
    bound = asyncio.timeout_at(deadline)
    try:
        async with bound:
            return await task
    except TimeoutError as exc:
        if not bound.expired():
            raise  # the channel's own timeout, not ours
        raise DeliveryTimeoutError(channel_id, seconds) from exc


def _checked_output(output: object, channel_id: str) -> ChannelOutput:
    """What a channel returned: a ChannelOutput, or None for "delivered, nothing to add"."""
    if output is None:
        return _NOTHING
    if not isinstance(output, ChannelOutput):
        raise TypeError(
            f"channel {channel_id!r} returned {type(output).__name__} from deliver/on_event; "
            "expected ChannelOutput or None"
        )
    return output


_NOTHING = ChannelOutput()


def _system_binding(event: RoomEvent) -> ChannelBinding:
    return ChannelBinding(
        room_id=event.room_id,
        channel_id=event.source.channel_id,
        channel_type=event.source.channel_type,
    )
