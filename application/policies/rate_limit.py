"""Token buckets: one per RateLimit window, all of which must have a token."""

from __future__ import annotations

from roomkit.domain.channel import RateLimit
from roomkit.ports.clock import Clock


class _Bucket:
    __slots__ = ("capacity", "rate", "tokens", "updated")

    def __init__(self, per_second: float, capacity: float, now: float) -> None:
        self.rate = per_second
        self.capacity = capacity
        self.tokens = capacity
        self.updated = now

    def refill(self, now: float) -> None:
        elapsed = now - self.updated
        if elapsed > 0:
            self.tokens = min(self.capacity, self.tokens + elapsed * self.rate)
            self.updated = now

    def wait_time(self) -> float:
        return 0.0 if self.tokens >= 1 else (1 - self.tokens) / self.rate


class TokenBucketRateLimiter:
    """Allows bursts up to each window's size, refilling continuously."""

    def __init__(self, limit: RateLimit, clock: Clock) -> None:
        self.limit = limit
        self._clock = clock
        now = clock.monotonic()
        self._buckets = [
            _Bucket(per_second, max(1.0, capacity), now)
            for per_second, capacity in (
                (limit.max_per_second, limit.max_per_second),
                (
                    None if limit.max_per_minute is None else limit.max_per_minute / 60,
                    limit.max_per_minute,
                ),
                (
                    None if limit.max_per_hour is None else limit.max_per_hour / 3600,
                    limit.max_per_hour,
                ),
            )
            if per_second is not None and capacity is not None
        ]

    def try_acquire(self) -> bool:
        """Take a token now if every window has one."""
        now = self._clock.monotonic()
        for bucket in self._buckets:
            bucket.refill(now)
        if any(b.tokens < 1 for b in self._buckets):
            return False
        for bucket in self._buckets:
            bucket.tokens -= 1
        return True

    async def acquire(self) -> float:
        """Wait (on the clock) until a token is free; return how long was waited."""
        waited = 0.0
        while not self.try_acquire():
            delay = max(b.wait_time() for b in self._buckets)
            await self._clock.sleep(delay)
            waited += delay
        return waited
