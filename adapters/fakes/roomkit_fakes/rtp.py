"""The far end of an RTP call: a UDP peer that sends and records RTP (RFC 3550) audio and
RFC 4733 digits, with scriptable packet loss, reordering and duplication.

It speaks PCMU (payload type 0, 8 kHz) or L16 (network byte order, payload type 96) and builds
its packets with ``struct`` itself, so it checks the backend rather than sharing its code.
"""

from __future__ import annotations

import random
import struct
from array import array
from dataclasses import dataclass, field

from roomkit_fakes.twilio_media import from_mulaw, to_mulaw
from roomkit_fakes.udp import LoopbackUDP

DIGITS = "0123456789*#ABCD"


@dataclass
class ReceivedPacket:
    payload_type: int
    sequence: int
    timestamp: int
    ssrc: int
    marker: bool
    payload: bytes


def _swap(pcm: bytes) -> bytes:
    samples = array("h")
    samples.frombytes(pcm)
    samples.byteswap()
    return samples.tobytes()


@dataclass(eq=False)
class RTPPeer(LoopbackUDP):
    """``await peer.start()``, then ``peer.connect_to(port)``; ``peer.port`` is where it listens."""

    codec: str = "pcmu"
    rate: int = 8000
    payload_type: int | None = None
    dtmf_payload_type: int = 101
    ptime_ms: int = 20
    drop: set[int] = field(default_factory=set)  # indices of audio packets never sent
    duplicate: set[int] = field(default_factory=set)
    swap_pairs: set[int] = field(default_factory=set)  # packet i is sent after packet i + 1
    received: list[ReceivedPacket] = field(default_factory=list)
    remote: tuple[str, int] | None = None

    def __post_init__(self) -> None:
        if self.payload_type is None:
            self.payload_type = 0 if self.codec == "pcmu" else 96
        self._sequence = random.getrandbits(16)
        self._timestamp = random.getrandbits(32)
        self._ssrc = random.getrandbits(32)
        self._sent_audio = 0
        self._held: bytes | None = None

    async def start(self) -> RTPPeer:
        await self.bind()
        return self

    def connect_to(self, port: int, host: str = "127.0.0.1") -> None:
        self.remote = (host, port)

    def datagram_received(self, data: bytes, addr: tuple[str, int]) -> None:
        first, second, sequence, timestamp, ssrc = struct.unpack("!BBHII", data[:12])
        assert first >> 6 == 2, "not RTP version 2"
        self.received.append(
            ReceivedPacket(second & 0x7F, sequence, timestamp, ssrc, bool(second & 0x80), data[12:])
        )

    # sending -------------------------------------------------------------------------------
    def _packet(self, payload_type: int, payload: bytes, marker: bool = False) -> bytes:
        header = struct.pack(
            "!BBHII",
            0x80,
            (0x80 if marker else 0) | payload_type,
            self._sequence,
            self._timestamp,
            self._ssrc,
        )
        self._sequence = (self._sequence + 1) & 0xFFFF
        return header + payload

    def _encode(self, pcm: bytes) -> bytes:
        return to_mulaw(pcm) if self.codec == "pcmu" else _swap(pcm)

    def _decode(self, payload: bytes) -> bytes:
        return from_mulaw(payload) if self.codec == "pcmu" else _swap(payload)

    def _sendto(self, data: bytes) -> None:
        assert self.transport is not None and self.remote is not None, "connect_to() first"
        self.transport.sendto(data, self.remote)

    def send_audio(self, pcm: bytes) -> None:
        """Packetize ``pcm`` (16-bit at ``rate``) into ``ptime_ms`` packets and send them,
        applying the loss, duplication and reordering script."""
        assert self.payload_type is not None
        step = self.rate * self.ptime_ms // 1000 * 2
        for offset in range(0, len(pcm), step):
            piece = pcm[offset : offset + step]
            index = self._sent_audio
            self._sent_audio += 1
            data = self._packet(self.payload_type, self._encode(piece), marker=index == 0)
            self._timestamp = (self._timestamp + len(piece) // 2) & 0xFFFFFFFF
            if index in self.drop:
                continue
            if index in self.swap_pairs:
                self._held = data
                continue
            self._sendto(data)
            if index in self.duplicate:
                self._sendto(data)
            if self._held is not None:
                self._sendto(self._held)
                self._held = None

    def send_dtmf(self, digit: str, duration_ms: int = 120) -> None:
        total = self.rate * duration_ms // 1000
        code = DIGITS.index(digit)
        step = self.rate // 20
        for index, duration in enumerate(range(step, total, step)):
            self._sendto(self._event(code, False, duration, marker=index == 0))
        for _ in range(3):
            self._sendto(self._event(code, True, total, marker=False))
        self._timestamp = (self._timestamp + total) & 0xFFFFFFFF

    def _event(self, code: int, end: bool, duration: int, marker: bool) -> bytes:
        payload = struct.pack("!BBH", code, (0x80 if end else 0) | 10, duration)
        return self._packet(self.dtmf_payload_type, payload, marker)

    # what arrived --------------------------------------------------------------------------
    def heard(self) -> bytes:
        """The audio received, decoded, in arrival order."""
        return b"".join(
            self._decode(p.payload) for p in self.received if p.payload_type == self.payload_type
        )

    def digits(self) -> list[tuple[str, int]]:
        """RFC 4733 digits received: (digit, duration in ms), each event once."""
        ends: dict[int, tuple[str, int]] = {}
        for p in self.received:
            if p.payload_type == self.dtmf_payload_type and p.payload[1] & 0x80:
                duration = struct.unpack("!H", p.payload[2:4])[0]
                ends[p.timestamp] = (DIGITS[p.payload[0]], duration * 1000 // self.rate)
        return list(ends.values())
