"""The WebSocket and SSE sources against loopback feeds: the SourceProvider contract, a room
fed end to end, frames that are not messages, and recovery after a dropped connection."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from roomkit_sources import SSESource, WebSocketSource

from roomkit import FrameworkEvent, RoomKit, WebSocketChannel
from roomkit_contracts import SourceProviderContract, SourceScenario


class TestWebSocketSource(SourceProviderContract):
    @pytest.fixture
    def source_scenario(self, ws_feed: tuple[Any, str]) -> SourceScenario:
        feed, url = ws_feed

        async def send(bodies: list[str]) -> None:
            for body in bodies:
                await feed.send("u", body)

        return SourceScenario(WebSocketSource(url), send)


class TestSSESource(SourceProviderContract):
    @pytest.fixture
    def source_scenario(self, sse_feed: tuple[Any, str]) -> SourceScenario:
        feed, url = sse_feed

        async def send(bodies: list[str]) -> None:
            for body in bodies:
                await feed.send("u", body)

        return SourceScenario(SSESource(url), send)


async def feed_kit() -> tuple[RoomKit, list[FrameworkEvent]]:
    kit = RoomKit()
    kit.register_channel(WebSocketChannel("feed"))
    await kit.create_room(room_id="r")
    await kit.attach_channel("r", "feed")
    errors: list[FrameworkEvent] = []

    @kit.on("source_error")
    async def on_error(event: FrameworkEvent) -> None:
        errors.append(event)

    return kit, errors


async def timeline_bodies(kit: RoomKit, count: int) -> list[str]:
    for _ in range(2000):
        events = await kit.get_timeline("r")
        if len(events) >= count:
            return [e.content.body for e in events]  # type: ignore[union-attr]
        await asyncio.sleep(0.01)
    raise AssertionError(f"the room never got {count} events")


async def test_a_websocket_feed_survives_a_dropped_connection(
    ws_feed: tuple[Any, str],
) -> None:
    feed, url = ws_feed
    kit, errors = await feed_kit()
    await kit.attach_source("feed", WebSocketSource(url), restart_delay=0.01)
    await feed.send("alice", "before", id="m1")
    await feed.send_raw("not json")  # skipped, not fatal
    await feed.send_raw('{"type": "heartbeat"}')
    await feed.drop()
    await feed.send("alice", "after", id="m2")
    assert await timeline_bodies(kit, 2) == ["before", "after"]
    assert feed.connections == 2 and len(errors) == 1
    health = kit.source_health("feed")
    assert health.restarts == 1 and health.messages == 2
    [first, _] = await kit.get_timeline("r")
    assert first.provider_message_id == "m1"
    await kit.close()


async def test_an_sse_feed_resumes_with_last_event_id(sse_feed: tuple[Any, str]) -> None:
    feed, url = sse_feed
    kit, _errors = await feed_kit()
    await kit.attach_source("feed", SSESource(url), restart_delay=0.01)
    await feed.send("bob", "one")
    await feed.send("bob", "ignored", event="typing")  # not a message event
    await feed.drop()
    await feed.send("bob", "two")
    assert await timeline_bodies(kit, 2) == ["one", "two"]
    assert feed.last_event_ids == [None, "e2"]
    await kit.close()


def test_urls_are_checked() -> None:
    with pytest.raises(ValueError, match="ws://"):
        WebSocketSource("http://example.org")
    with pytest.raises(ValueError, match="http://"):
        SSESource("ws://example.org")
