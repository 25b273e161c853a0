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
from roomkit_contracts import (
    AIProviderContract,
    ConversationStoreContract,
    IdentityResolverContract,
    IdentityScenario,
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
