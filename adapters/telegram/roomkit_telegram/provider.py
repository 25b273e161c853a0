"""TelegramBotProvider over the Bot API (httpx): sends, edits (editMessageText) and deletes
(deleteMessage) of what it sent, and the webhook parser (secret token header checked first)."""

from __future__ import annotations

import hmac
from collections import OrderedDict
from typing import Any

from roomkit.domain.content import DeleteContent, EditContent, RichContent, TextContent
from roomkit.domain.delivery import PROVIDER_MESSAGE_IDS, ProviderResult
from roomkit.domain.errors import WebhookSignatureError
from roomkit.domain.event import RoomEvent
from roomkit.domain.webhook import WebhookBatch, WebhookRequest
from roomkit.ports.messaging import MessageProvider
from roomkit.ports.webhooks import WebhookParser
from roomkit_telegram.api import TelegramAPI, TelegramAPIError
from roomkit_telegram.config import TelegramConfig
from roomkit_telegram.content import Call, Planner, TelegramContentError
from roomkit_telegram.updates import VENDOR, load_update, parse_update

SECRET_HEADER = "x-telegram-bot-api-secret-token"
#: How many sent events are remembered for edits and deletes (per provider, in memory).
REMEMBERED_SENDS = 10_000


class TelegramBotProvider(MessageProvider, WebhookParser):
    name = VENDOR

    def __init__(self, config: TelegramConfig) -> None:
        self.config = config
        self.splits_long_text = config.split_long_text
        self.api = TelegramAPI(
            config.endpoint,
            config.bot_token.get_secret_value(),
            timeout=config.timeout,
            retry=config.retry,
        )
        self.planner = Planner(config)
        self._sent: OrderedDict[tuple[str, str], list[int]] = OrderedDict()

    # sending ---------------------------------------------------------------------------------
    async def send(self, event: RoomEvent, to: str) -> ProviderResult:
        content = event.content
        try:
            if isinstance(content, EditContent):
                return await self._edit(content, to)
            if isinstance(content, DeleteContent):
                return await self._delete(content, to)
            calls = self.planner.calls(content)
        except TelegramContentError as exc:
            return ProviderResult(success=False, error=f"telegram: {exc}")
        except TelegramAPIError as exc:
            return refusal(exc)
        if not calls:
            return ProviderResult(success=False, error="telegram: the event has nothing to send")
        ids: list[int] = []
        for call in calls:
            try:
                result = await self.api.call(call.method, self._params(call, to))
            except TelegramAPIError as exc:
                if ids:
                    self._remember(event.id, to, ids)
                return refusal(exc)
            if not isinstance(result, dict) or not isinstance(result.get("message_id"), int):
                return ProviderResult(success=False, error=f"telegram {call.method}: no message_id")
            ids.append(result["message_id"])
        self._remember(event.id, to, ids)
        names = [f"{to}:{i}" for i in ids]
        metadata: dict[str, Any] = {PROVIDER_MESSAGE_IDS: names} if len(names) > 1 else {}
        return ProviderResult(success=True, provider_message_id=names[0], metadata=metadata)

    def _params(self, call: Call, to: str) -> dict[str, Any]:
        params = {"chat_id": to, **call.params}
        if call.method == "sendMessage" and self.config.disable_link_previews:
            params["link_preview_options"] = {"is_disabled": True}
        return params

    def _remember(self, event_id: str, chat: str, ids: list[int]) -> None:
        self._sent[(event_id, chat)] = ids
        self._sent.move_to_end((event_id, chat))
        while len(self._sent) > REMEMBERED_SENDS:
            self._sent.popitem(last=False)

    def _sent_ids(self, event_id: str, chat: str, what: str) -> list[int]:
        ids = self._sent.get((event_id, chat))
        if not ids:
            raise TelegramContentError(
                f"cannot {what} event {event_id} in chat {chat}: this provider did not send it "
                f"(or has forgotten it: it remembers its last {REMEMBERED_SENDS} sends)"
            )
        return ids

    async def _edit(self, edit: EditContent, to: str) -> ProviderResult:
        ids = self._sent_ids(edit.target_event_id, to, "edit")
        new = edit.new_content
        if not isinstance(new, TextContent | RichContent):
            raise TelegramContentError("Telegram edits text here; send new media as a message")
        params = self.planner.text_params(new)
        if len(params["text"]) > self.config.max_text_chars:
            raise TelegramContentError(
                f"an edit of {len(params['text'])} characters is over Telegram's "
                f"{self.config.max_text_chars} (an edit cannot be split)"
            )
        result = await self.api.call(
            "editMessageText", {"chat_id": to, "message_id": ids[0], **params}
        )
        if isinstance(result, dict) and isinstance(result.get("message_id"), int):
            return ProviderResult(success=True, provider_message_id=f"{to}:{result['message_id']}")
        return ProviderResult(success=True, provider_message_id=f"{to}:{ids[0]}")

    async def _delete(self, delete: DeleteContent, to: str) -> ProviderResult:
        ids = self._sent_ids(delete.target_event_id, to, "delete")
        for message_id in ids:
            await self.api.call("deleteMessage", {"chat_id": to, "message_id": message_id})
        self._sent.pop((delete.target_event_id, to), None)
        return ProviderResult(success=True, provider_message_id=f"{to}:{ids[0]}")

    # other Bot API calls ---------------------------------------------------------------------
    async def answer_callback_query(self, callback_query_id: str, text: str | None = None) -> None:
        """Stop the button's spinner (Telegram expects it within seconds of a press)."""
        params: dict[str, Any] = {"callback_query_id": callback_query_id}
        if text:
            params["text"] = text
        await self.api.call("answerCallbackQuery", params)

    async def send_chat_action(self, chat_id: str, action: str = "typing") -> None:
        await self.api.call("sendChatAction", {"chat_id": chat_id, "action": action})

    async def set_webhook(self, url: str, **options: Any) -> None:
        """Point Telegram at ``url``, with this config's secret token."""
        if self.config.secret_token is None:
            raise ValueError("set TelegramConfig.secret_token before registering a webhook")
        params = {"url": url, "secret_token": self.config.secret_token.get_secret_value()}
        await self.api.call("setWebhook", {**params, **options})

    async def delete_webhook(self, drop_pending_updates: bool = False) -> None:
        await self.api.call("deleteWebhook", {"drop_pending_updates": drop_pending_updates})

    async def file_path(self, file_id: str) -> str:
        """Where a received file can be downloaded: ``{base_url}/file/bot<token>/<path>``."""
        result = await self.api.call("getFile", {"file_id": file_id})
        if not isinstance(result, dict) or not result.get("file_path"):
            raise TelegramAPIError("getFile", 404, "the file has no file_path (over 20 MB?)")
        return str(result["file_path"])

    # webhooks --------------------------------------------------------------------------------
    def authenticate(self, request: WebhookRequest) -> None:
        if self.config.secret_token is None:
            raise WebhookSignatureError(
                VENDOR, "TelegramConfig.secret_token is not set (pass it to setWebhook too)"
            )
        given = request.header(SECRET_HEADER)
        if not given:
            raise WebhookSignatureError(VENDOR, f"header {SECRET_HEADER} is missing")
        expected = self.config.secret_token.get_secret_value()
        if not hmac.compare_digest(given.encode(), expected.encode()):
            raise WebhookSignatureError(VENDOR, f"header {SECRET_HEADER} does not match")

    def parse(self, request: WebhookRequest, channel_id: str) -> WebhookBatch:
        return parse_update(load_update(request.body), channel_id)

    async def close(self) -> None:
        await self.api.close()


def refusal(error: TelegramAPIError) -> ProviderResult:
    if error.error_code == 0:
        return ProviderResult(success=False, error=f"telegram {error.method} {error.description}")
    return ProviderResult(
        success=False,
        error=f"telegram answered HTTP {error.error_code}: {error.description}",
        metadata={"status": error.error_code},
    )
