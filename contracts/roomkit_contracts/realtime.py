"""RealtimeBackendContract: per-room fan-out of ephemeral events."""

from __future__ import annotations

import asyncio

import pytest

from roomkit.domain.enums import EphemeralEventType
from roomkit.domain.realtime import EphemeralEvent
from roomkit.ports.realtime import RealtimeBackend
from roomkit_contracts.base import ContractSuite, missing_adapter, scenario_helper


class Inbox:
    """What one subscriber received; ``callback`` is what the suite subscribes."""

    def __init__(self) -> None:
        self.events: list[EphemeralEvent] = []
        self._changed = asyncio.Event()

    async def callback(self, event: EphemeralEvent) -> None:
        self.events.append(event)
        self._changed.set()

    @property
    def ids(self) -> list[str]:
        return [e.id for e in self.events]

    async def wait_for(self, count: int, within: float) -> None:
        """Wait until ``count`` events arrived; fail the test after ``within`` seconds."""
        try:
            async with asyncio.timeout(within):
                while len(self.events) < count:
                    self._changed.clear()
                    await self._changed.wait()
        except TimeoutError:
            pytest.fail(f"expected {count} event(s) within {within}s, got {len(self.events)}")


class RealtimeBackendContract(ContractSuite, port=RealtimeBackend, adapter_fixture="realtime"):
    """Subclass it and override the ``realtime`` fixture to return a fresh backend.

    A backend that delivers across processes (Redis pub/sub, ...) sets ``process_local = False``
    and overrides ``peer_realtime`` with a second backend on the same bus.
    """

    @pytest.fixture
    def realtime(self) -> RealtimeBackend:
        """A fresh RealtimeBackend with no subscriptions (must be overridden)."""
        missing_adapter("realtime", "RealtimeBackend")

    @pytest.fixture
    def peer_realtime(self) -> RealtimeBackend | None:
        """A second backend on the same bus as ``realtime`` (needed if not process_local)."""
        return None

    # capabilities (may be overridden) --------------------------------------------------------
    @property
    def process_local(self) -> bool:
        """True if events only reach subscribers of this process (and of this instance)."""
        return True

    @property
    def isolates_subscriber_errors(self) -> bool:
        """True if a subscriber that raises does not keep the event from the others."""
        return True

    @property
    def delivery_timeout(self) -> float:
        """Seconds an expected event may take to arrive."""
        return 2.0

    @property
    def quiet_period(self) -> float:
        """Seconds to wait before concluding that an event will not arrive."""
        return 0.0 if self.process_local else 0.25

    # scenario helpers (never overridden) -----------------------------------------------------
    @staticmethod
    @scenario_helper
    def typing(room_id: str, user: str = "alice", **data: object) -> EphemeralEvent:
        """A typing-start event in ``room_id`` (``data`` as keywords)."""
        return EphemeralEvent(
            room_id=room_id, type=EphemeralEventType.TYPING_START, user_id=user, data=data
        )

    @scenario_helper
    async def inbox(self, realtime: RealtimeBackend, room_id: str) -> tuple[Inbox, str]:
        """Subscribe a fresh :class:`Inbox` to ``room_id``; return it and the subscription id."""
        inbox = Inbox()
        return inbox, await realtime.subscribe(room_id, inbox.callback)

    @scenario_helper
    async def wait(self, inbox: Inbox, count: int) -> None:
        """Wait for ``count`` events in ``inbox`` (within :attr:`delivery_timeout`)."""
        await inbox.wait_for(count, self.delivery_timeout)

    @scenario_helper
    async def settle(self) -> None:
        """Give events that should *not* arrive the time to arrive anyway."""
        await asyncio.sleep(self.quiet_period)
        for _ in range(5):
            await asyncio.sleep(0)

    # the adapter -----------------------------------------------------------------------------
    @pytest.mark.asyncio
    async def test_adapter_implements_the_port(self, realtime: RealtimeBackend) -> None:
        """The fixture returns a RealtimeBackend.

        If this fails, subclass roomkit.ports.realtime.RealtimeBackend (RoomKit checks it).
        """
        assert isinstance(realtime, RealtimeBackend), f"{type(realtime)!r}"

    # delivery --------------------------------------------------------------------------------
    @pytest.mark.asyncio
    async def test_subscriber_receives_the_event_intact(self, realtime: RealtimeBackend) -> None:
        """A subscriber gets the published event with every field as published.

        If this fails, the backend lost or changed fields on the way (check serialization).
        """
        inbox, _ = await self.inbox(realtime, "a")
        event = EphemeralEvent(
            room_id="a",
            type=EphemeralEventType.REACTION,
            user_id="bob",
            channel_id="ws",
            data={"emoji": "+1", "target": {"event_id": "e1", "n": 2}},
        )
        await realtime.publish(event)
        await self.wait(inbox, 1)
        [got] = inbox.events
        assert got == event, f"published {event!r}, received {got!r}"

    @pytest.mark.asyncio
    async def test_subscription_ids_are_distinct(self, realtime: RealtimeBackend) -> None:
        """Every subscribe() returns a new subscription id, also for the same room and callback.

        If this fails, subscription ids collide and unsubscribe would stop the wrong subscriber.
        """
        inbox = Inbox()
        ids = [await realtime.subscribe("a", inbox.callback) for _ in range(3)]
        ids.append(await realtime.subscribe("b", inbox.callback))
        assert len(set(ids)) == 4, f"subscription ids repeat: {ids}"

    @pytest.mark.asyncio
    async def test_subscribers_get_only_their_rooms_events(self, realtime: RealtimeBackend) -> None:
        """A subscriber of room a gets a's events, never b's.

        If this fails, events leak across rooms: route publish() by event.room_id.
        """
        inbox_a, _ = await self.inbox(realtime, "a")
        inbox_b, _ = await self.inbox(realtime, "b")
        for_a, for_b = self.typing("a"), self.typing("b")
        await realtime.publish(for_a)
        await realtime.publish(for_b)
        await self.wait(inbox_a, 1)
        await self.wait(inbox_b, 1)
        await self.settle()
        assert inbox_a.ids == [for_a.id], "room a got another room's event"
        assert inbox_b.ids == [for_b.id], "room b got another room's event"

    @pytest.mark.asyncio
    async def test_every_subscriber_of_a_room_receives(self, realtime: RealtimeBackend) -> None:
        """All subscribers of one room receive each event once.

        If this fails, only one subscriber per room is served or some get duplicates.
        """
        inboxes = [(await self.inbox(realtime, "a"))[0] for _ in range(3)]
        event = self.typing("a")
        await realtime.publish(event)
        for inbox in inboxes:
            await self.wait(inbox, 1)
        await self.settle()
        assert [inbox.ids for inbox in inboxes] == [[event.id]] * 3

    @pytest.mark.asyncio
    async def test_events_arrive_in_publish_order(self, realtime: RealtimeBackend) -> None:
        """Events published one after the other to a room arrive in that order.

        If this fails, the backend reorders a room's events (e.g. one task per event).
        """
        inbox, _ = await self.inbox(realtime, "a")
        events = [self.typing("a", n=i) for i in range(10)]
        for event in events:
            await realtime.publish(event)
        await self.wait(inbox, 10)
        assert inbox.ids == [e.id for e in events]

    @pytest.mark.asyncio
    async def test_publish_without_subscribers_is_fine(self, realtime: RealtimeBackend) -> None:
        """Publishing to a room nobody listens to does nothing and does not raise.

        If this fails, publish() must tolerate rooms without subscribers.
        """
        await realtime.publish(self.typing("empty-room"))
        inbox, _ = await self.inbox(realtime, "empty-room")
        await self.settle()
        assert inbox.events == [], "an event published before subscribing was replayed"

    # unsubscribe -----------------------------------------------------------------------------
    @pytest.mark.asyncio
    async def test_nothing_after_unsubscribe(self, realtime: RealtimeBackend) -> None:
        """After unsubscribe() the callback gets nothing; the first unsubscribe returns True.

        If this fails, unsubscribe does not remove the callback from the room's fan-out.
        """
        inbox, sub = await self.inbox(realtime, "a")
        first = self.typing("a")
        await realtime.publish(first)
        await self.wait(inbox, 1)
        assert await realtime.unsubscribe(sub) is True
        await realtime.publish(self.typing("a"))
        await self.settle()
        assert inbox.ids == [first.id], "an event arrived after unsubscribe"

    @pytest.mark.asyncio
    async def test_unsubscribe_unknown_id_is_false(self, realtime: RealtimeBackend) -> None:
        """unsubscribe() of an id never issued, or already unsubscribed, returns False.

        If this fails, unsubscribe must return whether the subscription existed.
        """
        _, sub = await self.inbox(realtime, "a")
        assert await realtime.unsubscribe("never-issued") is False
        assert await realtime.unsubscribe(sub) is True
        assert await realtime.unsubscribe(sub) is False

    @pytest.mark.asyncio
    async def test_unsubscribing_one_keeps_the_others(self, realtime: RealtimeBackend) -> None:
        """Unsubscribing one subscriber of a room leaves the room's other subscribers served.

        If this fails, unsubscribe dropped the whole room instead of one subscription.
        """
        gone, sub = await self.inbox(realtime, "a")
        kept, _ = await self.inbox(realtime, "a")
        assert await realtime.unsubscribe(sub) is True
        event = self.typing("a")
        await realtime.publish(event)
        await self.wait(kept, 1)
        await self.settle()
        assert kept.ids == [event.id] and gone.events == []

    # errors ----------------------------------------------------------------------------------
    @pytest.mark.asyncio
    async def test_failing_subscriber_does_not_stop_others(self, realtime: RealtimeBackend) -> None:
        """A subscriber that raises neither reaches publish() nor starves other subscribers.

        If this fails, catch (and log) each callback's exception separately in the fan-out.
        """
        if not self.isolates_subscriber_errors:
            pytest.skip("isolates_subscriber_errors = False for this backend")

        async def broken(event: EphemeralEvent) -> None:
            raise RuntimeError("subscriber bug")

        before, _ = await self.inbox(realtime, "a")
        await realtime.subscribe("a", broken)
        after, _ = await self.inbox(realtime, "a")
        await realtime.publish(self.typing("a"))
        await self.wait(before, 1)
        await self.wait(after, 1)
        await realtime.publish(self.typing("a"))
        await self.wait(after, 2)

    # across processes ------------------------------------------------------------------------
    @pytest.mark.asyncio
    async def test_events_reach_subscribers_of_a_peer(
        self, realtime: RealtimeBackend, peer_realtime: RealtimeBackend | None
    ) -> None:
        """A subscriber on a second backend instance gets events of its room only.

        If this fails, publish() only fans out locally: send through the shared bus.
        """
        if self.process_local:
            pytest.skip("process_local = True: events stay in one process")
        if peer_realtime is None:
            pytest.fail(
                "process_local = False: override `peer_realtime` to return a second backend on "
                "the same bus",
                pytrace=False,
            )
        remote, _ = await self.inbox(peer_realtime, "a")
        other_room, _ = await self.inbox(peer_realtime, "b")
        event = self.typing("a")
        await realtime.publish(event)
        await self.wait(remote, 1)
        await self.settle()
        assert remote.ids == [event.id] and other_room.events == []
