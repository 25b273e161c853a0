"""What arrives from a provider, and what the pipeline made of it."""

from __future__ import annotations

from typing import Any

from pydantic import Field

from roomkit.domain.base import Model
from roomkit.domain.content import EventContent
from roomkit.domain.event import RoomEvent

ADDRESS_DETAILS = "address_details"
"""Key of an InboundMessage's ``metadata`` holding what its provider needs to write back to the
sender later (a JSON object: a Teams conversation reference). The pipeline keeps it on the
sender's participant, ``metadata["address_details"][channel_id]``, so it survives a restart
with the store; a transport channel hands it back to ``MessageProvider.send_to``. A binding may
hold the same for its ``to`` addresses: ``metadata["address_details"][address]``."""


class InboundMessage(Model):
    channel_id: str
    sender_id: str
    content: EventContent
    provider_message_id: str | None = None
    thread_id: str | None = None
    metadata: dict[str, Any] = Field(default_factory=dict)


class InboundResult(Model):
    """``event`` is the stored (or, if blocked, the rejected) event; ``duplicate`` marks a
    redelivery answered from the first result."""

    event: RoomEvent | None = None
    blocked: bool = False
    reason: str | None = None
    room_id: str | None = None
    duplicate: bool = False
