"""NLMSAECProvider: an NLMS adaptive filter removes the echo of what the speaker played."""

from __future__ import annotations

from typing import Any, Self

from roomkit.domain.voice import AudioFrame
from roomkit.ports.voice import AECProvider
from roomkit_audio.dsp.aec import NLMSEchoCanceller
from roomkit_audio.stages._pcm import framed, samples


class NLMSAECProvider(AECProvider):
    def __init__(self, sample_rate: int = 16000, **options: Any) -> None:
        self.sample_rate = sample_rate
        self.options = options
        self._aec = NLMSEchoCanceller(sample_rate, **options)

    def feed_reference(self, frame: AudioFrame) -> None:
        self._aec.feed_reference(samples(frame))

    def discard_reference(self) -> None:
        self._aec.discard_reference()

    def process(self, frame: AudioFrame) -> AudioFrame:
        if frame.sample_rate != self.sample_rate:
            raise ValueError(
                f"NLMSAECProvider works at {self.sample_rate} Hz; the frame is at "
                f"{frame.sample_rate} Hz (put a resampler before it)"
            )
        return framed(frame, self._aec.process(samples(frame)))

    def reset(self) -> None:
        self._aec.reset()

    def new_stream(self) -> Self:
        return type(self)(self.sample_rate, **self.options)
