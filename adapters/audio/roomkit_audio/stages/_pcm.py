"""Frames to numpy views and back, without copying the input."""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from roomkit.domain.voice import AudioFormatError, AudioFrame

Pcm = npt.NDArray[np.int16]
_LE16 = np.dtype("<i2")


def samples(frame: AudioFrame) -> Pcm:
    """The frame's samples as an int16 view of its bytes (mono 16-bit PCM only)."""
    if frame.sample_width != 2 or frame.channels != 1:
        raise AudioFormatError(
            f"numpy stages take mono 16-bit PCM; got {frame.channels} channel(s) of "
            f"{frame.sample_width * 8}-bit samples"
        )
    return np.frombuffer(frame.data, dtype=_LE16)


def framed(frame: AudioFrame, pcm: Pcm, sample_rate: int | None = None) -> AudioFrame:
    """A frame like ``frame`` carrying ``pcm``."""
    return frame.with_data(pcm.astype(_LE16, copy=False).tobytes(), sample_rate=sample_rate)
