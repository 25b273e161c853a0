"""Noise reduction by spectral subtraction with a tracked noise spectrum.

Short-time spectra (20 ms windows, 10 ms hop, square-root Hann analysis and synthesis so that
overlap-add is exact) are compared with a per-bin noise estimate that follows the minimum of
the smoothed power (drops at once, rises ``noise_rise_db_per_s``). Each bin keeps the gain
``max(1 - oversubtraction * noise / power, floor)`` (as amplitude), smoothed over time to keep
musical noise down. The output lags the input by one hop (10 ms).
"""

from __future__ import annotations

import numpy as np

from roomkit_audio.dsp._stream import BlockQueue, OutputQueue
from roomkit_audio.dsp.pcm import Floats, Pcm, as_pcm, check_rate, to_int16


class SpectralSubtractionDenoiser:
    def __init__(
        self,
        sample_rate: int,
        *,
        oversubtraction: float = 2.0,
        floor_db: float = -20.0,
        noise_rise_db_per_s: float = 6.0,
        smoothing: float = 0.5,
    ) -> None:
        self.sample_rate = check_rate(sample_rate)
        if oversubtraction <= 0:
            raise ValueError(f"oversubtraction must be positive, got {oversubtraction!r}")
        if floor_db > 0:
            raise ValueError(f"floor_db must be at most 0 dB, got {floor_db!r}")
        if not 0.0 <= smoothing < 1.0:
            raise ValueError(f"smoothing must be in [0, 1), got {smoothing!r}")
        self.oversubtraction = oversubtraction
        self.floor = 10.0 ** (floor_db / 20.0)
        self.smoothing = smoothing
        self.hop = self.sample_rate // 100
        size = 2 * self.hop
        self._window = np.sqrt(0.5 - 0.5 * np.cos(2.0 * np.pi * np.arange(size) / size))
        self._rise = 10.0 ** (noise_rise_db_per_s * 0.01 / 10.0)
        self.reset()

    def reset(self) -> None:
        bins = self.hop + 1
        self._input = BlockQueue(self.hop)
        self._out = OutputQueue()
        self._previous: Floats = np.zeros(self.hop)
        self._tail: Floats = np.zeros(self.hop)  # second half of the last synthesis frame
        self._smoothed = np.zeros(bins)
        self._noise: Floats | None = None
        self._gain = np.ones(bins)

    @property
    def latency_ms(self) -> float:
        return 1000.0 * (self.hop + self._out.delay_samples) / self.sample_rate

    @property
    def noise_spectrum(self) -> Floats | None:
        """The current per-bin noise power estimate (None before the first 10 ms)."""
        return None if self._noise is None else self._noise.copy()

    def process(self, pcm: Pcm) -> Pcm:
        samples = as_pcm(pcm)
        hops = self._input.blocks(samples.astype(np.float64))
        count = hops.shape[0]
        produced = np.empty(count * self.hop)
        if count:
            frames = np.empty((count, 2 * self.hop))
            frames[0, : self.hop] = self._previous
            frames[1:, : self.hop] = hops[:-1]
            frames[:, self.hop :] = hops
            self._previous = hops[-1].copy()
            spectra = np.fft.rfft(frames * self._window, axis=1)
            powers = spectra.real**2 + spectra.imag**2
            gains = np.empty_like(powers)
            for index in range(count):
                gains[index] = self._gain_for(powers[index])
            frames_out = np.fft.irfft(spectra * gains, n=2 * self.hop, axis=1) * self._window
            for index in range(count):
                produced[index * self.hop : (index + 1) * self.hop] = (
                    self._tail + frames_out[index, : self.hop]
                )
                self._tail = frames_out[index, self.hop :]
        return to_int16(self._out.push_pull(produced, samples.size))

    def _gain_for(self, power: Floats) -> Floats:
        smoothed = self._smoothed
        smoothed *= 0.7
        smoothed += 0.3 * power
        if self._noise is None:
            self._noise = smoothed.copy()
        else:
            np.minimum(self._noise * self._rise, smoothed, out=self._noise)
        ratio = self._noise / np.maximum(smoothed, 1e-9)
        wanted = np.sqrt(np.maximum(1.0 - self.oversubtraction * ratio, self.floor**2))
        self._gain = self.smoothing * self._gain + (1.0 - self.smoothing) * wanted
        return self._gain
