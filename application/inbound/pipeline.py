"""The inbound pipeline: the SPEC's 11 steps in their fixed order, then the reentry loop.

1 route  2 parse  3 identify  4 identity hooks  5 lock  6 idempotency  7 BEFORE_BROADCAST
8 store  9 broadcast  10 AFTER_BROADCAST  11 unlock; then responses of intelligence channels
re-enter at step 5 with chain_depth + 1, up to ``max_chain_depth``.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from contextlib import AbstractContextManager, nullcontext
from typing import Any

from roomkit.application.delivery.router import Broadcast, EventRouter
from roomkit.application.inbound.state import InboundState
from roomkit.application.inbound.steps.after_broadcast import AfterBroadcastStep
from roomkit.application.inbound.steps.before_broadcast import BeforeBroadcastStep
from roomkit.application.inbound.steps.broadcast import BroadcastStep
from roomkit.application.inbound.steps.idempotency import IdempotencyStep
from roomkit.application.inbound.steps.identify import IdentifyStep
from roomkit.application.inbound.steps.identity_hooks import IdentityHooksStep
from roomkit.application.inbound.steps.lock import LockStep
from roomkit.application.inbound.steps.parse import ParseStep
from roomkit.application.inbound.steps.route import RouteStep
from roomkit.application.inbound.steps.store import StoreStep
from roomkit.application.log_context import event_id_var, room_id_var
from roomkit.application.logging_rules import log_failure
from roomkit.application.policies.rate_limit import TokenBucketRateLimiter
from roomkit.application.runtime import Runtime
from roomkit.domain.channel import ChannelBinding
from roomkit.domain.enums import ChannelDirection, EventStatus
from roomkit.domain.errors import ProcessTimeoutError, RoomClosedError
from roomkit.domain.event import RoomEvent
from roomkit.domain.inbound import InboundMessage, InboundResult
from roomkit.ports.telemetry import Span

log = logging.getLogger("roomkit.inbound")

Step = Callable[[InboundState], Awaitable[None]]

CHAIN_LIMIT_REASON = "max_chain_depth ({limit}) reached; response not broadcast"

YIELD_EVERY = 8
"""Messages one task sends in a row, without the event loop getting a turn, before the pipeline
yields to it once (on the in-memory store nothing else suspends, so a tight loop of messages
would starve every other task). Messages that arrive as a server receives them, from several
tasks or with the loop turning in between, never wait for that yield."""


class InboundPipeline:
    def __init__(self, runtime: Runtime, router: EventRouter) -> None:
        self._rt = runtime
        self._router = router
        self.route = RouteStep(runtime)
        self.parse = ParseStep()
        self.identify = IdentifyStep(runtime)
        self.identity_hooks = IdentityHooksStep(runtime, router)
        self.lock = LockStep(runtime)
        self.idempotency = IdempotencyStep(runtime)
        self.before_broadcast = BeforeBroadcastStep(runtime)
        self.store = StoreStep(runtime, router)
        self.broadcast = BroadcastStep(runtime, router)
        self.after_broadcast = AfterBroadcastStep(runtime)
        limit = runtime.settings.inbound_rate_limit
        self._inbound_limiter = TokenBucketRateLimiter(limit, runtime.clock) if limit else None
        # messages one task began in a row while the event loop had no turn
        self._without_turn = 0
        self._last_caller = 0
        self._turn_awaited = False

    # entry points --------------------------------------------------------------------------
    async def process(self, message: InboundMessage, room_id: str | None = None) -> InboundResult:
        """Run one message. ``process_timeout`` bounds the steps up to storing the event; once
        it is stored, the result is returned whatever the deliveries and hooks after it do
        (each of those has its own bound and reports its own failures)."""
        if not isinstance(message, InboundMessage):
            raise TypeError(
                f"process_inbound expects an InboundMessage, got {type(message).__name__}"
            )
        if room_id is not None and not isinstance(room_id, str):
            raise TypeError(f"room_id must be a str or None, got {type(room_id).__name__}")
        caller = id(asyncio.current_task())
        if caller == self._last_caller and self._turn_awaited:
            self._without_turn += 1
            if self._without_turn >= YIELD_EVERY:  # a tight loop still lets others run
                await asyncio.sleep(0)
        else:
            self._last_caller, self._without_turn = caller, 1
            if not self._turn_awaited:
                self._turn_awaited = True
                asyncio.get_running_loop().call_soon(self._loop_turned)
        if self._inbound_limiter is not None and not self._inbound_limiter.try_acquire():
            return InboundResult(
                blocked=True, reason="inbound rate limit exceeded", room_id=room_id
            )
        state = InboundState(message=message, room_id=room_id)
        timeout = self._rt.settings.process_timeout
        if timeout is None:
            return await self._process(state)
        # The message starts as an eager task: one that runs to the end without waiting (an
        # in-memory room) is done here and needs no timer; otherwise the deadline is armed.
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        task = asyncio.Task(self._process(state), loop=loop, eager_start=True)
        if task.done():
            return task.result()
        return await _within_deadline(task, state, loop.call_at, deadline, timeout)

    def _loop_turned(self) -> None:
        self._turn_awaited = False
        self._without_turn = 0

    async def process_event(self, event: RoomEvent) -> InboundResult:
        """Run an already-built event (a reply, a direct send) through steps 5-11 and reentry."""
        state = InboundState(message=None, room_id=event.room_id, event=event)
        state.chain_depth = event.chain_depth
        result = await self._locked_steps(state, "roomkit.event")
        await self._reenter_guarded(state)
        return result

    async def redeliver(self, event: RoomEvent, channel_id: str) -> Broadcast | None:
        """Deliver a stored event to one binding again (outbox recovery, dead letters), under the
        room lock, then run the reentry loop for any reply. None if the channel is no longer
        attached: its outbox entry is dropped, not sent."""
        state = InboundState(message=None, room_id=event.room_id, event=event)
        state.chain_depth = event.chain_depth
        async with self._rt.room_lock(event.room_id):
            state.context = await self._rt.context(event.room_id)
            binding = state.context.get_binding(channel_id)
            if binding is None:
                await self._router.drop(event, channel_id, "channel no longer attached")
                return None
            outcome = await self._router.broadcast(event, state.context, targets=[binding])
        state.broadcast = outcome
        await self._reenter_guarded(state)
        return outcome

    # the order -----------------------------------------------------------------------------
    async def _process(self, state: InboundState) -> InboundResult:
        tele = self._rt.telemetry
        if not tele.enabled:  # the steps called directly: no spans to open
            for step in (self.route, self.parse, self.identify, self.identity_hooks):
                await step(state)
                if state.result is not None:
                    return state.finish()
            result = await self._stored_and_sent(state, None)
        else:
            with _span(tele, "roomkit.inbound", state) as root:
                for step in (self.route, self.parse, self.identify, self.identity_hooks):
                    await self._run(step.name, step, state)
                    if state.done:
                        return state.finish()
                result = await self._stored_and_sent(state, root)
        await self._reenter_guarded(state)
        return result

    async def _stored_and_sent(self, state: InboundState, root: Span | None) -> InboundResult:
        """Steps 5-11 for a parsed and identified message (a blocked one is only stored)."""
        room_id_var.set(state.room_id)
        event_id_var.set(state.ev().id)
        if state.blocked:
            return await self._store_blocked(state)
        result = await self._locked_steps(state, None)
        if root is not None and state.event is not None:
            root.set_attribute("roomkit.room_id", state.event.room_id)
            root.set_attribute("roomkit.event_id", state.event.id)
        return result

    async def _locked_steps(self, state: InboundState, span_name: str | None) -> InboundResult:
        tele = self._rt.telemetry
        if not tele.enabled:
            async with self.lock(state):
                return await self._under_lock(state, traced=False)
        with _span(tele, span_name, state) if span_name else nullcontext():
            with _span(tele, "roomkit.inbound.lock", state):
                held = self.lock(state)
                await held.__aenter__()
            try:
                return await self._under_lock(state, traced=True)
            finally:
                await held.__aexit__(None, None, None)

    async def _under_lock(self, state: InboundState, *, traced: bool) -> InboundResult:
        await self.route.recheck(state)
        if state.result is not None:
            return state.finish()
        for before in (self.idempotency, self.before_broadcast, self.store):
            await (self._run(before.name, before, state) if traced else before(state))
            if state.result is not None:
                return state.finish()
        state.stored = True  # the deadline no longer applies
        for after in (self.broadcast, self.after_broadcast):
            try:
                await (self._run(after.name, after, state) if traced else after(state))
            except Exception as exc:
                await self._after_store_failed(after.name, state, exc)
        return state.finish()

    async def _after_store_failed(self, step: str, state: InboundState, exc: Exception) -> None:
        """The event is stored: a failure after that is reported, never raised to the caller."""
        log_failure(log, f"inbound step {step} failed after the event was stored", exc)
        if state.context is not None:
            await self._rt.hooks.report_error(
                state.context, f"{step} failed after the event was stored", exc, state.event
            )

    async def _store_blocked(self, state: InboundState) -> InboundResult:
        async with self.lock(state):
            await self.route.recheck(state)
            await self.idempotency(state)
            if not state.done:
                await self.store(state)
        return state.finish()

    async def _run(self, name: str, step: Step, state: InboundState) -> None:
        tele = self._rt.telemetry
        if not tele.enabled:
            await step(state)
            return
        with _span(tele, f"roomkit.inbound.{name}", state) as span:
            await step(state)
            if span is not None:
                if state.room_id:
                    span.set_attribute("roomkit.room_id", state.room_id)
                if state.event is not None:
                    span.set_attribute("roomkit.event_id", state.event.id)

    # reentry -------------------------------------------------------------------------------
    async def _reenter_guarded(self, state: InboundState) -> None:
        try:
            await self._reenter(state)
        except RoomClosedError as exc:
            log.info("reply dropped: %s", exc)
        except Exception as exc:
            await self._after_store_failed("reentry", state, exc)

    async def _reenter(self, state: InboundState) -> None:
        pending = list(_responses(state))
        if not pending:
            return
        rt = self._rt
        limit = rt.chain_limit(state.room_id) if state.room_id else rt.settings.max_chain_depth
        while pending:
            binding, parent, response = pending.pop(0)
            if binding.muted or binding.output_muted:
                log.debug("dropping reply of muted channel %s", binding.channel_id)
                continue
            event = _as_reply(response, parent, binding)
            if event.chain_depth > limit:
                await self._stop_chain(event, limit)
                continue
            child = InboundState(message=None, room_id=event.room_id, event=event)
            child.chain_depth = event.chain_depth
            await self._locked_steps(child, "roomkit.reentry")
            pending.extend(_responses(child))

    async def _stop_chain(self, event: RoomEvent, limit: int) -> None:
        reason = CHAIN_LIMIT_REASON.format(limit=limit)
        log.warning("room %s: %s", event.room_id, reason)
        async with self._rt.room_lock(event.room_id):
            await self._rt.store.add_event(
                event.model_copy(
                    update={
                        "status": EventStatus.BLOCKED,
                        "blocked_by": reason,
                        "created_at": self._rt.clock.now(),
                    }
                )
            )


async def _within_deadline(
    task: asyncio.Task[InboundResult],
    state: InboundState,
    call_at: Callable[..., asyncio.TimerHandle],
    deadline: float,
    seconds: float,
) -> InboundResult:
    """Await ``task``; cancel it at ``deadline`` unless its event is stored by then."""
    expired = False

    def expire() -> None:
        nonlocal expired
        if not state.stored and not task.done():
            expired = True
            task.cancel()

    timer = call_at(deadline, expire)
    try:
        return await task
    except asyncio.CancelledError:
        if expired and not state.stored:
            current = asyncio.current_task()
            if current is None or not current.cancelling():
                raise ProcessTimeoutError(seconds) from None
        raise
    finally:
        timer.cancel()


def _responses(state: InboundState) -> list[tuple[ChannelBinding, RoomEvent, RoomEvent]]:
    if state.broadcast is None or state.event is None:
        return []
    return [(b, state.event, e) for b, e in state.broadcast.responses]


def _as_reply(response: RoomEvent, parent: RoomEvent, binding: ChannelBinding) -> RoomEvent:
    source = response.source
    update: dict[str, Any] = {
        "room_id": parent.room_id,
        "chain_depth": parent.chain_depth + 1,
        "parent_event_id": parent.id,
    }
    if source.channel_id != binding.channel_id or source.direction is not ChannelDirection.OUTBOUND:
        update["source"] = source.model_copy(
            update={
                "channel_id": binding.channel_id,
                "channel_type": binding.channel_type,
                "direction": ChannelDirection.OUTBOUND,
            }
        )
    return response.model_copy(update=update)


def _span(tele: Any, name: str | None, state: InboundState) -> AbstractContextManager[Span | None]:
    if not tele.enabled or name is None:
        return nullcontext()
    attributes: dict[str, str] = {}
    if state.room_id:
        attributes["roomkit.room_id"] = state.room_id
    if state.event is not None:
        attributes["roomkit.event_id"] = state.event.id
    return tele.span(name, attributes)  # type: ignore[no-any-return]
