"""The twilio SDK's aiohttp client, retrying 429 and 5xx answers after the Retry-After wait."""

from __future__ import annotations

import asyncio
import base64

from twilio.http.async_http_client import AsyncTwilioHttpClient
from twilio.http.response import Response

from roomkit.domain.channel import RetryPolicy
from roomkit.domain.outbound import RETRYABLE_STATUSES, retry_wait


class RetryingTwilioHttpClient(AsyncTwilioHttpClient):  # type: ignore[misc]
    def __init__(self, retry: RetryPolicy, timeout: float) -> None:
        super().__init__(pool_connections=True, timeout=timeout)
        self._retry = retry
        self._closed = False

    async def request(
        self,
        method: str,
        url: str,
        params: dict[str, object] | None = None,
        data: dict[str, object] | None = None,
        headers: dict[str, str] | None = None,
        auth: tuple[str, str] | None = None,
        timeout: float | None = None,  # noqa: ASYNC109 - the SDK passes it
        allow_redirects: bool = False,
    ) -> Response:
        if auth is not None:  # as a header: aiohttp deprecates its BasicAuth object
            token = base64.b64encode(f"{auth[0]}:{auth[1]}".encode()).decode()
            headers = {**(headers or {}), "Authorization": f"Basic {token}"}
        attempt = 0
        while True:
            response: Response = await super().request(
                method, url, params, data, headers, None, timeout, allow_redirects
            )
            if response.status_code not in RETRYABLE_STATUSES:
                return response
            retry_after = (response.headers or {}).get("Retry-After")
            wait = retry_wait(attempt, retry_after, self._retry)
            if wait is None:
                return response
            attempt += 1
            await asyncio.sleep(wait)

    async def close(self) -> None:
        if not self._closed:
            self._closed = True
            await super().close()
