"""VADProviderContract: speech start and end around a voiced segment, nothing on silence.

Every test feeds the same signal, :data:`LAYOUT`: 0.5 s of silence, 1 s of a voiced sound, 1.5 s of
silence, in 20 ms frames at 16 kHz. A scripted VAD (a mock) passes when scripted for it; a real
one passes by hearing it.
"""

from __future__ import annotations

import pytest

from roomkit.domain.voice import AudioFrame, VADEvent, VADEventType
from roomkit.ports.voice import VADProvider
from roomkit_contracts import signals
from roomkit_contracts.base import ContractSuite, missing_adapter, scenario_helper

LEADING_SILENCE_FRAMES = 25
VOICED_FRAMES = 50
TRAILING_SILENCE_FRAMES = 75
ONSET_FRAME = LEADING_SILENCE_FRAMES
OFFSET_FRAME = LEADING_SILENCE_FRAMES + VOICED_FRAMES


def layout() -> list[AudioFrame]:
    return signals.frames_of(
        signals.silence(LEADING_SILENCE_FRAMES)
        + signals.voiced(VOICED_FRAMES)
        + signals.silence(TRAILING_SILENCE_FRAMES)
    )


class VADProviderContract(ContractSuite, port=VADProvider, adapter_fixture="vad"):
    """Subclass it and override ``vad`` to return a fresh VAD for a 16 kHz stream."""

    @pytest.fixture
    def vad(self) -> VADProvider:
        """A fresh VAD (must be overridden)."""
        missing_adapter("vad", "VADProvider")

    # capabilities (may be overridden) --------------------------------------------------------
    @property
    def start_tolerance_ms(self) -> float:
        """How late after the true onset speech_start may come."""
        return 300.0

    @property
    def end_tolerance_ms(self) -> float:
        """How late after the true offset speech_end may come (the silence threshold)."""
        return 1200.0

    # scenario helpers (never overridden) -----------------------------------------------------
    @staticmethod
    @scenario_helper
    def run(vad: VADProvider) -> list[tuple[int, VADEvent]]:
        """Feed the layout; the (frame index, event) pairs of speech start and end."""
        found = []
        for index, frame in enumerate(layout()):
            event = vad.process(frame)
            if event is not None and event.type in (
                VADEventType.SPEECH_START,
                VADEventType.SPEECH_END,
            ):
                found.append((index, event))
        return found

    # the contract ----------------------------------------------------------------------------
    @pytest.mark.asyncio
    async def test_adapter_implements_the_port(self, vad: VADProvider) -> None:
        """If this fails, subclass roomkit.ports.voice.VADProvider."""
        assert isinstance(vad, VADProvider)

    @pytest.mark.asyncio
    async def test_nothing_is_reported_on_silence(self, vad: VADProvider) -> None:
        """If this fails, the VAD takes silence for speech: check its threshold and noise floor."""
        events = self.run(vad)
        assert all(ONSET_FRAME <= index for index, _ in events), events

    @pytest.mark.asyncio
    async def test_one_start_then_one_end_around_the_voiced_segment(self, vad: VADProvider) -> None:
        """If this fails, the VAD misses speech or splits one utterance into several."""
        kinds = [event.type for _, event in self.run(vad)]
        assert kinds == [VADEventType.SPEECH_START, VADEventType.SPEECH_END]

    @pytest.mark.asyncio
    async def test_speech_start_comes_soon_after_the_onset(self, vad: VADProvider) -> None:
        """If this fails, speech_start is reported too late (or before the sound began)."""
        starts = [i for i, e in self.run(vad) if e.type is VADEventType.SPEECH_START]
        assert starts, "no speech_start"
        late_ms = (starts[0] - ONSET_FRAME) * signals.FRAME_MS
        assert 0 <= late_ms <= self.start_tolerance_ms

    @pytest.mark.asyncio
    async def test_speech_end_comes_after_the_offset(self, vad: VADProvider) -> None:
        """If this fails, speech_end is reported inside the utterance or far too late."""
        ends = [i for i, e in self.run(vad) if e.type is VADEventType.SPEECH_END]
        assert ends, "no speech_end"
        late_ms = (ends[0] - OFFSET_FRAME) * signals.FRAME_MS
        assert 0 <= late_ms <= self.end_tolerance_ms

    @pytest.mark.asyncio
    async def test_speech_end_audio_is_whole_pcm_covering_the_utterance(
        self, vad: VADProvider
    ) -> None:
        """If this fails, the utterance audio on speech_end is cut short or not 16-bit PCM."""
        ends = [e for _, e in self.run(vad) if e.type is VADEventType.SPEECH_END]
        assert ends
        audio = ends[0].audio_bytes
        if audio is None:
            return  # the pipeline gathers the utterance itself
        assert len(audio) % 2 == 0
        voiced_bytes = VOICED_FRAMES * signals.FRAME_SAMPLES * 2
        assert len(audio) >= voiced_bytes * 0.8
