"""The boundary of a WhatsApp Personal session: the few calls RoomKit makes on neonize's client
(send a message or a media, chat presence, mark as read, download an inbound media, receive
messages), in plain types. ``NeonizeClient`` implements it over neonize; tests drive the
provider through a recording double of this interface."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Literal, Protocol

MediaKind = Literal["image", "video", "audio", "document", "sticker"]


@dataclass(frozen=True)
class PersonalMedia:
    """An inbound media; ``handle`` is what the client needs to download it (neonize: the
    message protobuf)."""

    kind: MediaKind
    mime_type: str
    caption: str | None = None
    filename: str | None = None
    handle: Any = None


@dataclass(frozen=True)
class PersonalMessage:
    """One incoming message of the session. ``chat`` and ``sender`` are JIDs as text
    ("15145550199@s.whatsapp.net", "1203...@g.us" for groups)."""

    chat: str
    sender: str
    message_id: str
    text: str = ""
    media: PersonalMedia | None = None
    push_name: str = ""
    is_from_me: bool = False
    is_group: bool = False
    timestamp: datetime | None = None
    extra: dict[str, Any] = field(default_factory=dict)


OnMessage = Callable[[PersonalMessage], Awaitable[None]]


class PersonalClient(Protocol):
    async def connect(self, on_message: OnMessage) -> None:
        """Start the session (pairing on first use) and call ``on_message`` per message."""

    async def disconnect(self) -> None: ...

    async def send_message(self, chat: str, text: str) -> str:
        """Send text; return the message id."""

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
        """Upload ``source`` (a URL or the bytes) and send it; return the message id."""

    async def send_chat_presence(self, chat: str, composing: bool) -> None:
        """Show (or stop showing) "typing..." in ``chat``."""

    async def mark_read(self, chat: str, sender: str, message_ids: Sequence[str]) -> None:
        """Send read receipts (blue ticks) for ``message_ids`` from ``sender`` in ``chat``."""

    async def download(self, media: PersonalMedia) -> bytes: ...
