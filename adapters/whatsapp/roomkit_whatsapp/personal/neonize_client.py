"""PersonalClient over neonize's asyncio client (``neonize.aioze.client.NewAClient``).

neonize is imported when the client is made, so this module imports without it; a missing
neonize raises an ImportError naming the ``whatsapp-personal`` extra.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from roomkit.plugins.install_hints import install_hint
from roomkit_whatsapp.personal.client import MediaKind, OnMessage, PersonalMedia, PersonalMessage

#: neonize's Message fields that carry a media, and the kind each one is.
MEDIA_FIELDS: dict[str, MediaKind] = {
    "imageMessage": "image",
    "videoMessage": "video",
    "audioMessage": "audio",
    "documentMessage": "document",
    "stickerMessage": "sticker",
}


def require_neonize() -> Any:
    try:
        import neonize.aioze.client as aioze
    except ImportError as exc:
        raise ImportError(
            "WhatsApp Personal needs the neonize library, which is not installed: "
            + install_hint("whatsapp-personal")
        ) from exc
    return aioze


def jid_of(address: str) -> Any:
    """A neonize JID from "15145550199", "+1 514 555 0199" or "user@server"."""
    from neonize.utils.jid import build_jid

    if "@" in address:
        user, server = address.split("@", 1)
        return build_jid(user.split(":", 1)[0], server)
    return build_jid("".join(ch for ch in address if ch.isdigit()))


def jid_text(jid: Any) -> str:
    return f"{jid.User}@{jid.Server}" if jid.User else str(jid.Server)


def personal_message(event: Any) -> PersonalMessage:
    """neonize's MessageEv as a PersonalMessage."""
    info, message = event.Info, event.Message
    source = info.MessageSource
    text = message.conversation or message.extendedTextMessage.text
    media = None
    for name, kind in MEDIA_FIELDS.items():
        if message.HasField(name):
            part = getattr(message, name)
            media = PersonalMedia(
                kind=kind,
                mime_type=part.mimetype or "application/octet-stream",
                caption=getattr(part, "caption", "") or None,
                filename=getattr(part, "fileName", "") or None,
                handle=message,
            )
            break
    return PersonalMessage(
        chat=jid_text(source.Chat),
        sender=jid_text(source.Sender),
        message_id=info.ID,
        text=text,
        media=media,
        push_name=info.Pushname,
        is_from_me=source.IsFromMe,
        is_group=source.IsGroup,
        timestamp=datetime.fromtimestamp(info.Timestamp, UTC) if info.Timestamp else None,
    )


class NeonizeClient:
    """One neonize session, stored in the SQLite file ``database`` (pair it once by QR)."""

    def __init__(self, name: str = "roomkit", database: str | None = None, client: Any = None):
        if client is None:
            aioze = require_neonize()
            client = aioze.NewAClient(database or f"{name}.sqlite3")
        self.client = client

    async def connect(self, on_message: OnMessage) -> None:
        from neonize.aioze.events import MessageEv

        async def handler(_client: Any, event: Any) -> None:
            await on_message(personal_message(event))

        self.client.event(MessageEv)(handler)
        await self.client.connect()

    async def disconnect(self) -> None:
        await self.client.disconnect()

    async def send_message(self, chat: str, text: str) -> str:
        response = await self.client.send_message(jid_of(chat), text)
        return str(response.ID)

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
        to = jid_of(chat)
        if kind == "image":
            response = await self.client.send_image(to, source, caption=caption)
        elif kind == "video":
            response = await self.client.send_video(to, source, caption=caption)
        elif kind == "audio":
            response = await self.client.send_audio(to, source)
        elif kind == "sticker":
            response = await self.client.send_sticker(to, source)
        else:
            response = await self.client.send_document(
                to, source, caption=caption, filename=filename, mimetype=mime_type
            )
        return str(response.ID)

    async def send_chat_presence(self, chat: str, composing: bool) -> None:
        from neonize.utils.enum import ChatPresence, ChatPresenceMedia

        state = ChatPresence.CHAT_PRESENCE_PAUSED
        if composing:
            state = ChatPresence.CHAT_PRESENCE_COMPOSING
        await self.client.send_chat_presence(
            jid_of(chat), state, ChatPresenceMedia.CHAT_PRESENCE_MEDIA_TEXT
        )

    async def mark_read(self, chat: str, sender: str, message_ids: Sequence[str]) -> None:
        from neonize.utils.enum import ReceiptType

        await self.client.mark_read(
            *message_ids, chat=jid_of(chat), sender=jid_of(sender), receipt=ReceiptType.READ
        )

    async def download(self, media: PersonalMedia) -> bytes:
        data = await self.client.download_any(media.handle)
        return bytes(data or b"")
