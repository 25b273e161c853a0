"""Retry an async operation with exponential backoff."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable

from roomkit.domain.channel import RetryPolicy
from roomkit.ports.clock import Clock


class RetryExhaustedError(Exception):
    """Every attempt failed; ``attempts`` and the last error are kept."""

    def __init__(self, attempts: int, last: BaseException) -> None:
        super().__init__(f"failed after {attempts} attempt(s): {last}")
        self.attempts = attempts
        self.last = last


async def retry_with_backoff[T](
    fn: Callable[[], Awaitable[T]],
    policy: RetryPolicy,
    clock: Clock | None = None,
    *,
    retry_on: tuple[type[BaseException], ...] = (Exception,),
) -> T:
    """Call ``fn`` up to ``1 + policy.max_retries`` times, sleeping ``policy.delay_for(n)``
    between attempts. The last error is re-raised as it was."""
    attempt = 0
    while True:
        try:
            return await fn()
        except retry_on:
            if attempt >= policy.max_retries:
                raise
            delay = policy.delay_for(attempt)
            attempt += 1
            if clock is not None:
                await clock.sleep(delay)
            else:
                await asyncio.sleep(delay)


async def attempt_with_backoff[T](
    fn: Callable[[], Awaitable[T]], policy: RetryPolicy, clock: Clock
) -> tuple[T, int]:
    """Like ``retry_with_backoff`` but reports the number of attempts, raising
    ``RetryExhaustedError`` when every attempt failed."""
    attempt = 0
    while True:
        try:
            return await fn(), attempt + 1
        except Exception as exc:
            if attempt >= policy.max_retries:
                raise RetryExhaustedError(attempt + 1, exc) from exc
            await clock.sleep(policy.delay_for(attempt))
            attempt += 1
