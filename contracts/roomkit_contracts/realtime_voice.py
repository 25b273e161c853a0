"""RealtimeVoiceProviderContract: a speech-to-speech provider hears the caller, answers with
speech and a transcript, calls tools and takes their results, keeps sessions apart, and
reports a dropped connection (and only a dropped one) so it can be resumed."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

import pytest

from roomkit.domain.ai import AITool
from roomkit.domain.realtime_voice import (
    RealtimeEvent,
    RealtimeEventType,
    RealtimeHistoryItem,
    RealtimeSessionConfig,
)
from roomkit.domain.voice import SUPPORTED_SAMPLE_RATES, VoiceSession
from roomkit.ports.realtime_voice import RealtimeVoiceProvider
from roomkit_contracts.base import ContractSuite, missing_adapter, scenario_helper

WEATHER = AITool(
    name="get_weather",
    description="Get weather for a city",
    parameters={"type": "object", "properties": {"city": {"type": "string"}}},
)


@dataclass(frozen=True)
class RealtimeScenario:
    """A provider plus the far end of its connection (the model's server, or a fake of it).

    - ``expect_reply(text)``: the next time the model is asked to answer, it speaks ``text``
      (audio, then ``text`` as its transcript);
    - ``expect_tool_call(name, arguments, then)``: the next answer is a call of tool ``name``;
      once its result arrives the model speaks ``then``;
    - ``drop()``: the server cuts every open connection;
    - ``received_audio()``: the caller audio the server got, all connections together;
    - ``tool_results()``: the tool results the server got, each as JSON text.
    """

    provider: RealtimeVoiceProvider
    expect_reply: Callable[[str], None]
    expect_tool_call: Callable[[str, dict[str, Any], str], None]
    drop: Callable[[], Awaitable[None]]
    received_audio: Callable[[], bytes]
    tool_results: Callable[[], list[str]]


class Inbox:
    """What a provider emitted for one session."""

    def __init__(self) -> None:
        self.events: list[RealtimeEvent] = []

    def __call__(self, event: RealtimeEvent) -> None:
        self.events.append(event)

    def of(self, kind: RealtimeEventType) -> list[RealtimeEvent]:
        return [e for e in self.events if e.type is kind]

    def final_transcripts(self, role: str = "assistant") -> list[str]:
        return [
            e.text
            for e in self.events
            if e.type is RealtimeEventType.TRANSCRIPT and e.final and e.role == role
        ]


class RealtimeVoiceProviderContract(
    ContractSuite, port=RealtimeVoiceProvider, adapter_fixture="realtime_scenario"
):
    """Subclass it and override ``realtime_scenario`` to return a :class:`RealtimeScenario`."""

    @pytest.fixture
    def realtime_scenario(self) -> RealtimeScenario:
        """A provider and its far end (must be overridden)."""
        missing_adapter("realtime_scenario", "RealtimeVoiceProvider (return RealtimeScenario(...))")

    @property
    def timeout(self) -> float:
        return 10.0

    @staticmethod
    @scenario_helper
    def session(participant: str = "caller") -> VoiceSession:
        return VoiceSession(room_id="contract-room", participant_id=participant, channel_id="rt")

    @staticmethod
    @scenario_helper
    def config(**fields: Any) -> RealtimeSessionConfig:
        return RealtimeSessionConfig(system_prompt="You are a test.", **fields)

    @staticmethod
    @scenario_helper
    def speech(chunks: int, rate: int) -> list[bytes]:
        """``chunks`` distinct 20 ms chunks of PCM16 at ``rate``."""
        samples = rate // 50
        return [
            b"".join(
                ((i * 37 + n * 11) % 4000 - 2000).to_bytes(2, "little", signed=True)
                for i in range(samples)
            )
            for n in range(chunks)
        ]

    @scenario_helper
    async def until(self, check: Callable[[], bool], what: str) -> None:
        try:
            async with asyncio.timeout(self.timeout):
                while not check():  # noqa: ASYNC110
                    await asyncio.sleep(0.005)
        except TimeoutError:
            pytest.fail(f"within {self.timeout:g}s: {what}")

    # the tests ---------------------------------------------------------------------------
    @pytest.mark.asyncio
    async def test_adapter_implements_the_port(self, realtime_scenario: RealtimeScenario) -> None:
        """If this fails, subclass roomkit.ports.realtime_voice.RealtimeVoiceProvider and
        declare input_sample_rate/output_sample_rate as supported PCM rates."""
        provider = realtime_scenario.provider
        assert isinstance(provider, RealtimeVoiceProvider)
        assert provider.input_sample_rate in SUPPORTED_SAMPLE_RATES
        assert provider.output_sample_rate in SUPPORTED_SAMPLE_RATES

    @pytest.mark.asyncio
    async def test_connect_and_disconnect(self, realtime_scenario: RealtimeScenario) -> None:
        """If this fails, connect() must leave is_connected() true and disconnect() false,
        and a second disconnect() must be harmless."""
        provider = realtime_scenario.provider
        session = self.session()
        await provider.connect(session, self.config(), Inbox())
        assert provider.is_connected(session)
        await provider.disconnect(session)
        assert not provider.is_connected(session)
        await provider.disconnect(session)
        await provider.close()

    @pytest.mark.asyncio
    async def test_caller_audio_reaches_the_model_intact_and_in_order(
        self, realtime_scenario: RealtimeScenario
    ) -> None:
        """If this fails, send_audio() loses, reorders or re-encodes chunks on their way."""
        provider = realtime_scenario.provider
        session = self.session()
        await provider.connect(session, self.config(), Inbox())
        chunks = self.speech(5, provider.input_sample_rate)
        for chunk in chunks:
            await provider.send_audio(session, chunk)
        expected = b"".join(chunks)
        await self.until(
            lambda: realtime_scenario.received_audio() == expected,
            "the server received the five chunks as sent",
        )
        await provider.close()

    @pytest.mark.asyncio
    async def test_an_answer_comes_as_speech_then_its_transcript(
        self, realtime_scenario: RealtimeScenario
    ) -> None:
        """If this fails, map the server's audio chunks to AUDIO events and its transcript to
        one final assistant TRANSCRIPT, ending the answer with RESPONSE_DONE."""
        provider = realtime_scenario.provider
        session = self.session()
        inbox = Inbox()
        await provider.connect(session, self.config(), inbox)
        realtime_scenario.expect_reply("Hello from the model.")
        await provider.send_text(session, "Say hello", respond=True)
        await self.until(
            lambda: bool(inbox.of(RealtimeEventType.RESPONSE_DONE)), "the answer was completed"
        )
        audio = inbox.of(RealtimeEventType.AUDIO)
        assert audio and all(e.audio for e in audio), "the answer carried no audio"
        assert inbox.final_transcripts() == ["Hello from the model."]
        assert len(b"".join(e.audio for e in audio)) % 2 == 0, "audio is not whole PCM16 samples"
        kinds = [e.type for e in inbox.events]
        assert kinds.index(RealtimeEventType.AUDIO) < kinds.index(RealtimeEventType.RESPONSE_DONE)
        await provider.close()

    @pytest.mark.asyncio
    async def test_a_tool_call_round_trip(self, realtime_scenario: RealtimeScenario) -> None:
        """If this fails, report the model's function call as a TOOL_CALL with its id, name and
        parsed arguments, and send send_tool_result() back so the model can go on."""
        provider = realtime_scenario.provider
        session = self.session()
        inbox = Inbox()
        await provider.connect(session, self.config(tools=[WEATHER]), inbox)
        realtime_scenario.expect_tool_call("get_weather", {"city": "Paris"}, "Sunny in Paris.")
        await provider.send_text(session, "Weather in Paris?", respond=True)
        await self.until(lambda: bool(inbox.of(RealtimeEventType.TOOL_CALL)), "a tool call")
        call = inbox.of(RealtimeEventType.TOOL_CALL)[0]
        assert (call.name, call.arguments) == ("get_weather", {"city": "Paris"})
        assert call.call_id
        await provider.send_tool_result(session, call.call_id, call.name, '{"temperature": 22}')
        await self.until(
            lambda: "Sunny in Paris." in inbox.final_transcripts(), "the answer after the tool"
        )
        assert [json.loads(r) for r in realtime_scenario.tool_results()] == [{"temperature": 22}]
        await provider.close()

    @pytest.mark.asyncio
    async def test_sessions_are_kept_apart(self, realtime_scenario: RealtimeScenario) -> None:
        """If this fails, events of one session's connection reach another session's emit."""
        provider = realtime_scenario.provider
        alice, bob = self.session("alice"), self.session("bob")
        alice_inbox, bob_inbox = Inbox(), Inbox()
        await provider.connect(alice, self.config(), alice_inbox)
        await provider.connect(bob, self.config(), bob_inbox)
        realtime_scenario.expect_reply("Only for Bob.")
        await provider.send_text(bob, "Hi", respond=True)
        await self.until(lambda: bool(bob_inbox.final_transcripts()), "Bob's answer")
        assert alice_inbox.final_transcripts() == []
        assert alice_inbox.of(RealtimeEventType.AUDIO) == []
        await provider.close()

    @pytest.mark.asyncio
    async def test_a_dropped_connection_is_reported_and_can_be_resumed(
        self, realtime_scenario: RealtimeScenario
    ) -> None:
        """If this fails, emit DISCONNECTED when the connection ends without disconnect(), mark
        the session not connected, and let resume() reconnect it."""
        provider = realtime_scenario.provider
        session = self.session()
        inbox = Inbox()
        await provider.connect(session, self.config(), inbox)
        await realtime_scenario.drop()
        await self.until(
            lambda: bool(inbox.of(RealtimeEventType.DISCONNECTED)), "a DISCONNECTED event"
        )
        assert not provider.is_connected(session)
        again = Inbox()
        history = [RealtimeHistoryItem(role="user", text="Earlier question")]
        await provider.resume(session, self.config(history=history), again)
        assert provider.is_connected(session)
        realtime_scenario.expect_reply("Back again.")
        await provider.send_text(session, "Still there?", respond=True)
        await self.until(lambda: "Back again." in again.final_transcripts(), "an answer")
        await provider.close()

    @pytest.mark.asyncio
    async def test_disconnect_is_not_reported_as_a_drop(
        self, realtime_scenario: RealtimeScenario
    ) -> None:
        """If this fails, a session closed with disconnect() emitted events afterwards (a
        DISCONNECTED there would make the channel resume a call that ended)."""
        provider = realtime_scenario.provider
        session = self.session()
        inbox = Inbox()
        await provider.connect(session, self.config(), inbox)
        await provider.disconnect(session)
        seen = len(inbox.events)
        await asyncio.sleep(0.2)
        assert inbox.events[seen:] == []
        assert inbox.of(RealtimeEventType.DISCONNECTED) == []
        await provider.close()

    @pytest.mark.asyncio
    async def test_sending_on_a_closed_session_fails_loudly(
        self, realtime_scenario: RealtimeScenario
    ) -> None:
        """If this fails, send_audio()/send_text() on a session that is not connected must raise
        instead of dropping the caller's words silently."""
        provider = realtime_scenario.provider
        session = self.session()
        with pytest.raises(Exception):  # noqa: B017 - any error, as long as it is not silent
            await provider.send_audio(session, b"\x00\x00" * 320)
        with pytest.raises(Exception):  # noqa: B017
            await provider.send_text(session, "hello?")
        await provider.close()
