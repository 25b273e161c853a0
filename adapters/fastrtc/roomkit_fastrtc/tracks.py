"""Audio between aiortc and RoomKit frames: a paced outbound track and an inbound reader."""

from __future__ import annotations

import asyncio
import fractions
import time
from collections import deque
from collections.abc import Awaitable, Callable
from typing import Any

from aiortc.mediastreams import MediaStreamError, MediaStreamTrack
from av import AudioFrame as AVFrame
from av import AudioResampler, CodecContext
from av import Packet as AVPacket

PTIME = 0.02


OPUS_RATES = frozenset({8000, 12000, 16000, 24000, 48000})


class ReplyTrack(MediaStreamTrack):
    """The agent's voice: 20 ms frames at ``rate`` from a queue, paced in real time (aiortc
    pulls as fast as ``recv`` returns).

    When the queue runs dry it sends ``trailing_silence`` frames of silence (so the browser's
    jitter buffer releases the last words) and then nothing until a reply is pushed, as Opus
    DTX does: an idle call costs no encoding, audio-level scan, encryption or packets. A reply
    pushed to an idle track is due at once: its timestamp continues on the real clock, so the
    gap is heard as the time it was, and later frames follow 20 ms apart.

    At a rate Opus takes natively the track encodes each frame itself, in the event loop, and
    hands aiortc the packet: aiortc would otherwise encode in its thread pool, a thread hop on
    every frame. Other rates (or ``encode=False``) go to aiortc as PCM.
    """

    kind = "audio"

    def __init__(
        self,
        rate: int = 48000,
        *,
        trailing_silence: int = 5,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
        bit_rate: int = 32000,
        encode: bool = True,
    ) -> None:
        """``clock`` and ``sleep``: the real time the pacing follows (monotonic, so a step of
        the wall clock neither bursts nor stalls a reply)."""
        super().__init__()
        self.rate = rate
        self.samples = int(rate * PTIME)
        self.trailing_silence = trailing_silence
        self.clock = clock
        self.sleep = sleep
        self._queue: deque[bytes] = deque()
        self._carry = b""
        self._start: float | None = None
        self._timestamp = 0
        self._quiet = trailing_silence  # silent frames sent since the queue ran dry
        self._wake = asyncio.Event()
        self._encoder = _opus_encoder(rate, bit_rate) if encode and rate in OPUS_RATES else None
        self.frames_sent = 0

    def push(self, pcm: bytes) -> None:
        data = self._carry + pcm
        step = self.samples * 2
        whole = len(data) - len(data) % step
        for offset in range(0, whole, step):
            self._queue.append(data[offset : offset + step])
        self._carry = data[whole:]
        if self._queue:
            self._wake.set()

    def clear(self) -> bool:
        cut = bool(self._queue or self._carry)
        self._queue.clear()
        self._carry = b""
        return cut

    @property
    def queued_seconds(self) -> float:
        return len(self._queue) * PTIME

    @property
    def idle(self) -> bool:
        """Nothing queued and the trailing silence sent: the next reply leaves at once."""
        return not self._queue and self._quiet >= self.trailing_silence

    async def recv(self) -> AVFrame | AVPacket[Any]:
        if self.readyState != "live":
            raise MediaStreamError
        idle = self.idle
        if idle:
            self._wake.clear()
            await self._wake.wait()  # idle: nothing is sent until there is something to say
        if self._start is None:
            self._start = self.clock()
        else:
            self._timestamp += self.samples
            if idle:  # resume on the real clock, not before the frame after the last one sent
                elapsed = int((self.clock() - self._start) * self.rate)
                self._timestamp = max(self._timestamp, elapsed)
            wait = self._start + self._timestamp / self.rate - self.clock()
            if wait > 0:
                await self.sleep(wait)
        if self._queue:
            pcm = self._queue.popleft()
            self._quiet = 0
        else:
            pcm = bytes(self.samples * 2)
            self._quiet += 1
        self.frames_sent += 1
        frame = AVFrame(format="s16", layout="mono", samples=self.samples)
        frame.planes[0].update(pcm)
        frame.pts = self._timestamp
        frame.sample_rate = self.rate
        frame.time_base = fractions.Fraction(1, self.rate)
        if self._encoder is None:
            return frame
        packets = self._encoder.encode(frame)
        if len(packets) != 1:  # libopus returns one packet per 20 ms frame, at once
            return frame
        packet: AVPacket[Any] = packets[0]
        packet.pts = self._timestamp
        packet.time_base = frame.time_base
        return packet


def _opus_encoder(rate: int, bit_rate: int) -> Any:
    encoder: Any = CodecContext.create("libopus", "w")
    encoder.sample_rate = rate
    encoder.format = "s16"
    encoder.layout = "mono"
    encoder.bit_rate = bit_rate
    encoder.time_base = fractions.Fraction(1, rate)
    encoder.options = {"application": "voip"}
    return encoder


class InboundReader:
    """Turns the caller's decoded frames (Opus: 48 kHz, often stereo) into mono 16-bit PCM at
    ``rate``."""

    def __init__(self, rate: int) -> None:
        self.rate = rate
        self._resampler = AudioResampler(format="s16", layout="mono", rate=rate)

    def convert(self, frame: AVFrame) -> bytes:
        """A decoder's plane is sized for its longest frame: only the samples are copied."""
        converted = self._resampler.resample(frame)
        if len(converted) == 1:
            return bytes(memoryview(converted[0].planes[0])[: converted[0].samples * 2])
        out = bytearray()
        for part in converted:
            out += memoryview(part.planes[0])[: part.samples * 2]
        return bytes(out)
