"""Signal levels in dBFS, where a full-scale square wave is 0 dBFS (a full-scale sine -3 dBFS)."""

from __future__ import annotations

import math

import numpy as np

from roomkit_audio.dsp.pcm import FULL_SCALE, Pcm, as_pcm

SILENCE_DBFS = -120.0
"""The level reported for digital silence and empty input, instead of minus infinity."""


def power_to_dbfs(mean_square: float) -> float:
    if mean_square <= 0.0:
        return SILENCE_DBFS
    return max(SILENCE_DBFS, 10.0 * math.log10(mean_square / (FULL_SCALE * FULL_SCALE)))


def rms_dbfs(pcm: Pcm) -> float:
    """Root-mean-square level of the samples."""
    samples = as_pcm(pcm)
    if samples.size == 0:
        return SILENCE_DBFS
    as_float = samples.astype(np.float64)
    return power_to_dbfs(float(np.dot(as_float, as_float)) / samples.size)


def peak_dbfs(pcm: Pcm) -> float:
    """Level of the largest absolute sample."""
    samples = as_pcm(pcm)
    if samples.size == 0:
        return SILENCE_DBFS
    peak = float(np.max(np.abs(samples.astype(np.int32))))
    if peak == 0.0:
        return SILENCE_DBFS
    return max(SILENCE_DBFS, 20.0 * math.log10(peak / FULL_SCALE))
