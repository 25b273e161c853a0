"""The hooks engine: ordered sync hooks that may block or modify, and isolated async hooks.

A hook that raises, times out, or (sync) returns something other than a HookResult is logged
in one line and reported to ON_ERROR hooks. A sync hook fails open by default (the event
continues as it was) or closed when registered with ``fail_closed=True`` (the event is blocked);
async hooks simply end. An event a hook returns is validated like any new event, and must stay
in its room.
"""

from __future__ import annotations

import asyncio
import inspect
import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from itertools import count
from typing import Any

from roomkit.application.hooks.registration import HookRegistration
from roomkit.application.logging_rules import log_failure
from roomkit.domain.content import SystemContent
from roomkit.domain.context import RoomContext
from roomkit.domain.enums import EventType, HookExecution, HookTrigger
from roomkit.domain.errors import HookNotFoundError
from roomkit.domain.event import EventSource, RoomEvent
from roomkit.domain.hooks import HookResult, InjectedEvent
from roomkit.domain.identity import IdentityHookResult
from roomkit.domain.validation import revalidated

log = logging.getLogger("roomkit.hooks")


@dataclass(slots=True)
class SyncOutcome:
    """What the BEFORE_* sync hooks decided for one event."""

    event: RoomEvent
    blocked: bool = False
    reason: str | None = None
    blocked_by: str | None = None
    injected: list[InjectedEvent] = field(default_factory=list)
    results: list[HookResult] = field(default_factory=list)


class HookEngine:
    def __init__(self) -> None:
        self._global: dict[HookTrigger, list[HookRegistration]] = {}
        self._rooms: dict[str, dict[HookTrigger, list[HookRegistration]]] = {}
        self._merged: dict[tuple[str, HookTrigger], list[HookRegistration]] = {}
        self._seq = count()
        self.error_listeners: list[Callable[[HookRegistration, BaseException], None]] = []

    # registration --------------------------------------------------------------------------
    def add(self, registration: HookRegistration) -> HookRegistration:
        reg = _with_sequence(registration, next(self._seq))
        if reg.room_id is None:
            table = self._global
        else:
            table = self._rooms.setdefault(reg.room_id, {})
        hooks = table.setdefault(reg.trigger, [])
        hooks.append(reg)
        hooks.sort(key=_order)
        self._merged.clear()
        return reg

    def remove_room_hook(self, room_id: str, name: str) -> None:
        triggers = self._rooms.get(room_id, {})
        found = False
        for trigger, hooks in triggers.items():
            kept = [h for h in hooks if h.name != name]
            found = found or len(kept) != len(hooks)
            triggers[trigger] = kept
        if not found:
            raise HookNotFoundError(name, room_id)
        self._merged.clear()

    def forget_room(self, room_id: str) -> None:
        if self._rooms.pop(room_id, None) is not None:
            self._merged.clear()

    def hooks_for(self, trigger: HookTrigger, room_id: str | None) -> list[HookRegistration]:
        """Global and room hooks of ``trigger`` in priority order (cached; no per-call sort)."""
        room_hooks = self._rooms.get(room_id, {}).get(trigger) if room_id else None
        if not room_hooks:
            return self._global.get(trigger, _NONE)
        key = (room_id or "", trigger)
        merged = self._merged.get(key)
        if merged is None:
            merged = sorted([*self._global.get(trigger, ()), *room_hooks], key=_order)
            self._merged[key] = merged
        return merged

    def has_hooks(self, trigger: HookTrigger, room_id: str | None = None) -> bool:
        return bool(self.hooks_for(trigger, room_id))

    # running -------------------------------------------------------------------------------
    async def run_sync(
        self, trigger: HookTrigger, event: RoomEvent, context: RoomContext
    ) -> SyncOutcome:
        outcome = SyncOutcome(event=event)
        for reg in self.hooks_for(trigger, context.room.id):
            if reg.execution is not HookExecution.SYNC or not reg.matches(outcome.event):
                continue
            modified: RoomEvent | None = None
            try:
                result = _checked_result(reg, await self._call(reg, outcome.event, context))
                if result.action == "modify":
                    modified = _checked_modification(reg, outcome.event, result.event)
            except Exception as exc:
                await self._failed(reg, exc, outcome.event, context)
                if reg.fail_closed:
                    outcome.blocked = True
                    outcome.reason = f"hook {reg.name!r} failed and fails closed"
                    outcome.blocked_by = reg.name
                    return outcome
                continue
            outcome.results.append(result)
            outcome.injected.extend(result.injected_events)
            if result.action == "block":
                outcome.blocked = True
                outcome.reason = result.reason
                outcome.blocked_by = reg.name
                return outcome
            if modified is not None:
                outcome.event = modified
        return outcome

    async def run_async(
        self, trigger: HookTrigger, payload: Any, context: RoomContext | None
    ) -> None:
        """Run every matching ASYNC hook concurrently and wait for them; failures are isolated."""
        room_id = context.room.id if context is not None else None
        hooks = [
            reg
            for reg in self.hooks_for(trigger, room_id)
            if reg.execution is HookExecution.ASYNC and reg.matches(payload)
        ]
        if not hooks:
            return
        if len(hooks) == 1:
            await self._guarded(hooks[0], payload, context)
            return
        await asyncio.gather(*(self._guarded(reg, payload, context) for reg in hooks))

    async def run_identity(
        self, trigger: HookTrigger, event: RoomEvent, context: RoomContext
    ) -> IdentityHookResult | None:
        """The first identity hook that returns a result decides."""
        for reg in self.hooks_for(trigger, context.room.id):
            if not reg.matches(event):
                continue
            try:
                result = await self._call(reg, event, context)
            except Exception as exc:
                await self._failed(reg, exc, event, context)
                continue
            if isinstance(result, IdentityHookResult):
                return result
        return None

    async def _guarded(
        self, reg: HookRegistration, payload: Any, context: RoomContext | None
    ) -> None:
        try:
            await self._call(reg, payload, context)
        except Exception as exc:
            await self._failed(reg, exc, payload, context)

    @staticmethod
    async def _call(reg: HookRegistration, payload: Any, context: RoomContext | None) -> Any:
        args = (payload,) if reg.trigger is HookTrigger.ON_DELIVERY_STATUS else (payload, context)
        if reg.timeout is None:
            return await _awaited(reg.fn(*args))
        bound = asyncio.timeout(reg.timeout)
        try:
            async with bound:
                return await _awaited(reg.fn(*args))
        except TimeoutError as exc:
            if not bound.expired():
                raise
            raise TimeoutError(f"hook {reg.name!r} timed out after {reg.timeout}s") from exc

    async def _failed(
        self, reg: HookRegistration, exc: BaseException, payload: Any, context: RoomContext | None
    ) -> None:
        log_failure(
            log,
            "hook failed",
            exc,
            level=logging.ERROR,
            hook=reg.name,
            trigger=str(reg.trigger),
            fail_closed=reg.fail_closed,
        )
        for listener in self.error_listeners:
            listener(reg, exc)
        if reg.trigger is HookTrigger.ON_ERROR or context is None:
            return
        error_event = error_event_for(context.room.id, f"hook {reg.name!r} failed", exc, payload)
        for handler in self.hooks_for(HookTrigger.ON_ERROR, context.room.id):
            try:
                await self._call(handler, error_event, context)
            except Exception as handler_exc:
                log_failure(log, "ON_ERROR hook failed", handler_exc, hook=handler.name)

    async def report_error(
        self,
        context: RoomContext,
        message: str,
        exc: BaseException | None,
        payload: Any = None,
        data: dict[str, Any] | None = None,
    ) -> None:
        """Fire ON_ERROR hooks for a failure outside a hook (delivery, AI provider, ...)."""
        handlers = self.hooks_for(HookTrigger.ON_ERROR, context.room.id)
        if not handlers:
            return
        event = error_event_for(context.room.id, message, exc, payload, data)
        await self.run_async(HookTrigger.ON_ERROR, event, context)


def error_event_for(
    room_id: str,
    message: str,
    exc: BaseException | None,
    payload: Any,
    data: dict[str, Any] | None = None,
) -> RoomEvent:
    details: dict[str, Any] = dict(data or {})
    if exc is not None:
        details.setdefault("error", repr(exc))
        details.setdefault("error_type", type(exc).__name__)
    if isinstance(payload, RoomEvent):
        details.setdefault("event_id", payload.id)
    return RoomEvent(
        room_id=room_id,
        type=EventType.ERROR,
        source=EventSource(channel_id="roomkit"),
        content=SystemContent(body=message, code="error", data=details),
    )


async def _awaited(value: Any) -> Any:
    """Hooks may be plain functions: their result is used as it is."""
    if inspect.isawaitable(value):
        return await value
    return value


def _checked_result(reg: HookRegistration, result: object) -> HookResult:
    if isinstance(result, HookResult):
        return result
    raise TypeError(
        f"sync hook {reg.name!r} returned {type(result).__name__}, not a HookResult "
        "(return HookResult.allow() to let the event through)"
    )


def _checked_modification(
    reg: HookRegistration, original: RoomEvent, modified: RoomEvent | None
) -> RoomEvent:
    """A modified event is validated in full (model_copy does not validate) and must keep its
    room and identity; a hook cannot move an event into another room."""
    if not isinstance(modified, RoomEvent):
        raise TypeError(
            f"hook {reg.name!r} returned HookResult.modify without a RoomEvent "
            f"(got {type(modified).__name__})"
        )
    for name in ("room_id", "id"):
        before, after = getattr(original, name), getattr(modified, name)
        if before != after:
            raise ValueError(
                f"hook {reg.name!r} changed the event's {name} ({before!r} -> {after!r})"
            )
    return revalidated(modified)


_NONE: list[HookRegistration] = []


def _order(reg: HookRegistration) -> tuple[int, int]:
    return (reg.priority, reg.sequence)


def _with_sequence(reg: HookRegistration, seq: int) -> HookRegistration:
    from dataclasses import replace

    return replace(reg, sequence=seq)


def frozen_or_none[T](values: Iterable[T] | None) -> frozenset[T] | None:
    return frozenset(values) if values else None
