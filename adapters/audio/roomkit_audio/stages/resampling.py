"""Resamplers: one stream per (source, target) rate pair, so each stays click-free."""

from __future__ import annotations

from typing import Self

from roomkit.domain.voice import AudioFrame
from roomkit.ports.voice import Resampler
from roomkit_audio.dsp.resample import LinearResampler, SincResampler
from roomkit_audio.stages._pcm import framed, samples


class LinearResamplerProvider(Resampler):
    """Linear interpolation: cheap, fine for telephone speech."""

    def __init__(self) -> None:
        self._streams: dict[tuple[int, int], LinearResampler | SincResampler] = {}

    def _make(self, source: int, target: int) -> LinearResampler | SincResampler:
        return LinearResampler(source, target)

    def resample(self, frame: AudioFrame, target_rate: int) -> AudioFrame:
        if frame.sample_rate == target_rate:
            return frame
        key = (frame.sample_rate, target_rate)
        stream = self._streams.get(key)
        if stream is None:
            stream = self._streams[key] = self._make(*key)
        return framed(frame, stream.process(samples(frame)), target_rate)

    def reset(self) -> None:
        self._streams.clear()

    def new_stream(self) -> Self:
        return type(self)()


class SincResamplerProvider(LinearResamplerProvider):
    """Windowed-sinc polyphase filter: higher quality, more CPU."""

    def __init__(self, taps: int = 32) -> None:
        super().__init__()
        self.taps = taps

    def _make(self, source: int, target: int) -> SincResampler:
        return SincResampler(source, target, taps=self.taps)

    def new_stream(self) -> Self:
        return type(self)(self.taps)
