"""Input checks and conversions shared by every stage: mono int16 PCM at a known rate."""

from __future__ import annotations

from typing import Any

import numpy as np
import numpy.typing as npt

Pcm = npt.NDArray[np.int16]
Floats = npt.NDArray[np.float64]

SUPPORTED_RATES: frozenset[int] = frozenset(
    {8000, 11025, 12000, 16000, 22050, 24000, 32000, 44100, 48000}
)
INT16_MAX = 32767.0
FULL_SCALE = 32768.0


def check_rate(sample_rate: Any, what: str = "sample_rate") -> int:
    """The rate as an int, or ValueError naming the rate and the rates that are supported."""
    if isinstance(sample_rate, bool) or not isinstance(sample_rate, int | np.integer):
        raise ValueError(f"{what} must be an int in Hz, got {sample_rate!r}")
    rate = int(sample_rate)
    if rate not in SUPPORTED_RATES:
        supported = ", ".join(str(r) for r in sorted(SUPPORTED_RATES))
        raise ValueError(f"unsupported {what} {rate} Hz (supported: {supported})")
    return rate


def as_pcm(pcm: Any, what: str = "pcm") -> Pcm:
    """Check that ``pcm`` is a 1-D int16 array (mono samples) and return it unchanged."""
    if not isinstance(pcm, np.ndarray):
        raise ValueError(
            f"{what} must be a numpy int16 array, got {type(pcm).__name__}"
            " (use pcm_from_bytes for raw PCM bytes)"
        )
    if pcm.dtype != np.int16:
        raise ValueError(f"{what} must have dtype int16 (16-bit PCM), got {pcm.dtype}")
    if pcm.ndim != 1:
        raise ValueError(f"{what} must be 1-D mono samples, got shape {pcm.shape}")
    return pcm


def pcm_from_bytes(data: bytes | bytearray | memoryview, what: str = "pcm") -> Pcm:
    """A zero-copy int16 view of little-endian 16-bit PCM bytes; odd byte counts are refused."""
    size = len(memoryview(data).cast("B"))
    if size % 2:
        raise ValueError(f"{what} has an odd byte count ({size}): 16-bit PCM needs whole samples")
    return np.frombuffer(data, dtype="<i2").astype(np.int16, copy=False)


def to_int16(samples: Floats) -> Pcm:
    """Round float samples to int16, saturating at the int16 range."""
    rounded = np.rint(samples)
    np.minimum(rounded, INT16_MAX, out=rounded)
    np.maximum(rounded, -FULL_SCALE, out=rounded)
    return rounded.astype(np.int16)


def db_to_gain(db: float) -> float:
    return float(10.0 ** (db / 20.0))
