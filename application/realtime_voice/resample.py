"""PCM16 mono rate conversion for the relay between a caller's transport and a model.

Linear interpolation, computed phase by phase: for a rate ratio of p outputs per q inputs, the
outputs of one phase all sit at the same fraction between two input samples, so each phase is
a strided slice of the input (and, when the fraction is not zero, one weighted sum per sample).
A few tens of microseconds for a 20 ms frame, cheap enough for 50 frames a second per call; a
transport at the model's own rate skips it entirely.
"""

from __future__ import annotations

import array
import sys
from itertools import repeat
from math import gcd
from operator import add, floordiv, mul


def resample_pcm16(pcm: bytes, source_rate: int, target_rate: int) -> bytes:
    if source_rate == target_rate or not pcm:
        return pcm
    if len(pcm) % 2:
        raise ValueError(f"{len(pcm)} bytes is not whole 16-bit samples")
    samples = array.array("h", pcm)
    if sys.byteorder == "big":  # pragma: no cover
        samples.byteswap()
    common = gcd(source_rate, target_rate)
    p, q = target_rate // common, source_rate // common  # p outputs for every q inputs
    out_count = max(1, len(samples) * p // q)
    padded = samples + array.array("h", [samples[-1]]) * (q + 1)
    out = array.array("h", bytes(2 * out_count))
    for phase in range(min(p, out_count)):
        count = len(range(phase, out_count, p))
        left, weight = divmod(phase * q, p)
        base = padded[left : left + q * count : q]
        if not weight:
            out[phase::p] = base
            continue
        after = padded[left + 1 : left + 1 + q * count : q]
        # (a * (p - weight) + b * weight) // p for every pair, without a Python-level loop
        mixed = map(add, map(mul, base, repeat(p - weight)), map(mul, after, repeat(weight)))
        out[phase::p] = array.array("h", map(floordiv, mixed, repeat(p)))
    if sys.byteorder == "big":  # pragma: no cover
        out.byteswap()
    return out.tobytes()
