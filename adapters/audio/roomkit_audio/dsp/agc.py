"""Automatic gain control: brings speech to a target RMS level without clipping.

The level of each 10 ms block that is above the noise gate feeds a smoothed power estimate
(quick to rise after ``attack_ms``, slow to fall after ``release_ms``); the gain is the
distance from that estimate to ``target_dbfs``, bounded by ``max_gain_db`` and
``-max_attenuation_db``, and moves smoothly from sample to sample. A peak limiter lowers the
gain of a block whose peaks would pass ``ceiling_dbfs``, so the output never clips. Blocks
under the gate keep the current gain, so pauses and background noise are not pumped up.
"""

from __future__ import annotations

import math

import numpy as np
import numpy.typing as npt

from roomkit_audio.dsp.pcm import FULL_SCALE, Floats, Pcm, as_pcm, check_rate, to_int16

BLOCK_MS = 10.0


class AutomaticGainControl:
    """Gain towards ``target_dbfs`` RMS for a stream of frames; ``gain_db`` is the gain now."""

    def __init__(
        self,
        sample_rate: int,
        target_dbfs: float = -18.0,
        max_gain_db: float = 30.0,
        attack_ms: float = 200.0,
        release_ms: float = 300.0,
        *,
        max_attenuation_db: float = 30.0,
        noise_gate_dbfs: float = -55.0,
        ceiling_dbfs: float = -1.0,
    ) -> None:
        self.sample_rate = check_rate(sample_rate)
        if not -60.0 <= target_dbfs <= 0.0:
            raise ValueError(f"target_dbfs must be between -60 and 0, got {target_dbfs!r}")
        if max_gain_db < 0 or max_attenuation_db < 0:
            raise ValueError("max_gain_db and max_attenuation_db must not be negative")
        if attack_ms <= 0 or release_ms <= 0:
            raise ValueError(
                f"attack_ms and release_ms must be positive, got {attack_ms!r}, {release_ms!r}"
            )
        self.target_dbfs = target_dbfs
        self.max_gain_db = max_gain_db
        self.max_attenuation_db = max_attenuation_db
        self.noise_gate_dbfs = noise_gate_dbfs
        self.ceiling = FULL_SCALE * 10.0 ** (ceiling_dbfs / 20.0)
        self._block = round(self.sample_rate * BLOCK_MS / 1000.0)
        self._attack = 1.0 - math.exp(-BLOCK_MS / attack_ms)
        self._release = 1.0 - math.exp(-BLOCK_MS / release_ms)
        self._layouts: dict[int, tuple[npt.NDArray[np.intp], Floats, Floats]] = {}
        self._gate_power = 10.0 ** (noise_gate_dbfs / 10.0) * FULL_SCALE * FULL_SCALE
        self.reset()

    def reset(self) -> None:
        self._power: float | None = None  # smoothed mean square of gated blocks
        self._gain = 1.0  # linear gain applied at the end of the last sample

    @property
    def gain_db(self) -> float:
        return 20.0 * math.log10(self._gain)

    def process(self, pcm: Pcm) -> Pcm:
        samples = as_pcm(pcm)
        if samples.size == 0:
            return samples.copy()
        as_float = samples.astype(np.float64)
        starts, bounds, positions = self._layout(samples.size)
        powers = np.add.reduceat(as_float * as_float, starts) / np.diff(bounds)
        peaks = np.maximum.reduceat(np.abs(as_float), starts)
        gains = [self._gain]
        for power, peak in zip(powers.tolist(), peaks.tolist(), strict=True):
            start_gain = gains[-1]
            gain = start_gain
            if power > self._gate_power:
                if self._power is None:
                    self._power = power
                else:
                    rate = self._attack if power > self._power else self._release
                    self._power += rate * (power - self._power)
                gain = self._wanted_gain(self._power)
            if peak * max(gain, start_gain) > self.ceiling:
                gain = min(gain, self.ceiling / peak)
                gains[-1] = min(start_gain, gain)
            gains.append(gain)
        self._gain = gains[-1]
        return to_int16(as_float * np.interp(positions, bounds, gains))

    def _layout(self, size: int) -> tuple[npt.NDArray[np.intp], Floats, Floats]:
        """Block starts, block bounds and sample positions for a frame of ``size`` samples."""
        layout = self._layouts.get(size)
        if layout is None:
            count = max(1, -(-size // self._block))
            bounds = np.linspace(0, size, count + 1).round()
            layout = (bounds[:-1].astype(np.intp), bounds, np.arange(size, dtype=np.float64))
            if len(self._layouts) < 32:
                self._layouts[size] = layout
        return layout

    def _wanted_gain(self, power: float) -> float:
        level_db = 10.0 * math.log10(power / (FULL_SCALE * FULL_SCALE))
        wanted = min(self.max_gain_db, max(-self.max_attenuation_db, self.target_dbfs - level_db))
        return math.pow(10.0, wanted / 20.0)
