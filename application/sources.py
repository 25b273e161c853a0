"""Supervising event sources: one task per attached source, restarted with backoff.

Each message a source emits runs the inbound pipeline as the source's channel. A message that
fails to process is reported (``source_error``) and counted, never fatal to the source; a
source that raises is restarted after ``restart_delay`` (doubling up to ``max_restart_delay``)
until ``max_restarts``, then reported as ``source_exhausted``.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

from roomkit.application.logging_rules import describe_error, log_failure
from roomkit.application.runtime import Runtime
from roomkit.domain.errors import SourceAlreadyAttachedError, SourceNotFoundError
from roomkit.domain.inbound import InboundMessage, InboundResult
from roomkit.domain.sources import SourceHealth, SourceStatus
from roomkit.ports.sources import SourceProvider

log = logging.getLogger("roomkit.sources")

Process = Callable[[InboundMessage], Awaitable[InboundResult]]


@dataclass(frozen=True, slots=True)
class RestartPolicy:
    auto_restart: bool = True
    max_restarts: int = 5
    restart_delay: float = 1.0
    max_restart_delay: float = 30.0

    def __post_init__(self) -> None:
        if self.max_restarts < 0 or self.restart_delay < 0 or self.max_restart_delay < 0:
            raise ValueError("max_restarts, restart_delay and max_restart_delay must be >= 0")

    def delay(self, restart: int) -> float:
        return float(min(self.restart_delay * 2.0 ** (restart - 1), self.max_restart_delay))


@dataclass
class _Attached:
    source: SourceProvider
    policy: RestartPolicy
    health: SourceHealth
    task: asyncio.Task[None] | None = field(default=None)


class SourceSupervisor:
    def __init__(self, runtime: Runtime, process: Process) -> None:
        self._rt = runtime
        self._process = process
        self._sources: dict[str, _Attached] = {}

    async def attach(self, channel_id: str, source: SourceProvider, policy: RestartPolicy) -> None:
        if not isinstance(source, SourceProvider):
            raise TypeError(f"attach_source expects a SourceProvider, got {type(source).__name__}")
        self._rt.channel(channel_id)  # the channel must be registered
        if channel_id in self._sources:
            raise SourceAlreadyAttachedError(channel_id)
        health = SourceHealth(
            channel_id=channel_id,
            source=source.name,
            status=SourceStatus.RUNNING,
            attached_at=self._rt.clock.now(),
        )
        attached = self._sources[channel_id] = _Attached(source, policy, health)
        attached.task = asyncio.create_task(
            self._supervise(channel_id, attached), name=f"roomkit-source-{channel_id}"
        )
        await self._rt.events.emit("source_attached", channel_id=channel_id, source=source.name)

    async def detach(self, channel_id: str) -> None:
        attached = self._sources.pop(channel_id, None)
        if attached is None:
            raise SourceNotFoundError(channel_id)
        await _stop(attached)
        await self._rt.events.emit(
            "source_detached", channel_id=channel_id, source=attached.source.name
        )

    def health(self, channel_id: str) -> SourceHealth:
        attached = self._sources.get(channel_id)
        if attached is None:
            raise SourceNotFoundError(channel_id)
        return attached.health

    async def close(self) -> None:
        attached, self._sources = list(self._sources.values()), {}
        for one in attached:
            await _stop(one)

    # the task ------------------------------------------------------------------------------
    async def _supervise(self, channel_id: str, attached: _Attached) -> None:
        source, policy = attached.source, attached.policy
        emit = self._emitter(channel_id, attached)
        while True:
            self._set(attached, status=SourceStatus.RUNNING)
            try:
                await source.run(emit)
            except asyncio.CancelledError:
                raise
            except Exception as exc:
                error = describe_error(exc)
                health = attached.health
                self._set(attached, errors=health.errors + 1, last_error=error)
                log_failure(log, "event source failed", exc, channel_id=channel_id)
                await self._rt.events.emit(
                    "source_error", channel_id=channel_id, source=source.name, error=error
                )
                await _close_quietly(source, channel_id)
                if not policy.auto_restart or health.restarts >= policy.max_restarts:
                    await self._exhausted(channel_id, attached, "gave up after errors")
                    return
                restarts = health.restarts + 1
                self._set(attached, status=SourceStatus.BACKING_OFF, restarts=restarts)
                await self._rt.clock.sleep(policy.delay(restarts))
                continue
            await _close_quietly(source, channel_id)
            await self._exhausted(channel_id, attached, "the source ended")
            return

    def _emitter(self, channel_id: str, attached: _Attached) -> Process:
        async def emit(message: InboundMessage) -> InboundResult:
            if message.channel_id != channel_id:
                message = message.model_copy(update={"channel_id": channel_id})
            health = attached.health
            self._set(attached, messages=health.messages + 1, last_message_at=self._rt.clock.now())
            try:
                return await self._process(message)
            except Exception as exc:
                error = describe_error(exc)
                self._set(attached, failed_messages=attached.health.failed_messages + 1)
                log_failure(
                    log, "a message from an event source failed", exc, channel_id=channel_id
                )
                await self._rt.events.emit(
                    "source_error",
                    channel_id=channel_id,
                    source=attached.source.name,
                    error=error,
                    message_failed=True,
                )
                return InboundResult(blocked=True, reason=error)

        return emit

    async def _exhausted(self, channel_id: str, attached: _Attached, why: str) -> None:
        self._set(attached, status=SourceStatus.EXHAUSTED)
        await self._rt.events.emit(
            "source_exhausted", channel_id=channel_id, source=attached.source.name, reason=why
        )

    @staticmethod
    def _set(attached: _Attached, **changes: object) -> None:
        attached.health = attached.health.model_copy(update=changes)


async def _stop(attached: _Attached) -> None:
    task = attached.task
    if task is not None and not task.done():
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task
    await _close_quietly(attached.source, attached.health.channel_id)
    attached.health = attached.health.model_copy(update={"status": SourceStatus.STOPPED})


async def _close_quietly(source: SourceProvider, channel_id: str) -> None:
    try:
        await source.close()
    except Exception as exc:
        log_failure(log, "closing an event source failed", exc, channel_id=channel_id)
