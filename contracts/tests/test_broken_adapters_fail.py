"""A contract that cannot fail proves nothing: deliberately broken adapters must fail."""

from __future__ import annotations

import pytest

from roomkit_contracts import ConversationStoreContract

HEADER = """
import asyncio
import pytest
from roomkit.plugins.builtin.memory_store import InMemoryStore
from roomkit.plugins.builtin.memory_locks import InMemoryLockManager
from roomkit.plugins.builtin.memory_realtime import InMemoryRealtime
from roomkit.plugins.builtin.mock_ai import MockAIProvider
from roomkit_contracts import (
    AIProviderContract, ConversationStoreContract, RealtimeBackendContract,
    RoomLockManagerContract,
)
"""


def run(pytester: pytest.Pytester, body: str) -> pytest.RunResult:
    pytester.makepyfile(test_broken=HEADER + body)
    return pytester.runpytest_subprocess(
        "-q", "-p", "no:cacheprovider", "-o", "asyncio_mode=strict"
    )


def failed(result: pytest.RunResult) -> set[str]:
    return {
        line.split("::")[-1].split(" ")[0] for line in result.outlines if line.startswith("FAILED")
    }


def test_store_that_reuses_an_index_fails(pytester: pytest.Pytester) -> None:
    result = run(
        pytester,
        """
class ReusesIndex(InMemoryStore):
    async def add_event(self, event):
        stored = await super().add_event(event)
        if stored.index == 3:
            stored = stored.model_copy(update={"index": 2})
        return stored

class TestBroken(ConversationStoreContract):
    @pytest.fixture
    def store(self):
        return ReusesIndex()
""",
    )
    assert {
        "test_indexes_are_assigned_in_order",
        "test_concurrent_appends_are_gap_free_and_unique",
    } <= failed(result)


def test_store_with_a_racy_index_fails(pytester: pytest.Pytester) -> None:
    result = run(
        pytester,
        """
class Racy(InMemoryStore):
    async def add_event(self, event):
        index = await self.get_event_count(event.room_id)
        await asyncio.sleep(0)
        stored = await super().add_event(event)
        return stored.model_copy(update={"index": index})

class TestBroken(ConversationStoreContract):
    @pytest.fixture
    def store(self):
        return Racy()
""",
    )
    assert "test_concurrent_appends_are_gap_free_and_unique" in failed(result)


def test_lock_that_does_not_exclude_fails(pytester: pytest.Pytester) -> None:
    result = run(
        pytester,
        """
import contextlib

class NoLock(InMemoryLockManager):
    def locked(self, room_id):
        return contextlib.nullcontext()

class Leaky(InMemoryLockManager):
    def locked(self, room_id):
        manager = self
        lock = self.__dict__.setdefault("_global", asyncio.Lock())
        class Held:
            async def __aenter__(self):
                await lock.acquire()
            async def __aexit__(self, exc_type, exc, tb):
                if exc_type is None:
                    lock.release()
        return Held()

class TestNoLock(RoomLockManagerContract):
    @pytest.fixture
    def locks(self):
        return NoLock()

class TestLeaky(RoomLockManagerContract):
    @pytest.fixture
    def locks(self):
        return Leaky()
""",
    )
    names = {line for line in result.outlines if line.startswith("FAILED")}
    assert any("TestNoLock::test_one_holder_per_room" in n for n in names)
    assert any("TestLeaky::test_released_when_the_block_raises" in n for n in names)
    assert any("TestLeaky::test_different_rooms_do_not_block_each_other" in n for n in names)


def test_realtime_that_leaks_fails(pytester: pytest.Pytester) -> None:
    result = run(
        pytester,
        """
class Leaks(InMemoryRealtime):
    async def publish(self, event):
        for subs in list(self._by_room.values()):
            for callback in list(subs.values()):
                await callback(event)

class Sticky(InMemoryRealtime):
    async def unsubscribe(self, subscription_id):
        return subscription_id in self._room_of

class TestLeaks(RealtimeBackendContract):
    @pytest.fixture
    def realtime(self):
        return Leaks()

class TestSticky(RealtimeBackendContract):
    @pytest.fixture
    def realtime(self):
        return Sticky()
""",
    )
    names = {line for line in result.outlines if line.startswith("FAILED")}
    assert any("TestLeaks::test_subscribers_get_only_their_rooms_events" in n for n in names)
    assert any("TestLeaks::test_failing_subscriber_does_not_stop_others" in n for n in names)
    assert any("TestSticky::test_nothing_after_unsubscribe" in n for n in names)


def test_ai_stream_without_final_response_fails(pytester: pytest.Pytester) -> None:
    result = run(
        pytester,
        """
from roomkit.domain.ai import AITextDelta

class NoFinal(MockAIProvider):
    async def generate_stream(self, context):
        yield AITextDelta(text="partial")

class TestBroken(AIProviderContract):
    @pytest.fixture
    def provider(self):
        return NoFinal(responses=["partial"])
""",
    )
    assert failed(result) == {"test_stream_is_deltas_then_one_response"}


def test_the_suites_pass_unbroken(pytester: pytest.Pytester) -> None:
    result = run(
        pytester,
        """
class TestFine(ConversationStoreContract):
    @pytest.fixture
    def store(self):
        return InMemoryStore()
""",
    )
    result.assert_outcomes(passed=len(ConversationStoreContract.contract_tests))


def test_missing_fixture_override_says_what_to_do(pytester: pytest.Pytester) -> None:
    result = run(pytester, "class TestForgot(ConversationStoreContract):\n    pass\n")
    result.stdout.fnmatch_lines(["*override the `store` fixture*"])


def test_overriding_a_contract_test_is_refused() -> None:
    with pytest.raises(TypeError, match="overrides contract test"):

        class Weakened(ConversationStoreContract):
            async def test_paging(self, store):  # type: ignore[no-untyped-def, override]
                return None
