"""MemoryProviderContract: what an AI channel may rely on when a memory provider builds its
context: messages (or None for the default), never the current event, nothing from other rooms,
oldest first, and the inputs left as they were."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import pytest

from roomkit.domain.ai import AIMessage
from roomkit.domain.content import TextContent
from roomkit.domain.context import RoomContext
from roomkit.domain.enums import ChannelType, EventStatus
from roomkit.domain.event import EventSource, RoomEvent
from roomkit.domain.room import Room
from roomkit.ports.memory import MemoryProvider
from roomkit_contracts.base import ContractSuite, missing_adapter, scenario_helper

AGENT = "contract-agent"
ROLES = frozenset({"system", "user", "assistant", "tool"})
_EPOCH = datetime(2026, 1, 1, tzinfo=UTC)


class MemoryProviderContract(ContractSuite, port=MemoryProvider, adapter_fixture="memory"):
    """Subclass it and override ``memory`` to return a fresh provider."""

    @pytest.fixture
    def memory(self) -> MemoryProvider:
        """A fresh memory provider (must be overridden)."""
        missing_adapter("memory", "MemoryProvider")

    # capabilities (may be overridden) --------------------------------------------------------
    @property
    def keeps_roles(self) -> bool:
        """True if the provider replays events as messages: the agent's own as ``assistant``,
        everyone else's as ``user``. False for providers that summarise instead."""
        return True

    @property
    def max_messages(self) -> int | None:
        """The most messages the provider returns for a long history (None: no bound)."""
        return None

    # scenario helpers (never overridden) -----------------------------------------------------
    @staticmethod
    @scenario_helper
    def conversation(room_id: str, bodies: list[str], agent_every: int = 2) -> list[RoomEvent]:
        """Stored messages of ``room_id``, oldest first; every ``agent_every``-th is the agent's
        own reply, the others come from a person on a WebSocket."""
        events = []
        for index, body in enumerate(bodies):
            mine = agent_every > 0 and index % agent_every == agent_every - 1
            source = (
                EventSource(channel_id=AGENT, channel_type=ChannelType.AI)
                if mine
                else EventSource(channel_id="contract-ws", channel_type=ChannelType.WEBSOCKET)
            )
            moment = _EPOCH + timedelta(seconds=index)
            events.append(
                RoomEvent(
                    room_id=room_id,
                    index=index,
                    status=EventStatus.DELIVERED,
                    source=source,
                    content=TextContent(body=body),
                    created_at=moment,
                    stored_at=moment,
                )
            )
        return events

    @scenario_helper
    async def recall(
        self, memory: MemoryProvider, room_id: str, history: list[RoomEvent]
    ) -> list[AIMessage] | None:
        """Ask ``memory`` for the context of the last event of ``history`` (the current one)."""
        context = RoomContext(room=Room(id=room_id), recent_events=history[-10:])
        async with asyncio.timeout(10):
            return await memory.retrieve(
                room_id=room_id,
                channel_id=AGENT,
                current=history[-1],
                context=context,
                history=history,
            )

    @staticmethod
    @scenario_helper
    def texts(messages: list[AIMessage] | None) -> list[str]:
        return [m.text for m in messages or []]

    # the contract ----------------------------------------------------------------------------
    @pytest.mark.asyncio
    async def test_returns_messages_or_none(self, memory: MemoryProvider) -> None:
        """retrieve() gives a list of AIMessage, or None to keep the channel's default history.
        If this fails, return ``list[AIMessage]`` (or None), never dicts or strings."""
        got = await self.recall(memory, "r1", self.conversation("r1", ["a", "b", "c"]))
        assert got is None or (
            isinstance(got, list) and all(isinstance(m, AIMessage) for m in got)
        ), f"retrieve() returned {got!r}"

    @pytest.mark.asyncio
    async def test_never_returns_the_current_event(self, memory: MemoryProvider) -> None:
        """The AI channel appends the current event itself; returning it too shows it twice.
        If this fails, drop the event whose id is ``current.id`` from what you return."""
        history = self.conversation("r1", ["first", "second", "the current question"])
        got = await self.recall(memory, "r1", history)
        assert "the current question" not in self.texts(got)

    @pytest.mark.asyncio
    async def test_an_empty_history_is_fine(self, memory: MemoryProvider) -> None:
        """The first message of a room has nothing before it.
        If this fails, handle a history holding only the current event."""
        got = await self.recall(memory, "r1", self.conversation("r1", ["hello"]))
        assert "hello" not in self.texts(got)

    @pytest.mark.asyncio
    async def test_leaves_its_inputs_untouched(self, memory: MemoryProvider) -> None:
        """History and events belong to the channel and its cache.
        If this fails, copy before you filter, sort or trim; never change the list in place."""
        history = self.conversation("r1", [f"m{i}" for i in range(8)])
        before = [e.model_dump() for e in history]
        ids = [e.id for e in history]
        await self.recall(memory, "r1", history)
        assert [e.id for e in history] == ids
        assert [e.model_dump() for e in history] == before

    @pytest.mark.asyncio
    async def test_keeps_rooms_apart(self, memory: MemoryProvider) -> None:
        """One provider serves every room of an agent; one room's talk must not reach another.
        If this fails, key whatever the provider keeps by room_id."""
        await self.recall(memory, "room-a", self.conversation("room-a", ["secret-a1", "a2", "a3"]))
        got = await self.recall(memory, "room-b", self.conversation("room-b", ["b1", "b2", "b3"]))
        assert not [t for t in self.texts(got) if "secret-a1" in t or t in ("a2", "a3")]

    @pytest.mark.asyncio
    async def test_oldest_first(self, memory: MemoryProvider) -> None:
        """Providers read a conversation from its start.
        If this fails, return messages in the order of the history (oldest first)."""
        bodies = [f"turn-{i}" for i in range(6)]
        got = self.texts(await self.recall(memory, "r1", self.conversation("r1", bodies)))
        replayed = [t for t in got if t in bodies]
        assert replayed == sorted(replayed, key=bodies.index)

    @pytest.mark.asyncio
    async def test_roles_are_known(self, memory: MemoryProvider) -> None:
        """Providers accept system, user, assistant and tool turns only.
        If this fails, map every message to one of those roles."""
        got = await self.recall(memory, "r1", self.conversation("r1", ["a", "b", "c", "d"]))
        assert {m.role for m in got or []} <= ROLES

    @pytest.mark.asyncio
    async def test_own_replies_are_the_assistant(self, memory: MemoryProvider) -> None:
        """An agent that reads its own replies as the user's would argue with itself.
        If this fails, replay ``channel_id``'s events as ``assistant`` and others as ``user``
        (or set ``keeps_roles = False`` if the provider summarises)."""
        if not self.keeps_roles:
            pytest.skip("the provider summarises instead of replaying events")
        history = self.conversation("r1", ["question", "answer", "follow-up", "current"])
        got = await self.recall(memory, "r1", history)
        roles = {m.text: m.role for m in got or []}
        assert roles.get("answer") == "assistant"
        assert roles.get("question") == roles.get("follow-up") == "user"

    @pytest.mark.asyncio
    async def test_respects_its_bound(self, memory: MemoryProvider) -> None:
        """A bounded memory keeps a long room's context bounded.
        If this fails, trim to ``max_messages`` (the newest ones) or fix the declared bound."""
        if self.max_messages is None:
            pytest.skip("the provider declares no bound")
        history = self.conversation("r1", [f"m{i}" for i in range(self.max_messages * 3 + 2)])
        got = await self.recall(memory, "r1", history)
        assert len(got or []) <= self.max_messages

    @pytest.mark.asyncio
    async def test_concurrent_calls_answer_like_sequential_ones(
        self, memory: MemoryProvider
    ) -> None:
        """Agents answer in many rooms at once.
        If this fails, do not share per-call state between concurrent retrieve() calls."""
        rooms = {
            f"room-{n}": self.conversation(f"room-{n}", [f"{n}-{i}" for i in range(5)])
            for n in range(6)
        }
        sequential = {r: self.texts(await self.recall(memory, r, h)) for r, h in rooms.items()}
        together = await asyncio.gather(*(self.recall(memory, r, h) for r, h in rooms.items()))
        assert {r: self.texts(g) for r, g in zip(rooms, together, strict=True)} == sequential
