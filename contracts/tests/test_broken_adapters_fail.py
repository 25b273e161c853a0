"""A contract that cannot fail proves nothing: deliberately broken adapters must fail it.

Each test writes broken adapters (mostly a built-in adapter with one behaviour broken) into a
pytester sandbox, runs their suites in asyncio strict mode and checks exactly which contract tests
fail.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

RunSuite = Callable[..., Any]

HEADER = """
import asyncio
import contextlib

import pytest

from roomkit.domain.ai import AIResponse, AITextDelta
from roomkit.domain.enums import IdentificationStatus
from roomkit.domain.validation import check_event, check_id
from roomkit.domain.identity import Identity, IdentityResult
from roomkit.plugins.builtin.memory_locks import InMemoryLockManager
from roomkit.plugins.builtin.memory_realtime import InMemoryRealtime
from roomkit.plugins.builtin.memory_store import InMemoryStore
from roomkit.plugins.builtin.mock_ai import MockAIProvider
from roomkit.plugins.builtin.mock_identity import MockIdentityResolver
from roomkit.ports.ai import AIProvider
from roomkit.ports.identity import IdentityResolver
from roomkit.ports.locks import RoomLockManager
from roomkit_contracts import (
    AIProviderContract,
    ConversationStoreContract,
    IdentityResolverContract,
    IdentityScenario,
    RealtimeBackendContract,
    RoomLockManagerContract,
)

# Bugs of InMemoryStore itself, which every store below would inherit (none at present).
KNOWN: dict[str, str] = {}


def store_suite(name, factory):
    class Suite(ConversationStoreContract):
        expected_failures = KNOWN

        @pytest.fixture
        def store(self):
            return factory()

    Suite.__name__ = Suite.__qualname__ = name
    return Suite
"""


# -- stores --------------------------------------------------------------------------------------


def test_store_that_reuses_an_index_fails(run_suite: RunSuite) -> None:
    run = run_suite(
        HEADER
        + """
class ReusesIndex(InMemoryStore):
    async def add_event(self, event):
        stored = await super().add_event(event)
        if stored.index < 3:
            return stored
        # off by one from the fourth event on: index 2 is handed out twice
        fixed = stored.model_copy(update={"index": stored.index - 1})
        self._events[fixed.id] = fixed
        self._timelines[fixed.room_id][stored.index] = fixed
        return fixed

TestReusesIndex = store_suite("TestReusesIndex", ReusesIndex)
"""
    )
    assert {
        "test_add_event_assigns_indexes_in_order",
        "test_concurrent_appends_are_gap_free_and_unique",
        "test_concurrent_appends_to_two_rooms",
        "test_list_events_pages_in_index_order",
        "test_list_recent_events_is_newest_n_oldest_first",
    } <= run.failed_in("TestReusesIndex")


def test_store_with_a_racy_index_fails_only_under_concurrency(run_suite: RunSuite) -> None:
    run = run_suite(
        HEADER
        + """
class Racy(InMemoryStore):
    async def add_event(self, event, deliveries=()):
        check_event(event)
        index = await self.get_event_count(event.room_id)
        await asyncio.sleep(0)  # another add_event runs here and reads the same count
        stored = event.model_copy(update={"index": index})
        self._timelines[event.room_id].append(stored)
        self._events[stored.id] = stored
        if stored.provider_message_id:
            self._by_provider_id[(stored.room_id, stored.provider_message_id)] = stored.id
        room = self._rooms[event.room_id]
        self._rooms[room.id] = room.model_copy(
            update={"event_count": index + 1, "latest_index": index}
        )
        return stored

TestRacy = store_suite("TestRacy", Racy)
"""
    )
    assert run.failed_in("TestRacy") == {
        "test_concurrent_appends_are_gap_free_and_unique",
        "test_concurrent_appends_to_two_rooms",
    }


def test_stores_with_one_broken_behaviour_fail_that_test(run_suite: RunSuite) -> None:
    run = run_suite(
        HEADER
        + """
class Overwrites(InMemoryStore):
    async def create_room(self, room):
        check_id(room.id, "room id")
        self._rooms[room.id] = room
        return room

class NewestFirst(InMemoryStore):
    async def list_recent_events(self, room_id, limit=50):
        return list(reversed(await super().list_recent_events(room_id, limit)))

class ReadsBackwards(InMemoryStore):
    async def mark_read(self, room_id, channel_id, event_id):
        self._read_index[(room_id, channel_id)] = self._events[event_id].index

class ProviderIdsGlobal(InMemoryStore):
    async def find_event_by_provider_message_id(self, room_id, provider_message_id):
        for (_, pid), event_id in self._by_provider_id.items():
            if pid == provider_message_id:
                return self._events[event_id]
        return None

class MutatesInPlace(InMemoryStore):
    async def update_event(self, event):
        current = self._events[event.id]
        object.__setattr__(current, "status", event.status)
        return current

class MovesOnUpdate(InMemoryStore):
    async def update_event(self, event):
        self._events[event.id] = event
        return event

class DropsOtherBindings(InMemoryStore):
    async def remove_binding(self, room_id, channel_id):
        existed = channel_id in self._bindings.get(room_id, {})
        self._bindings.pop(room_id, None)
        self._bindings_by_channel.get(channel_id, {}).pop(room_id, None)
        return existed

class IgnoresEventFilter(InMemoryStore):
    async def list_delivery_results(self, room_id, event_id=None):
        return await super().list_delivery_results(room_id)

class AcceptsAnything(InMemoryStore):
    async def create_room(self, room):
        self._rooms[room.id] = room
        self._timelines.setdefault(room.id, [])
        return room

    async def add_event(self, event, deliveries=()):
        stored = event.model_copy(update={"index": len(self._timelines[event.room_id])})
        self._timelines[event.room_id].append(stored)
        self._events[stored.id] = stored
        return stored
class SnapshotOfOldestEvents(InMemoryStore):
    async def get_room_snapshot(self, room_id, event_limit):
        snapshot = await super().get_room_snapshot(room_id, event_limit)
        if snapshot is None:
            return None
        oldest = await self.list_events(room_id, 0, event_limit)
        return snapshot._replace(recent_events=oldest)

class IgnoresItsVersion(InMemoryStore):
    async def get_room_snapshot(self, room_id, event_limit):
        snapshot = await super().get_room_snapshot(room_id, event_limit)
        if snapshot is None:
            return None
        seen = (len(snapshot.bindings), len(snapshot.participants), snapshot.room.status)
        return snapshot._replace(version=seen)

    async def add_event(self, event, deliveries=(), *, version=None):
        return await super().add_event(event, deliveries)

class KeepsSnapshotsForever(InMemoryStore):
    async def cached_room_snapshot(self, room_id, event_limit):
        kept = self.__dict__.setdefault("_forever", {})
        if room_id not in kept:
            kept[room_id] = await self.get_room_snapshot(room_id, event_limit)
        return kept[room_id]

class SetsCountersBack(InMemoryStore):
    async def update_room(self, room):
        await super().update_room(room)
        self._rooms[room.id] = room  # the caller's copy, counters and all
        return room

TestOverwrites = store_suite("TestOverwrites", Overwrites)
TestNewestFirst = store_suite("TestNewestFirst", NewestFirst)
TestReadsBackwards = store_suite("TestReadsBackwards", ReadsBackwards)
TestProviderIdsGlobal = store_suite("TestProviderIdsGlobal", ProviderIdsGlobal)
TestMutatesInPlace = store_suite("TestMutatesInPlace", MutatesInPlace)
TestMovesOnUpdate = store_suite("TestMovesOnUpdate", MovesOnUpdate)
TestDropsOtherBindings = store_suite("TestDropsOtherBindings", DropsOtherBindings)
TestIgnoresEventFilter = store_suite("TestIgnoresEventFilter", IgnoresEventFilter)
TestAcceptsAnything = store_suite("TestAcceptsAnything", AcceptsAnything)
TestSnapshotOfOldestEvents = store_suite("TestSnapshotOfOldestEvents", SnapshotOfOldestEvents)
TestIgnoresItsVersion = store_suite("TestIgnoresItsVersion", IgnoresItsVersion)
TestKeepsSnapshotsForever = store_suite("TestKeepsSnapshotsForever", KeepsSnapshotsForever)
TestSetsCountersBack = store_suite("TestSetsCountersBack", SetsCountersBack)
"""
    )
    assert run.failed_in("TestOverwrites") == {"test_duplicate_room_id_is_rejected"}
    assert run.failed_in("TestNewestFirst") == {"test_list_recent_events_is_newest_n_oldest_first"}
    assert run.failed_in("TestReadsBackwards") == {"test_mark_read_never_moves_backwards"}
    assert run.failed_in("TestProviderIdsGlobal") == {"test_find_event_by_provider_message_id"}
    assert run.failed_in("TestMutatesInPlace") == {
        "test_reads_are_not_changed_by_later_writes",
        "test_the_cached_snapshot_follows_every_change_of_the_room",  # its update is lost
    }
    assert run.failed_in("TestMovesOnUpdate") == {
        "test_update_event_keeps_its_index",
        "test_the_cached_snapshot_follows_every_change_of_the_room",  # the timeline misses it
    }
    assert run.failed_in("TestDropsOtherBindings") == {
        "test_remove_binding",
        "test_the_cached_snapshot_follows_every_change_of_the_room",  # loses "ws" as well
    }
    assert run.failed_in("TestIgnoresEventFilter") == {"test_delivery_results_filter_by_event"}
    assert "test_events_no_store_could_read_back_are_refused_before_storing" in run.failed_in(
        "TestAcceptsAnything"
    )
    assert run.failed_in("TestSnapshotOfOldestEvents") == {
        "test_room_snapshot_is_what_the_single_reads_return"
    }
    assert run.failed_in("TestIgnoresItsVersion") == {
        "test_an_append_on_a_stale_snapshot_version_is_refused"
    }
    assert run.failed_in("TestKeepsSnapshotsForever") == {
        "test_the_cached_snapshot_follows_every_change_of_the_room"
    }
    assert run.failed_in("TestSetsCountersBack") == {
        "test_update_room_keeps_the_counters_of_later_appends"
    }


OUTBOX_STORE = """
from roomkit.domain.outbox import OutboxEntry, OutboxState


class OutboxStore(InMemoryStore):
    \"\"\"The in-memory store with a working outbox: the control the broken ones start from.\"\"\"

    supports_outbox = True

    def __init__(self):
        super().__init__()
        self.outbox = {}

    async def add_event(self, event, deliveries=()):
        stored = await super().add_event(event)
        for channel_id in deliveries:
            self.outbox[(stored.id, channel_id)] = OutboxEntry(
                room_id=stored.room_id, event_id=stored.id, channel_id=channel_id
            )
        return stored

    async def mark_delivery(self, event_id, channel_id, state, attempts, error=None):
        entry = self.outbox[(event_id, channel_id)]
        self.outbox[(event_id, channel_id)] = entry.model_copy(
            update={"state": state, "attempts": entry.attempts + attempts, "last_error": error}
        )

    async def list_outbox(self, state, *, room_id=None, limit=100):
        found = [e for e in self.outbox.values() if e.state is state]
        return [e for e in found if room_id in (None, e.room_id)][:limit]

    async def settle_fallback(self, event_id, channel_id, state, reason):
        settled = await super().settle_fallback(event_id, channel_id, state, reason)
        if settled is not None and state == "fired":
            target = settled.fallback_channel_id
            self.outbox[(event_id, target)] = OutboxEntry(
                room_id=settled.room_id, event_id=event_id, channel_id=target
            )
        return settled
"""


def test_stores_that_break_what_the_pipeline_and_the_outbox_call_fail(run_suite: RunSuite) -> None:
    run = run_suite(
        HEADER
        + OUTBOX_STORE
        + """
class NoDeliveries(InMemoryStore):
    async def add_event(self, event):
        return await super().add_event(event)

class ClaimsAnOutbox(InMemoryStore):
    supports_outbox = True

class ForgetsTargets(OutboxStore):
    async def add_event(self, event, deliveries=()):
        return await super().add_event(event, deliveries[:1])

class MarksEveryChannel(OutboxStore):
    async def mark_delivery(self, event_id, channel_id, state, attempts, error=None):
        for key in [k for k in self.outbox if k[0] == event_id]:
            await super().mark_delivery(*key, state, attempts, error)

class IgnoresRoomFilter(OutboxStore):
    async def list_outbox(self, state, *, room_id=None, limit=100):
        return await super().list_outbox(state, limit=limit)

class PositionalFilters(OutboxStore):
    async def list_outbox(self, state, room_id=None, limit=100):
        return await super().list_outbox(state, room_id=room_id, limit=limit)

TestOutboxStore = store_suite("TestOutboxStore", OutboxStore)
TestNoDeliveries = store_suite("TestNoDeliveries", NoDeliveries)
TestClaimsAnOutbox = store_suite("TestClaimsAnOutbox", ClaimsAnOutbox)
TestForgetsTargets = store_suite("TestForgetsTargets", ForgetsTargets)
TestMarksEveryChannel = store_suite("TestMarksEveryChannel", MarksEveryChannel)
TestIgnoresRoomFilter = store_suite("TestIgnoresRoomFilter", IgnoresRoomFilter)
TestPositionalFilters = store_suite("TestPositionalFilters", PositionalFilters)
"""
    )
    assert run.failed_in("TestOutboxStore") == set()
    assert "TestOutboxStore::test_mark_delivery_moves_an_entry_between_states" in run.passed
    assert run.failed_in("TestNoDeliveries") == {
        "test_add_event_takes_the_targets_the_pipeline_passes",
        "test_outbox_methods_have_the_port_signatures",
        "test_outbox_records_one_pending_entry_per_target",
    }
    assert run.failed_in("TestClaimsAnOutbox") == {
        "test_outbox_records_one_pending_entry_per_target",
        "test_mark_delivery_moves_an_entry_between_states",
        "test_outbox_entries_settle_together",
        "test_firing_a_fallback_records_its_outbox_entry",
    }
    assert run.failed_in("TestForgetsTargets") == {
        "test_outbox_records_one_pending_entry_per_target",
        "test_mark_delivery_moves_an_entry_between_states",
        "test_outbox_entries_settle_together",
    }
    assert run.failed_in("TestMarksEveryChannel") == {
        "test_mark_delivery_moves_an_entry_between_states",
        "test_outbox_entries_settle_together",
    }
    assert run.failed_in("TestIgnoresRoomFilter") == {
        "test_outbox_records_one_pending_entry_per_target"
    }
    assert run.failed_in("TestPositionalFilters") == {
        "test_outbox_methods_have_the_port_signatures"
    }


def test_stores_that_break_fallback_records_fail(run_suite: RunSuite) -> None:
    run = run_suite(
        HEADER
        + OUTBOX_STORE
        + """
class FiresTwice(InMemoryStore):
    async def settle_fallback(self, event_id, channel_id, state, reason):
        current = self._fallbacks.get((event_id, channel_id))
        if current is None:
            return None
        settled = current.model_copy(update={"state": state, "reason": reason})
        self._fallbacks[(event_id, channel_id)] = settled
        return settled

class RecordsTwice(InMemoryStore):
    async def add_fallback(self, record):
        self._fallbacks[(record.event_id, record.channel_id)] = record
        return True

class DueWhateverTheState(InMemoryStore):
    async def list_due_fallbacks(self, now, limit=100):
        due = [r for r in self._fallbacks.values() if r.due_at is not None and r.due_at <= now]
        return sorted(due, key=lambda r: r.due_at)[:limit]

class FiresWithoutOutbox(OutboxStore):
    async def settle_fallback(self, event_id, channel_id, state, reason):
        return await InMemoryStore.settle_fallback(self, event_id, channel_id, state, reason)

TestFiresTwice = store_suite("TestFiresTwice", FiresTwice)
TestRecordsTwice = store_suite("TestRecordsTwice", RecordsTwice)
TestDueWhateverTheState = store_suite("TestDueWhateverTheState", DueWhateverTheState)
TestFiresWithoutOutbox = store_suite("TestFiresWithoutOutbox", FiresWithoutOutbox)
"""
    )
    assert run.failed_in("TestFiresTwice") == {"test_a_fallback_leaves_pending_exactly_once"}
    assert run.failed_in("TestRecordsTwice") == {
        "test_fallback_records_are_kept_once_per_event_and_channel"
    }
    assert run.failed_in("TestDueWhateverTheState") == {"test_due_fallbacks_are_listed_by_deadline"}
    assert run.failed_in("TestFiresWithoutOutbox") == {
        "test_firing_a_fallback_records_its_outbox_entry"
    }


# -- locks ---------------------------------------------------------------------------------------

LOCKS = """
def lock_suite(name, factory):
    class Suite(RoomLockManagerContract):
        acquire_timeout = 0.5  # in-process locks: a free lock is taken at once

        @pytest.fixture
        def lock_manager(self):
            return factory()

    Suite.__name__ = Suite.__qualname__ = name
    return Suite

class NoLock(InMemoryLockManager):
    def locked(self, room_id):
        return contextlib.nullcontext()

class GlobalLock(InMemoryLockManager):
    def locked(self, room_id):
        return super().locked("every-room")

class LeaksOnError(RoomLockManager):
    def __init__(self):
        self.locks = {}

    def locked(self, room_id):
        lock = self.locks.setdefault(room_id, asyncio.Lock())

        class Held:
            async def __aenter__(self):
                await lock.acquire()

            async def __aexit__(self, exc_type, exc, tb):
                if exc_type is None:
                    lock.release()

        return Held()

    async def forget(self, room_id):
        pass

class ForgetDropsHeldLocks(InMemoryLockManager):
    async def forget(self, room_id):
        self._locks.pop(room_id, None)

TestNoLock = lock_suite("TestNoLock", NoLock)
TestGlobalLock = lock_suite("TestGlobalLock", GlobalLock)
TestLeaksOnError = lock_suite("TestLeaksOnError", LeaksOnError)
TestForgetDropsHeldLocks = lock_suite("TestForgetDropsHeldLocks", ForgetDropsHeldLocks)
"""


def test_broken_lock_managers_fail(run_suite: RunSuite) -> None:
    run = run_suite(HEADER + LOCKS)
    assert {
        "test_one_holder_per_room",
        "test_forget_after_use_then_reuse",
        "test_forget_while_held_keeps_excluding",
    } <= run.failed_in("TestNoLock")
    assert run.failed_in("TestGlobalLock") == {"test_different_rooms_do_not_block_each_other"}
    assert run.failed_in("TestLeaksOnError") == {
        "test_released_when_the_block_raises",
        "test_released_when_the_holder_is_cancelled",
    }
    assert run.failed_in("TestForgetDropsHeldLocks") == {"test_forget_while_held_keeps_excluding"}


# -- realtime ------------------------------------------------------------------------------------


def test_broken_realtime_backends_fail(run_suite: RunSuite) -> None:
    run = run_suite(
        HEADER
        + """
def realtime_suite(name, factory):
    class Suite(RealtimeBackendContract):
        delivery_timeout = 0.3  # in-process fan-out: a delivered event is there at once

        @pytest.fixture
        def realtime(self):
            return factory()

    Suite.__name__ = Suite.__qualname__ = name
    return Suite

class LeaksAcrossRooms(InMemoryRealtime):
    async def publish(self, event):
        for subs in list(self._by_room.values()):
            for callback in list(subs.values()):
                with contextlib.suppress(Exception):
                    await callback(event)

class Sticky(InMemoryRealtime):
    async def unsubscribe(self, subscription_id):
        return subscription_id in self._room_of

class AlwaysTrue(InMemoryRealtime):
    async def unsubscribe(self, subscription_id):
        await super().unsubscribe(subscription_id)
        return True

class DropsTheRoom(InMemoryRealtime):
    async def unsubscribe(self, subscription_id):
        room_id = self._room_of.pop(subscription_id, None)
        if room_id is None:
            return False
        for sub in self._by_room.pop(room_id, {}):
            self._room_of.pop(sub, None)
        return True

class NotIsolating(InMemoryRealtime):
    async def publish(self, event):
        for callback in list(self._by_room.get(event.room_id, {}).values()):
            await callback(event)

class OneIdPerRoom(InMemoryRealtime):
    async def subscribe(self, room_id, callback):
        self._by_room.setdefault(room_id, {})[room_id] = callback
        self._room_of[room_id] = room_id
        return room_id

class Reorders(InMemoryRealtime):
    async def publish(self, event):
        delay = 0.01 if event.data.get("n", 0) % 2 == 0 else 0.0
        asyncio.get_running_loop().call_later(
            delay, lambda: asyncio.ensure_future(super(Reorders, self).publish(event))
        )

TestLeaksAcrossRooms = realtime_suite("TestLeaksAcrossRooms", LeaksAcrossRooms)
TestSticky = realtime_suite("TestSticky", Sticky)
TestAlwaysTrue = realtime_suite("TestAlwaysTrue", AlwaysTrue)
TestDropsTheRoom = realtime_suite("TestDropsTheRoom", DropsTheRoom)
TestNotIsolating = realtime_suite("TestNotIsolating", NotIsolating)
TestOneIdPerRoom = realtime_suite("TestOneIdPerRoom", OneIdPerRoom)
TestReorders = realtime_suite("TestReorders", Reorders)
"""
    )
    assert run.failed_in("TestLeaksAcrossRooms") == {"test_subscribers_get_only_their_rooms_events"}
    assert run.failed_in("TestSticky") == {
        "test_nothing_after_unsubscribe",
        "test_unsubscribe_unknown_id_is_false",
        "test_unsubscribing_one_keeps_the_others",
    }
    assert run.failed_in("TestAlwaysTrue") == {"test_unsubscribe_unknown_id_is_false"}
    assert run.failed_in("TestDropsTheRoom") == {"test_unsubscribing_one_keeps_the_others"}
    assert run.failed_in("TestNotIsolating") == {"test_failing_subscriber_does_not_stop_others"}
    assert "test_subscription_ids_are_distinct" in run.failed_in("TestOneIdPerRoom")
    assert run.failed_in("TestReorders") == {"test_events_arrive_in_publish_order"}


def test_a_backend_that_does_not_isolate_errors_can_say_so(run_suite: RunSuite) -> None:
    run = run_suite(
        HEADER
        + """
class NotIsolating(InMemoryRealtime):
    async def publish(self, event):
        for callback in list(self._by_room.get(event.room_id, {}).values()):
            await callback(event)

class TestDeclared(RealtimeBackendContract):
    isolates_subscriber_errors = False

    @pytest.fixture
    def realtime(self):
        return NotIsolating()
"""
    )
    assert run.failed == set()
    assert "TestDeclared::test_failing_subscriber_does_not_stop_others" in run.skipped


# -- identity ------------------------------------------------------------------------------------


def test_broken_identity_resolvers_fail(run_suite: RunSuite) -> None:
    run = run_suite(
        HEADER
        + """
ANN = Identity(id="user-1")

def identity_suite(name, resolver):
    class Suite(IdentityResolverContract):
        @pytest.fixture
        def identity_scenario(self):
            return IdentityScenario(resolver(), "ann", "bob", known_identity_id="user-1")

    Suite.__name__ = Suite.__qualname__ = name
    return Suite

class EveryoneIsAnn(IdentityResolver):
    async def resolve(self, message, context):
        return IdentityResult(status=IdentificationStatus.IDENTIFIED, identity=ANN)

class IdentifiedButNobody(MockIdentityResolver):
    async def resolve(self, message, context):
        result = await super().resolve(message, context)
        return result.model_copy(update={"identity": None})

class WrongIdentity(IdentityResolver):
    async def resolve(self, message, context):
        if message.sender_id == "ann":
            return IdentityResult(
                status=IdentificationStatus.IDENTIFIED, identity=Identity(id="user-2")
            )
        return IdentityResult(status=IdentificationStatus.UNKNOWN)

class ForgetsAfterOneCall(MockIdentityResolver):
    async def resolve(self, message, context):
        result = await super().resolve(message, context)
        self.identities.pop(message.sender_id, None)
        return result

TestEveryoneIsAnn = identity_suite("TestEveryoneIsAnn", EveryoneIsAnn)
TestIdentifiedButNobody = identity_suite(
    "TestIdentifiedButNobody", lambda: IdentifiedButNobody({"ann": ANN})
)
TestWrongIdentity = identity_suite("TestWrongIdentity", WrongIdentity)
TestForgetsAfterOneCall = identity_suite(
    "TestForgetsAfterOneCall", lambda: ForgetsAfterOneCall({"ann": ANN})
)
"""
    )
    assert run.failed_in("TestEveryoneIsAnn") == {
        "test_unknown_sender_is_not_identified",
        "test_resolution_is_repeatable",
        "test_concurrent_resolutions_do_not_mix",
    }
    assert run.failed_in("TestIdentifiedButNobody") == {
        "test_known_sender_is_identified",
        "test_resolution_is_repeatable",
    }
    assert run.failed_in("TestWrongIdentity") == {"test_known_sender_is_identified"}
    assert run.failed_in("TestForgetsAfterOneCall") == {
        "test_resolution_is_repeatable",
        "test_concurrent_resolutions_do_not_mix",
    }


# -- AI providers --------------------------------------------------------------------------------


def test_broken_ai_providers_fail(run_suite: RunSuite) -> None:
    run = run_suite(
        HEADER
        + """
def ai_suite(name, factory, streaming=False, tools=None):
    class Suite(AIProviderContract):
        supports_streaming = streaming
        supports_vision = True

        @pytest.fixture
        def provider(self):
            return factory()

        @pytest.fixture
        def scripted_tool_call_provider(self):
            return tools() if tools else None

    Suite.__name__ = Suite.__qualname__ = name
    return Suite

class NoFinalResponse(MockAIProvider):
    async def generate_stream(self, context):
        response = await self.generate(context)
        yield AITextDelta(text=response.content)

class FinalDiffersFromDeltas(MockAIProvider):
    async def generate_stream(self, context):
        response = await self.generate(context)
        yield AITextDelta(text=response.content[:3])
        yield response

class TwoResponses(MockAIProvider):
    async def generate_stream(self, context):
        async for item in super().generate_stream(context):
            yield item
        yield AIResponse(content="")

class ClaimsToStream(AIProvider):
    supports_streaming = True

    async def generate(self, context):
        return AIResponse(content="hello")

def weather(**kwargs):
    return MockAIProvider([MockAIProvider.tool_call("get_weather", {"city": "Paris"})], **kwargs)

class ForgetsToolCallsWhenStreaming(MockAIProvider):
    async def generate_stream(self, context):
        async for item in super().generate_stream(context):
            if isinstance(item, AIResponse):
                item = item.model_copy(update={"tool_calls": []})
            yield item

TestNoFinalResponse = ai_suite("TestNoFinalResponse", lambda: NoFinalResponse(["Hello there"]))
TestFinalDiffers = ai_suite("TestFinalDiffers", lambda: FinalDiffersFromDeltas(["Hello there"]))
TestTwoResponses = ai_suite("TestTwoResponses", lambda: TwoResponses(["Hello there"]))
TestUndeclaredStreaming = ai_suite(
    "TestUndeclaredStreaming", lambda: MockAIProvider(["Hi"], streaming=True)
)
TestClaimsToStream = ai_suite("TestClaimsToStream", ClaimsToStream, streaming=True)
TestTextInsteadOfToolCall = ai_suite(
    "TestTextInsteadOfToolCall", lambda: MockAIProvider(["Hi"]), tools=lambda: MockAIProvider()
)
TestForgetsStreamedToolCalls = ai_suite(
    "TestForgetsStreamedToolCalls",
    lambda: MockAIProvider(["Hi"], streaming=True),
    streaming=True,
    tools=lambda: ForgetsToolCallsWhenStreaming(
        [MockAIProvider.tool_call("get_weather", {"city": "Paris"})], streaming=True
    ),
)
"""
    )
    stream_shape = "test_stream_is_deltas_then_one_response"
    assert run.failed_in("TestNoFinalResponse") == {stream_shape}
    assert run.failed_in("TestFinalDiffers") == {stream_shape}
    assert run.failed_in("TestTwoResponses") == {stream_shape}
    assert run.failed_in("TestUndeclaredStreaming") == {"test_streaming_flag_matches_the_provider"}
    assert run.failed_in("TestClaimsToStream") == {
        "test_streaming_flag_matches_the_provider",
        "test_vision_flag_matches_the_provider",
    }
    assert run.failed_in("TestTextInsteadOfToolCall") == {"test_tool_call_is_parsed"}
    assert run.failed_in("TestForgetsStreamedToolCalls") == {
        "test_streamed_tool_call_ends_the_stream"
    }


# -- memory providers ----------------------------------------------------------------------------

MEMORY = """
from roomkit.domain.ai import AIMessage
from roomkit.ports.memory import MemoryProvider
from roomkit_contracts import MemoryProviderContract


def memory_suite(name, factory, bound=None):
    class Suite(MemoryProviderContract):
        max_messages = bound

        @pytest.fixture
        def memory(self):
            return factory()

    Suite.__name__ = Suite.__qualname__ = name
    return Suite


def replay(events, channel_id):
    return [
        AIMessage(role="assistant" if e.source.channel_id == channel_id else "user",
                  content=e.content.body)
        for e in events
    ]


class ReturnsCurrent(MemoryProvider):
    async def retrieve(self, *, room_id, channel_id, current, context, history):
        return replay(history, channel_id)


class RemembersEverything(MemoryProvider):
    def __init__(self):
        self.seen = []

    async def retrieve(self, *, room_id, channel_id, current, context, history):
        self.seen.extend(e for e in history if e.id != current.id)
        return replay(self.seen, channel_id)


class NewestFirst(MemoryProvider):
    async def retrieve(self, *, room_id, channel_id, current, context, history):
        return replay([e for e in reversed(history) if e.id != current.id], channel_id)


class PopsTheCurrentEvent(MemoryProvider):
    async def retrieve(self, *, room_id, channel_id, current, context, history):
        history.pop()
        return replay(history, channel_id)


class EveryoneIsTheUser(MemoryProvider):
    async def retrieve(self, *, room_id, channel_id, current, context, history):
        return [AIMessage(role="user", content=e.content.body) for e in history[:-1]]


class ReturnsStrings(MemoryProvider):
    async def retrieve(self, *, room_id, channel_id, current, context, history):
        return [e.content.body for e in history[:-1]]


class IgnoresItsBound(MemoryProvider):
    async def retrieve(self, *, room_id, channel_id, current, context, history):
        return replay(history[:-1], channel_id)


class OneCacheForAllAgents(MemoryProvider):
    def __init__(self):
        self.cache = {}

    async def retrieve(self, *, room_id, channel_id, current, context, history):
        return [self.cache.setdefault(e.id, replay([e], channel_id)[0]) for e in history[:-1]]


class NotesInTheRoom(MemoryProvider):
    async def retrieve(self, *, room_id, channel_id, current, context, history):
        context.room.metadata["_remembered"] = len(history)
        return replay(history[:-1], channel_id)


TestReturnsCurrent = memory_suite("TestReturnsCurrent", ReturnsCurrent)
TestRemembersEverything = memory_suite("TestRemembersEverything", RemembersEverything)
TestNewestFirst = memory_suite("TestNewestFirst", NewestFirst)
TestPopsTheCurrentEvent = memory_suite("TestPopsTheCurrentEvent", PopsTheCurrentEvent)
TestEveryoneIsTheUser = memory_suite("TestEveryoneIsTheUser", EveryoneIsTheUser)
TestReturnsStrings = memory_suite("TestReturnsStrings", ReturnsStrings)
TestIgnoresItsBound = memory_suite("TestIgnoresItsBound", IgnoresItsBound, bound=4)
TestOneCacheForAllAgents = memory_suite("TestOneCacheForAllAgents", OneCacheForAllAgents)
TestNotesInTheRoom = memory_suite("TestNotesInTheRoom", NotesInTheRoom)
"""


def test_broken_memory_providers_fail(run_suite: RunSuite) -> None:
    run = run_suite(HEADER + MEMORY)
    assert run.failed_in("TestReturnsCurrent") == {
        "test_never_returns_the_current_event",
        "test_an_empty_history_is_fine",
    }
    assert run.failed_in("TestRemembersEverything") == {
        "test_keeps_rooms_apart",
        "test_concurrent_calls_answer_like_sequential_ones",
    }
    assert run.failed_in("TestNewestFirst") == {"test_oldest_first"}
    assert "test_leaves_its_inputs_untouched" in run.failed_in("TestPopsTheCurrentEvent")
    assert run.failed_in("TestEveryoneIsTheUser") == {
        "test_own_replies_are_the_assistant",
        "test_each_agent_reads_as_itself",
    }
    assert "test_returns_messages_or_none" in run.failed_in("TestReturnsStrings")
    assert run.failed_in("TestIgnoresItsBound") == {"test_respects_its_bound"}
    assert run.failed_in("TestOneCacheForAllAgents") == {"test_each_agent_reads_as_itself"}
    assert run.failed_in("TestNotesInTheRoom") == {"test_leaves_its_inputs_untouched"}


# -- event sources -------------------------------------------------------------------------------

SOURCES = """
from roomkit.domain.content import TextContent
from roomkit.domain.inbound import InboundMessage
from roomkit.plugins.builtin.queue_source import QueueSource
from roomkit_contracts import SourceProviderContract, SourceScenario


def source_suite(name, factory):
    class Suite(SourceProviderContract):
        timeout = 2.0

        @pytest.fixture
        def source_scenario(self):
            source = factory()

            async def feed(bodies):
                for body in bodies:
                    message = InboundMessage(
                        channel_id="q", sender_id="u", content=TextContent(body=body)
                    )
                    await source.put(message)

            return SourceScenario(source, feed)

    Suite.__name__ = Suite.__qualname__ = name
    return Suite

class FireAndForget(QueueSource):
    async def run(self, emit):
        tasks = []
        while True:
            item = await self._queue.get()
            tasks.append(asyncio.create_task(emit(item)))

class SkipsTheFirst(QueueSource):
    async def run(self, emit):
        await self._queue.get()
        await super().run(emit)

class IgnoresCancellation(QueueSource):
    async def run(self, emit):
        try:
            await super().run(emit)
        except asyncio.CancelledError:
            await asyncio.sleep(5)  # carries on for a while after being told to stop

class CloseTwiceFails(QueueSource):
    async def close(self):
        if self.closed:
            raise RuntimeError("already closed")
        self.closed += 1

TestFireAndForget = source_suite("TestFireAndForget", FireAndForget)
TestSkipsTheFirst = source_suite("TestSkipsTheFirst", SkipsTheFirst)
TestIgnoresCancellation = source_suite("TestIgnoresCancellation", IgnoresCancellation)
TestCloseTwiceFails = source_suite("TestCloseTwiceFails", CloseTwiceFails)
"""


def test_broken_sources_fail(run_suite: RunSuite) -> None:
    run = run_suite(HEADER + SOURCES)
    assert run.failed_in("TestFireAndForget") == {"test_emit_is_awaited_before_the_next_message"}
    assert run.failed_in("TestSkipsTheFirst") == {
        "test_fed_messages_reach_emit_in_order",
        "test_emit_is_awaited_before_the_next_message",
    }
    assert "test_cancellation_stops_run_promptly" in run.failed_in("TestIgnoresCancellation")
    assert run.failed_in("TestCloseTwiceFails") == {"test_close_is_idempotent"}


# -- messaging -------------------------------------------------------------------------------------

MESSAGING_HEADER = """
import json
import pytest

from roomkit.domain.errors import WebhookSignatureError
from roomkit.domain.webhook import WebhookRequest
from roomkit.domain.delivery import ProviderResult
from roomkit.plugins.builtin.mock_messaging import MockMessageProvider
from roomkit.plugins.builtin.signed_json_webhook import SignedJSONWebhookParser, sign_json_webhook
from roomkit_contracts import (
    MessageProviderContract,
    MessageProviderScenario,
    Received,
    WebhookParserContract,
    WebhookScenario,
)

SECRET = "contract-secret"

def request(payload):
    return WebhookRequest(
        url="https://example.com/hook",
        headers={"content-type": "application/json"},
        body=json.dumps(payload).encode(),
    )

def signer(key, timestamp=None):
    def sign(r):
        extra = {k.lower(): v for k, v in sign_json_webhook(key, r.body, timestamp).items()}
        return r.model_copy(update={"headers": {**r.headers, **extra}})
    return sign

def parser_suite(name, make):
    class Suite(WebhookParserContract):
        @pytest.fixture
        def webhook_scenario(self):
            return WebhookScenario(
                parser=make(),
                inbound=request(
                    {"type": "message", "id": "m-1", "from": "+1555", "text": "contracthello"}
                ),
                sender_id="+1555",
                text="contracthello",
                provider_message_id="m-1",
                sign=signer(SECRET),
                sign_with_wrong_key=signer("another"),
                sign_stale=signer(SECRET, timestamp=1_000_000_000),
                malformed=request({"type": "message", "id": "m-2", "text": "x"}),
                status_report=request(
                    {"type": "status", "message_id": "m-9", "status": "delivered"}
                ),
                status_message_id="m-9",
            )

    Suite.__name__ = Suite.__qualname__ = name
    return Suite

def provider_suite(name, make):
    class Suite(MessageProviderContract):
        @pytest.fixture
        def message_provider_scenario(self):
            provider = make()
            def refuse(on):
                (provider.fail_for.add if on else provider.fail_for.discard)("+1555")
            return MessageProviderScenario(
                provider=provider,
                recipient="+1555",
                received=lambda: [Received(m.to, m.event.content.body) for m in provider.sent],
                refuse=refuse,
            )

    Suite.__name__ = Suite.__qualname__ = name
    return Suite
"""


def test_broken_webhook_parsers_fail(run_suite: RunSuite) -> None:
    run = run_suite(
        MESSAGING_HEADER
        + """
class TrustsEveryone(SignedJSONWebhookParser):
    def authenticate(self, request):
        pass

class IgnoresTimestamp(SignedJSONWebhookParser):
    def __init__(self, secret):
        super().__init__(secret, tolerance=float("inf"))

class LeaksKeyError(SignedJSONWebhookParser):
    def parse(self, request, channel_id):
        data = json.loads(request.body)
        data["from"]
        return super().parse(request, channel_id)

class GeneratesIds(SignedJSONWebhookParser):
    count = 0
    def parse(self, request, channel_id):
        batch = super().parse(request, channel_id)
        GeneratesIds.count += 1
        messages = [
            m.model_copy(update={"provider_message_id": f"gen-{GeneratesIds.count}"})
            for m in batch.messages
        ]
        return batch.model_copy(update={"messages": messages})

class RawStatusWords(SignedJSONWebhookParser):
    def parse(self, request, channel_id):
        batch = super().parse(request, channel_id)
        raw = [s.model_copy(update={"status": "DELIVRD"}) for s in batch.statuses]
        return batch.model_copy(update={"statuses": raw})

TestTrustsEveryone = parser_suite("TestTrustsEveryone", lambda: TrustsEveryone(SECRET))
TestIgnoresTimestamp = parser_suite("TestIgnoresTimestamp", lambda: IgnoresTimestamp(SECRET))
TestLeaksKeyError = parser_suite("TestLeaksKeyError", lambda: LeaksKeyError(SECRET))
TestGeneratesIds = parser_suite("TestGeneratesIds", lambda: GeneratesIds(SECRET))
TestRawStatusWords = parser_suite("TestRawStatusWords", lambda: RawStatusWords(SECRET))
"""
    )
    assert run.failed_in("TestTrustsEveryone") == {
        "test_tampered_body_is_rejected",
        "test_wrong_key_is_rejected",
        "test_unsigned_request_is_rejected",
        "test_stale_timestamp_is_rejected",
        "test_rejection_happens_before_parsing",
    }
    assert run.failed_in("TestIgnoresTimestamp") == {"test_stale_timestamp_is_rejected"}
    assert run.failed_in("TestLeaksKeyError") == {
        "test_malformed_payload_names_the_problem",
        "test_garbage_bodies_raise_webhook_errors",
        "test_status_report_is_normalised",  # a report has no sender either
    }
    assert run.failed_in("TestGeneratesIds") == {
        "test_signed_message_is_parsed",
        "test_redelivery_parses_to_the_same_vendor_id",
    }
    assert run.failed_in("TestRawStatusWords") == {"test_status_report_is_normalised"}


def test_broken_message_providers_fail(run_suite: RunSuite) -> None:
    run = run_suite(
        MESSAGING_HEADER
        + """
class RaisesOnRefusal(MockMessageProvider):
    async def send(self, event, to):
        if to in self.fail_for:
            raise RuntimeError("HTTP 400 from the vendor")
        return await super().send(event, to)

class OneIdForAll(MockMessageProvider):
    async def send(self, event, to):
        result = await super().send(event, to)
        return result.model_copy(update={"provider_message_id": "same"})

class DropsText(MockMessageProvider):
    async def send(self, event, to):
        if "hello" in event.content.body:
            return ProviderResult(success=True, provider_message_id="lost")
        return await super().send(event, to)

class CloseOnce(MockMessageProvider):
    closed = False
    async def close(self):
        if self.closed:
            raise RuntimeError("session already closed")
        self.closed = True

TestRaisesOnRefusal = provider_suite("TestRaisesOnRefusal", RaisesOnRefusal)
TestOneIdForAll = provider_suite("TestOneIdForAll", OneIdForAll)
TestDropsText = provider_suite("TestDropsText", DropsText)
TestCloseOnce = provider_suite("TestCloseOnce", CloseOnce)
"""
    )
    assert run.failed_in("TestRaisesOnRefusal") == {"test_refusal_is_a_result"}
    assert run.failed_in("TestOneIdForAll") == {"test_each_send_has_its_own_id"}
    assert run.failed_in("TestDropsText") == {"test_text_reaches_the_recipient"}
    assert run.failed_in("TestCloseOnce") == {"test_close_can_be_called_twice"}
