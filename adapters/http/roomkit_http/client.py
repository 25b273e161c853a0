"""VendorHTTP: one httpx client per provider, with retries on 429 and 5xx that wait the
vendor's Retry-After. Every httpx-based messaging adapter sends through it."""

from __future__ import annotations

import asyncio
from typing import Any

import httpx

from roomkit.domain.channel import RetryPolicy
from roomkit.domain.delivery import ProviderResult
from roomkit.domain.outbound import RETRYABLE_STATUSES, retry_wait

DEFAULT_RETRY = RetryPolicy(max_retries=3, base_delay_seconds=0.5, max_delay_seconds=8.0)


class VendorHTTP:
    def __init__(
        self,
        base_url: str,
        *,
        headers: dict[str, str] | None = None,
        auth: httpx.Auth | tuple[str, str] | None = None,
        timeout: float = 30.0,
        retry: RetryPolicy = DEFAULT_RETRY,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        self._client = httpx.AsyncClient(
            base_url=base_url,
            headers=headers,
            auth=auth,
            timeout=timeout,
            transport=transport,
            limits=httpx.Limits(max_connections=100, max_keepalive_connections=20),
        )
        self.retry = retry
        self._closed = False

    async def request(self, method: str, url: str, **kwargs: Any) -> httpx.Response:
        """Send; retry throttled and 5xx answers and connection failures. The last answer is
        returned whatever its status; a connection failure after the last retry raises."""
        attempt = 0
        while True:
            try:
                response = await self._client.request(method, url, **kwargs)
            except (httpx.TransportError, httpx.TimeoutException):
                wait = retry_wait(attempt, None, self.retry)
                if wait is None:
                    raise
            else:
                if response.status_code not in RETRYABLE_STATUSES:
                    return response
                wait = retry_wait(attempt, response.headers.get("retry-after"), self.retry)
                if wait is None:
                    return response
            attempt += 1
            await asyncio.sleep(wait)

    async def close(self) -> None:
        if not self._closed:
            self._closed = True
            await self._client.aclose()


def refusal(vendor: str, response: httpx.Response, detail: str | None = None) -> ProviderResult:
    """A ProviderResult(success=False) naming the vendor, the status and what it said."""
    said = detail or response.text[:300].strip() or response.reason_phrase
    return ProviderResult(
        success=False,
        error=f"{vendor} answered HTTP {response.status_code}: {said}",
        metadata={"status": response.status_code},
    )


async def guarded(vendor: str, call: Any) -> ProviderResult:
    """Await ``call`` (a coroutine giving a ProviderResult); a network failure becomes a refusal
    result naming the vendor, so one unreachable vendor never raises into the broadcast."""
    try:
        result: ProviderResult = await call
    except (httpx.TransportError, httpx.TimeoutException) as exc:
        return ProviderResult(success=False, error=f"{vendor} unreachable: {exc!r}")
    return result
