"""MessageProviderContract: a provider sends text to a recipient and says what the vendor gave
it back; a refusal is a result, not an exception; a throttled send is retried."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import pytest

from roomkit.domain.content import TextContent
from roomkit.domain.delivery import ProviderResult
from roomkit.domain.enums import ChannelDirection
from roomkit.domain.event import EventSource, RoomEvent
from roomkit.ports.messaging import MessageProvider
from roomkit_contracts.base import ContractSuite, missing_adapter, scenario_helper


@dataclass(frozen=True)
class Received:
    """One message as the far side got it."""

    to: str
    text: str


@dataclass(frozen=True)
class MessageProviderScenario:
    """A provider wired to a far side (a fake vendor) the suite can inspect and script.

    ``received()`` lists what the far side got, in order; ``refuse(True)`` makes it refuse every
    send (as the vendor does for a bad number) until ``refuse(False)``; ``throttle_once()``, if
    given, makes it answer the next send with 429 and a Retry-After of 0.
    """

    provider: MessageProvider
    recipient: str
    received: Callable[[], Sequence[Received]]
    refuse: Callable[[bool], None]
    throttle_once: Callable[[], None] | None = None


class MessageProviderContract(
    ContractSuite, port=MessageProvider, adapter_fixture="message_provider_scenario"
):
    """Subclass it and override ``message_provider_scenario``."""

    @pytest.fixture
    def message_provider_scenario(self) -> MessageProviderScenario:
        """The provider and its far side (must be overridden)."""
        missing_adapter(
            "message_provider_scenario", "MessageProvider (return a MessageProviderScenario)"
        )

    @property
    def timeout(self) -> float:
        """Seconds one send may take."""
        return 20.0

    # scenario helpers (never overridden) -----------------------------------------------------
    @staticmethod
    @scenario_helper
    def event(text: str) -> RoomEvent:
        return RoomEvent(
            room_id="contract-room",
            source=EventSource(channel_id="contract-ws", direction=ChannelDirection.INBOUND),
            content=TextContent(body=text),
        )

    @scenario_helper
    async def send(self, scenario: MessageProviderScenario, text: str) -> ProviderResult:
        async with asyncio.timeout(self.timeout):
            result = await scenario.provider.send(self.event(text), to=scenario.recipient)
        assert isinstance(result, ProviderResult), f"send() returned {result!r}"
        return result

    # the adapter -----------------------------------------------------------------------------
    @pytest.mark.asyncio
    async def test_adapter_implements_the_port(
        self, message_provider_scenario: MessageProviderScenario
    ) -> None:
        """The scenario's provider is a MessageProvider.

        If this fails, subclass roomkit.ports.messaging.MessageProvider.
        """
        assert isinstance(message_provider_scenario.provider, MessageProvider)

    @pytest.mark.asyncio
    async def test_text_reaches_the_recipient(
        self, message_provider_scenario: MessageProviderScenario
    ) -> None:
        """A text send succeeds with the vendor's message id, and the far side got that text.

        If this fails, check the request the provider builds (recipient and body fields).
        """
        s = message_provider_scenario
        result = await self.send(s, "contract hello")
        assert result.success, f"send failed: {result.error}"
        assert result.provider_message_id, "no provider_message_id for a successful send"
        assert list(s.received()) == [Received(s.recipient, "contract hello")]

    @pytest.mark.asyncio
    async def test_each_send_has_its_own_id(
        self, message_provider_scenario: MessageProviderScenario
    ) -> None:
        """Concurrent sends all arrive, each under its own provider_message_id.

        If this fails, the provider shares request state between concurrent sends.
        """
        s = message_provider_scenario
        texts = [f"message {i}" for i in range(5)]
        results = await asyncio.gather(*(self.send(s, t) for t in texts))
        assert all(r.success for r in results), [r.error for r in results]
        assert len({r.provider_message_id for r in results}) == 5
        assert sorted(m.text for m in s.received()) == sorted(texts)

    @pytest.mark.asyncio
    async def test_refusal_is_a_result(
        self, message_provider_scenario: MessageProviderScenario
    ) -> None:
        """A vendor refusal comes back as success=False with the reason; it does not raise.

        If this fails, catch the vendor's client errors (4xx) and return ProviderResult(False).
        """
        s = message_provider_scenario
        s.refuse(True)
        result = await self.send(s, "refused")
        assert not result.success, "a refused send reported success"
        assert result.error, "a refused send gave no reason"
        s.refuse(False)
        assert (await self.send(s, "accepted again")).success

    @pytest.mark.asyncio
    async def test_throttled_send_is_retried(
        self, message_provider_scenario: MessageProviderScenario
    ) -> None:
        """A 429 with Retry-After is waited out and the send retried; the text arrives once.

        If this fails, retry 429 (and 5xx) honouring the vendor's Retry-After header.
        """
        s = message_provider_scenario
        if s.throttle_once is None:
            pytest.skip("this provider's far side cannot throttle")
        s.throttle_once()
        result = await self.send(s, "after throttling")
        assert result.success, f"throttled send not retried: {result.error}"
        assert [m.text for m in s.received()].count("after throttling") == 1

    @pytest.mark.asyncio
    async def test_close_can_be_called_twice(
        self, message_provider_scenario: MessageProviderScenario
    ) -> None:
        """close() releases the provider's clients and is harmless when repeated.

        If this fails, guard close() against a second call.
        """
        s = message_provider_scenario
        await self.send(s, "before close")
        await s.provider.close()
        await s.provider.close()
