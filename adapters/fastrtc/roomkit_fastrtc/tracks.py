"""Audio between aiortc and RoomKit frames: a paced outbound track and an inbound reader."""

from __future__ import annotations

import asyncio
import fractions
import time
from collections import deque

from aiortc.mediastreams import MediaStreamError, MediaStreamTrack
from av import AudioFrame as AVFrame
from av import AudioResampler

PTIME = 0.02


class ReplyTrack(MediaStreamTrack):
    """The agent's voice: 20 ms frames at ``rate`` from a queue, paced in real time (aiortc
    pulls as fast as ``recv`` returns).

    When the queue runs dry it sends ``trailing_silence`` frames of silence (so the browser's
    jitter buffer releases the last words) and then nothing until a reply is pushed, as Opus
    DTX does: an idle call costs no encoding, audio-level scan, encryption or packets. The
    next reply's timestamps continue on the real clock, so the gap is heard as the time it was.
    """

    kind = "audio"

    def __init__(self, rate: int = 48000, *, trailing_silence: int = 5) -> None:
        super().__init__()
        self.rate = rate
        self.samples = int(rate * PTIME)
        self.trailing_silence = trailing_silence
        self._queue: deque[bytes] = deque()
        self._carry = b""
        self._start: float | None = None
        self._timestamp = 0
        self._quiet = trailing_silence  # silent frames sent since the queue ran dry
        self._wake = asyncio.Event()
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

    async def recv(self) -> AVFrame:
        if self.readyState != "live":
            raise MediaStreamError
        if not self._queue and self._quiet >= self.trailing_silence:
            self._wake.clear()
            await self._wake.wait()  # idle: nothing is sent until there is something to say
            if self._start is not None:  # resume on the real clock, on a frame boundary
                elapsed = int((time.time() - self._start) * self.rate)
                self._timestamp = max(self._timestamp, elapsed - elapsed % self.samples)
        if self._start is None:
            self._start = time.time()
        else:
            self._timestamp += self.samples
            wait = self._start + self._timestamp / self.rate - time.time()
            if wait > 0:
                await asyncio.sleep(wait)
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
        return frame


class InboundReader:
    """Turns the caller's decoded frames (Opus: 48 kHz, often stereo) into mono 16-bit PCM at
    ``rate``."""

    def __init__(self, rate: int) -> None:
        self.rate = rate
        self._resampler = AudioResampler(format="s16", layout="mono", rate=rate)

    def convert(self, frame: AVFrame) -> bytes:
        out = bytearray()
        for converted in self._resampler.resample(frame):
            out.extend(bytes(converted.planes[0])[: converted.samples * 2])
        return bytes(out)
