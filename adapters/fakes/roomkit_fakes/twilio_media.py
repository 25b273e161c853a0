"""Twilio's side of a Media Stream: a WebSocket client that behaves like Twilio on a call.

It sends ``connected`` and ``start`` (with custom parameters, as ``<Parameter>`` would), the
caller's audio as base64 mu-law ``media`` messages of 20 ms, ``dtmf`` and ``stop``; it keeps
the audio the server plays (decoded to 8 kHz PCM), echoes each ``mark`` once the audio before it
has "played" (at once, or in real time with ``realtime=True``), and on ``clear`` drops what has
not played yet and returns the pending marks, as Twilio does.
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import json
import struct
import uuid
from typing import Any

from websockets.asyncio.client import ClientConnection, connect

_SEGMENT_ENDS = (0x3F, 0x7F, 0xFF, 0x1FF, 0x3FF, 0x7FF, 0xFFF, 0x1FFF)


def mulaw_byte(sample: int) -> int:
    value, mask = sample >> 2, 0xFF
    if value < 0:
        value, mask = -value, 0x7F
    value = min(value, 8159) + 0x21
    for segment, end in enumerate(_SEGMENT_ENDS):
        if value <= end:
            return ((segment << 4) | ((value >> (segment + 1)) & 0x0F)) ^ mask
    return 0x7F ^ mask


def linear_sample(code: int) -> int:
    code = ~code & 0xFF
    magnitude = ((((code & 0x0F) << 3) + 0x84) << ((code >> 4) & 0x07)) - 0x84
    return -magnitude if code & 0x80 else magnitude


def to_mulaw(pcm: bytes) -> bytes:
    return bytes(mulaw_byte(s) for s in struct.unpack(f"<{len(pcm) // 2}h", pcm))


def from_mulaw(data: bytes) -> bytes:
    return struct.pack(f"<{len(data)}h", *(linear_sample(c) for c in data))


class TwilioMediaStreamClient:
    """One call's stream. ``async with TwilioMediaStreamClient(url, parameters=...)``."""

    def __init__(
        self,
        url: str,
        *,
        parameters: dict[str, str] | None = None,
        headers: dict[str, str] | None = None,
        realtime: bool = False,
    ) -> None:
        self.url = url
        self.parameters = dict(parameters or {})
        self.headers = dict(headers or {})
        self.realtime = realtime
        self.stream_sid = "MZ" + uuid.uuid4().hex
        self.call_sid = "CA" + uuid.uuid4().hex
        self.account_sid = "AC" + uuid.uuid4().hex
        self.received: list[dict[str, Any]] = []
        self.played = bytearray()  # PCM 8 kHz the server sent, in order
        self.marks_returned: list[str] = []
        self.clears = 0
        self._unplayed: list[tuple[str, bytes | str]] = []  # ("audio", pcm) or ("mark", name)
        self._ws: ClientConnection | None = None
        self._reader: asyncio.Task[None] | None = None
        self._player: asyncio.Task[None] | None = None
        self._sequence = 0
        self._chunk = 0
        self._timestamp_ms = 0
        self.closed_by_server = asyncio.Event()

    async def __aenter__(self) -> TwilioMediaStreamClient:
        await self.open()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.close()

    async def open(self) -> None:
        self._ws = await connect(self.url, additional_headers=self.headers, ping_interval=None)
        self._reader = asyncio.create_task(self._read())
        await self._send({"event": "connected", "protocol": "Call", "version": "1.0.0"})
        await self._send(
            {
                "event": "start",
                "streamSid": self.stream_sid,
                "start": {
                    "streamSid": self.stream_sid,
                    "accountSid": self.account_sid,
                    "callSid": self.call_sid,
                    "tracks": ["inbound"],
                    "customParameters": self.parameters,
                    "mediaFormat": {"encoding": "audio/x-mulaw", "sampleRate": 8000, "channels": 1},
                },
            }
        )

    async def _send(self, message: dict[str, Any]) -> None:
        assert self._ws is not None, "open() the stream first"
        self._sequence += 1
        message["sequenceNumber"] = str(self._sequence)
        await self._ws.send(json.dumps(message))

    async def send_audio(self, pcm_8k: bytes) -> None:
        """The caller speaks: 8 kHz 16-bit PCM, sent as 20 ms mu-law messages."""
        data = to_mulaw(pcm_8k)
        for offset in range(0, len(data), 160):
            self._chunk += 1
            await self._send(
                {
                    "event": "media",
                    "streamSid": self.stream_sid,
                    "media": {
                        "track": "inbound",
                        "chunk": str(self._chunk),
                        "timestamp": str(self._timestamp_ms),
                        "payload": base64.b64encode(data[offset : offset + 160]).decode(),
                    },
                }
            )
            self._timestamp_ms += 20

    async def send_dtmf(self, digit: str) -> None:
        await self._send(
            {
                "event": "dtmf",
                "streamSid": self.stream_sid,
                "dtmf": {"track": "inbound_track", "digit": digit},
            }
        )

    async def stop(self) -> None:
        await self._send(
            {"event": "stop", "streamSid": self.stream_sid, "stop": {"callSid": self.call_sid}}
        )

    async def close(self) -> None:
        for task in (self._player, self._reader):
            if task is not None:
                task.cancel()
                with contextlib.suppress(asyncio.CancelledError, Exception):
                    await task
        if self._ws is not None:
            await self._ws.close()

    async def drop(self) -> None:
        """The network vanishes: the TCP connection closes with no ``stop``."""
        if self._ws is not None:
            self._ws.transport.abort()

    # what the server sends ---------------------------------------------------------------
    async def _read(self) -> None:
        assert self._ws is not None
        try:
            async for raw in self._ws:
                message = json.loads(raw)
                self.received.append(message)
                event = message.get("event")
                if event == "media":
                    pcm = from_mulaw(base64.b64decode(message["media"]["payload"]))
                    self._unplayed.append(("audio", pcm))
                elif event == "mark":
                    self._unplayed.append(("mark", message["mark"]["name"]))
                elif event == "clear":
                    self.clears += 1
                    for kind, item in self._unplayed:
                        if kind == "mark":
                            await self._return_mark(str(item))
                    self._unplayed.clear()
                await self._play()
        except Exception:
            pass
        finally:
            self.closed_by_server.set()

    async def _play(self) -> None:
        if self.realtime:
            if self._player is None or self._player.done():
                self._player = asyncio.create_task(self._play_realtime())
            return
        while self._unplayed:
            _kind, item = self._unplayed.pop(0)
            if isinstance(item, bytes):
                self.played.extend(item)
            else:
                await self._return_mark(str(item))

    async def _play_realtime(self) -> None:
        while self._unplayed:
            _kind, item = self._unplayed.pop(0)
            if isinstance(item, bytes):
                self.played.extend(item)
                await asyncio.sleep(len(item) / 2 / 8000)
            else:
                await self._return_mark(str(item))

    async def _return_mark(self, name: str) -> None:
        self.marks_returned.append(name)
        with contextlib.suppress(Exception):
            await self._send(
                {"event": "mark", "streamSid": self.stream_sid, "mark": {"name": name}}
            )
