"""The machinery around the suites: the subclass guard, the pytest plugin, the tiers."""

from __future__ import annotations

import ast
import inspect
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

import roomkit_contracts
from roomkit_contracts import (
    AECProviderContract,
    AIProviderContract,
    ContractSuite,
    ConversationStoreContract,
    DTMFDetectorContract,
    IdentityResolverContract,
    MemoryProviderContract,
    RealtimeBackendContract,
    RoomLockManagerContract,
    STTProviderContract,
    TTSProviderContract,
    VADProviderContract,
    VoiceBackendContract,
)
from roomkit_contracts.base import HINT_PREFIX

RunSuite = Callable[..., Any]

CONTRACTS: list[type[ContractSuite]] = [
    ConversationStoreContract,
    RoomLockManagerContract,
    RealtimeBackendContract,
    IdentityResolverContract,
    AIProviderContract,
    MemoryProviderContract,
    VoiceBackendContract,
    STTProviderContract,
    TTSProviderContract,
    VADProviderContract,
    DTMFDetectorContract,
    AECProviderContract,
]
ids = [c.__name__ for c in CONTRACTS]


# -- the guard -----------------------------------------------------------------------------------


@pytest.mark.parametrize("contract", CONTRACTS, ids=ids)
def test_overriding_a_contract_test_is_refused(contract: type[ContractSuite]) -> None:
    name = contract.contract_tests()[-1]

    async def weakened(self: object) -> None:
        return None

    with pytest.raises(TypeError, match=f"overrides {name} \\(from {contract.__name__}\\)"):
        type("TestWeakened", (contract,), {name: weakened})


def test_overriding_a_scenario_helper_is_refused() -> None:
    with pytest.raises(TypeError, match="overrides event"):

        class TestSneaky(ConversationStoreContract):
            @staticmethod
            def event(room_id: str, body: str = "hi", **fields: Any) -> Any:
                return None


def test_overriding_the_tier_gate_is_refused() -> None:
    with pytest.raises(TypeError, match="_roomkit_contract_gate"):

        class TestNoGate(RealtimeBackendContract):
            @pytest.fixture(autouse=True)
            def _roomkit_contract_gate(self) -> None:
                return None


def test_the_guard_holds_for_subclasses_of_subclasses() -> None:
    class BaseForMyAdapters(RoomLockManagerContract):
        pass

    with pytest.raises(TypeError, match="test_one_holder_per_room"):

        class TestMine(BaseForMyAdapters):
            async def test_one_holder_per_room(self) -> None:  # type: ignore[override]
                return None


def test_an_adapter_fixture_that_is_not_a_fixture_is_refused() -> None:
    with pytest.raises(TypeError, match=r"store must be a fixture: decorate it"):

        class TestPlainMethod(ConversationStoreContract):
            def store(self) -> Any:  # type: ignore[override]
                return None


def test_expected_failures_must_name_contract_tests() -> None:
    with pytest.raises(TypeError, match="unknown contract tests: test_pagingg"):

        class TestTypo(ConversationStoreContract):
            expected_failures = {"test_pagingg": "typo"}


def test_subclasses_may_add_tests_and_set_capabilities() -> None:
    class TestExtended(RealtimeBackendContract):
        process_local = False
        delivery_timeout = 5.0

        async def test_my_own_behaviour(self) -> None:
            return None

    assert TestExtended().delivery_timeout == 5.0
    assert "test_my_own_behaviour" not in TestExtended.contract_tests()


# -- the suites themselves -----------------------------------------------------------------------


@pytest.mark.parametrize("contract", CONTRACTS, ids=ids)
def test_every_contract_test_is_async_marked_and_has_a_hint(contract: type[ContractSuite]) -> None:
    tests = contract.contract_tests()
    assert len(tests) >= 5
    assert tests == [n for n in vars(contract) if n.startswith("test_")]
    for name in tests:
        func = getattr(contract, name)
        assert inspect.iscoroutinefunction(func), name
        marks = [m.name for m in getattr(func, "pytestmark", [])]
        assert "asyncio" in marks, f"{name} must be marked asyncio for strict-mode users"
        hints = [line for line in (func.__doc__ or "").splitlines() if HINT_PREFIX in line]
        assert len(hints) == 1, f"{name} needs one '{HINT_PREFIX}, ...' line in its docstring"


def test_contract_modules_import_only_ports_and_domain() -> None:
    allowed = ("roomkit.ports", "roomkit.domain", "roomkit_contracts")
    package = Path(roomkit_contracts.__file__).resolve().parent
    for path in sorted(package.glob("*.py")):
        tree = ast.parse(path.read_text())
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            elif isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            else:
                continue
            for name in names:
                if name == "roomkit" or name.startswith("roomkit."):
                    assert name.startswith(allowed), f"{path.name} imports {name}"


# -- the plugin and the tiers (in a pytester sandbox, asyncio strict mode) -----------------------

BUILTINS = """
import pytest
from roomkit.domain.identity import Identity
from roomkit.plugins.builtin.memory_locks import InMemoryLockManager
from roomkit.plugins.builtin.memory_realtime import InMemoryRealtime
from roomkit.plugins.builtin.memory_store import InMemoryStore
from roomkit.plugins.builtin.mock_ai import MockAIProvider
from roomkit.plugins.builtin.mock_identity import MockIdentityResolver
from roomkit.memory.sliding_window import SlidingWindowMemory
from roomkit_contracts import (
    AIProviderContract, ConversationStoreContract, IdentityResolverContract, IdentityScenario,
    MemoryProviderContract, RealtimeBackendContract, RoomLockManagerContract,
)

class TestStore(ConversationStoreContract):
    @pytest.fixture
    def store(self):
        return InMemoryStore()

class TestLocks(RoomLockManagerContract):
    @pytest.fixture
    def lock_manager(self):
        return InMemoryLockManager()

class TestRealtime(RealtimeBackendContract):
    @pytest.fixture
    def realtime(self):
        return InMemoryRealtime()

class TestIdentity(IdentityResolverContract):
    @pytest.fixture
    def identity_scenario(self):
        resolver = MockIdentityResolver({"ann": Identity(id="u1")})
        return IdentityScenario(resolver, "ann", "bob", known_identity_id="u1")

class TestAI(AIProviderContract):
    supports_streaming = True
    supports_vision = True

    @pytest.fixture
    def provider(self):
        return MockAIProvider(["Hello there"], streaming=True, chunk_size=2)

    @pytest.fixture
    def scripted_tool_call_provider(self):
        return MockAIProvider(
            [MockAIProvider.tool_call("get_weather", {"city": "Rome"})], streaming=True
        )

class TestMemory(MemoryProviderContract):
    max_messages = 3

    @pytest.fixture
    def memory(self):
        return SlidingWindowMemory(max_events=3)

from roomkit.domain.voice import AudioFrame
from roomkit.plugins.builtin.mock_speech import MockSTTProvider, MockTTSProvider
from roomkit.plugins.builtin.mock_voice_stages import MockAECProvider
from roomkit_contracts import (
    AECProviderContract, STTProviderContract, STTScenario, TTSProviderContract,
)

class TestSTT(STTProviderContract):
    @pytest.fixture
    def stt_scenario(self):
        return STTScenario(MockSTTProvider(["hi"]), AudioFrame(b"\\0\\0" * 160), "hi")

class TestTTS(TTSProviderContract):
    @pytest.fixture
    def tts(self):
        return MockTTSProvider()

class TestAEC(AECProviderContract):
    cancels_echo = False

    @pytest.fixture
    def aec(self):
        return MockAECProvider()
"""


SANDBOXED_PORTS = {
    "ConversationStore", "RoomLockManager", "RealtimeBackend", "IdentityResolver", "AIProvider",
    "MemoryProvider", "STTProvider", "TTSProvider", "AECProvider",
}  # fmt: skip


def test_builtin_adapters_pass_in_asyncio_strict_mode(run_suite: RunSuite) -> None:
    run = run_suite(BUILTINS)
    assert run.failed == set(), run.output
    expected_skips = {
        "TestLocks::test_peer_managers_exclude_each_other",
        "TestRealtime::test_events_reach_subscribers_of_a_peer",
        "TestAEC::test_echo_of_the_reference_is_reduced",
        "TestStore::test_outbox_entries_settle_together",  # the in-memory store has no outbox
        "TestStore::test_mark_delivery_moves_an_entry_between_states",  # no outbox in memory
        "TestStore::test_firing_a_fallback_records_its_outbox_entry",  # no outbox in memory
        "TestSTT::test_streaming_is_declared_truthfully",  # the mock transcribes whole
        "TestSTT::test_a_streamed_utterance_is_transcribed",
        # the in-memory store's snapshots are exact reads: they carry no version
        "TestStore::test_an_append_on_a_stale_snapshot_version_is_refused",
    }
    assert expected_skips <= run.skipped
    # the scripted VAD, DTMF and backend suites run in test_voice_adapters.py
    sandboxed = [c for c in CONTRACTS if c.port.__name__ in SANDBOXED_PORTS]
    total = sum(len(c.contract_tests()) for c in sandboxed)
    run.result.assert_outcomes(passed=total - 9, skipped=9)


def test_contract_marker_selects_contract_tests(run_suite: RunSuite) -> None:
    run = run_suite(
        BUILTINS + "\nclass TestMine:\n    def test_not_a_contract_test(self):\n        pass\n",
        "-m",
        "contract",
    )
    assert run.failed == set()
    assert "TestMine::test_not_a_contract_test" not in run.passed
    assert "TestLocks::test_one_holder_per_room" in run.passed


def test_missing_adapter_fixture_says_what_to_override(run_suite: RunSuite) -> None:
    run = run_suite(
        "from roomkit_contracts import ConversationStoreContract\n"
        "class TestForgot(ConversationStoreContract):\n"
        "    pass\n"
    )
    assert "TestForgot::test_paging" not in run.passed
    assert run.passed == set()
    run.result.stdout.fnmatch_lines(["*override the `store` fixture*ConversationStore*"])


def test_async_adapter_fixture_with_teardown_works_in_strict_mode(run_suite: RunSuite) -> None:
    run = run_suite(
        """
import pytest
import pytest_asyncio
from roomkit.plugins.builtin.memory_locks import InMemoryLockManager
from roomkit_contracts import RoomLockManagerContract

CLOSED = []

class TestAsyncFixture(RoomLockManagerContract):
    @pytest_asyncio.fixture
    async def lock_manager(self):
        manager = InMemoryLockManager()
        yield manager
        await manager.close()
        CLOSED.append(manager)

def test_every_fixture_was_torn_down():
    assert len(CLOSED) == len(RoomLockManagerContract.contract_tests())
"""
    )
    assert run.failed == set(), run.output
    assert "test_every_fixture_was_torn_down" in run.passed


LIVE = """
import pytest
from roomkit.plugins.builtin.memory_realtime import InMemoryRealtime
from roomkit_contracts import RealtimeBackendContract

class TestLiveBackend(RealtimeBackendContract):
    live = True

    @pytest.fixture
    def realtime(self):
        return InMemoryRealtime()

@pytest.mark.roomkit_live
def test_my_live_smoke_test():
    pass
"""


def test_live_tier_is_skipped_without_the_flag(run_suite: RunSuite) -> None:
    run = run_suite(LIVE, "-rs")
    assert run.passed == set() and run.failed == set()
    assert "test_my_live_smoke_test" in run.skipped
    assert "TestLiveBackend::test_nothing_after_unsubscribe" in run.skipped
    run.result.stdout.fnmatch_lines(["*live tier: run pytest with --roomkit-live*"])


def test_live_tier_runs_with_the_flag(run_suite: RunSuite) -> None:
    run = run_suite(LIVE, "--roomkit-live")
    assert run.failed == set()
    assert {"test_my_live_smoke_test", "TestLiveBackend::test_nothing_after_unsubscribe"} <= (
        run.passed
    )
    run.result.stdout.fnmatch_lines(["roomkit-contracts: live tier on"])


def test_failure_report_shows_the_hint(run_suite: RunSuite) -> None:
    run = run_suite(
        """
import pytest
from roomkit.plugins.builtin.memory_store import InMemoryStore
from roomkit_contracts import ConversationStoreContract

class Overwrites(InMemoryStore):
    async def create_room(self, room):
        self._rooms[room.id] = room
        return room

class TestOverwrites(ConversationStoreContract):
    @pytest.fixture
    def store(self):
        return Overwrites()
""",
        "-k",
        "duplicate",
    )
    assert run.failed == {"TestOverwrites::test_duplicate_room_id_is_rejected"}
    run.result.stdout.fnmatch_lines(
        ["*roomkit contract hint*", "If this fails, create_room silently overwrote a room*"]
    )


def test_expected_failures_turn_red_once_fixed(run_suite: RunSuite) -> None:
    run = run_suite(
        """
import pytest
from roomkit.plugins.builtin.memory_store import InMemoryStore
from roomkit_contracts import ConversationStoreContract

class TestStaleEntry(ConversationStoreContract):
    expected_failures = {"test_delete_room": "was broken once, fixed since"}

    @pytest.fixture
    def store(self):
        return InMemoryStore()
""",
        "-k",
        "test_delete_room",
    )
    assert run.failed == {"TestStaleEntry::test_delete_room"}
    run.result.stdout.fnmatch_lines(["*XPASS(strict)*was broken once*"])


# -- the documentation's example -----------------------------------------------------------------

EXAMPLE = "contracts/tests/test_docs_example.py"


def test_docs_example_is_this_repositorys_test_file() -> None:
    root = Path(__file__).resolve().parents[2]
    doc = (root / "docs" / "contracts.md").read_text()
    match = re.search(f"<!-- example: {re.escape(EXAMPLE)} -->\n```python\n(.*?)```", doc, re.S)
    assert match, f"docs/contracts.md lost the example block marked {EXAMPLE}"
    assert match[1] == (root / EXAMPLE).read_text(), f"{EXAMPLE} and the doc's snippet differ"
