"""Every built-in adapter passes its port's contract suite."""

from __future__ import annotations

import json
from collections.abc import Callable

import pytest

from roomkit.domain.ai import AIMessage
from roomkit.domain.context import RoomContext
from roomkit.domain.conversation import ConversationState, set_conversation_state
from roomkit.domain.enums import IdentificationStatus
from roomkit.domain.event import RoomEvent
from roomkit.domain.identity import Identity
from roomkit.domain.room import Room
from roomkit.domain.webhook import WebhookRequest
from roomkit.memory.sliding_window import SlidingWindowMemory
from roomkit.orchestration.handoff import HandoffMemoryProvider
from roomkit.plugins.builtin.memory_locks import InMemoryLockManager
from roomkit.plugins.builtin.memory_realtime import InMemoryRealtime
from roomkit.plugins.builtin.memory_store import InMemoryStore
from roomkit.plugins.builtin.mock_ai import MockAIProvider
from roomkit.plugins.builtin.mock_identity import MockIdentityResolver
from roomkit.plugins.builtin.mock_messaging import MockMessageProvider
from roomkit.plugins.builtin.signed_json_webhook import SignedJSONWebhookParser, sign_json_webhook
from roomkit.ports.ai import AIProvider
from roomkit.ports.memory import MemoryProvider
from roomkit.ports.webhooks import WebhookParser
from roomkit_contracts import (
    AIProviderContract,
    ConversationStoreContract,
    IdentityResolverContract,
    IdentityScenario,
    MemoryProviderContract,
    MessageProviderContract,
    MessageProviderScenario,
    RealtimeBackendContract,
    Received,
    RoomLockManagerContract,
    WebhookParserContract,
    WebhookScenario,
)
from roomkit_contracts.memory import AGENT


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


# messaging ---------------------------------------------------------------------------------------
def json_webhook_scenario(
    parser: WebhookParser, secret: str = "contract-secret"
) -> WebhookScenario:
    def request(payload: dict[str, object]) -> WebhookRequest:
        return WebhookRequest(
            url="https://example.com/hook",
            headers={"content-type": "application/json"},
            body=json.dumps(payload).encode(),
        )

    def signer(
        key: str, timestamp: int | None = None
    ) -> Callable[[WebhookRequest], WebhookRequest]:
        def sign(r: WebhookRequest) -> WebhookRequest:
            extra = {k.lower(): v for k, v in sign_json_webhook(key, r.body, timestamp).items()}
            return r.model_copy(update={"headers": {**r.headers, **extra}})

        return sign

    return WebhookScenario(
        parser=parser,
        inbound=request({"type": "message", "id": "m-1", "from": "+1555", "text": "contracthello"}),
        sender_id="+1555",
        text="contracthello",
        provider_message_id="m-1",
        sign=signer(secret),
        sign_with_wrong_key=signer("another-secret"),
        sign_stale=signer(secret, timestamp=1_000_000_000),
        malformed=request({"type": "message", "id": "m-2", "text": "no sender"}),
        status_report=request({"type": "status", "message_id": "m-9", "status": "delivered"}),
        status_message_id="m-9",
    )


class TestSignedJSONWebhookParser(WebhookParserContract):
    @pytest.fixture
    def webhook_scenario(self) -> WebhookScenario:
        return json_webhook_scenario(SignedJSONWebhookParser("contract-secret"))


class TestMockMessageProviderWebhooks(WebhookParserContract):
    @pytest.fixture
    def webhook_scenario(self) -> WebhookScenario:
        return json_webhook_scenario(MockMessageProvider(webhook_secret="contract-secret"))


def mock_provider_scenario(provider: MockMessageProvider) -> MessageProviderScenario:
    def refuse(on: bool) -> None:
        if on:
            provider.fail_for.add("+15550001111")
        else:
            provider.fail_for.discard("+15550001111")

    return MessageProviderScenario(
        provider=provider,
        recipient="+15550001111",
        received=lambda: [
            Received(m.to, m.event.content.body)  # type: ignore[union-attr]
            for m in provider.sent
        ],
        refuse=refuse,
    )


class TestMockMessageProvider(MessageProviderContract):
    @pytest.fixture
    def message_provider_scenario(self) -> MessageProviderScenario:
        return mock_provider_scenario(MockMessageProvider())
