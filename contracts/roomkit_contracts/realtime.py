"""RealtimeBackendContract: per-room fan-out of ephemeral events."""

from __future__ import annotations

import asyncio

import pytest

from roomkit.domain.enums import EphemeralEventType
from roomkit.domain.realtime import EphemeralEvent
from roomkit.ports.realtime import RealtimeBackend
from roomkit_contracts.base import ContractSuite

pytestmark = [pytest.mark.contract]


class RealtimeBackendContract(ContractSuite):
    """Subclass it and override the ``realtime`` fixture to return a fresh backend."""

    @pytest.fixture
    def realtime(self) -> RealtimeBackend:
        pytest.fail("override the `realtime` fixture to return a fresh RealtimeBackend")

    @property
    def delivery_delay(self) -> float:
        """Seconds to wait for a published event to arrive (0 for in-process backends)."""
        return 0.0

    @property
    def isolates_subscriber_errors(self) -> bool:
        return True

    @staticmethod
    def typing(room_id: str, user: str = "alice") -> EphemeralEvent:
        return EphemeralEvent(room_id=room_id, type=EphemeralEventType.TYPING_START, user_id=user)

    async def settle(self) -> None:
        await asyncio.sleep(self.delivery_delay)

    @pytest.mark.asyncio
    async def test_subscribers_get_only_their_rooms_events(self, realtime: RealtimeBackend) -> None:
        """If this fails, events leak across rooms."""
        got_a: list[EphemeralEvent] = []
        got_b: list[EphemeralEvent] = []

        async def on_a(event: EphemeralEvent) -> None:
            got_a.append(event)

        async def on_b(event: EphemeralEvent) -> None:
            got_b.append(event)

        await realtime.subscribe("a", on_a)
        await realtime.subscribe("b", on_b)
        event = self.typing("a")
        await realtime.publish(event)
        await self.settle()
        assert [e.id for e in got_a] == [event.id] and got_b == []

    @pytest.mark.asyncio
    async def test_every_subscriber_of_a_room_receives(self, realtime: RealtimeBackend) -> None:
        """If this fails, only one subscriber per room is served."""
        got: list[str] = []
        for name in ("one", "two", "three"):

            async def callback(event: EphemeralEvent, name: str = name) -> None:
                got.append(name)

            await realtime.subscribe("a", callback)
        await realtime.publish(self.typing("a"))
        await self.settle()
        assert sorted(got) == ["one", "three", "two"]

    @pytest.mark.asyncio
    async def test_nothing_after_unsubscribe(self, realtime: RealtimeBackend) -> None:
        """If this fails, unsubscribe does not stop delivery."""
        got: list[EphemeralEvent] = []

        async def callback(event: EphemeralEvent) -> None:
            got.append(event)

        sub = await realtime.subscribe("a", callback)
        await realtime.publish(self.typing("a"))
        await self.settle()
        assert await realtime.unsubscribe(sub) is True
        await realtime.publish(self.typing("a"))
        await self.settle()
        assert len(got) == 1
        assert await realtime.unsubscribe(sub) is False
        assert await realtime.unsubscribe("never-existed") is False

    @pytest.mark.asyncio
    async def test_failing_subscriber_does_not_stop_others(self, realtime: RealtimeBackend) -> None:
        """If this fails, one raising callback starves the other subscribers."""
        if not self.isolates_subscriber_errors:
            pytest.skip("this backend declares isolates_subscriber_errors = False")
        got: list[EphemeralEvent] = []

        async def broken(event: EphemeralEvent) -> None:
            raise RuntimeError("subscriber bug")

        async def healthy(event: EphemeralEvent) -> None:
            got.append(event)

        await realtime.subscribe("a", broken)
        await realtime.subscribe("a", healthy)
        await realtime.publish(self.typing("a"))
        await self.settle()
        assert len(got) == 1
