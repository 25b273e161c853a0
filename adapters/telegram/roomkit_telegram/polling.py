"""TelegramPollingSource: getUpdates long polling as a RoomKit event source.

Each Update's message is emitted, in order, before the offset moves past it, so an update is
confirmed to Telegram only once RoomKit has it (a crash redelivers it; the pipeline stores it
once, by its message id). Throttling, server errors and dropped connections are waited out with
backoff (``retry_after`` when Telegram gives one); answers no retry can fix (a bad token, a
webhook still set: HTTP 401/403/404/409) raise, for the supervisor to report.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Sequence
from typing import Any

from roomkit.domain.channel import RetryPolicy
from roomkit.domain.errors import WebhookPayloadError
from roomkit.ports.sources import Emit, SourceProvider
from roomkit_telegram.api import TelegramAPI, TelegramAPIError
from roomkit_telegram.config import TelegramConfig
from roomkit_telegram.updates import parse_update, update_id

log = logging.getLogger("roomkit.telegram")

Sleep = Callable[[float], Awaitable[None]]
NO_RETRY = RetryPolicy(max_retries=0)


class TelegramPollingSource(SourceProvider):
    name = "telegram-polling"

    def __init__(
        self,
        config: TelegramConfig,
        *,
        channel_id: str = "telegram",
        poll_timeout: int = 30,
        allowed_updates: Sequence[str] | None = (
            "message",
            "edited_message",
            "channel_post",
            "callback_query",
        ),
        answer_callbacks: bool = True,
        backoff: RetryPolicy = RetryPolicy(
            max_retries=1_000_000, base_delay_seconds=1.0, max_delay_seconds=60.0
        ),
        sleep: Sleep = asyncio.sleep,
    ) -> None:
        if poll_timeout < 0:
            raise ValueError("poll_timeout must be >= 0 seconds")
        self.config = config
        self.channel_id = channel_id
        self.poll_timeout = poll_timeout
        self.allowed_updates = list(allowed_updates) if allowed_updates is not None else None
        self.answer_callbacks = answer_callbacks
        self.backoff = backoff
        self.sleep = sleep
        #: the next update_id to ask for (every update below it is confirmed)
        self.offset: int | None = None
        #: consecutive failed polls (reset by a successful one)
        self.failures = 0
        self._api: TelegramAPI | None = None

    def _client(self) -> TelegramAPI:
        if self._api is None:
            self._api = TelegramAPI(
                self.config.endpoint,
                self.config.bot_token.get_secret_value(),
                timeout=self.config.timeout + self.poll_timeout,
                retry=NO_RETRY,
            )
        return self._api

    async def run(self, emit: Emit) -> None:
        api = self._client()
        while True:
            params: dict[str, Any] = {"timeout": self.poll_timeout}
            if self.offset is not None:
                params["offset"] = self.offset
            if self.allowed_updates is not None:
                params["allowed_updates"] = self.allowed_updates
            try:
                updates = await api.call("getUpdates", params, retry=False)
            except TelegramAPIError as exc:
                if exc.fatal:
                    raise
                await self._back_off(exc)
                continue
            self.failures = 0
            if not isinstance(updates, list):
                raise TelegramAPIError("getUpdates", 502, "the result is not a list of updates")
            for update in updates:
                await self._deliver(update, emit)

    async def _back_off(self, error: TelegramAPIError) -> None:
        self.failures += 1
        wait = error.retry_after
        if wait is None:
            wait = self.backoff.delay_for(self.failures - 1)
        log.warning(
            "telegram getUpdates failed; retrying",
            extra={"error": str(error), "wait_seconds": wait, "failures": self.failures},
        )
        await self.sleep(wait)

    async def _deliver(self, update: Any, emit: Emit) -> None:
        try:
            uid = update_id(update)
        except WebhookPayloadError:
            log.warning("telegram sent an update without update_id; skipped")
            return
        try:
            batch = parse_update(update, self.channel_id)
        except ValueError as exc:  # WebhookPayloadError, or a field pydantic refused
            log.warning("telegram update %s skipped: %s", uid, exc)
            batch = None
        for message in batch.messages if batch else []:
            await emit(message)
            query_id = message.metadata.get("callback_query_id")
            if self.answer_callbacks and query_id:
                await self._answer(str(query_id))
        self.offset = uid + 1

    async def _answer(self, query_id: str) -> None:
        try:
            await self._client().call("answerCallbackQuery", {"callback_query_id": query_id})
        except TelegramAPIError as exc:
            log.warning("answerCallbackQuery failed: %s", exc)

    async def close(self) -> None:
        api, self._api = self._api, None
        if api is not None:
            await api.close()
