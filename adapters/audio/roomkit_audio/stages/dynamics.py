"""Gain control and noise suppression."""

from __future__ import annotations

from typing import Any, Self

from roomkit.domain.voice import AGCConfig, AudioFrame
from roomkit.ports.voice import AGCProvider, DenoiserProvider
from roomkit_audio.dsp.agc import AutomaticGainControl
from roomkit_audio.dsp.denoise import SpectralSubtractionDenoiser
from roomkit_audio.stages._pcm import framed, samples


class GainControlProvider(AGCProvider):
    """Brings speech toward ``AGCConfig.target_level_dbfs``, at most ``max_gain_db`` of gain."""

    def __init__(self, config: AGCConfig | None = None) -> None:
        self.config = config or AGCConfig()
        self._agc: AutomaticGainControl | None = None

    def process(self, frame: AudioFrame) -> AudioFrame:
        agc = self._agc
        if agc is None or agc.sample_rate != frame.sample_rate:
            c = self.config
            agc = self._agc = AutomaticGainControl(
                frame.sample_rate,
                target_dbfs=c.target_level_dbfs,
                max_gain_db=c.max_gain_db,
                attack_ms=c.attack_ms,
                release_ms=c.release_ms,
            )
        return framed(frame, agc.process(samples(frame)))

    @property
    def gain_db(self) -> float:
        return 0.0 if self._agc is None else self._agc.gain_db

    def reset(self) -> None:
        self._agc = None

    def new_stream(self) -> Self:
        return type(self)(self.config)


class SpectralDenoiserProvider(DenoiserProvider):
    """Spectral subtraction against a noise estimate learnt from the quiet parts."""

    def __init__(self, **options: Any) -> None:
        self.options = options
        self._denoiser: SpectralSubtractionDenoiser | None = None

    def process(self, frame: AudioFrame) -> AudioFrame:
        denoiser = self._denoiser
        if denoiser is None or denoiser.sample_rate != frame.sample_rate:
            denoiser = self._denoiser = SpectralSubtractionDenoiser(
                frame.sample_rate, **self.options
            )
        return framed(frame, denoiser.process(samples(frame)))

    def reset(self) -> None:
        self._denoiser = None

    def new_stream(self) -> Self:
        return type(self)(**self.options)
