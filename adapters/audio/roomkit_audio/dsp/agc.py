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

from roomkit_audio.dsp.pcm import FULL_SCALE, Pcm, as_pcm, check_rate, to_int16

BLOCK_MS = 10.0


class AutomaticGainControl:
    def __init__(
        self,
        sample_rate: int,
        target_dbfs: float = -18.0,
        max_gain_db: float = 30.0,
        attack_ms: float = 50.0,
        release_ms: float = 400.0,
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
        count = max(1, -(-samples.size // self._block))
        bounds = np.linspace(0, samples.size, count + 1).astype(np.int64)
        gains = np.empty(count + 1)
        gains[0] = self._gain
        for index in range(count):
            block = as_float[bounds[index] : bounds[index + 1]]
            power = float(np.dot(block, block)) / block.size
            gain = gains[index]
            if power > self._gate_power:
                if self._power is None:
                    self._power = power
                else:
                    rate = self._attack if power > self._power else self._release
                    self._power += rate * (power - self._power)
                gain = self._wanted_gain(self._power)
            peak = float(np.max(np.abs(block)))
            if peak * max(gain, gains[index]) > self.ceiling:
                gain = min(gain, self.ceiling / peak)
                gains[index] = min(gains[index], gain)
            gains[index + 1] = gain
        self._gain = float(gains[-1])
        ramp = np.interp(np.arange(samples.size), bounds, gains)
        return to_int16(as_float * ramp)

    def _wanted_gain(self, power: float) -> float:
        level_db = 10.0 * math.log10(power / (FULL_SCALE * FULL_SCALE))
        wanted = min(self.max_gain_db, max(-self.max_attenuation_db, self.target_dbfs - level_db))
        return math.pow(10.0, wanted / 20.0)
