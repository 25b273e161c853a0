"""Every built-in adapter passes its port's contract suite."""

from __future__ import annotations

import pytest

from roomkit.domain.ai import AIMessage
from roomkit.domain.context import RoomContext
from roomkit.domain.conversation import ConversationState, set_conversation_state
from roomkit.domain.enums import IdentificationStatus
from roomkit.domain.event import RoomEvent
from roomkit.domain.identity import Identity
from roomkit.domain.room import Room
from roomkit.memory.sliding_window import SlidingWindowMemory
from roomkit.orchestration.handoff import HandoffMemoryProvider
from roomkit.plugins.builtin.memory_locks import InMemoryLockManager
from roomkit.plugins.builtin.memory_realtime import InMemoryRealtime
from roomkit.plugins.builtin.memory_store import InMemoryStore
from roomkit.plugins.builtin.mock_ai import MockAIProvider
from roomkit.plugins.builtin.mock_identity import MockIdentityResolver
from roomkit.plugins.builtin.queue_source import QueueSource
from roomkit.ports.ai import AIProvider
from roomkit.ports.memory import MemoryProvider
from roomkit_contracts import (
    AIProviderContract,
    ConversationStoreContract,
    IdentityResolverContract,
    IdentityScenario,
    MemoryProviderContract,
    RealtimeBackendContract,
    RoomLockManagerContract,
    SourceProviderContract,
    SourceScenario,
)
from roomkit_contracts.memory import AGENT


class TestInMemoryStore(ConversationStoreContract):
    @pytest.fixture
    def store(self) -> InMemoryStore:
        return InMemoryStore()


class TestQueueSource(SourceProviderContract):
    @pytest.fixture
    def source_scenario(self) -> SourceScenario:
        from roomkit.domain.content import TextContent
        from roomkit.domain.inbound import InboundMessage

        source = QueueSource()

        async def feed(bodies: list[str]) -> None:
            for body in bodies:
                await source.put(
                    InboundMessage(channel_id="q", sender_id="u", content=TextContent(body=body))
                )

        return SourceScenario(source, feed)


class TestInMemoryLockManager(RoomLockManagerContract):
    @pytest.fixture
    def lock_manager(self) -> InMemoryLockManager:
        return InMemoryLockManager()


class TestInMemoryRealtime(RealtimeBackendContract):
    @pytest.fixture
    def realtime(self) -> InMemoryRealtime:
        return InMemoryRealtime()


class TestMockIdentityResolver(IdentityResolverContract):
    @pytest.fixture
    def identity_scenario(self) -> IdentityScenario:
        resolver = MockIdentityResolver(
            {"+15550001": Identity(id="user-1", display_name="Ann")},
            default_status=IdentificationStatus.UNKNOWN,
        )
        return IdentityScenario(
            resolver=resolver,
            known_sender_id="+15550001",
            unknown_sender_id="+15559999",
            known_identity_id="user-1",
        )


class TestMockIdentityResolverPendingByDefault(IdentityResolverContract):
    """Unknown senders may come back with any status but IDENTIFIED."""

    @pytest.fixture
    def identity_scenario(self) -> IdentityScenario:
        resolver = MockIdentityResolver(
            {"ann": Identity(id="user-1")}, default_status=IdentificationStatus.PENDING
        )
        return IdentityScenario(resolver, known_sender_id="ann", unknown_sender_id="bob")


class TestMockAIProvider(AIProviderContract):
    supports_vision = True

    @pytest.fixture
    def provider(self) -> AIProvider:
        return MockAIProvider(responses=["Hello there, friend"])

    @pytest.fixture
    def scripted_tool_call_provider(self) -> AIProvider:
        return MockAIProvider(
            responses=[MockAIProvider.tool_call("get_weather", {"city": "Paris"})]
        )


class TestStreamingMockAIProvider(AIProviderContract):
    supports_streaming = True
    supports_vision = True

    @pytest.fixture
    def provider(self) -> AIProvider:
        return MockAIProvider(responses=["Streamed in small pieces"], streaming=True, chunk_size=3)

    @pytest.fixture
    def scripted_tool_call_provider(self) -> AIProvider:
        return MockAIProvider(
            responses=[MockAIProvider.tool_call("get_weather", {"city": "Oslo"}, content="Let me")],
            streaming=True,
        )


class TestSlidingWindowMemory(MemoryProviderContract):
    max_messages = 4

    @pytest.fixture
    def memory(self) -> MemoryProvider:
        return SlidingWindowMemory(max_events=4)


class TestHandoffMemoryProvider(MemoryProviderContract):
    """The handoff wrapper keeps its inner provider's contract (rooms without a handoff)."""

    max_messages = 6

    @pytest.fixture
    def memory(self) -> MemoryProvider:
        return HandoffMemoryProvider(SlidingWindowMemory(max_events=6))


def handed_over(room_id: str, to_agent: str) -> Room:
    """A room whose conversation triage handed to ``to_agent``, with a reason and a summary."""
    state = ConversationState(active_agent_id="triage").transition(
        to_agent=to_agent, reason="billing question", metadata={"summary": "charged twice"}
    )
    return set_conversation_state(Room(id=room_id), state)


async def recall_handoff(room: Room, history: list[RoomEvent]) -> list[AIMessage] | None:
    """What HandoffMemoryProvider over a sliding window gives the contract's agent."""
    memory = HandoffMemoryProvider(SlidingWindowMemory(max_events=6))
    return await memory.retrieve(
        room_id=room.id,
        channel_id=AGENT,
        current=history[-1],
        context=RoomContext(room=room, recent_events=history),
        history=history,
    )


@pytest.mark.asyncio
async def test_handoff_note_comes_first() -> None:
    """The agent taking over reads who handed over, why and the summary before the history."""
    history = MemoryProviderContract.conversation("r1", ["hi", "hello", "current"])
    got = await recall_handoff(handed_over("r1", AGENT), history)
    assert got is not None
    note, *rest = got
    assert note.role == "system"
    assert all(part in note.text for part in ("triage", "billing question", "charged twice"))
    assert [(m.role, m.text) for m in rest] == [("user", "hi"), ("assistant", "hello")]


@pytest.mark.asyncio
async def test_no_handoff_note_for_another_agent() -> None:
    """A handoff to someone else is not this agent's business."""
    history = MemoryProviderContract.conversation("r1", ["hi", "hello", "current"])
    got = await recall_handoff(handed_over("r1", "billing-agent"), history)
    assert [m.text for m in got or []] == ["hi", "hello"]
