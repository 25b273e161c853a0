"""One RoomKit process of the multi-process test: sends messages, reports what it saw as JSON."""

from __future__ import annotations

import asyncio
import json
import sys

from roomkit_sql import PostgresLockManager, PostgresRealtime, PostgresStore

from roomkit import InboundMessage, RoomKit, TextContent, WebSocketChannel
from roomkit.realtime.base import EphemeralEvent


async def main(dsn: str, schema: str, worker: int, count: int, rooms: int) -> None:
    kit = RoomKit(
        store=PostgresStore(dsn, schema=schema),
        lock_manager=PostgresLockManager(dsn, namespace=schema),
        realtime=PostgresRealtime(dsn, channel=f"{schema}_rt"),
    )
    kit.register_channel(WebSocketChannel("ws"))
    received = asyncio.Event()

    async def on_typing(event: EphemeralEvent) -> None:
        if event.user_id == "worker-0":
            received.set()

    await kit.subscribe_room("room-0", on_typing)
    await asyncio.sleep(1.0)  # every worker is listening before worker 0 publishes
    if worker == 0:
        await kit.publish_typing("room-0", "worker-0")

    async def send(i: int) -> bool:
        # every 5th message is the same webhook delivered to every worker
        message_id = f"dup-{i}" if i % 5 == 0 else f"w{worker}-{i}"
        result = await kit.process_inbound(
            InboundMessage(
                channel_id="ws",
                sender_id=f"user-{worker}",
                content=TextContent(body=f"{worker}:{i}"),
                provider_message_id=message_id,
            ),
            room_id=f"room-{i % rooms}",
        )
        return result.duplicate

    duplicates = sum(await asyncio.gather(*(send(i) for i in range(count))))
    try:
        await asyncio.wait_for(received.wait(), 10)
        realtime = True
    except TimeoutError:
        realtime = False
    print(
        json.dumps(
            {"worker": worker, "sent": count, "duplicates": duplicates, "realtime": realtime}
        )
    )
    await kit.close()


if __name__ == "__main__":
    dsn, schema, worker, count, rooms = sys.argv[1:6]
    asyncio.run(main(dsn, schema, int(worker), int(count), int(rooms)))
