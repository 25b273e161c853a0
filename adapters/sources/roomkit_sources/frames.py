"""Turning one frame of a feed into an InboundMessage.

The default reads a JSON object ``{"sender_id", "text", "id"?, "metadata"?}``; a feed of another
shape passes its own ``parse`` to the source. A frame that is not a message (a heartbeat, a
malformed line) parses to None and is skipped.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from typing import Any

from roomkit.domain.content import TextContent
from roomkit.domain.inbound import InboundMessage

log = logging.getLogger("roomkit.sources")

Parse = Callable[[str], InboundMessage | None]

PLACEHOLDER_CHANNEL = "source"
"""The supervisor sets the attached channel's id on every message a source emits."""


def json_message(frame: str) -> InboundMessage | None:
    """``{"sender_id": ..., "text": ..., "id": ...}`` as a text message; None for anything else."""
    try:
        data: Any = json.loads(frame)
    except ValueError:
        log.warning("feed frame is not JSON; skipped", extra={"frame_length": len(frame)})
        return None
    if not isinstance(data, dict) or not isinstance(data.get("text"), str):
        return None
    sender = data.get("sender_id")
    if not isinstance(sender, str) or not sender:
        log.warning("feed message without a sender_id; skipped")
        return None
    message_id = data.get("id")
    metadata = data.get("metadata")
    return InboundMessage(
        channel_id=PLACEHOLDER_CHANNEL,
        sender_id=sender,
        content=TextContent(body=data["text"]),
        provider_message_id=str(message_id) if message_id is not None else None,
        metadata=metadata if isinstance(metadata, dict) else {},
    )
