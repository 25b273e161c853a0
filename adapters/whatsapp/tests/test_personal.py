"""WhatsApp Personal at the neonize client boundary: a recording double of the session client
stands where neonize would; the provider's sends, typing, read receipts and media, and its
listener as an event source (the SourceProvider contract, and through a kit)."""

from __future__ import annotations

import asyncio
import sys
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

import pytest

from roomkit import RoomKit, WebSocketChannel, WhatsAppPersonalChannel
from roomkit.domain.content import (
    CompositeContent,
    LocationContent,
    MediaContent,
    TemplateContent,
    TextContent,
)
from roomkit.providers.whatsapp.personal import (
    PersonalMessage,
    WhatsAppPersonalProvider,
)
from roomkit_contracts import MessageProviderContract, SourceProviderContract, SourceScenario
from roomkit_whatsapp.personal import PersonalMedia
from roomkit_whatsapp.personal.client import MediaKind, OnMessage

CHAT = "15145550199@s.whatsapp.net"


class RecordingClient:
    """Stands where neonize's client stands; records every call, feeds messages on demand."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, Any]] = []
        self.on_message: OnMessage | None = None
        self.connected = asyncio.Event()
        self.fail_sends: Exception | None = None
        self._ids = 0

    def _next(self) -> str:
        self._ids += 1
        return f"3EB0{self._ids:04d}"

    async def connect(self, on_message: OnMessage) -> None:
        self.calls.append(("connect", None))
        self.on_message = on_message
        self.connected.set()

    async def disconnect(self) -> None:
        self.calls.append(("disconnect", None))

    async def send_message(self, chat: str, text: str) -> str:
        if self.fail_sends is not None:
            raise self.fail_sends
        self.calls.append(("send_message", (chat, text)))
        return self._next()

    async def send_media(
        self,
        chat: str,
        kind: MediaKind,
        source: str | bytes,
        *,
        caption: str | None = None,
        filename: str | None = None,
        mime_type: str | None = None,
    ) -> str:
        self.calls.append(("send_media", (chat, kind, source, caption, filename, mime_type)))
        return self._next()

    async def send_chat_presence(self, chat: str, composing: bool) -> None:
        self.calls.append(("send_chat_presence", (chat, composing)))

    async def mark_read(self, chat: str, sender: str, message_ids: Sequence[str]) -> None:
        self.calls.append(("mark_read", (chat, sender, list(message_ids))))

    async def download(self, media: PersonalMedia) -> bytes:
        self.calls.append(("download", media.handle))
        return b"media:" + str(media.handle).encode()

    async def feed(self, message: PersonalMessage) -> None:
        await asyncio.wait_for(self.connected.wait(), 10)
        assert self.on_message is not None
        await self.on_message(message)


def text_message(body: str, message_id: str = "", **extra: Any) -> PersonalMessage:
    return PersonalMessage(
        chat=CHAT, sender=CHAT, message_id=message_id or f"IN-{body}", text=body, **extra
    )


class TestPersonalSource(SourceProviderContract):
    @pytest.fixture
    def source_scenario(self) -> SourceScenario:
        client = RecordingClient()
        provider = WhatsAppPersonalProvider(client)

        async def feed(bodies: list[str]) -> None:
            async def later() -> None:
                for body in bodies:
                    await client.feed(text_message(body))

            asyncio.get_running_loop().create_task(later())

        return SourceScenario(source=provider.source(), feed=feed)


def event(content: Any) -> Any:
    return MessageProviderContract.event("x").model_copy(update={"content": content})


async def test_sends_map_content_onto_the_client() -> None:
    client = RecordingClient()
    provider = WhatsAppPersonalProvider(client)
    result = await provider.send(event(TextContent(body="Hello")), to=CHAT)
    assert result.success and result.provider_message_id == "3EB00001"
    photo = MediaContent(url="https://cdn.example.com/p.jpg", mime_type="image/jpeg", caption="P")
    doc = MediaContent(
        url="https://cdn.example.com/a.pdf", mime_type="application/pdf", filename="a.pdf"
    )
    both = await provider.send(event(CompositeContent(parts=[photo, doc])), to=CHAT)
    assert both.metadata["provider_message_ids"] == ["3EB00002", "3EB00003"]
    await provider.send(
        event(LocationContent(latitude=45.5, longitude=-73.5, label="Office")), to=CHAT
    )
    await provider.send(event(TemplateContent(template_id="t", body="Your code is 1234")), to=CHAT)
    assert client.calls == [
        ("send_message", (CHAT, "Hello")),
        ("send_media", (CHAT, "image", photo.url, "P", None, "image/jpeg")),
        ("send_media", (CHAT, "document", doc.url, None, "a.pdf", "application/pdf")),
        ("send_message", (CHAT, "Office\nhttps://maps.google.com/?q=45.5,-73.5")),
        ("send_message", (CHAT, "Your code is 1234")),
    ]
    bare = await provider.send(event(TemplateContent(template_id="t")), to=CHAT)
    assert not bare.success and "WhatsApp Business feature" in (bare.error or "")
    client.fail_sends = ConnectionError("not connected")
    failed = await provider.send(event(TextContent(body="x")), to=CHAT)
    assert failed.error == "whatsapp-personal: ConnectionError: not connected"


async def test_typing_read_receipts_and_media_download() -> None:
    client = RecordingClient()
    provider = WhatsAppPersonalProvider(client)
    await provider.set_typing(CHAT)
    await provider.set_typing(CHAT, False)
    await provider.mark_read(CHAT, CHAT, "IN-1", "IN-2")
    voice = PersonalMedia(kind="audio", mime_type="audio/ogg", handle="proto-1")
    photo = PersonalMedia(kind="image", mime_type="image/jpeg", caption="look", handle="proto-2")
    first = provider.inbound(PersonalMessage(chat=CHAT, sender=CHAT, message_id="M1", media=voice))
    second = provider.inbound(
        PersonalMessage(
            chat=CHAT,
            sender=CHAT,
            message_id="M2",
            text="look",
            media=photo,
            push_name="Ana",
            timestamp=datetime(2026, 11, 30, tzinfo=UTC),
        )
    )
    assert first is not None and second is not None
    assert first.content.url == f"whatsapp-personal://{CHAT}/M1"  # type: ignore[union-attr]
    assert second.content == MediaContent(
        url=f"whatsapp-personal://{CHAT}/M2", mime_type="image/jpeg", caption="look"
    )
    assert second.metadata["push_name"] == "Ana" and second.sender_id == CHAT
    assert await provider.download_media(second.content.url) == b"media:proto-2"  # type: ignore[union-attr]
    assert await provider.download_media("M1") == b"media:proto-1"
    with pytest.raises(KeyError, match="no inbound media 'M9'"):
        await provider.download_media("M9")
    assert provider.inbound(text_message("mine", is_from_me=True)) is None
    assert client.calls == [
        ("send_chat_presence", (CHAT, True)),
        ("send_chat_presence", (CHAT, False)),
        ("mark_read", (CHAT, CHAT, ["IN-1", "IN-2"])),
        ("download", "proto-2"),
        ("download", "proto-1"),
    ]


async def test_listener_feeds_the_room_and_replies_go_back_to_the_chat() -> None:
    client = RecordingClient()
    provider = WhatsAppPersonalProvider(client, channel_id="wa-personal")
    kit = RoomKit()
    kit.register_channel(WebSocketChannel("ws"))
    kit.register_channel(WhatsAppPersonalChannel("wa-personal", provider=provider))
    await kit.create_room(room_id="r")
    await kit.attach_channel("r", "ws")
    await kit.attach_channel("r", "wa-personal")
    await kit.attach_source("wa-personal", provider.source())
    await client.feed(text_message("Salut", message_id="IN-1"))
    await client.feed(text_message("Salut", message_id="IN-1"))  # delivered twice: stored once
    for _ in range(2000):
        if kit.source_health("wa-personal").messages == 2:
            break
        await asyncio.sleep(0.01)
    [stored] = await kit.get_timeline("r")
    assert stored.content == TextContent(body="Salut") and stored.source.external_id == CHAT
    from roomkit import InboundMessage

    await kit.process_inbound(
        InboundMessage(channel_id="ws", sender_id="agent", content=TextContent(body="Bonjour!")),
        room_id="r",
    )
    assert ("send_message", (CHAT, "Bonjour!")) in client.calls
    await kit.detach_source("wa-personal")
    assert client.calls[-1] == ("disconnect", None)
    await kit.close()


def test_without_neonize_the_error_names_the_extra(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "neonize", None)
    monkeypatch.setitem(sys.modules, "neonize.aioze", None)
    monkeypatch.setitem(sys.modules, "neonize.aioze.client", None)
    with pytest.raises(ImportError, match=r"roomkit\[whatsapp-personal\]"):
        WhatsAppPersonalProvider()
