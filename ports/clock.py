"""Clock: time as a dependency, so timers and backoff are testable without sleeping."""

from __future__ import annotations

from abc import ABC, abstractmethod
from datetime import datetime


class Clock(ABC):
    @abstractmethod
    def now(self) -> datetime:
        """Wall-clock time, timezone-aware UTC."""

    @abstractmethod
    def monotonic(self) -> float:
        """Seconds from an arbitrary origin; never goes backwards."""

    @abstractmethod
    async def sleep(self, seconds: float) -> None: ...
