"""Test signals for the voice suites, in pure Python (the suites need no numpy): 16-bit mono PCM
at 16 kHz cut into 20 ms frames."""

from __future__ import annotations

import math
import random
import struct

from roomkit.domain.voice import AudioFrame

RATE = 16000
FRAME_MS = 20
FRAME_SAMPLES = RATE * FRAME_MS // 1000

_ROWS = {697: "123A", 770: "456B", 852: "789C", 941: "*0#D"}
_COLUMNS = {1209: "147*", 1336: "2580", 1477: "369#", 1633: "ABCD"}
DTMF_LOW = {digit: hz for hz, digits in _ROWS.items() for digit in digits}
DTMF_HIGH = {digit: hz for hz, digits in _COLUMNS.items() for digit in digits}


def pcm(samples: list[float]) -> bytes:
    clipped = (max(-32768, min(32767, int(s))) for s in samples)
    return struct.pack(f"<{len(samples)}h", *clipped)


def samples_of(data: bytes) -> list[int]:
    return list(struct.unpack(f"<{len(data) // 2}h", data))


def silence(frames: int) -> list[float]:
    return [0.0] * (frames * FRAME_SAMPLES)


def voiced(frames: int, amplitude: float = 6000.0, seed: int = 7) -> list[float]:
    """A vowel-like sound: a 140 Hz fundamental with falling harmonics and a little noise."""
    rng = random.Random(seed)
    out = []
    for n in range(frames * FRAME_SAMPLES):
        t = n / RATE
        value = sum(math.sin(2 * math.pi * 140 * k * t) / k for k in range(1, 8))
        out.append(amplitude * 0.5 * value + rng.gauss(0, amplitude * 0.02))
    return out


def tone_pair(low: float, high: float, frames: int, amplitude: float = 8000.0) -> list[float]:
    return [
        amplitude
        * 0.5
        * (math.sin(2 * math.pi * low * n / RATE) + math.sin(2 * math.pi * high * n / RATE))
        for n in range(frames * FRAME_SAMPLES)
    ]


def dtmf(digit: str, frames: int) -> list[float]:
    return tone_pair(DTMF_LOW[digit], DTMF_HIGH[digit], frames)


def noise(frames: int, amplitude: float = 3000.0, seed: int = 3) -> list[float]:
    rng = random.Random(seed)
    return [rng.gauss(0, amplitude) for _ in range(frames * FRAME_SAMPLES)]


def frames_of(samples: list[float]) -> list[AudioFrame]:
    data = pcm(samples)
    size = FRAME_SAMPLES * 2
    return [
        AudioFrame(data[i : i + size], RATE, timestamp_ms=i / 2 / RATE * 1000)
        for i in range(0, len(data) - size + 1, size)
    ]


def energy(data: bytes) -> float:
    values = samples_of(data)
    return sum(v * v for v in values) / max(1, len(values))


def db(ratio: float) -> float:
    return 10 * math.log10(max(ratio, 1e-12))
