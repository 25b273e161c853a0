"""Noise reduction by spectral subtraction with a tracked noise spectrum.

Short-time spectra (20 ms windows, 10 ms hop, square-root Hann analysis and synthesis so that
overlap-add is exact) are compared with a per-bin noise estimate that follows the minimum of
the smoothed power (drops at once, rises ``noise_rise_db_per_s``). Each bin keeps the gain
``max(1 - oversubtraction * noise / power, floor)`` (as amplitude), smoothed over time to keep
musical noise down. The output lags the input by one hop (10 ms).
"""

from __future__ import annotations

import numpy as np

from roomkit_audio.dsp._fft import irfft, rfft
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
        self._floor_power = self.floor * self.floor
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
        if count == 0:
            return to_int16(self._out.push_pull(np.zeros(0), samples.size))
        hop = self.hop
        # analysis frames: the previous hop and this one, for each hop of the call
        frames = np.empty((count, 2 * hop))
        frames[0, :hop] = self._previous
        frames[1:, :hop] = hops[:-1]
        frames[:, hop:] = hops
        self._previous = hops[-1].copy()
        frames *= self._window
        spectra = rfft(frames)
        powers = np.abs(spectra)
        powers *= powers
        for index in range(count):
            spectra[index] *= self._gain_for(powers[index])
        frames_out = irfft(spectra, 2 * hop)
        frames_out *= self._window
        # overlap-add: each output hop is the tail of one frame plus the head of the next
        frames_out[0, :hop] += self._tail
        frames_out[1:, :hop] += frames_out[:-1, hop:]
        self._tail = frames_out[-1, hop:].copy()
        produced = frames_out[:, :hop].reshape(-1)
        return to_int16(self._out.push_pull(produced, samples.size))

    def _gain_for(self, power: Floats) -> Floats:
        smoothed = self._smoothed
        smoothed *= 0.7
        smoothed += 0.3 * power
        noise = self._noise
        if noise is None:
            noise = self._noise = smoothed + 1e-9
        else:
            # bins near the noise level follow it (mean, not minimum: no downward bias);
            # louder bins only let it creep up, so speech does not become noise
            near = smoothed < 3.0 * noise
            noise *= self._rise
            np.copyto(noise, 0.9 * noise + 0.1 * smoothed, where=near)
        # gain^2 = 1 - oversubtraction * noise / power, floored; then smoothed over time
        wanted = noise / (smoothed + 1e-9)
        wanted *= -self.oversubtraction
        wanted += 1.0
        np.maximum(wanted, self._floor_power, out=wanted)
        np.sqrt(wanted, out=wanted)
        gain = self._gain
        gain *= self.smoothing
        wanted *= 1.0 - self.smoothing
        gain += wanted
        return gain
