"""PCM16 mono rate conversion for the relay between a caller's transport and a model.

Linear interpolation, chunk by chunk: cheap enough for 50 chunks a second per call and good
enough for speech going to a model; a transport at the model's own rate skips it entirely.
"""

from __future__ import annotations

import array
import sys


def resample_pcm16(pcm: bytes, source_rate: int, target_rate: int) -> bytes:
    if source_rate == target_rate or not pcm:
        return pcm
    if len(pcm) % 2:
        raise ValueError(f"{len(pcm)} bytes is not whole 16-bit samples")
    samples = array.array("h", pcm)
    if sys.byteorder == "big":  # pragma: no cover
        samples.byteswap()
    count = len(samples)
    out_count = max(1, count * target_rate // source_rate)
    step = (count - 1) / (out_count - 1) if out_count > 1 else 0.0
    out = array.array("h", bytes(2 * out_count))
    last = count - 1
    for i in range(out_count):
        position = i * step
        left = int(position)
        if left >= last:
            out[i] = samples[last]
            continue
        frac = position - left
        a = samples[left]
        out[i] = int(a + (samples[left + 1] - a) * frac)
    if sys.byteorder == "big":  # pragma: no cover
        out.byteswap()
    return out.tobytes()
