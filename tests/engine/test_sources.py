"""Event sources: supervised feeds of inbound messages (attach_source, detach_source,
source_health), restarted with backoff, reported through framework events."""

from __future__ import annotations

import asyncio

import pytest

from roomkit import (
    ChannelNotRegisteredError,
    FrameworkEvent,
    InboundMessage,
    RoomKit,
    SourceAlreadyAttachedError,
    SourceNotFoundError,
    TextContent,
    WebSocketChannel,
)
from roomkit.core.clock import ManualClock
from roomkit.sources import Emit, QueueSource, SourceProvider, SourceStatus


def text(body: str, sender: str = "u") -> InboundMessage:
    return InboundMessage(channel_id="feed", sender_id=sender, content=TextContent(body=body))


async def kit_with_feed(**kw: object) -> tuple[RoomKit, dict[str, list[FrameworkEvent]]]:
    kit = RoomKit(**kw)
    kit.register_channel(WebSocketChannel("feed"))
    await kit.create_room(room_id="r")
    await kit.attach_channel("r", "feed")
    events: dict[str, list[FrameworkEvent]] = {}
    for name in ("source_attached", "source_detached", "source_error", "source_exhausted"):

        async def record(event: FrameworkEvent, name: str = name) -> None:
            events.setdefault(name, []).append(event)

        kit.on(name)(record)
    return kit, events


async def eventually(predicate, what: str) -> None:  # type: ignore[no-untyped-def]
    for _ in range(2000):
        if predicate():
            return
        await asyncio.sleep(0.01)
    raise AssertionError(f"never happened: {what}")


class Flaky(SourceProvider):
    """Fails ``failures`` times, then emits its messages and ends."""

    name = "flaky"

    def __init__(self, failures: int, bodies: list[str]) -> None:
        self.failures = failures
        self.bodies = bodies
        self.closed = 0

    async def run(self, emit: Emit) -> None:
        if self.failures:
            self.failures -= 1
            raise ConnectionError("upstream reset")
        for body in self.bodies:
            await emit(text(body))

    async def close(self) -> None:
        self.closed += 1


async def test_messages_from_a_source_run_the_pipeline() -> None:
    kit, events = await kit_with_feed()
    source = QueueSource()
    await kit.attach_source("feed", source)
    for body in ("one", "two"):
        await source.put(text(body))
    await eventually(lambda: kit.source_health("feed").messages == 2, "two messages")
    await eventually(lambda: len(kit.store._timelines["r"]) == 2, "two stored")  # type: ignore[attr-defined]
    timeline = await kit.get_timeline("r")
    assert [e.content.body for e in timeline] == ["one", "two"]  # type: ignore[union-attr]
    health = kit.source_health("feed")
    assert health.status is SourceStatus.RUNNING and health.source == "queue"
    assert [e.data["channel_id"] for e in events["source_attached"]] == ["feed"]
    await kit.detach_source("feed")
    assert source.closed >= 1 and events["source_detached"][0].data["source"] == "queue"
    with pytest.raises(SourceNotFoundError):
        kit.source_health("feed")


async def test_a_failing_source_is_restarted_with_backoff() -> None:
    clock = ManualClock()
    kit, events = await kit_with_feed(clock=clock)
    source = Flaky(failures=2, bodies=["after restarts"])
    await kit.attach_source("feed", source, restart_delay=1.0)
    await eventually(lambda: "source_exhausted" in events, "the source ended")
    assert clock.slept == [1.0, 2.0]
    assert [e.data["error"] for e in events["source_error"]] == [
        "ConnectionError: upstream reset"
    ] * 2
    health = kit.source_health("feed")
    assert health.restarts == 2 and health.errors == 2 and health.messages == 1
    assert health.status is SourceStatus.EXHAUSTED
    assert events["source_exhausted"][0].data["reason"] == "the source ended"
    [event] = await kit.get_timeline("r")
    assert event.content.body == "after restarts"  # type: ignore[union-attr]


async def test_a_source_that_keeps_failing_is_given_up() -> None:
    clock = ManualClock()
    kit, events = await kit_with_feed(clock=clock)
    await kit.attach_source("feed", Flaky(failures=99, bodies=[]), max_restarts=3)
    await eventually(lambda: "source_exhausted" in events, "given up")
    assert len(events["source_error"]) == 4 and clock.slept == [1.0, 2.0, 4.0]
    assert events["source_exhausted"][0].data["reason"] == "gave up after errors"
    assert kit.source_health("feed").last_error == "ConnectionError: upstream reset"


async def test_without_auto_restart_one_failure_ends_it() -> None:
    kit, events = await kit_with_feed(clock=ManualClock())
    await kit.attach_source("feed", Flaky(failures=1, bodies=["never"]), auto_restart=False)
    await eventually(lambda: "source_exhausted" in events, "ended")
    assert kit.source_health("feed").restarts == 0


async def test_a_message_that_fails_is_reported_and_the_source_goes_on() -> None:
    kit, events = await kit_with_feed()
    source = QueueSource()
    await kit.attach_source("feed", source)
    await source.put(text("\ud800 broken"))  # refused by the store: a lone surrogate
    await source.put(text("fine"))
    await eventually(lambda: kit.source_health("feed").messages == 2, "both taken")
    await eventually(lambda: kit.source_health("feed").failed_messages == 1, "one failed")
    [error] = events["source_error"]
    assert error.data["message_failed"] is True and "lone surrogate" in error.data["error"]
    await eventually(lambda: len(kit.store._timelines["r"]) == 1, "fine stored")  # type: ignore[attr-defined]
    assert kit.source_health("feed").status is SourceStatus.RUNNING


async def test_attach_errors_are_clear() -> None:
    kit, _ = await kit_with_feed()
    await kit.attach_source("feed", QueueSource())
    with pytest.raises(SourceAlreadyAttachedError, match="feed"):
        await kit.attach_source("feed", QueueSource())
    with pytest.raises(ChannelNotRegisteredError):
        await kit.attach_source("nope", QueueSource())
    with pytest.raises(TypeError, match="SourceProvider"):
        await kit.attach_source("feed", object())  # type: ignore[arg-type]
    with pytest.raises(SourceNotFoundError):
        await kit.detach_source("nope")
    await kit.close()  # stops the attached source
