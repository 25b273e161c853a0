"""The delivery outbox: recorded with the event, settled by the broadcast, recovered after a
crash, dead letters listed and redelivered."""

from __future__ import annotations

import asyncio
import signal
import sys
from pathlib import Path

from roomkit_sql import SQLiteStore

from roomkit import InboundMessage, RetryPolicy, RoomEvent, RoomKit, TextContent, WebSocketChannel
from roomkit.domain.outbox import OutboxState

WORKER = Path(__file__).with_name("crash_worker.py")


class Flaky(WebSocketChannel):
    def __init__(self, channel_id: str) -> None:
        super().__init__(channel_id)
        self.broken = True
        self.got: list[str] = []

    async def deliver(self, event, binding, context):  # type: ignore[no-untyped-def]
        if self.broken:
            raise ConnectionError("provider down")
        self.got.append(event.id)
        return await super().deliver(event, binding, context)


async def test_outbox_entries_are_settled_and_dead_letters_redelivered(tmp_path: Path) -> None:
    kit = RoomKit(store=SQLiteStore(str(tmp_path / "o.db")))
    flaky = Flaky("sms")
    web = WebSocketChannel("web")
    seen: list[str] = []

    async def screen(_conn: str, event: RoomEvent) -> None:
        seen.append(event.id)

    web.register_connection("screen", screen, room_id="r")
    for channel in (web, flaky):
        kit.register_channel(channel)
    await kit.create_room(room_id="r")
    await kit.attach_channel("r", "web")
    await kit.attach_channel(
        "r", "sms", retry_policy=RetryPolicy(max_retries=1, base_delay_seconds=0)
    )
    result = await kit.process_inbound(
        InboundMessage(channel_id="web", sender_id="u", content=TextContent(body="hi"))
    )
    assert result.event is not None
    delivered = await kit.store.list_outbox(OutboxState.DELIVERED, room_id="r")
    assert [(e.channel_id, e.attempts) for e in delivered] == [("web", 1)]
    assert seen == [result.event.id]
    [dead] = await kit.list_dead_letters("r")
    assert (dead.event_id, dead.channel_id, dead.attempts) == (result.event.id, "sms", 2)
    assert "provider down" in (dead.last_error or "")
    assert await kit.store.list_outbox(OutboxState.PENDING) == []

    flaky.broken = False
    assert await kit.redeliver(result.event.id, "sms") is True
    assert flaky.got == [result.event.id]
    assert await kit.list_dead_letters("r") == []
    await kit.close()


async def test_a_killed_process_leaves_pending_deliveries_the_next_one_completes(
    tmp_path: Path,
) -> None:
    db, log = str(tmp_path / "crash.db"), tmp_path / "deliveries.log"
    child = await asyncio.create_subprocess_exec(sys.executable, str(WORKER), db, str(log))
    # ("in" has no connection: the message is not delivered back through it)
    wanted = {("settled", "fast"), ("deliver", "slow")}
    seen: set[tuple[str, str]] = set()
    for _ in range(1200):  # the worker reports what has committed; up to a minute on a busy box
        await asyncio.sleep(0.05)
        if log.exists():
            seen = {(w[0], w[1]) for w in (ln.split() for ln in log.read_text().splitlines())}
        if wanted <= seen or child.returncode is not None:
            break
    child.send_signal(signal.SIGKILL)
    await child.wait()
    assert wanted <= seen, f"the worker reported only {sorted(seen)}"
    lines = [line.split() for line in log.read_text().splitlines()]
    event_id = next(w[2] for w in lines if w[:2] == ["deliver", "fast"])
    assert all(w[2] == event_id for w in lines)

    kit = RoomKit(store=SQLiteStore(db))
    received: dict[str, list[str]] = {"fast": [], "slow": []}
    for name in ("in", "fast", "slow"):
        channel = WebSocketChannel(name)

        async def receive(_conn: str, event: RoomEvent, name: str = name) -> None:
            if name in received:
                received[name].append(event.id)

        channel.register_connection("c", receive)
        kit.register_channel(channel)
    pending = await kit.store.list_outbox(OutboxState.PENDING)
    # "fast" was settled before the kill; "slow" was not
    assert [e.channel_id for e in pending] == ["slow"]
    retried = await kit.recover_deliveries(older_than=0)
    assert retried == 1
    assert received == {"fast": [], "slow": [event_id]}  # same event id: channels can dedupe
    assert await kit.store.list_outbox(OutboxState.PENDING) == []
    [stored] = await kit.get_timeline("r")
    assert stored.id == event_id and stored.content.body == "important"
    await kit.close()
