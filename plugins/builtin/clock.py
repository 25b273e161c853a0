"""Clocks: the system clock, and a manual one that tests move by hand."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

from roomkit.plugins.hookspecs import Register
from roomkit.plugins.markers import hookimpl
from roomkit.ports.clock import Clock, SystemClock

__all__ = ["ManualClock", "SystemClock"]


class ManualClock(Clock):
    """Time stands still until ``advance``; ``sleep`` advances it instantly."""

    def __init__(self, settings: object = None, start: datetime | None = None) -> None:
        self._now = start or datetime(2026, 1, 1, tzinfo=UTC)
        self._mono = 0.0
        self.slept: list[float] = []

    def now(self) -> datetime:
        return self._now

    def monotonic(self) -> float:
        return self._mono

    def advance(self, seconds: float) -> None:
        self._now += timedelta(seconds=seconds)
        self._mono += seconds

    async def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.advance(seconds)
        await asyncio.sleep(0)


@hookimpl
def roomkit_register_clocks(register: Register) -> None:
    register(name="system", factory=SystemClock, description="Real time")
    register(name="manual", factory=ManualClock, description="Time moved by hand (tests)")
