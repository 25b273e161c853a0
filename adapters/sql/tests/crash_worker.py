"""A RoomKit process that stores a message and then hangs delivering it, until it is killed.

It writes to the log what a test needs to know before killing it: each delivery as it starts
(``deliver <channel> <event>``) and each outbox settlement once it has committed
(``settled <channel> <event>``).
"""

from __future__ import annotations

import asyncio
import sys

from roomkit_sql import SQLiteStore

from roomkit import InboundMessage, RoomKit, TextContent, WebSocketChannel


class Recording(WebSocketChannel):
    def __init__(self, channel_id: str, log_path: str) -> None:
        super().__init__(channel_id)
        self.log_path = log_path

    async def deliver(self, event, binding, context):  # type: ignore[no-untyped-def]
        with open(self.log_path, "a") as log:  # noqa: ASYNC230 - a tiny test log
            log.write(f"deliver {self.channel_id} {event.id}\n")
        return await super().deliver(event, binding, context)


class Stuck(Recording):
    async def deliver(self, event, binding, context):  # type: ignore[no-untyped-def]
        with open(self.log_path, "a") as log:  # noqa: ASYNC230 - a tiny test log
            log.write(f"deliver {self.channel_id} {event.id}\n")
        await asyncio.Event().wait()  # the process dies here


class SignallingStore(SQLiteStore):
    """Reports each outbox settlement after it has committed."""

    def __init__(self, path: str, log_path: str) -> None:
        super().__init__(path)
        self.log_path = log_path

    async def mark_delivery(self, event_id, channel_id, *args, **kwargs):  # type: ignore[no-untyped-def]
        await super().mark_delivery(event_id, channel_id, *args, **kwargs)
        with open(self.log_path, "a") as log:  # noqa: ASYNC230 - a tiny test log
            log.write(f"settled {channel_id} {event_id}\n")


async def main(db: str, log_path: str) -> None:
    kit = RoomKit(store=SignallingStore(db, log_path), delivery_timeout=None, process_timeout=None)
    for channel in (WebSocketChannel("in"), Recording("fast", log_path), Stuck("slow", log_path)):
        kit.register_channel(channel)
    await kit.create_room(room_id="r")
    for channel_id in ("in", "fast", "slow"):
        await kit.attach_channel("r", channel_id)
    await kit.process_inbound(
        InboundMessage(channel_id="in", sender_id="u", content=TextContent(body="important"))
    )


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1], sys.argv[2]))
