"""Noise reduction by spectral subtraction with a tracked noise spectrum.

Short-time spectra (20 ms windows, 10 ms hop, square-root Hann analysis and synthesis so that
overlap-add is exact) are compared with a per-bin noise estimate: the mean power of the frames
in which the bin stays near its minimum over the last 1.2 s. Each bin keeps the gain
``max(1 - oversubtraction * noise / power, floor)`` (as amplitude), smoothed over time to keep
musical noise down. The output lags the input by one hop (10 ms).
"""

from __future__ import annotations

import numpy as np

from roomkit_audio.dsp._fft import irfft, rfft
from roomkit_audio.dsp._stream import BlockQueue, OutputQueue
from roomkit_audio.dsp.pcm import Floats, Pcm, as_pcm, check_rate, to_int16

INIT_FRAMES = 10
MIN_WINDOW_FRAMES = 30  # 0.3 s of 10 ms hops per stored minimum
MIN_WINDOWS = 4  # the noise minimum is taken over about 1.2 s
NEAR_ESTIMATE = 3.0  # bins within 5 dB of the noise estimate ...
NEAR_MINIMUM = 10.0  # ... and within 10 dB of their recent minimum count as noise


class SpectralSubtractionDenoiser:
    """Stationary-noise removal for a stream of frames, one 10 ms hop behind the input."""

    def __init__(
        self,
        sample_rate: int,
        *,
        oversubtraction: float = 2.0,
        floor_db: float = -20.0,
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
        self.reset()

    def reset(self) -> None:
        bins = self.hop + 1
        self._input = BlockQueue(self.hop)
        self._out = OutputQueue(self.hop)
        self._previous: Floats = np.zeros(self.hop)
        self._tail: Floats = np.zeros(self.hop)  # second half of the last synthesis frame
        self._smoothed = np.zeros(bins)
        self._noise: Floats | None = None
        self._gain = np.ones(bins)
        self._frames = 0
        self._window_min = np.full(bins, np.inf)
        self._history = np.full((MIN_WINDOWS, bins), np.inf)
        self._history_min = np.full(bins, np.inf)
        self._history_slot = 0
        self._frames_in_window = 0

    @property
    def delay_samples(self) -> int:
        """How far the output lags the input: one hop, plus ``hop - 1`` once frames that
        are not whole hops (10 ms) have been seen."""
        return self.hop + self._out.delay_samples

    @property
    def latency_ms(self) -> float:
        return 1000.0 * self.delay_samples / self.sample_rate

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
        noise = self._noise
        self._frames += 1
        if noise is None or self._frames <= INIT_FRAMES:
            # the first 100 ms are taken for noise: the estimate is their running mean
            if noise is None:
                noise = self._noise = power + 1e-9
                smoothed[:] = power
            else:
                noise += (power - noise) / self._frames
                smoothed *= 0.7
                smoothed += 0.3 * power
        else:
            smoothed *= 0.7
            smoothed += 0.3 * power
            # the minimum of the smoothed power over the last second or so: speech does not
            # hold a bin up that long, noise does
            np.minimum(self._window_min, smoothed, out=self._window_min)
            self._frames_in_window += 1
            if self._frames_in_window == MIN_WINDOW_FRAMES:
                self._history[self._history_slot] = self._window_min
                self._history_slot = (self._history_slot + 1) % MIN_WINDOWS
                self._history_min = self._history.min(axis=0)
                self._window_min = np.full_like(smoothed, np.inf)
                self._frames_in_window = 0
            # bins close to the estimate and not far above that minimum are noise: the
            # estimate follows their mean (a minimum alone would sit well under the noise);
            # louder bins, and bins that stayed loud for the whole minimum window, do not
            near = smoothed < NEAR_ESTIMATE * noise
            near &= smoothed < NEAR_MINIMUM * self._history_min
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
