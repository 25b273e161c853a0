"""STTProviderContract and TTSProviderContract."""

from __future__ import annotations

import asyncio
import re
from collections.abc import AsyncIterator
from dataclasses import dataclass

import pytest

from roomkit.domain.voice import SUPPORTED_SAMPLE_RATES, AudioFrame
from roomkit.ports.voice import STTProvider, TTSProvider
from roomkit_contracts.base import ContractSuite, missing_adapter, scenario_helper


@dataclass(frozen=True)
class STTScenario:
    """A provider, an utterance it can hear, and what was said (a streaming provider must
    hear it streamed in 20 ms frames too)."""

    stt: STTProvider
    audio: AudioFrame
    expected_text: str


def _words(text: str) -> list[str]:
    return re.findall(r"[\w']+", text.lower())


class STTProviderContract(ContractSuite, port=STTProvider, adapter_fixture="stt_scenario"):
    """Subclass it and override ``stt_scenario`` to return an :class:`STTScenario`."""

    @pytest.fixture
    def stt_scenario(self) -> STTScenario:
        """A provider with an utterance and its text (must be overridden)."""
        missing_adapter("stt_scenario", "STTProvider (return STTScenario(stt, audio, text))")

    @staticmethod
    @scenario_helper
    def heard(text: str, expected: str) -> bool:
        """Every expected word is in the transcript (case and punctuation ignored)."""
        return set(_words(expected)) <= set(_words(text))

    @pytest.mark.asyncio
    async def test_adapter_implements_the_port(self, stt_scenario: STTScenario) -> None:
        """If this fails, subclass roomkit.ports.voice.STTProvider."""
        assert isinstance(stt_scenario.stt, STTProvider)

    @pytest.mark.asyncio
    async def test_the_utterance_is_transcribed(self, stt_scenario: STTScenario) -> None:
        """If this fails, the provider sends the audio in the wrong format or loses words."""
        result = await stt_scenario.stt.transcribe(stt_scenario.audio)
        assert self.heard(result.text, stt_scenario.expected_text), result.text

    @pytest.mark.asyncio
    async def test_results_are_final_with_a_sane_confidence(
        self, stt_scenario: STTScenario
    ) -> None:
        """If this fails, transcribe() returns an interim result or a confidence outside 0-1."""
        result = await stt_scenario.stt.transcribe(stt_scenario.audio)
        assert result.is_final
        assert result.confidence is None or 0.0 <= result.confidence <= 1.0

    @pytest.mark.asyncio
    async def test_concurrent_utterances_are_kept_apart(self, stt_scenario: STTScenario) -> None:
        """If this fails, the provider shares one connection or buffer between calls."""
        results = await asyncio.gather(
            *(stt_scenario.stt.transcribe(stt_scenario.audio) for _ in range(3))
        )
        assert all(self.heard(r.text, stt_scenario.expected_text) for r in results)

    @pytest.mark.asyncio
    async def test_streaming_is_declared_truthfully(self, stt_scenario: STTScenario) -> None:
        """If this fails, supports_streaming is True but transcribe_stream is the port's
        default: a voice channel would stream to a provider that cannot take it."""
        stt = stt_scenario.stt
        if not stt.supports_streaming:
            pytest.skip("supports_streaming is False: utterances are transcribed whole")
        assert type(stt).transcribe_stream is not STTProvider.transcribe_stream

    @pytest.mark.asyncio
    async def test_a_streamed_utterance_is_transcribed(self, stt_scenario: STTScenario) -> None:
        """If this fails, transcribe_stream loses words, never ends once its input ends, or
        gives no final results (a voice channel joins the final ones into the transcript)."""
        stt = stt_scenario.stt
        if not stt.supports_streaming:
            pytest.skip("supports_streaming is False: utterances are transcribed whole")
        audio = stt_scenario.audio
        step = audio.sample_rate // 50 * 2

        async def frames() -> AsyncIterator[AudioFrame]:
            data = bytes(audio.data)
            for offset in range(0, len(data), step):
                yield AudioFrame(data[offset : offset + step], audio.sample_rate)

        stream = stt.transcribe_stream(frames(), sample_rate=audio.sample_rate)
        finals: list[str] = []
        async with asyncio.timeout(30):
            async for result in stream:
                if result.is_final and result.metadata.get("event") != "utterance":
                    finals.append(result.text)
        assert self.heard(" ".join(finals), stt_scenario.expected_text), finals

    @pytest.mark.asyncio
    async def test_close_can_be_called_twice(self, stt_scenario: STTScenario) -> None:
        """If this fails, close() is not idempotent; kit.close() may call it more than once."""
        await stt_scenario.stt.close()
        await stt_scenario.stt.close()


class TTSProviderContract(ContractSuite, port=TTSProvider, adapter_fixture="tts"):
    """Subclass it and override ``tts`` to return a provider ready to speak."""

    @pytest.fixture
    def tts(self) -> TTSProvider:
        """A provider (must be overridden)."""
        missing_adapter("tts", "TTSProvider")

    @staticmethod
    @scenario_helper
    async def speak(tts: TTSProvider, text: str) -> list[AudioFrame]:
        """All frames of ``text``."""
        return [frame async for frame in tts.synthesize_stream(text)]

    @pytest.mark.asyncio
    async def test_adapter_implements_the_port(self, tts: TTSProvider) -> None:
        """If this fails, subclass roomkit.ports.voice.TTSProvider."""
        assert isinstance(tts, TTSProvider)

    @pytest.mark.asyncio
    async def test_speech_comes_as_mono_16_bit_frames_at_one_rate(self, tts: TTSProvider) -> None:
        """If this fails, convert the vendor's audio to mono 16-bit PCM before yielding it."""
        frames = await self.speak(tts, "Hello there, how are you today?")
        assert frames
        assert {(f.channels, f.sample_width) for f in frames} == {(1, 2)}
        rates = {f.sample_rate for f in frames}
        assert len(rates) == 1 and rates <= SUPPORTED_SAMPLE_RATES

    @pytest.mark.asyncio
    async def test_longer_text_gives_longer_speech(self, tts: TTSProvider) -> None:
        """If this fails, the provider truncates text or ignores it."""
        short = sum(f.duration_ms for f in await self.speak(tts, "Hi."))
        long = sum(
            f.duration_ms
            for f in await self.speak(tts, "Hi. This sentence is a great deal longer than that.")
        )
        assert long > short > 0

    @pytest.mark.asyncio
    async def test_synthesize_returns_the_whole_utterance(self, tts: TTSProvider) -> None:
        """If this fails, synthesize() and synthesize_stream() disagree."""
        text = "One two three four."
        streamed = sum(len(f.data) for f in await self.speak(tts, text))
        whole = await tts.synthesize(text)
        assert abs(len(whole.data) - streamed) <= 0.2 * streamed

    @pytest.mark.asyncio
    async def test_a_stream_abandoned_midway_leaves_the_provider_usable(
        self, tts: TTSProvider
    ) -> None:
        """If this fails, closing the stream early (barge-in) breaks the provider."""
        stream = tts.synthesize_stream("A fairly long sentence that will be cut off early.")
        async for _frame in stream:
            break
        await stream.aclose()  # type: ignore[attr-defined]
        assert await self.speak(tts, "Still here.")

    @pytest.mark.asyncio
    async def test_empty_text_gives_no_audio_or_a_value_error(self, tts: TTSProvider) -> None:
        """If this fails, the provider speaks something for an empty string."""
        try:
            frames = await self.speak(tts, "   ")
        except ValueError:
            return
        assert sum(len(f.data) for f in frames) == 0
