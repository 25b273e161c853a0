"""A RoomKit process that stores a message and then hangs delivering it, until it is killed."""

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
            log.write(f"{self.channel_id} {event.id}\n")
        return await super().deliver(event, binding, context)


class Stuck(WebSocketChannel):
    async def deliver(self, event, binding, context):  # type: ignore[no-untyped-def]
        await asyncio.Event().wait()  # the process dies here


async def main(db: str, log_path: str) -> None:
    kit = RoomKit(store=SQLiteStore(db))
    for channel in (WebSocketChannel("in"), Recording("fast", log_path), Stuck("slow")):
        kit.register_channel(channel)
    await kit.create_room(room_id="r")
    for channel_id in ("in", "fast", "slow"):
        await kit.attach_channel("r", channel_id)
    await kit.process_inbound(
        InboundMessage(channel_id="in", sender_id="u", content=TextContent(body="important"))
    )


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1], sys.argv[2]))
