"""One Twilio media stream: the WebSocket, its ids, and the marks not yet played."""

from __future__ import annotations

import asyncio
import base64
import json
import time
from dataclasses import dataclass, field
from typing import Any

from websockets.asyncio.server import ServerConnection

from roomkit_rtp.g711 import ulaw_encode
from roomkit_rtp.resample import resample

WIRE_RATE = 8000
CHUNK_BYTES = 160  # 20 ms of mu-law at 8 kHz


@dataclass
class TwilioStream:
    """What Twilio said in its ``start`` message."""

    stream_sid: str
    call_sid: str
    account_sid: str = ""
    custom_parameters: dict[str, str] = field(default_factory=dict)
    tracks: list[str] = field(default_factory=list)


class StreamConnection:
    """Sends audio, marks and clears on one stream; remembers which marks Twilio has not yet
    played back (so ``cancel_audio`` knows if anything was cut)."""

    def __init__(self, ws: ServerConnection, stream: TwilioStream, lead: float = 0.1) -> None:
        self.ws = ws
        self.stream = stream
        self.lead = lead
        self._plays_until = 0.0  # monotonic time at which the audio sent so far ends
        self.pending_marks: set[str] = set()
        self._mark_counter = 0
        self._carry = b""

    async def _send(self, message: dict[str, Any]) -> None:
        await self.ws.send(json.dumps(message))

    async def play(self, pcm: bytes, sample_rate: int) -> None:
        wire = self._carry + ulaw_encode(resample(pcm, sample_rate, WIRE_RATE))
        whole = len(wire) - len(wire) % CHUNK_BYTES
        self._carry = wire[whole:]
        for offset in range(0, whole, CHUNK_BYTES):
            payload = base64.b64encode(wire[offset : offset + CHUNK_BYTES]).decode()
            await self._send(
                {
                    "event": "media",
                    "streamSid": self.stream.stream_sid,
                    "media": {"payload": payload},
                }
            )
        if whole:
            await self.mark()
            await self._pace(whole / WIRE_RATE)

    async def _pace(self, seconds: float) -> None:
        """Stay at most ``lead`` seconds ahead of what Twilio plays, so a reply lasts as long
        as it sounds (barge-in needs to know it is still playing) and clear cuts little."""
        now = time.monotonic()
        self._plays_until = max(self._plays_until, now) + seconds
        ahead = self._plays_until - now - self.lead
        if ahead > 0:
            await asyncio.sleep(ahead)

    async def flush(self) -> None:
        """Send a last partial chunk (the end of a reply)."""
        if self._carry:
            payload = base64.b64encode(self._carry).decode()
            self._carry = b""
            await self._send(
                {
                    "event": "media",
                    "streamSid": self.stream.stream_sid,
                    "media": {"payload": payload},
                }
            )
            await self.mark()

    async def mark(self) -> str:
        self._mark_counter += 1
        name = f"roomkit-{self._mark_counter}"
        self.pending_marks.add(name)
        await self._send(
            {"event": "mark", "streamSid": self.stream.stream_sid, "mark": {"name": name}}
        )
        return name

    async def clear(self) -> bool:
        """Ask Twilio to drop buffered audio; True if some was still unplayed."""
        self._carry = b""
        self._plays_until = 0.0
        cut = bool(self.pending_marks)
        await self._send({"event": "clear", "streamSid": self.stream.stream_sid})
        return cut
