"""One RTP session: a UDP socket, the far end's address, sequence state, and pacing."""

from __future__ import annotations

import asyncio
import random
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from roomkit_rtp.codecs import Codec
from roomkit_rtp.packet import RTPFormatError, RTPPacket, TelephoneEvent


@dataclass
class RTPStats:
    packets_received: int = 0
    packets_sent: int = 0
    lost: int = 0
    late: int = 0
    malformed: int = 0
    concealed: int = 0


@dataclass
class _Outbound:
    ssrc: int = field(default_factory=lambda: random.getrandbits(32))
    sequence: int = field(default_factory=lambda: random.getrandbits(16))
    timestamp: int = field(default_factory=lambda: random.getrandbits(32))
    plays_until: float = 0.0
    talking: bool = False


class RTPEndpoint(asyncio.DatagramProtocol):
    """The socket of one session; decodes what arrives and sends what it is given."""

    def __init__(
        self,
        codec: Codec,
        dtmf_payload_type: int,
        on_pcm: Callable[[bytes, int], None],
        on_digit: Callable[[str, int], None],
        *,
        remote: tuple[str, int] | None = None,
        max_concealed_packets: int = 5,
        reorder_window: int = 2,
        reorder_wait: float = 0.06,
    ) -> None:
        self.codec = codec
        self.dtmf_payload_type = dtmf_payload_type
        self.on_pcm = on_pcm
        self.on_digit = on_digit
        self.remote = remote
        self.max_concealed_packets = max_concealed_packets
        self.reorder_window = reorder_window
        self.reorder_wait = reorder_wait
        self._held: dict[int, RTPPacket] = {}
        self._timer: asyncio.TimerHandle | None = None
        self.stats = RTPStats()
        self.transport: asyncio.DatagramTransport | None = None
        self.last_packet_at: float | None = None
        self._expected: int | None = None
        self._samples_per_packet: int | None = None
        self._digits_seen: set[int] = set()
        self.out = _Outbound()

    # receiving -----------------------------------------------------------------------------
    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        assert isinstance(transport, asyncio.DatagramTransport)
        self.transport = transport

    def datagram_received(self, data: bytes, addr: tuple[str, int]) -> None:
        try:
            packet = RTPPacket.parse(data)
        except RTPFormatError:
            self.stats.malformed += 1
            return
        if self.remote is None:
            self.remote = addr  # symmetric RTP: answer where the peer sends from
        self.last_packet_at = time.monotonic()
        self.stats.packets_received += 1
        if packet.payload_type == self.dtmf_payload_type:
            self._digit(packet)
        elif packet.payload_type == self.codec.payload_type:
            self._audio(packet)
        else:
            self.stats.malformed += 1

    def _audio(self, packet: RTPPacket) -> None:
        """Play packets in sequence order: one that arrives early waits (up to
        ``reorder_window`` packets or ``reorder_wait`` seconds) for the ones before it; when
        they do not come, their gap is filled with silence."""
        if self._expected is None:
            self._play(packet)
            return
        ahead = (packet.sequence - self._expected) & 0xFFFF
        if ahead >= 0x8000 or packet.sequence in self._held:  # late, or a duplicate
            self.stats.late += 1
            return
        if ahead == 0:
            self._play(packet)
            self._drain()
            return
        self._held[packet.sequence] = packet
        if len(self._held) > self.reorder_window:
            self._give_up()
        elif self._timer is None:
            loop = asyncio.get_running_loop()
            self._timer = loop.call_later(self.reorder_wait, self._give_up)

    def _play(self, packet: RTPPacket) -> None:
        self._expected = (packet.sequence + 1) & 0xFFFF
        pcm = self.codec.decode(packet.payload)
        self._samples_per_packet = len(pcm) // 2
        self.on_pcm(pcm, packet.timestamp)

    def _drain(self) -> None:
        while self._expected in self._held:
            self._play(self._held.pop(self._expected))
        if not self._held and self._timer is not None:
            self._timer.cancel()
            self._timer = None

    def _give_up(self) -> None:
        """The packets before the earliest held one are lost: conceal them and go on."""
        self._timer = None
        if not self._held or self._expected is None:
            return
        expected = self._expected
        earliest = min(self._held, key=lambda seq: (seq - expected) & 0xFFFF)
        gap = (earliest - expected) & 0xFFFF
        self.stats.lost += gap
        self._conceal(min(gap, self.max_concealed_packets))
        self._expected = earliest
        self._drain()
        if self._held and self._timer is None:
            self._timer = asyncio.get_running_loop().call_later(self.reorder_wait, self._give_up)

    def _conceal(self, packets: int) -> None:
        """Fill lost packets with silence so the stream keeps its timing."""
        if not self._samples_per_packet:
            return
        for _ in range(packets):
            self.stats.concealed += 1
            self.on_pcm(b"\x00\x00" * self._samples_per_packet, -1)

    def _digit(self, packet: RTPPacket) -> None:
        try:
            event = TelephoneEvent.parse(packet.payload)
        except RTPFormatError:
            self.stats.malformed += 1
            return
        # an event is one timestamp; its end is sent three times: report it once
        if event.end and packet.timestamp not in self._digits_seen:
            self._digits_seen.add(packet.timestamp)
            self.on_digit(event.digit, event.duration * 1000 // self.codec.clock_rate)

    # sending -------------------------------------------------------------------------------
    def send(
        self, payload_type: int, payload: bytes, *, samples: int, marker: bool, advance: bool
    ) -> None:
        if self.transport is None or self.remote is None:
            return
        packet = RTPPacket(
            payload_type, self.out.sequence, self.out.timestamp, self.out.ssrc, payload, marker
        )
        self.transport.sendto(packet.to_bytes(), self.remote)
        self.stats.packets_sent += 1
        self.out.sequence = (self.out.sequence + 1) & 0xFFFF
        if advance:
            self.out.timestamp = (self.out.timestamp + samples) & 0xFFFFFFFF

    def connection_lost(self, exc: Exception | None) -> None:
        self.transport = None
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None
