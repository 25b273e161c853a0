"""The caller's audio from aiortc's receiver to RoomKit frames, one packet at a time.

aiortc's receiver takes a frame as complete only when a packet of the *next* frame arrives (a
video frame spans packets), then decodes it in a thread that hands it back through the event
loop: 20 ms of waiting plus a thread hop on every frame, before any jitter-buffer prefetch.
An Opus packet is a whole frame, so ``OpusInbound`` decodes each packet as it arrives, in the
event loop, once the packets before it are in: ``ReorderWindow`` holds a packet that overtook
a missing one for at most ``frames`` later packets (or that many frame times when the stream
pauses), then gives the missing one up.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from typing import Any

from aiortc import RTCRtpReceiver
from aiortc.jitterbuffer import JitterBuffer
from aiortc.rtp import RtpPacket
from av import CodecContext, Packet
from av.error import FFmpegError

from roomkit_fastrtc.tracks import PTIME, InboundReader

log = logging.getLogger("roomkit.fastrtc")

SEQUENCE_SPACE = 1 << 16
RESTART_JUMP = 1000  # a sequence jump this large is a restarted stream, not loss or reordering
_BUFFER_ATTRIBUTE = "_RTCRtpReceiver__jitter_buffer"


class ReorderWindow[T]:
    """Releases items in RTP sequence order as soon as every earlier one is in.

    An item behind a gap waits until ``frames`` items are waiting (then the gap is taken as
    lost); with ``frames=0`` nothing ever waits and a late item is dropped. Items older than
    the next expected one (duplicates, or late past their gap) are dropped and counted.
    """

    def __init__(self, frames: int) -> None:
        if frames < 0:
            raise ValueError("the reorder window cannot be negative")
        self.frames = frames
        self.dropped = 0  # duplicates and items arriving after their gap was given up
        self.lost = 0  # sequence numbers given up
        self._next: int | None = None
        self._held: dict[int, T] = {}

    @property
    def holding(self) -> bool:
        return bool(self._held)

    def add(self, sequence: int, item: T) -> list[T]:
        out: list[T] = []
        if self._next is None:
            self._next = sequence
        ahead = (sequence - self._next) % SEQUENCE_SPACE
        if RESTART_JUMP < ahead < SEQUENCE_SPACE - RESTART_JUMP:
            out = self.release()
            self._next, ahead = sequence, 0
        if ahead >= SEQUENCE_SPACE // 2 or sequence in self._held:
            self.dropped += 1
            return out
        if ahead == 0:
            out.append(item)
            self._next = (sequence + 1) % SEQUENCE_SPACE
            out += self._drain()
            return out
        self._held[sequence] = item
        if len(self._held) > self.frames:
            out += self._skip_gap()
        return out

    def release(self) -> list[T]:
        """Give up every gap: everything held, in order."""
        out: list[T] = []
        while self._held:
            out += self._skip_gap()
        return out

    def _skip_gap(self) -> list[T]:
        assert self._next is not None
        start = self._next
        first = min(self._held, key=lambda sequence: (sequence - start) % SEQUENCE_SPACE)
        self.lost += (first - start) % SEQUENCE_SPACE
        self._next = first
        return self._drain()

    def _drain(self) -> list[T]:
        out: list[T] = []
        while self._next in self._held:
            out.append(self._held.pop(self._next))
            self._next = (self._next + 1) % SEQUENCE_SPACE
        return out


class OpusInbound:
    """Takes the place of an aiortc receiver's audio jitter buffer (same ``add``): each RTP
    packet is put in order, decoded to mono 48 kHz, converted to ``rate`` and handed to
    ``deliver`` before ``add`` returns; aiortc's decoder thread is given nothing."""

    def __init__(self, deliver: Callable[[bytes], None], rate: int, reorder_frames: int) -> None:
        self.deliver = deliver
        self.window: ReorderWindow[bytes] = ReorderWindow(reorder_frames)
        self.packets = 0
        self.frames = 0
        self.errors = 0
        self._decoder: Any = CodecContext.create("libopus", "r")
        self._decoder.format = "s16"
        self._decoder.layout = "mono"
        self._decoder.sample_rate = 48000
        self._convert = InboundReader(rate).convert
        self._timer: asyncio.TimerHandle | None = None

    def add(self, packet: RtpPacket) -> tuple[bool, None]:
        """aiortc's call for every packet of the track; returns "no picture loss, no frame for
        the decoder thread"."""
        self.packets += 1
        self._decode(self.window.add(packet.sequence_number, packet.payload))
        self._arm()
        return False, None

    def flush(self) -> None:
        """Give up waiting for missing packets: decode everything held."""
        self._timer = None
        self._decode(self.window.release())

    def close(self) -> None:
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None

    def _arm(self) -> None:
        """Bound the wait by time as well, for a stream that pauses behind a gap."""
        if self.window.holding and self._timer is None:
            delay = self.window.frames * PTIME
            self._timer = asyncio.get_running_loop().call_later(delay, self.flush)
        elif not self.window.holding and self._timer is not None:
            self.close()

    def _decode(self, payloads: list[bytes]) -> None:
        for payload in payloads:
            if not payload:
                continue
            try:
                decoded = self._decoder.decode(Packet(payload))
            except FFmpegError as exc:
                self.errors += 1
                log.warning("undecodable Opus packet dropped: %s", exc)
                continue
            for frame in decoded:
                pcm = self._convert(frame)
                if pcm:
                    self.frames += 1
                    try:
                        self.deliver(pcm)
                    except Exception:
                        log.exception("an audio callback failed")


def attach(receiver: RTCRtpReceiver, inbound: OpusInbound) -> bool:
    """Hand the receiver's packets to ``inbound``: the one place that reaches inside aiortc,
    which has no public hook for received packets. Returns False, leaving aiortc to decode
    as usual, when the receiver no longer keeps a jitter buffer where aiortc 1.x does."""
    if not isinstance(getattr(receiver, _BUFFER_ATTRIBUTE, None), JitterBuffer):
        log.warning("aiortc receiver without the expected jitter buffer; decoding in aiortc")
        return False
    setattr(receiver, _BUFFER_ATTRIBUTE, inbound)
    return True
