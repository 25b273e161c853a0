"""Clock: time as a dependency, so timers and backoff are testable without sleeping."""

from __future__ import annotations

import asyncio
import time
from abc import ABC, abstractmethod
from datetime import UTC, datetime


class Clock(ABC):
    @abstractmethod
    def now(self) -> datetime:
        """Wall-clock time, timezone-aware UTC."""

    @abstractmethod
    def monotonic(self) -> float:
        """Seconds from an arbitrary origin; never goes backwards."""

    @abstractmethod
    async def sleep(self, seconds: float) -> None: ...


class SystemClock(Clock):
    """Real time: the default wherever no clock is given (adapters included)."""

    def __init__(self, settings: object = None) -> None:
        pass

    def now(self) -> datetime:
        return datetime.now(UTC)

    def monotonic(self) -> float:
        return time.monotonic()

    async def sleep(self, seconds: float) -> None:
        await asyncio.sleep(seconds)
