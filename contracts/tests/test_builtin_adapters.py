"""Every built-in adapter passes its port's contract suite."""

from __future__ import annotations

import pytest

from roomkit.domain.enums import IdentificationStatus
from roomkit.domain.identity import Identity
from roomkit.plugins.builtin.memory_locks import InMemoryLockManager
from roomkit.plugins.builtin.memory_realtime import InMemoryRealtime
from roomkit.plugins.builtin.memory_store import InMemoryStore
from roomkit.plugins.builtin.mock_ai import MockAIProvider
from roomkit.plugins.builtin.mock_identity import MockIdentityResolver
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
)


class TestInMemoryStore(ConversationStoreContract):
    @pytest.fixture
    def store(self) -> InMemoryStore:
        return InMemoryStore()


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
        from roomkit.memory.sliding_window import SlidingWindowMemory

        return SlidingWindowMemory(max_events=4)


class TestHandoffMemoryProvider(MemoryProviderContract):
    """The handoff wrapper keeps its inner provider's contract (rooms without a handoff)."""

    max_messages = 6

    @pytest.fixture
    def memory(self) -> MemoryProvider:
        from roomkit.memory.sliding_window import SlidingWindowMemory
        from roomkit.orchestration.handoff import HandoffMemoryProvider

        return HandoffMemoryProvider(SlidingWindowMemory(max_events=6))
