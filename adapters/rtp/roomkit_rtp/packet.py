"""RTP packets (RFC 3550) and telephone-event payloads (RFC 4733)."""

from __future__ import annotations

import struct
from dataclasses import dataclass

DTMF_EVENTS = "0123456789*#ABCD"


class RTPFormatError(ValueError):
    """A datagram that is not an RTP version 2 packet."""


@dataclass(frozen=True, slots=True)
class RTPPacket:
    payload_type: int
    sequence: int
    timestamp: int
    ssrc: int
    payload: bytes
    marker: bool = False

    def to_bytes(self) -> bytes:
        first = 0x80  # version 2, no padding, no extension, no CSRC
        second = (0x80 if self.marker else 0) | (self.payload_type & 0x7F)
        header = struct.pack(
            "!BBHII", first, second, self.sequence & 0xFFFF, self.timestamp & 0xFFFFFFFF, self.ssrc
        )
        return header + self.payload

    @classmethod
    def parse(cls, data: bytes) -> RTPPacket:
        if len(data) < 12:
            raise RTPFormatError(f"an RTP packet has a 12-byte header; got {len(data)} bytes")
        first, second, sequence, timestamp, ssrc = struct.unpack("!BBHII", data[:12])
        if first >> 6 != 2:
            raise RTPFormatError(f"RTP version must be 2; got {first >> 6}")
        offset = 12 + 4 * (first & 0x0F)
        if first & 0x10:  # header extension
            if len(data) < offset + 4:
                raise RTPFormatError("truncated RTP header extension")
            (words,) = struct.unpack("!H", data[offset + 2 : offset + 4])
            offset += 4 + 4 * words
        end = len(data)
        if first & 0x20:  # padding: the last byte says how much
            end -= data[-1]
        if offset > end:
            raise RTPFormatError("RTP header longer than the packet")
        return cls(second & 0x7F, sequence, timestamp, ssrc, data[offset:end], bool(second & 0x80))


@dataclass(frozen=True, slots=True)
class TelephoneEvent:
    """One RFC 4733 event payload: ``duration`` is in timestamp units."""

    digit: str
    end: bool
    volume: int
    duration: int

    def to_bytes(self) -> bytes:
        code = DTMF_EVENTS.index(self.digit)
        return struct.pack(
            "!BBH", code, (0x80 if self.end else 0) | (self.volume & 0x3F), self.duration
        )

    @classmethod
    def parse(cls, payload: bytes) -> TelephoneEvent:
        if len(payload) < 4:
            raise RTPFormatError(f"a telephone-event payload is 4 bytes; got {len(payload)}")
        code, flags, duration = struct.unpack("!BBH", payload[:4])
        if code >= len(DTMF_EVENTS):
            raise RTPFormatError(f"telephone-event {code} is not a DTMF digit")
        return cls(DTMF_EVENTS[code], bool(flags & 0x80), flags & 0x3F, duration)
