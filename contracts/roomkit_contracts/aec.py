"""AECProviderContract: the microphone frame keeps its format; near-end speech survives; with
``cancels_echo``, the echo of the reference is reduced."""

from __future__ import annotations

import pytest

from roomkit.domain.voice import AudioFrame
from roomkit.ports.voice import AECProvider
from roomkit_contracts import signals
from roomkit_contracts.base import ContractSuite, missing_adapter, scenario_helper

ECHO_DELAY_SAMPLES = 40
ECHO_GAIN = 0.5
SECONDS = 4


def echo_scenario() -> tuple[list[AudioFrame], list[AudioFrame]]:
    """(reference frames, microphone frames): the mic hears the reference delayed and
    attenuated, as through a room, and nothing else."""
    frames = SECONDS * 1000 // signals.FRAME_MS
    far = signals.noise(frames, amplitude=4000.0)
    mic = [0.0] * ECHO_DELAY_SAMPLES + [s * ECHO_GAIN for s in far[:-ECHO_DELAY_SAMPLES]]
    return signals.frames_of(far), signals.frames_of(mic)


class AECProviderContract(ContractSuite, port=AECProvider, adapter_fixture="aec"):
    """Subclass it and override ``aec`` to return a fresh echo canceller for 16 kHz."""

    @pytest.fixture
    def aec(self) -> AECProvider:
        """A fresh echo canceller (must be overridden)."""
        missing_adapter("aec", "AECProvider")

    @property
    def cancels_echo(self) -> bool:
        """False for adapters that only pass audio through (mocks)."""
        return True

    @property
    def min_erle_db(self) -> float:
        """Echo return loss enhancement required over the last second of the scenario."""
        return 10.0

    @staticmethod
    @scenario_helper
    def cancel(aec: AECProvider) -> tuple[list[AudioFrame], list[AudioFrame]]:
        """Run the echo scenario; (microphone frames, processed frames)."""
        reference, mic = echo_scenario()
        out = []
        for ref, frame in zip(reference, mic, strict=True):
            aec.feed_reference(ref)
            out.append(aec.process(frame))
        return mic, out

    @pytest.mark.asyncio
    async def test_adapter_implements_the_port(self, aec: AECProvider) -> None:
        """If this fails, subclass roomkit.ports.voice.AECProvider."""
        assert isinstance(aec, AECProvider)

    @pytest.mark.asyncio
    async def test_frames_keep_their_format(self, aec: AECProvider) -> None:
        """If this fails, process() changes the rate, width or length of the microphone frame."""
        mic, out = self.cancel(aec)
        for before, after in zip(mic, out, strict=True):
            assert (after.sample_rate, after.sample_width, after.channels) == (16000, 2, 1)
            assert len(after.data) == len(before.data)

    @pytest.mark.asyncio
    async def test_silence_stays_silent(self, aec: AECProvider) -> None:
        """If this fails, the canceller adds noise or artefacts when nobody speaks."""
        for frame in signals.frames_of(signals.silence(25)):
            aec.feed_reference(frame)
            assert signals.energy(aec.process(frame).data) < 10.0

    @pytest.mark.asyncio
    async def test_near_end_speech_survives_without_a_reference(self, aec: AECProvider) -> None:
        """If this fails, the canceller removes the caller's own voice when nothing is played."""
        frames = signals.frames_of(signals.voiced(50))
        before = sum(signals.energy(f.data) for f in frames)
        after = sum(signals.energy(aec.process(f).data) for f in frames)
        assert signals.db(after / before) > -6.0

    @pytest.mark.asyncio
    async def test_echo_of_the_reference_is_reduced(self, aec: AECProvider) -> None:
        """If this fails, the adaptive filter does not converge on a simple echo path."""
        if not self.cancels_echo:
            pytest.skip("this adapter declares cancels_echo = False")
        mic, out = self.cancel(aec)
        last = 1000 // signals.FRAME_MS
        before = sum(signals.energy(f.data) for f in mic[-last:])
        after = sum(signals.energy(f.data) for f in out[-last:])
        assert signals.db(before / max(after, 1e-9)) >= self.min_erle_db

    @pytest.mark.asyncio
    async def test_frames_of_other_lengths_are_accepted(self, aec: AECProvider) -> None:
        """If this fails, the canceller assumes one frame size; backends send 10 to 60 ms."""
        for ms in (10, 30, 60):
            data = signals.pcm(signals.voiced(3)[: 16 * ms])
            frame = AudioFrame(data, 16000)
            aec.feed_reference(frame)
            assert len(aec.process(frame).data) == len(data)
