"""The payload formats the RTP backend speaks: G.711 mu-law and A-law, and L16."""

from __future__ import annotations

import sys
from array import array
from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

from roomkit_rtp.g711 import alaw_decode, alaw_encode, ulaw_decode, ulaw_encode

CodecName = Literal["pcmu", "pcma", "l16"]


def _swap(pcm: bytes) -> bytes:
    samples = array("h")
    samples.frombytes(pcm[: len(pcm) - len(pcm) % 2])
    samples.byteswap()
    return samples.tobytes()


def _l16_encode(pcm: bytes) -> bytes:
    return _swap(pcm) if sys.byteorder == "little" else pcm  # L16 is network byte order


@dataclass(frozen=True)
class Codec:
    name: CodecName
    payload_type: int
    clock_rate: int
    bytes_per_sample: int
    encode: Callable[[bytes], bytes]
    decode: Callable[[bytes], bytes]


def codec(name: CodecName, clock_rate: int | None = None, payload_type: int | None = None) -> Codec:
    """The codec ``name``; G.711 runs at 8 kHz (static payload types 0 and 8), L16 at
    ``clock_rate`` (16 kHz unless said otherwise) on a dynamic payload type (96)."""
    if name == "pcmu":
        return Codec(
            name, 0 if payload_type is None else payload_type, 8000, 1, ulaw_encode, ulaw_decode
        )
    if name == "pcma":
        return Codec(
            name, 8 if payload_type is None else payload_type, 8000, 1, alaw_encode, alaw_decode
        )
    if name == "l16":
        rate = clock_rate or 16000
        return Codec(
            name, 96 if payload_type is None else payload_type, rate, 2, _l16_encode, _l16_encode
        )
    raise ValueError(f"unknown RTP codec {name!r}: use 'pcmu', 'pcma' or 'l16'")
