"""G.711 mu-law and A-law (ITU-T G.711) for 16-bit little-endian PCM, by lookup tables.

Encoding indexes a 64 Ki-entry table with each sample's unsigned 16-bit value; decoding
translates each code to the low and the high byte of its sample. Both run at C speed and are
exact to the reference encoder.
"""

from __future__ import annotations

import struct
import sys

_BIAS = 0x84
_SEGMENT_ENDS = (0x3F, 0x7F, 0xFF, 0x1FF, 0x3FF, 0x7FF, 0xFFF, 0x1FFF)


def _ulaw_encode(sample: int) -> int:
    value = sample >> 2  # 14-bit magnitude, as in the reference encoder
    mask = 0xFF
    if value < 0:
        value, mask = -value, 0x7F
    value = min(value, 8159) + 0x21
    for segment, end in enumerate(_SEGMENT_ENDS):
        if value <= end:
            return ((segment << 4) | ((value >> (segment + 1)) & 0x0F)) ^ mask
    return 0x7F ^ mask


def _ulaw_decode(code: int) -> int:
    code = ~code & 0xFF
    exponent = (code >> 4) & 0x07
    magnitude = (((code & 0x0F) << 3) + _BIAS) << exponent
    magnitude -= _BIAS
    return -magnitude if code & 0x80 else magnitude


def _alaw_encode(sample: int) -> int:
    sign = 0x00 if sample < 0 else 0x80
    magnitude = min(-sample - 1 if sample < 0 else sample, 32767) >> 3
    if magnitude < 32:
        code = magnitude >> 1
    else:
        exponent = magnitude.bit_length() - 5
        code = (exponent << 4) | ((magnitude >> exponent) & 0x0F)
    return (sign | code) ^ 0x55


def _alaw_decode(code: int) -> int:
    code ^= 0x55
    exponent = (code >> 4) & 0x07
    mantissa = code & 0x0F
    if exponent == 0:
        magnitude = (mantissa << 4) + 8
    else:
        magnitude = ((mantissa << 4) + 0x108) << (exponent - 1)
    return magnitude if code & 0x80 else -magnitude


def _signed(value: int) -> int:
    return value - 0x10000 if value >= 0x8000 else value


_ULAW_ENC = bytes(_ulaw_encode(_signed(u)) for u in range(0x10000))
_ALAW_ENC = bytes(_alaw_encode(_signed(u)) for u in range(0x10000))
_ULAW_DEC = b"".join(struct.pack("<h", _ulaw_decode(c)) for c in range(256))
_ALAW_DEC = b"".join(struct.pack("<h", _alaw_decode(c)) for c in range(256))
# decoding is two byte-to-byte translations (low and high byte of each sample), interleaved
_ULAW_LOW, _ULAW_HIGH = _ULAW_DEC[0::2], _ULAW_DEC[1::2]
_ALAW_LOW, _ALAW_HIGH = _ALAW_DEC[0::2], _ALAW_DEC[1::2]


def _decode(data: bytes, low: bytes, high: bytes) -> bytes:
    out = bytearray(2 * len(data))
    out[0::2] = data.translate(low)
    out[1::2] = data.translate(high)
    return bytes(out)


def _unsigned_samples(pcm: bytes) -> memoryview:
    if len(pcm) % 2:
        raise ValueError(f"16-bit PCM must have an even number of bytes; got {len(pcm)}")
    view = memoryview(pcm).cast("B").cast("H")
    if sys.byteorder != "little":  # pragma: no cover - big-endian hosts
        swapped = bytearray(pcm)
        swapped[0::2], swapped[1::2] = pcm[1::2], pcm[0::2]
        view = memoryview(bytes(swapped)).cast("H")
    return view


def ulaw_encode(pcm: bytes) -> bytes:
    return bytes(map(_ULAW_ENC.__getitem__, _unsigned_samples(pcm)))


def ulaw_decode(data: bytes) -> bytes:
    return _decode(data, _ULAW_LOW, _ULAW_HIGH)


def alaw_encode(pcm: bytes) -> bytes:
    return bytes(map(_ALAW_ENC.__getitem__, _unsigned_samples(pcm)))


def alaw_decode(data: bytes) -> bytes:
    return _decode(data, _ALAW_LOW, _ALAW_HIGH)
