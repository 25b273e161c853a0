"""MemoryProviderContract: what an AI channel relies on when a memory provider builds context."""

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
"""The AI channel the suite asks for (``channel_id``)."""

PEER_AGENT = "contract-peer-agent"
"""A second AI channel in the same rooms."""

PERSON = "contract-ws"
"""The channel people write from."""

ROLES = frozenset({"system", "user", "assistant", "tool"})
_EPOCH = datetime(2026, 1, 1, tzinfo=UTC)


class MemoryProviderContract(ContractSuite, port=MemoryProvider, adapter_fixture="memory"):
    """Subclass it and override the ``memory`` fixture to return a fresh memory provider.

    A provider that summarises instead of replaying events one by one sets ``keeps_roles =
    False``; one that caps its answer declares the cap in ``max_messages``.
    """

    @pytest.fixture
    def memory(self) -> MemoryProvider:
        """A fresh MemoryProvider (must be overridden)."""
        missing_adapter("memory", "MemoryProvider")

    # capabilities (may be overridden) --------------------------------------------------------
    @property
    def keeps_roles(self) -> bool:
        """True if earlier events come back as messages: the agent's own as ``assistant``."""
        return True

    @property
    def max_messages(self) -> int | None:
        """The most messages the provider returns for a long history (None: no bound)."""
        return None

    @property
    def timeout(self) -> float:
        """Seconds one retrieve() may take."""
        return 10.0

    # scenario helpers (never overridden) -----------------------------------------------------
    @staticmethod
    @scenario_helper
    def said(room_id: str, index: int, body: str, by: str = PERSON) -> RoomEvent:
        """A stored text message of ``room_id``; ``by`` is a person's channel or an AI one."""
        kind = ChannelType.WEBSOCKET if by == PERSON else ChannelType.AI
        moment = _EPOCH + timedelta(seconds=index)
        return RoomEvent(
            room_id=room_id,
            index=index,
            status=EventStatus.DELIVERED,
            source=EventSource(channel_id=by, channel_type=kind),
            content=TextContent(body=body),
            created_at=moment,
            stored_at=moment,
        )

    @staticmethod
    @scenario_helper
    def conversation(room_id: str, bodies: list[str], agent_every: int = 2) -> list[RoomEvent]:
        """Messages of ``room_id``, oldest first; every ``agent_every``-th is :data:`AGENT`'s."""
        return [
            MemoryProviderContract.said(
                room_id,
                index,
                body,
                AGENT if agent_every > 0 and index % agent_every == agent_every - 1 else PERSON,
            )
            for index, body in enumerate(bodies)
        ]

    @scenario_helper
    async def recall(
        self,
        memory: MemoryProvider,
        room_id: str,
        history: list[RoomEvent],
        channel_id: str = AGENT,
        context: RoomContext | None = None,
    ) -> list[AIMessage] | None:
        """``retrieve()`` for the last event of ``history`` (the current one), within a timeout."""
        if context is None:
            context = RoomContext(room=Room(id=room_id), recent_events=history[-10:])
        async with asyncio.timeout(self.timeout):
            return await memory.retrieve(
                room_id=room_id,
                channel_id=channel_id,
                current=history[-1],
                context=context,
                history=history,
            )

    @staticmethod
    @scenario_helper
    def texts(messages: list[AIMessage] | None) -> list[str]:
        """The text of each message (none for None)."""
        return [m.text for m in messages or []]

    @staticmethod
    @scenario_helper
    def roles(messages: list[AIMessage] | None) -> dict[str, str]:
        """Each message's role, by its text."""
        return {m.text: m.role for m in messages or []}

    # the contract ----------------------------------------------------------------------------
    @pytest.mark.asyncio
    async def test_adapter_implements_the_port(self, memory: MemoryProvider) -> None:
        """The fixture returns a MemoryProvider.

        If this fails, subclass roomkit.ports.memory.MemoryProvider (RoomKit checks it).
        """
        assert isinstance(memory, MemoryProvider), f"{type(memory)!r} is no MemoryProvider"

    @pytest.mark.asyncio
    async def test_returns_messages_or_none(self, memory: MemoryProvider) -> None:
        """retrieve() gives AIMessages, or None to keep the channel's default history.

        If this fails, return ``list[AIMessage]`` (or None), never dicts or strings.
        """
        got = await self.recall(memory, "r1", self.conversation("r1", ["a", "b", "c"]))
        assert got is None or (
            isinstance(got, list) and all(isinstance(m, AIMessage) for m in got)
        ), f"retrieve() returned {got!r}"

    @pytest.mark.asyncio
    async def test_never_returns_the_current_event(self, memory: MemoryProvider) -> None:
        """The AI channel appends the current event itself; returning it too shows it twice.

        If this fails, leave out the event whose id is ``current.id``.
        """
        history = self.conversation("r1", ["first", "second", "the current question"])
        got = await self.recall(memory, "r1", history)
        assert "the current question" not in self.texts(got)

    @pytest.mark.asyncio
    async def test_an_empty_history_is_fine(self, memory: MemoryProvider) -> None:
        """A room's first message has nothing before it.

        If this fails, handle a history that holds only the current event.
        """
        got = await self.recall(memory, "r1", self.conversation("r1", ["hello"]))
        assert got is None or isinstance(got, list), f"retrieve() returned {got!r}"
        assert "hello" not in self.texts(got)

    @pytest.mark.asyncio
    async def test_leaves_its_inputs_untouched(self, memory: MemoryProvider) -> None:
        """The history, its events and the room context belong to the channel and its caches.

        If this fails, copy before you filter, sort or trim, and keep notes outside the room.
        """
        history = self.conversation("r1", [f"m{i}" for i in range(8)])
        context = RoomContext(room=Room(id="r1"), recent_events=list(history))
        before = ([e.model_dump() for e in history], context.model_dump())
        ids = [e.id for e in history]
        await self.recall(memory, "r1", history, context=context)
        assert [e.id for e in history] == ids, "the history list was changed"
        assert [e.model_dump() for e in history] == before[0], "an event was changed"
        assert context.model_dump() == before[1], "the room context was changed"

    @pytest.mark.asyncio
    async def test_keeps_rooms_apart(self, memory: MemoryProvider) -> None:
        """One provider serves every room of an agent; one room's talk must not reach another.

        If this fails, key whatever the provider keeps by room_id.
        """
        room_a = self.conversation("room-a", ["alpha-1", "alpha-2", "alpha-3"])
        await self.recall(memory, "room-a", room_a)
        got = await self.recall(memory, "room-b", self.conversation("room-b", ["b1", "b2", "b3"]))
        leaked = [t for t in self.texts(got) if "alpha" in t]
        assert not leaked, f"room-b was given room-a's messages: {leaked!r}"

    @pytest.mark.asyncio
    async def test_oldest_first(self, memory: MemoryProvider) -> None:
        """Providers read a conversation from its start.

        If this fails, return messages in the order of the history (oldest first).
        """
        bodies = [f"turn-{i}" for i in range(6)]
        got = self.texts(await self.recall(memory, "r1", self.conversation("r1", bodies)))
        replayed = [t for t in got if t in bodies]
        assert replayed == sorted(replayed, key=bodies.index), f"out of order: {replayed!r}"

    @pytest.mark.asyncio
    async def test_roles_are_known(self, memory: MemoryProvider) -> None:
        """Providers accept system, user, assistant and tool turns only.

        If this fails, give every message one of those roles.
        """
        got = await self.recall(memory, "r1", self.conversation("r1", ["a", "b", "c", "d"]))
        assert {m.role for m in got or []} <= ROLES

    @pytest.mark.asyncio
    async def test_own_replies_are_the_assistant(self, memory: MemoryProvider) -> None:
        """An agent that reads its own replies as the user's argues with itself.

        If this fails, replay ``channel_id``'s events as ``assistant`` and others as ``user``
        (or set ``keeps_roles = False`` if the provider summarises).
        """
        if not self.keeps_roles:
            pytest.skip("keeps_roles = False: the provider summarises instead of replaying")
        history = self.conversation("r1", ["question", "answer", "follow-up", "current"])
        roles = self.roles(await self.recall(memory, "r1", history))
        assert roles.get("answer") == "assistant", f"roles: {roles!r}"
        assert roles.get("question") == roles.get("follow-up") == "user", f"roles: {roles!r}"

    @pytest.mark.asyncio
    async def test_each_agent_reads_as_itself(self, memory: MemoryProvider) -> None:
        """Agents of one room share a provider; each one's replies are its own, not the other's.

        If this fails, key roles (and any cache of them) by channel_id, not only by event.
        """
        if not self.keeps_roles:
            pytest.skip("keeps_roles = False: the provider summarises instead of replaying")
        history = [
            self.said("r1", 0, "question"),
            self.said("r1", 1, "mine", AGENT),
            self.said("r1", 2, "theirs", PEER_AGENT),
            self.said("r1", 3, "current"),
        ]
        own = self.roles(await self.recall(memory, "r1", history))
        peer = self.roles(await self.recall(memory, "r1", history, channel_id=PEER_AGENT))
        assert (own.get("mine"), own.get("theirs")) == ("assistant", "user"), f"{own!r}"
        assert (peer.get("mine"), peer.get("theirs")) == ("user", "assistant"), f"{peer!r}"

    @pytest.mark.asyncio
    async def test_respects_its_bound(self, memory: MemoryProvider) -> None:
        """A bounded memory keeps a long room's context (and its cost) bounded.

        If this fails, trim to ``max_messages`` (keep the newest) or fix the declared bound.
        """
        if self.max_messages is None:
            pytest.skip("max_messages = None: the provider declares no bound")
        history = self.conversation("r1", [f"m{i}" for i in range(self.max_messages * 3 + 2)])
        got = await self.recall(memory, "r1", history)
        assert len(got or []) <= self.max_messages, f"{len(got or [])} messages"

    @pytest.mark.asyncio
    async def test_concurrent_calls_answer_like_sequential_ones(
        self, memory: MemoryProvider
    ) -> None:
        """Agents answer in many rooms at once.

        If this fails, keep per-call state in locals, not on the provider.
        """
        rooms = {
            f"room-{n}": self.conversation(f"room-{n}", [f"{n}-{i}" for i in range(5)])
            for n in range(6)
        }
        sequential = {r: self.texts(await self.recall(memory, r, h)) for r, h in rooms.items()}
        together = await asyncio.gather(*(self.recall(memory, r, h) for r, h in rooms.items()))
        assert {r: self.texts(g) for r, g in zip(rooms, together, strict=True)} == sequential
