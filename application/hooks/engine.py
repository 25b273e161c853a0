"""The hooks engine: ordered sync hooks that may block or modify, and isolated async hooks.

A hook that raises or times out is logged, reported to ON_ERROR hooks and otherwise ignored:
sync hooks fail open (the event continues as it was), async hooks simply end.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from itertools import count
from typing import Any

from roomkit.application.hooks.registration import HookRegistration
from roomkit.domain.content import SystemContent
from roomkit.domain.context import RoomContext
from roomkit.domain.enums import EventType, HookExecution, HookTrigger
from roomkit.domain.errors import HookNotFoundError
from roomkit.domain.event import EventSource, RoomEvent
from roomkit.domain.hooks import HookResult, InjectedEvent
from roomkit.domain.identity import IdentityHookResult

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
            try:
                result = await self._call(reg, outcome.event, context)
            except Exception as exc:
                await self._failed(reg, exc, outcome.event, context)
                continue
            if result is None:
                continue
            if not isinstance(result, HookResult):
                await self._failed(
                    reg,
                    TypeError(
                        f"hook {reg.name!r} returned {type(result).__name__}, not HookResult"
                    ),
                    outcome.event,
                    context,
                )
                continue
            outcome.results.append(result)
            outcome.injected.extend(result.injected_events)
            if result.action == "block":
                outcome.blocked = True
                outcome.reason = result.reason
                outcome.blocked_by = reg.name
                return outcome
            if result.action == "modify" and result.event is not None:
                outcome.event = result.event
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
            return await reg.fn(*args)
        try:
            async with asyncio.timeout(reg.timeout):
                return await reg.fn(*args)
        except TimeoutError as exc:
            raise TimeoutError(f"hook {reg.name!r} timed out after {reg.timeout}s") from exc

    async def _failed(
        self, reg: HookRegistration, exc: BaseException, payload: Any, context: RoomContext | None
    ) -> None:
        log.error("hook %r (%s) failed: %r", reg.name, reg.trigger, exc, exc_info=exc)
        for listener in self.error_listeners:
            listener(reg, exc)
        if reg.trigger is HookTrigger.ON_ERROR or context is None:
            return
        error_event = error_event_for(context.room.id, f"hook {reg.name!r} failed", exc, payload)
        for handler in self.hooks_for(HookTrigger.ON_ERROR, context.room.id):
            try:
                await self._call(handler, error_event, context)
            except Exception:
                log.exception("ON_ERROR hook %r failed", handler.name)

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


_NONE: list[HookRegistration] = []


def _order(reg: HookRegistration) -> tuple[int, int]:
    return (reg.priority, reg.sequence)


def _with_sequence(reg: HookRegistration, seq: int) -> HookRegistration:
    from dataclasses import replace

    return replace(reg, sequence=seq)


def frozen_or_none[T](values: Iterable[T] | None) -> frozenset[T] | None:
    return frozenset(values) if values else None
