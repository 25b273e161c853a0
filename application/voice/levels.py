"""Audio levels for the level hooks, in dBFS."""

from __future__ import annotations

import array
import math
import sys

#: how often the level hooks fire while audio flows
LEVEL_INTERVAL_MS = 100.0


def level_dbfs(pcm: bytes) -> float:
    """RMS level of 16-bit PCM in dBFS (-120 for silence)."""
    samples = array.array("h", bytes(pcm))
    if sys.byteorder == "big":  # pragma: no cover - PCM is little-endian
        samples.byteswap()
    if not samples:
        return -120.0
    mean_square = sum(s * s for s in samples) / len(samples)
    if mean_square <= 0:
        return -120.0
    return max(-120.0, 10 * math.log10(mean_square / (32768.0 * 32768.0)))
