"""NeonizeClient translates the PersonalClient calls into neonize's client calls with neonize's
own types (JIDs, chat presence and receipt enums, MessageEv protobufs). A recording double of
neonize's NewAClient stands in for the session: its network protocol is out of reach here."""

from __future__ import annotations

from typing import Any

from neonize.aioze.events import MessageEv
from neonize.proto.waE2E.WAWebProtobufsE2E_pb2 import ImageMessage, Message
from neonize.utils.enum import ChatPresence, ChatPresenceMedia, ReceiptType

from roomkit_whatsapp.personal import NeonizeClient, PersonalMessage


class Sent:
    def __init__(self, message_id: str) -> None:
        self.ID = message_id


class RecordingNewAClient:
    """The calls NeonizeClient makes on neonize's NewAClient, recorded."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, tuple[Any, ...], dict[str, Any]]] = []
        self.handlers: dict[Any, Any] = {}

    def event(self, kind: Any) -> Any:
        def register(handler: Any) -> None:
            self.handlers[kind] = handler

        return register

    def __getattr__(self, name: str) -> Any:
        async def call(*args: Any, **kwargs: Any) -> Any:
            self.calls.append((name, args, kwargs))
            if name == "download_any":
                return b"\x89PNG"
            return Sent(f"id-{len(self.calls)}")

        return call


def jid(value: Any) -> str:
    return f"{value.User}@{value.Server}"


async def test_calls_use_neonize_types() -> None:
    double = RecordingNewAClient()
    client = NeonizeClient(client=double)
    assert await client.send_message("+1 514 555 0199", "hi") == "id-1"
    await client.send_media("15145550199", "image", "https://x/p.jpg", caption="P")
    await client.send_media(
        "1203630@g.us", "document", b"%PDF", filename="a.pdf", mime_type="application/pdf"
    )
    await client.send_chat_presence("15145550199", True)
    await client.mark_read("15145550199@s.whatsapp.net", "15145550199", ["A", "B"])
    (
        (send, args, _),
        (image, iargs, ikw),
        (doc, dargs, dkw),
        (presence, pargs, _),
        (read, rargs, rkw),
    ) = double.calls
    assert (send, jid(args[0]), args[1]) == ("send_message", "15145550199@s.whatsapp.net", "hi")
    assert (image, iargs[1], ikw) == ("send_image", "https://x/p.jpg", {"caption": "P"})
    assert (doc, jid(dargs[0])) == ("send_document", "1203630@g.us")
    assert dkw == {"caption": None, "filename": "a.pdf", "mimetype": "application/pdf"}
    assert presence == "send_chat_presence"
    assert pargs[1:] == (
        ChatPresence.CHAT_PRESENCE_COMPOSING,
        ChatPresenceMedia.CHAT_PRESENCE_MEDIA_TEXT,
    )
    assert (read, rargs, rkw["receipt"]) == ("mark_read", ("A", "B"), ReceiptType.READ)
    assert jid(rkw["chat"]) == jid(rkw["sender"]) == "15145550199@s.whatsapp.net"


async def test_message_events_become_personal_messages() -> None:
    double = RecordingNewAClient()
    client = NeonizeClient(client=double)
    got: list[PersonalMessage] = []

    async def on_message(message: PersonalMessage) -> None:
        got.append(message)

    await client.connect(on_message)
    assert double.calls[-1][0] == "connect"
    event = MessageEv()
    event.Info.ID = "3EB0ABC"
    event.Info.Pushname = "Ana"
    event.Info.Timestamp = 1764504000
    event.Info.MessageSource.Chat.User = "15145550199"
    event.Info.MessageSource.Chat.Server = "s.whatsapp.net"
    event.Info.MessageSource.Sender.User = "15145550199"
    event.Info.MessageSource.Sender.Server = "s.whatsapp.net"
    event.Message.CopyFrom(
        Message(imageMessage=ImageMessage(mimetype="image/jpeg", caption="look"))
    )
    await double.handlers[MessageEv](double, event)
    [message] = got
    assert (message.chat, message.message_id, message.push_name) == (
        "15145550199@s.whatsapp.net",
        "3EB0ABC",
        "Ana",
    )
    assert message.media is not None and message.media.kind == "image"
    assert (message.media.mime_type, message.media.caption) == ("image/jpeg", "look")
    assert await client.download(message.media) == b"\x89PNG"
    assert double.calls[-1][1][0] is message.media.handle
