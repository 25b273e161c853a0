"""RoomKit content as Bot API calls: sendMessage (split at 4096 characters, inline keyboards
from RichContent's buttons and quick replies), sendPhoto/sendDocument/sendAudio/sendVoice/
sendVideo for media by URL or Telegram file id, sendLocation/sendVenue for places."""

from __future__ import annotations

import html
from dataclasses import dataclass, field
from typing import Any

from roomkit.domain.content import (
    AudioContent,
    CompositeContent,
    LocationContent,
    MediaContent,
    RichContent,
    TextContent,
    VideoContent,
    text_of,
)
from roomkit.domain.outbound import split_text
from roomkit_telegram.config import TelegramConfig
from roomkit_telegram.markup import markdown_to_html

#: Media URLs of this form carry a Telegram file id (how inbound media arrive), sent as is.
FILE_SCHEME = "telegram-file:"
MAX_CALLBACK_BYTES = 64
QUICK_REPLIES_PER_ROW = 3


class TelegramContentError(ValueError):
    """Content Telegram cannot carry as given (text over the limit, a long button payload)."""


@dataclass
class Call:
    method: str
    params: dict[str, Any] = field(default_factory=dict)


def file_ref(url: str) -> str:
    return url.removeprefix(FILE_SCHEME) if url.startswith(FILE_SCHEME) else url


def media_call(url: str, mime_type: str, audio: bool = False, video: bool = False) -> Call:
    if not url.startswith((FILE_SCHEME, "https://", "http://")):
        raise TelegramContentError(
            f"Telegram sends media by http(s) URL or file id; {url[:40]!r} is neither"
        )
    mime = mime_type.lower()
    if audio or mime.startswith("audio/"):
        voice = mime in ("audio/ogg", "audio/opus", "audio/ogg; codecs=opus")
        method, key = ("sendVoice", "voice") if voice else ("sendAudio", "audio")
    elif video or mime.startswith("video/"):
        method, key = "sendVideo", "video"
    elif mime == "image/gif":
        method, key = "sendAnimation", "animation"
    elif mime.startswith("image/"):
        method, key = "sendPhoto", "photo"
    else:
        method, key = "sendDocument", "document"
    return Call(method, {key: file_ref(url)})


def keyboard(buttons: list[dict[str, Any]], quick_replies: list[str]) -> dict[str, Any] | None:
    rows: list[list[dict[str, str]]] = []
    for spec in buttons:
        label = str(spec.get("text") or spec.get("title") or spec.get("label") or "")
        if not label:
            raise TelegramContentError(f"a button needs a text (or title): {spec!r}")
        if spec.get("url"):
            rows.append([{"text": label, "url": str(spec["url"])}])
        else:
            data = str(spec.get("payload") or spec.get("postback_data") or label)
            rows.append([{"text": label, "callback_data": callback_data(data)}])
    row: list[dict[str, str]] = []
    for reply in quick_replies:
        row.append({"text": reply, "callback_data": callback_data(reply)})
        if len(row) == QUICK_REPLIES_PER_ROW:
            rows.append(row)
            row = []
    if row:
        rows.append(row)
    return {"inline_keyboard": rows} if rows else None


def callback_data(data: str) -> str:
    if not 1 <= len(data.encode()) <= MAX_CALLBACK_BYTES:
        raise TelegramContentError(
            f"a button's payload must be 1-{MAX_CALLBACK_BYTES} bytes for Telegram: {data[:80]!r}"
        )
    return data


class Planner:
    """Builds the calls for one event to one chat."""

    def __init__(self, config: TelegramConfig) -> None:
        self.config = config

    def text_params(self, rich: object) -> dict[str, Any]:
        """sendMessage/editMessageText fields for a text-like content (no chat, no split)."""
        if isinstance(rich, RichContent):
            body = rich.body if rich.format == "html" else markdown_to_html(rich.body)
            params: dict[str, Any] = {"text": body, "parse_mode": "HTML"}
            markup = keyboard(rich.buttons, rich.quick_replies)
            if markup:
                params["reply_markup"] = markup
            return params
        params = {"text": rich.body if isinstance(rich, TextContent) else text_of(rich)}
        if self.config.parse_mode and isinstance(rich, TextContent):
            params["parse_mode"] = self.config.parse_mode
        return params

    def texts(self, text: str, parse_mode: str | None = None) -> list[Call]:
        if not text:
            return []
        limit = self.config.max_text_chars
        if len(text) > limit and not self.config.split_long_text:
            raise TelegramContentError(
                f"text of {len(text)} characters is over Telegram's {limit} "
                "(split_long_text is off)"
            )
        calls = []
        for piece in split_text(text, limit):
            params: dict[str, Any] = {"text": piece}
            if parse_mode:
                params["parse_mode"] = parse_mode
            calls.append(Call("sendMessage", params))
        return calls

    def calls(self, content: object) -> list[Call]:
        if isinstance(content, TextContent):
            return self.texts(content.body, self.config.parse_mode)
        if isinstance(content, RichContent):
            return self.rich(content)
        if isinstance(content, MediaContent):
            return self.media(media_call(content.url, content.mime_type), content.caption or "")
        if isinstance(content, AudioContent):
            return self.media(media_call(content.url, content.mime_type, audio=True), "")
        if isinstance(content, VideoContent):
            return self.media(media_call(content.url, content.mime_type, video=True), "")
        if isinstance(content, LocationContent):
            return [self.location(content)]
        if isinstance(content, CompositeContent):
            return self.composite(content)
        return self.texts(text_of(content))

    def composite(self, content: CompositeContent) -> list[Call]:
        texts = [p for p in content.parts if isinstance(p, TextContent)]
        others = [p for p in content.parts if not isinstance(p, TextContent)]
        media = [p for p in others if isinstance(p, MediaContent | AudioContent | VideoContent)]
        # a text beside one media goes as its caption when it fits
        if len(media) == 1 and len(others) == 1 and texts:
            caption = "\n".join(t.body for t in texts)
            if len(caption) <= self.config.max_caption_chars:
                only = media[0]
                call = media_call(
                    only.url,
                    only.mime_type,
                    audio=isinstance(only, AudioContent),
                    video=isinstance(only, VideoContent),
                )
                return self.media(call, caption)
        return [call for part in content.parts for call in self.calls(part)]

    def media(self, call: Call, caption: str) -> list[Call]:
        if not caption:
            return [call]
        if len(caption) <= self.config.max_caption_chars:
            call.params["caption"] = caption
            return [call]
        return [*self.texts(caption), call]

    def rich(self, rich: RichContent) -> list[Call]:
        calls: list[Call] = []
        params = self.text_params(rich)
        markup = params.pop("reply_markup", None)
        if len(params["text"]) > self.config.max_text_chars:
            # HTML cannot be cut safely: long rich text goes as plain text pieces
            calls.extend(self.texts(rich.plain_text or rich.body))
        elif params["text"]:
            calls.append(Call("sendMessage", params))
        for card in rich.cards:
            calls.append(self.card(card))
        if markup:
            if not calls:
                raise TelegramContentError("buttons need text to go with")
            calls[-1].params["reply_markup"] = markup
        return calls

    def card(self, card: dict[str, Any]) -> Call:
        lines = []
        if card.get("title"):
            lines.append(f"<b>{html.escape(str(card['title']))}</b>")
        description = card.get("description") or card.get("subtitle") or card.get("text")
        if description:
            lines.append(html.escape(str(description)))
        text = "\n".join(lines)
        buttons = card.get("buttons") if isinstance(card.get("buttons"), list) else []
        markup = keyboard(list(buttons or []), [])
        image = card.get("image_url") or card.get("media_url") or card.get("image")
        if image and len(text) <= self.config.max_caption_chars:
            call = Call("sendPhoto", {"photo": file_ref(str(image))})
            if text:
                call.params.update(caption=text, parse_mode="HTML")
        else:
            if not text:
                raise TelegramContentError(f"a card needs a title, description or image: {card!r}")
            call = Call("sendMessage", {"text": text, "parse_mode": "HTML"})
        if markup:
            call.params["reply_markup"] = markup
        return call

    @staticmethod
    def location(place: LocationContent) -> Call:
        where = {"latitude": place.latitude, "longitude": place.longitude}
        if place.label and place.address:
            return Call("sendVenue", {**where, "title": place.label, "address": place.address})
        return Call("sendLocation", where)
