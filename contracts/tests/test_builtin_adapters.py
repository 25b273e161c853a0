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
    RealtimeBackendContract,
    RoomLockManagerContract,
)


class TestInMemoryStore(ConversationStoreContract):
    @pytest.fixture
    def store(self) -> InMemoryStore:
        return InMemoryStore()


class TestInMemoryLockManager(RoomLockManagerContract):
    @pytest.fixture
    def locks(self) -> InMemoryLockManager:
        return InMemoryLockManager()


class TestInMemoryRealtime(RealtimeBackendContract):
    @pytest.fixture
    def realtime(self) -> InMemoryRealtime:
        return InMemoryRealtime()


class TestMockIdentityResolver(IdentityResolverContract):
    @pytest.fixture
    def resolver(self) -> MockIdentityResolver:
        return MockIdentityResolver(
            {self.known_sender: Identity(id=self.known_identity_id, display_name="Ann")},
            default_status=IdentificationStatus.UNKNOWN,
        )


class TestMockAIProvider(AIProviderContract):
    @pytest.fixture
    def provider(self) -> AIProvider:
        return MockAIProvider(responses=["Hello there, friend"])

    @pytest.fixture
    def tool_call_provider(self) -> AIProvider:
        return MockAIProvider(
            responses=[MockAIProvider.tool_call("get_weather", {"city": "Paris"})]
        )


class TestStreamingMockAIProvider(AIProviderContract):
    @pytest.fixture
    def provider(self) -> AIProvider:
        return MockAIProvider(responses=["Streamed in small pieces"], streaming=True, chunk_size=3)

    @pytest.fixture
    def tool_call_provider(self) -> AIProvider:
        return MockAIProvider(
            responses=[MockAIProvider.tool_call("get_weather", {"city": "Oslo"})], streaming=True
        )
