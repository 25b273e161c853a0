"""A fake of the Telegram Bot API (``/bot<token>/<method>``): the send methods with Telegram's
limits and error descriptions, editMessageText and deleteMessage on what it accepted,
getUpdates long polling over a scripted update queue (offsets confirm updates; a webhook set
with setWebhook makes getUpdates answer 409 as Telegram does), and webhook requests carrying
the X-Telegram-Bot-Api-Secret-Token header.

Throttling follows Telegram: HTTP 429 with ``parameters.retry_after`` in the body (no header).
"""

from __future__ import annotations

import asyncio
import itertools
import json
import time
from html.parser import HTMLParser
from typing import Any

from aiohttp import web

from roomkit_fakes.messaging import Delivered, Scripted, VendorFake

MAX_TEXT = 4096
MAX_CAPTION = 1024
WEBHOOK_URL = "https://app.example.com/webhooks/telegram"
MEDIA_FIELDS = {
    "sendPhoto": "photo",
    "sendDocument": "document",
    "sendAudio": "audio",
    "sendVoice": "voice",
    "sendVideo": "video",
    "sendAnimation": "animation",
}
HTML_TAGS = frozenset(
    "b strong i em u ins s strike del a code pre span tg-spoiler tg-emoji blockquote".split()
)


class BadRequest(Exception):
    def __init__(self, description: str, code: int = 400) -> None:
        super().__init__(description)
        self.description = description
        self.code = code


class _TagCheck(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.open: list[str] = []
        self.problem: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in HTML_TAGS:
            self.problem = self.problem or f'unsupported start tag "{tag}"'
        self.open.append(tag)

    def handle_endtag(self, tag: str) -> None:
        if not self.open or self.open.pop() != tag:
            self.problem = self.problem or f'unexpected end tag "{tag}"'


def check_html(text: str) -> None:
    checker = _TagCheck()
    checker.feed(text)
    checker.close()
    problem = checker.problem or (f'unclosed tag "{checker.open[-1]}"' if checker.open else None)
    if problem:
        raise BadRequest(f"Bad Request: can't parse entities: {problem}")


class TelegramFake(VendorFake):
    vendor = "telegram"

    def __init__(
        self, bot_token: str = "123456:TEST-token_abc", secret_token: str = "hook-secret"
    ) -> None:
        super().__init__()
        self.bot_token = bot_token
        self.secret_token = secret_token
        #: every message the bot has in each chat: (chat_id, message_id) -> the Message object
        self.chats: dict[tuple[str, int], dict[str, Any]] = {}
        self.edits: list[tuple[str, int, str]] = []
        self.deleted: list[tuple[str, int]] = []
        self.callback_answers: list[dict[str, Any]] = []
        self.chat_actions: list[tuple[str, str]] = []
        self.webhook: dict[str, Any] | None = None
        #: updates not confirmed yet (getUpdates serves them; an offset drops those below it)
        self.updates: list[dict[str, Any]] = []
        self.files: dict[str, str] = {}
        #: longest a getUpdates waits for updates, whatever timeout the client asks
        self.max_poll_wait = 30.0
        self._update_ids = itertools.count(100_001)
        self._message_ids = itertools.count(1)
        self._arrived: asyncio.Event | None = None

    def routes(self) -> list[web.RouteDef]:
        return [web.route("*", "/bot{token}/{method}", self.bot_api)]

    # scripting -----------------------------------------------------------------------------
    def throttle_next(self, retry_after: str = "0") -> TelegramFake:
        seconds = int(float(retry_after))
        body = {
            "ok": False,
            "error_code": 429,
            "description": f"Too Many Requests: retry after {seconds}",
            "parameters": {"retry_after": seconds},
        }
        self.queue.append(Scripted(status=429, body=body))
        return self

    def error_body(self, status: int) -> Any:
        descriptions = {
            400: "Bad Request: chat not found",
            403: "Forbidden: bot was blocked by the user",
            409: "Conflict: terminated by other getUpdates request",
            429: "Too Many Requests: retry after 1",
        }
        body: dict[str, Any] = {
            "ok": False,
            "error_code": status,
            "description": descriptions.get(status, "Internal Server Error"),
        }
        if status == 429:
            body["parameters"] = {"retry_after": 1}
        return body

    # the Bot API ---------------------------------------------------------------------------
    async def bot_api(self, request: web.Request) -> web.Response:
        raw = await self.capture(request)
        if request.match_info["token"] != self.bot_token:
            return self.failure(BadRequest("Unauthorized", 401))
        method = request.match_info["method"]
        handler = getattr(self, f"m_{method}", None)
        if handler is None and method not in MEDIA_FIELDS:
            return self.failure(BadRequest("Not Found", 404))
        try:
            params = raw.json() if raw.body else dict(raw.query)
        except ValueError:
            return self.failure(BadRequest("Bad Request: invalid JSON"))
        if not isinstance(params, dict):
            return self.failure(BadRequest("Bad Request: parameters must be an object"))
        scripted = await self.scripted()
        if scripted is not None:
            return scripted
        try:
            if handler is None:
                result = self.send_media(method, params)
            else:
                result = await handler(params)
        except BadRequest as exc:
            return self.failure(exc)
        return web.json_response({"ok": True, "result": result})

    @staticmethod
    def failure(exc: BadRequest) -> web.Response:
        body = {"ok": False, "error_code": exc.code, "description": exc.description}
        return web.json_response(body, status=exc.code)

    def _chat(self, params: dict[str, Any]) -> str:
        chat = params.get("chat_id")
        if chat is None or chat == "":
            raise BadRequest("Bad Request: chat_id is empty")
        return str(chat)

    def _markup(self, params: dict[str, Any]) -> None:
        markup = params.get("reply_markup")
        if markup is None:
            return
        rows = markup.get("inline_keyboard") if isinstance(markup, dict) else None
        if not isinstance(rows, list) or not all(isinstance(r, list) for r in rows):
            raise BadRequest(
                'Bad Request: field "inline_keyboard" of the InlineKeyboardMarkup should be '
                "an Array of Arrays"
            )
        for row in rows:
            for button in row:
                if not isinstance(button, dict) or not button.get("text"):
                    raise BadRequest(
                        "Bad Request: can't parse inline keyboard button: "
                        "Text buttons are unallowed in the inline keyboard"
                    )
                kinds = [k for k in ("url", "callback_data") if k in button]
                if len(kinds) != 1:
                    raise BadRequest(
                        "Bad Request: can't parse inline keyboard button: "
                        "exactly one of url and callback_data"
                    )
                data = button.get("callback_data")
                if data is not None and not 1 <= len(str(data).encode()) <= 64:
                    raise BadRequest("Bad Request: BUTTON_DATA_INVALID")

    def _formatted(self, text: str, params: dict[str, Any]) -> None:
        if params.get("parse_mode") == "HTML":
            check_html(text)

    def _store(self, chat: str, fields: dict[str, Any]) -> dict[str, Any]:
        message_id = next(self._message_ids)
        message = {
            "message_id": message_id,
            "date": int(time.time()),
            "chat": {"id": int(chat) if chat.lstrip("-").isdigit() else chat, "type": "private"},
            **fields,
        }
        self.chats[(chat, message_id)] = message
        return message

    async def m_getMe(self, params: dict[str, Any]) -> dict[str, Any]:
        bot_id = int(self.bot_token.split(":", 1)[0])
        return {
            "id": bot_id,
            "is_bot": True,
            "first_name": "RoomKit Test Bot",
            "username": "roomkit_test_bot",
        }

    async def m_sendMessage(self, params: dict[str, Any]) -> dict[str, Any]:
        chat = self._chat(params)
        text = params.get("text")
        if not isinstance(text, str) or not text.strip():
            raise BadRequest("Bad Request: message text is empty")
        if len(text) > MAX_TEXT:
            raise BadRequest("Bad Request: message is too long")
        self._formatted(text, params)
        self._markup(params)
        self.messages.append(
            Delivered(to=chat, text=text, extra=(("method", "sendMessage"), ("params", params)))
        )
        fields: dict[str, Any] = {"text": text}
        if params.get("reply_markup"):
            fields["reply_markup"] = params["reply_markup"]
        return self._store(chat, fields)

    def send_media(self, method: str, params: dict[str, Any]) -> dict[str, Any]:
        chat = self._chat(params)
        key = MEDIA_FIELDS[method]
        ref = params.get(key)
        if not isinstance(ref, str) or not ref:
            raise BadRequest(f"Bad Request: there is no {key} in the request")
        if ref.startswith("data:") or " " in ref:
            raise BadRequest("Bad Request: wrong remote file identifier specified")
        caption = params.get("caption") or ""
        if len(caption) > MAX_CAPTION:
            raise BadRequest("Bad Request: message caption is too long")
        self._formatted(caption, params)
        self._markup(params)
        self.messages.append(
            Delivered(
                to=chat, text=caption, media=(ref,), extra=(("method", method), ("params", params))
            )
        )
        fields: dict[str, Any] = {key: {"file_id": ref}}
        if caption:
            fields["caption"] = caption
        return self._store(chat, fields)

    async def m_sendLocation(self, params: dict[str, Any]) -> dict[str, Any]:
        chat = self._chat(params)
        if not isinstance(params.get("latitude"), int | float) or not isinstance(
            params.get("longitude"), int | float
        ):
            raise BadRequest("Bad Request: latitude and longitude are required")
        place = {"latitude": params["latitude"], "longitude": params["longitude"]}
        self.messages.append(
            Delivered(to=chat, text="", extra=(("method", "sendLocation"), ("params", params)))
        )
        return self._store(chat, {"location": place})

    async def m_sendVenue(self, params: dict[str, Any]) -> dict[str, Any]:
        if not params.get("title") or not params.get("address"):
            raise BadRequest("Bad Request: venue title and address are required")
        chat = self._chat(params)
        place = {"latitude": params.get("latitude"), "longitude": params.get("longitude")}
        self.messages.append(
            Delivered(
                to=chat,
                text=str(params["title"]),
                extra=(("method", "sendVenue"), ("params", params)),
            )
        )
        return self._store(
            chat,
            {"venue": {"location": place, "title": params["title"], "address": params["address"]}},
        )

    async def m_editMessageText(self, params: dict[str, Any]) -> dict[str, Any]:
        chat = self._chat(params)
        message = self.chats.get((chat, params.get("message_id")))  # type: ignore[arg-type]
        if message is None:
            raise BadRequest("Bad Request: message to edit not found")
        if "text" not in message:
            raise BadRequest("Bad Request: there is no text in the message to edit")
        text = params.get("text")
        if not isinstance(text, str) or not text.strip():
            raise BadRequest("Bad Request: message text is empty")
        if len(text) > MAX_TEXT:
            raise BadRequest("Bad Request: MESSAGE_TOO_LONG")
        self._formatted(text, params)
        self._markup(params)
        if text == message["text"] and params.get("reply_markup") == message.get("reply_markup"):
            raise BadRequest(
                "Bad Request: message is not modified: specified new message content and reply "
                "markup are exactly the same as a current content and reply markup of the message"
            )
        message["text"] = text
        message["edit_date"] = int(time.time())
        self.edits.append((chat, message["message_id"], text))
        return message

    async def m_deleteMessage(self, params: dict[str, Any]) -> bool:
        chat = self._chat(params)
        key = (chat, params.get("message_id"))
        if self.chats.pop(key, None) is None:  # type: ignore[arg-type]
            raise BadRequest("Bad Request: message to delete not found")
        self.deleted.append(key)  # type: ignore[arg-type]
        return True

    async def m_answerCallbackQuery(self, params: dict[str, Any]) -> bool:
        if not params.get("callback_query_id"):
            raise BadRequest("Bad Request: query_id is empty")
        self.callback_answers.append(params)
        return True

    async def m_sendChatAction(self, params: dict[str, Any]) -> bool:
        self.chat_actions.append((self._chat(params), str(params.get("action"))))
        return True

    async def m_setWebhook(self, params: dict[str, Any]) -> bool:
        if not params.get("url"):
            raise BadRequest("Bad Request: bad webhook: an HTTPS URL must be provided for webhook")
        self.webhook = params
        return True

    async def m_deleteWebhook(self, params: dict[str, Any]) -> bool:
        self.webhook = None
        if params.get("drop_pending_updates"):
            self.updates.clear()
        return True

    async def m_getFile(self, params: dict[str, Any]) -> dict[str, Any]:
        file_id = str(params.get("file_id") or "")
        if file_id not in self.files:
            raise BadRequest("Bad Request: invalid file_id")
        return {
            "file_id": file_id,
            "file_unique_id": file_id[-8:],
            "file_path": self.files[file_id],
        }

    async def m_getUpdates(self, params: dict[str, Any]) -> list[dict[str, Any]]:
        if self.webhook is not None:
            raise BadRequest(
                "Conflict: can't use getUpdates method while webhook is active; use "
                "deleteWebhook to delete the webhook first",
                409,
            )
        offset = params.get("offset")
        if isinstance(offset, int):
            self.updates = [u for u in self.updates if u["update_id"] >= offset]
        wait = min(float(params.get("timeout") or 0), self.max_poll_wait)
        if not self.updates and wait > 0:
            arrived = self._arrived = asyncio.Event()
            try:
                await asyncio.wait_for(arrived.wait(), wait)
            except TimeoutError:
                pass
        limit = int(params.get("limit") or 100)
        allowed = params.get("allowed_updates")
        found = self.updates[:limit]
        if allowed:
            found = [u for u in found if any(k in u for k in allowed)]
        return found

    async def stop(self) -> None:
        if self._arrived is not None:
            self._arrived.set()  # a long poll in progress answers now instead of holding shutdown
        await super().stop()

    # updates -------------------------------------------------------------------------------
    def update(self, **fields: Any) -> dict[str, Any]:
        """An Update with the next update_id."""
        return {"update_id": next(self._update_ids), **fields}

    def push(self, *updates: dict[str, Any]) -> None:
        """Queue updates for getUpdates (a waiting long poll answers at once)."""
        self.updates.extend(updates)
        if self._arrived is not None:
            self._arrived.set()

    def text_update(
        self,
        *,
        chat_id: int,
        text: str,
        sender_id: int | None = None,
        message_id: int | None = None,
        username: str = "customer",
    ) -> dict[str, Any]:
        user = {
            "id": sender_id or chat_id,
            "is_bot": False,
            "first_name": "Cus",
            "username": username,
        }
        return self.update(
            message={
                "message_id": message_id or next(self._message_ids),
                "date": int(time.time()),
                "chat": {
                    "id": chat_id,
                    "type": "private" if sender_id in (None, chat_id) else "group",
                },
                "from": user,
                "text": text,
            }
        )

    def photo_update(self, *, chat_id: int, file_id: str, caption: str = "") -> dict[str, Any]:
        sizes = [
            {"file_id": f"{file_id}-small", "file_unique_id": "s", "width": 90, "height": 90},
            {
                "file_id": file_id,
                "file_unique_id": "l",
                "width": 1280,
                "height": 960,
                "file_size": 123456,
            },
        ]
        message: dict[str, Any] = {
            "message_id": next(self._message_ids),
            "date": int(time.time()),
            "chat": {"id": chat_id, "type": "private"},
            "from": {"id": chat_id, "is_bot": False, "first_name": "Cus"},
            "photo": sizes,
        }
        if caption:
            message["caption"] = caption
        return self.update(message=message)

    def edited_update(self, *, chat_id: int, message_id: int, text: str) -> dict[str, Any]:
        return self.update(
            edited_message={
                "message_id": message_id,
                "date": int(time.time()) - 60,
                "edit_date": int(time.time()),
                "chat": {"id": chat_id, "type": "private"},
                "from": {"id": chat_id, "is_bot": False, "first_name": "Cus"},
                "text": text,
            }
        )

    def callback_update(
        self, *, chat_id: int, data: str, message_id: int = 1, query_id: str | None = None
    ) -> dict[str, Any]:
        return self.update(
            callback_query={
                "id": query_id or f"cb{next(self._message_ids)}",
                "from": {"id": chat_id, "is_bot": False, "first_name": "Cus"},
                "chat_instance": "-1",
                "data": data,
                "message": {
                    "message_id": message_id,
                    "date": int(time.time()),
                    "chat": {"id": chat_id, "type": "private"},
                    "text": "Pick one",
                },
            }
        )

    def webhook_request(
        self, update: dict[str, Any], *, secret: str | None = None
    ) -> dict[str, Any]:
        """The POST Telegram makes to a webhook for ``update``, with the secret token header."""
        headers = {"Content-Type": "application/json"}
        token = self.secret_token if secret is None else secret
        if token:
            headers["X-Telegram-Bot-Api-Secret-Token"] = token
        return {
            "method": "POST",
            "url": WEBHOOK_URL,
            "headers": headers,
            "body": json.dumps(update).encode(),
        }
