"""WhatsAppPersonalProvider: a personal WhatsApp account (linked device, via neonize) as the
MessageProvider of a ``WhatsAppPersonalChannel``, and its listener as an event source.

There are no webhooks: ``provider.source()`` is attached with ``kit.attach_source(...)`` and
turns each incoming message into an InboundMessage. Inbound media keep a reference for
``download_media``; typing indicators and read receipts are explicit calls.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections import OrderedDict
from typing import Any

from roomkit.domain.content import (
    AudioContent,
    CompositeContent,
    EventContent,
    LocationContent,
    MediaContent,
    TemplateContent,
    TextContent,
    VideoContent,
    text_of,
)
from roomkit.domain.delivery import PROVIDER_MESSAGE_IDS, ProviderResult
from roomkit.domain.event import RoomEvent
from roomkit.domain.inbound import InboundMessage
from roomkit.ports.messaging import MessageProvider
from roomkit.ports.sources import Emit, SourceProvider
from roomkit_whatsapp.messages import media_kind
from roomkit_whatsapp.personal.client import (
    MediaKind,
    PersonalClient,
    PersonalMedia,
    PersonalMessage,
)

VENDOR = "whatsapp-personal"
MEDIA_URL_SCHEME = "whatsapp-personal://"


class WhatsAppPersonalProvider(MessageProvider):
    """``WhatsAppPersonalProvider()`` opens a neonize session named ``name`` (the extra
    ``whatsapp-personal``); pass ``client=`` any PersonalClient instead."""

    name = VENDOR

    def __init__(
        self,
        client: PersonalClient | None = None,
        *,
        name: str = "roomkit",
        database: str | None = None,
        channel_id: str = "wa-personal",
        keep_media: int = 500,
    ) -> None:
        if client is None:
            from roomkit_whatsapp.personal.neonize_client import NeonizeClient

            client = NeonizeClient(name, database)
        self.client: PersonalClient = client
        self.channel_id = channel_id
        self._media: OrderedDict[str, PersonalMedia] = OrderedDict()
        self._keep_media = keep_media

    # sending -----------------------------------------------------------------------------------
    async def send(self, event: RoomEvent, to: str) -> ProviderResult:
        try:
            ids = await self._send_content(event.content, to)
        except asyncio.CancelledError:
            raise
        except Exception as exc:  # the session's own errors (not connected, refused upload)
            return ProviderResult(success=False, error=f"{VENDOR}: {type(exc).__name__}: {exc}")
        if not ids:
            return ProviderResult(success=False, error=f"{VENDOR}: the event has nothing to send")
        metadata: dict[str, Any] = {PROVIDER_MESSAGE_IDS: ids} if len(ids) > 1 else {}
        return ProviderResult(success=True, provider_message_id=ids[0], metadata=metadata)

    async def _send_content(self, content: EventContent, to: str) -> list[str]:
        if isinstance(content, CompositeContent):
            ids: list[str] = []
            for part in content.parts:
                ids.extend(await self._send_content(part, to))
            return ids
        if isinstance(content, TemplateContent):
            if content.body:  # a personal account has no templates: send the rendered text
                return [await self.client.send_message(to, content.body)]
            raise ValueError("templates are a WhatsApp Business feature; give the text in body")
        if isinstance(content, MediaContent):
            kind: MediaKind = media_kind(content.mime_type)  # type: ignore[assignment]
            return [
                await self.client.send_media(
                    to,
                    kind,
                    content.url,
                    caption=content.caption,
                    filename=content.filename,
                    mime_type=content.mime_type,
                )
            ]
        if isinstance(content, AudioContent):
            return [await self.client.send_media(to, "audio", content.url)]
        if isinstance(content, VideoContent):
            return [await self.client.send_media(to, "video", content.url)]
        if isinstance(content, LocationContent):
            where = f"https://maps.google.com/?q={content.latitude},{content.longitude}"
            label = " - ".join(x for x in (content.label, content.address) if x)
            return [await self.client.send_message(to, f"{label}\n{where}" if label else where)]
        text = text_of(content)
        return [await self.client.send_message(to, text)] if text.strip() else []

    async def set_typing(self, chat: str, typing: bool = True) -> None:
        """Show "typing..." in ``chat`` (or stop showing it)."""
        await self.client.send_chat_presence(chat, typing)

    async def mark_read(self, chat: str, sender: str, *message_ids: str) -> None:
        """Blue ticks for ``message_ids`` (``provider_message_id`` of inbound events)."""
        await self.client.mark_read(chat, sender, list(message_ids))

    async def download_media(self, message_id: str) -> bytes:
        """The bytes of an inbound media, by its message id (or its content URL)."""
        key = message_id.removeprefix(MEDIA_URL_SCHEME).rsplit("/", 1)[-1]
        media = self._media.get(key)
        if media is None:
            raise KeyError(
                f"no inbound media {key!r} is known (only the last {self._keep_media} are kept)"
            )
        return await self.client.download(media)

    # receiving ---------------------------------------------------------------------------------
    def inbound(self, message: PersonalMessage) -> InboundMessage | None:
        """The InboundMessage for a session message; None for our own and empty ones."""
        if message.is_from_me:
            return None
        parts: list[EventContent] = []
        if message.media is not None:
            self._remember(message.message_id, message.media)
            parts.append(self._media_content(message))
        if message.text and (message.media is None or message.media.caption != message.text):
            parts.insert(0, TextContent(body=message.text))
        if not parts:
            return None
        metadata: dict[str, Any] = {
            "provider": VENDOR,
            "chat": message.chat,
            "sender_jid": message.sender,
            "is_group": message.is_group,
            **message.extra,
        }
        if message.push_name:
            metadata["push_name"] = message.push_name
        if message.timestamp is not None:
            metadata["sent_at"] = message.timestamp.isoformat()
        return InboundMessage(
            channel_id=self.channel_id,
            sender_id=message.chat,  # replies go to the chat (a person or a group)
            content=parts[0] if len(parts) == 1 else CompositeContent(parts=parts),
            provider_message_id=message.message_id,
            metadata=metadata,
        )

    def _media_content(self, message: PersonalMessage) -> EventContent:
        media = message.media
        assert media is not None
        url = f"{MEDIA_URL_SCHEME}{message.chat}/{message.message_id}"
        if media.kind == "audio":
            return AudioContent(url=url, mime_type=media.mime_type)
        if media.kind == "video" and not media.caption:
            return VideoContent(url=url, mime_type=media.mime_type)
        return MediaContent(
            url=url, mime_type=media.mime_type, caption=media.caption, filename=media.filename
        )

    def _remember(self, message_id: str, media: PersonalMedia) -> None:
        self._media[message_id] = media
        while len(self._media) > self._keep_media:
            self._media.popitem(last=False)

    def source(self) -> WhatsAppPersonalSource:
        """The session's listener, for ``kit.attach_source(channel_id, provider.source())``."""
        return WhatsAppPersonalSource(self)

    async def close(self) -> None:
        """The session is closed by its source; sending needs no cleanup."""


class WhatsAppPersonalSource(SourceProvider):
    """Connects the session and emits each incoming message, in order."""

    name = VENDOR

    def __init__(self, provider: WhatsAppPersonalProvider) -> None:
        self.provider = provider
        self._connected = False

    async def run(self, emit: Emit) -> None:
        queue: asyncio.Queue[PersonalMessage] = asyncio.Queue()

        async def on_message(message: PersonalMessage) -> None:
            await queue.put(message)

        await self.provider.client.connect(on_message)
        self._connected = True
        while True:
            message = await queue.get()
            inbound = self.provider.inbound(message)
            if inbound is not None:
                await emit(inbound)

    async def close(self) -> None:
        if self._connected:
            self._connected = False
            with contextlib.suppress(Exception):
                await self.provider.client.disconnect()
