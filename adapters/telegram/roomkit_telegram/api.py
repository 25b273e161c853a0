"""TelegramAPI: Bot API calls over httpx (``POST {base}/bot{token}/{method}``, JSON), retrying
429 after ``parameters.retry_after`` and 5xx/connection failures per the RetryPolicy. Errors
never carry the token, which is part of every URL."""

from __future__ import annotations

import asyncio
import logging
from typing import Any

import httpx

from roomkit.domain.channel import RetryPolicy
from roomkit.domain.outbound import RETRYABLE_STATUSES, retry_wait

#: Answers that retrying cannot fix: a bad token, a bot blocked or removed, a webhook in the way.
FATAL_CODES = frozenset({401, 403, 404, 409})


class _RedactTokens(logging.Filter):
    """httpx logs each request's URL at INFO, and a Bot API URL holds the bot token."""

    tokens: set[str] = set()

    def filter(self, record: logging.LogRecord) -> bool:
        if self.tokens and record.args:
            args = record.args if isinstance(record.args, tuple) else (record.args,)
            record.args = tuple(self._clean(a) for a in args)
        return True

    def _clean(self, value: object) -> object:
        text = str(value)
        if not any(token in text for token in self.tokens):
            return value
        for token in self.tokens:
            text = text.replace(token, "<bot-token>")
        return text


_REDACT = _RedactTokens()


def hide_in_logs(token: str) -> None:
    if not _REDACT.tokens:
        logging.getLogger("httpx").addFilter(_REDACT)
    _RedactTokens.tokens.add(token)


class TelegramAPIError(Exception):
    """The Bot API answered ``ok: false`` (or could not be reached: ``error_code`` 0)."""

    def __init__(
        self, method: str, error_code: int, description: str, retry_after: float | None = None
    ) -> None:
        super().__init__(f"telegram {method} failed (HTTP {error_code}): {description}")
        self.method = method
        self.error_code = error_code
        self.description = description
        self.retry_after = retry_after

    @property
    def fatal(self) -> bool:
        return self.error_code in FATAL_CODES


class TelegramAPI:
    def __init__(self, endpoint: str, token: str, *, timeout: float, retry: RetryPolicy) -> None:
        self._token = token
        hide_in_logs(token)
        self._client = httpx.AsyncClient(base_url=endpoint, timeout=timeout)
        self.retry = retry
        self._closed = False

    def redact(self, text: str) -> str:
        return text.replace(self._token, "<bot-token>")

    async def call(self, method: str, params: dict[str, Any], *, retry: bool = True) -> Any:
        """The call's ``result``; TelegramAPIError once retries are spent or on a refusal."""
        attempt = 0
        while True:
            error = await self._attempt(method, params)
            if not isinstance(error, TelegramAPIError):
                return error
            retryable = error.error_code == 0 or error.error_code in RETRYABLE_STATUSES
            hint = None if error.retry_after is None else str(error.retry_after)
            wait = retry_wait(attempt, hint, self.retry) if retry and retryable else None
            if wait is None:
                raise error
            attempt += 1
            await asyncio.sleep(wait)

    async def _attempt(self, method: str, params: dict[str, Any]) -> Any:
        try:
            response = await self._client.post(f"/{method}", json=params)
        except (httpx.TransportError, httpx.TimeoutException) as exc:
            return TelegramAPIError(method, 0, self.redact(f"unreachable: {exc!r}"))
        try:
            data = response.json()
        except ValueError:
            data = None
        if isinstance(data, dict) and data.get("ok") is True and response.status_code < 300:
            return data.get("result")
        description = response.reason_phrase or "no description"
        retry_after: float | None = None
        if isinstance(data, dict):
            description = str(data.get("description") or description)
            parameters = data.get("parameters")
            if isinstance(parameters, dict) and isinstance(parameters.get("retry_after"), int):
                retry_after = float(parameters["retry_after"])
        if retry_after is None and response.headers.get("retry-after"):
            try:
                retry_after = float(response.headers["retry-after"])
            except ValueError:
                retry_after = None
        code = response.status_code if response.status_code >= 300 else 502
        return TelegramAPIError(method, code, self.redact(description), retry_after)

    async def close(self) -> None:
        if not self._closed:
            self._closed = True
            await self._client.aclose()
