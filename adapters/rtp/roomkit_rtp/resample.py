"""A small linear resampler for 16-bit mono PCM, for transports whose wire rate differs from
the frames they are given. Stateless per frame, so each frame converts on its own."""

from __future__ import annotations

from array import array


def resample(pcm: bytes, from_rate: int, to_rate: int) -> bytes:
    if from_rate == to_rate or not pcm:
        return pcm
    samples = array("h")
    samples.frombytes(pcm)
    count = len(samples)
    out_count = max(1, count * to_rate // from_rate)
    step = from_rate / to_rate
    out = array("h", bytes(2 * out_count))
    last = count - 1
    if to_rate < from_rate and from_rate % to_rate == 0:
        factor = from_rate // to_rate  # decimate by averaging each group
        for i in range(out_count):
            group = samples[i * factor : (i + 1) * factor]
            out[i] = sum(group) // len(group)
        return out.tobytes()
    for i in range(out_count):
        position = i * step
        left = int(position)
        frac = position - left
        right = left + 1 if left < last else last
        out[i] = int(samples[left] + (samples[right] - samples[left]) * frac)
    return out.tobytes()
