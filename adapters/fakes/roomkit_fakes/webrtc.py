"""A browser's side of a WebRTC call, on aiortc: it sends a microphone track (PCM you give it,
paced in real time at 48 kHz) and keeps what it hears, decoded to mono 48 kHz PCM. With
``data_channel="events"`` it also opens a data channel and keeps the JSON messages it receives.

aiortc is imported when this module is, so only tests that need WebRTC pay for it.
"""

from __future__ import annotations

import asyncio
import contextlib
import fractions
import json
import time
from collections import deque
from typing import Any

from aiortc import RTCConfiguration, RTCPeerConnection, RTCSessionDescription
from aiortc.mediastreams import MediaStreamError, MediaStreamTrack
from av import AudioFrame, AudioResampler

RATE = 48000
SAMPLES = 960  # 20 ms


class MicrophoneTrack(MediaStreamTrack):
    kind = "audio"

    def __init__(self) -> None:
        super().__init__()
        self.queue: deque[bytes] = deque()
        self._start: float | None = None
        self._timestamp = 0

    def say(self, pcm_48k: bytes) -> None:
        step = SAMPLES * 2
        padded = pcm_48k + bytes(-len(pcm_48k) % step)
        for offset in range(0, len(padded), step):
            self.queue.append(padded[offset : offset + step])

    async def recv(self) -> AudioFrame:
        if self.readyState != "live":
            raise MediaStreamError
        if self._start is None:
            self._start = time.time()
        else:
            self._timestamp += SAMPLES
            wait = self._start + self._timestamp / RATE - time.time()
            if wait > 0:
                await asyncio.sleep(wait)
        frame = AudioFrame(format="s16", layout="mono", samples=SAMPLES)
        frame.planes[0].update(self.queue.popleft() if self.queue else bytes(SAMPLES * 2))
        frame.pts = self._timestamp
        frame.sample_rate = RATE
        frame.time_base = fractions.Fraction(1, RATE)
        return frame


class BrowserPeer:
    def __init__(self, data_channel: str | None = None) -> None:
        self.pc = RTCPeerConnection(RTCConfiguration(iceServers=[]))
        self.microphone = MicrophoneTrack()
        self.pc.addTrack(self.microphone)
        self.heard = bytearray()
        self.messages: list[dict[str, Any]] = []
        if data_channel is not None:
            channel = self.pc.createDataChannel(data_channel)

            @channel.on("message")
            def on_message(message: str | bytes) -> None:
                self.messages.append(json.loads(message))

        self._reader: asyncio.Task[None] | None = None
        self._resampler = AudioResampler(format="s16", layout="mono", rate=RATE)

        @self.pc.on("track")
        def on_track(track: MediaStreamTrack) -> None:
            self._reader = asyncio.create_task(self._read(track))

    async def offer(self) -> str:
        await self.pc.setLocalDescription(await self.pc.createOffer())
        return str(self.pc.localDescription.sdp)

    async def accept(self, answer_sdp: str) -> None:
        await self.pc.setRemoteDescription(RTCSessionDescription(sdp=answer_sdp, type="answer"))

    async def _read(self, track: MediaStreamTrack) -> None:
        with contextlib.suppress(MediaStreamError):
            while True:
                frame = await track.recv()
                for out in self._resampler.resample(frame):  # type: ignore[arg-type]
                    self.heard.extend(bytes(out.planes[0])[: out.samples * 2])

    async def close(self) -> None:
        if self._reader is not None:
            self._reader.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._reader
        await self.pc.close()
