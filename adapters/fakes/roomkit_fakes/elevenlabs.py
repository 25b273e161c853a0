"""A fake of ElevenLabs' streaming text-to-speech: ``POST /v1/text-to-speech/{voice}/stream``.

It speaks a tone whose length follows the text (``ms_per_char``), one chunk per word, as raw
16-bit PCM at the rate named by ``output_format=pcm_<rate>``. Scripting covers what a voice
agent must survive: HTTP errors (``fail_next``), a stream that pauses after its first chunk
until released (``hold_after_first``) and one that stalls for good (``stall_after``). Each
request is kept in ``syntheses`` with how many chunks went out and whether the client hung up.
"""

from __future__ import annotations

import asyncio
import math
import struct
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web

from roomkit_fakes.server import FakeServer, ProtocolError

PCM_RATES = {8000, 16000, 22050, 24000, 44100, 48000}


@dataclass
class Synthesis:
    voice_id: str
    text: str
    body: dict[str, Any]
    query: dict[str, str]
    headers: dict[str, str]
    chunks_planned: int = 0
    chunks_sent: int = 0
    finished: bool = False
    client_hung_up: bool = False
    first_chunk_sent: asyncio.Event = field(default_factory=asyncio.Event)


def tone(rate: int, samples: int, start: int, hz: float = 180.0) -> bytes:
    step = 2 * math.pi * hz / rate
    return struct.pack(
        f"<{samples}h", *(int(4000 * math.sin(step * (start + i))) for i in range(samples))
    )


class ElevenLabsFake(FakeServer):
    def __init__(self, *, api_key: str = "el-test-key") -> None:
        super().__init__()
        self.api_key_expected = api_key
        self.syntheses: list[Synthesis] = []
        self.ms_per_char = 12.0
        self.chunk_delay = 0.0
        self.errors: list[int] = []
        self.hold: asyncio.Event | None = None
        self.stall_after_chunks: int | None = None

    # scripting -----------------------------------------------------------------------------
    def fail_next(self, status: int) -> ElevenLabsFake:
        self.errors.append(status)
        return self

    def hold_after_first(self) -> asyncio.Event:
        """Streams pause after their first chunk until the returned event is set."""
        self.hold = asyncio.Event()
        return self.hold

    def stall_after(self, chunks: int) -> ElevenLabsFake:
        """Streams send ``chunks`` chunks, then nothing more (the connection stays open)."""
        self.stall_after_chunks = chunks
        return self

    def routes(self) -> list[web.RouteDef]:
        return [web.post("/v1/text-to-speech/{voice_id}/stream", self.stream)]

    @staticmethod
    def _error(status: int, message: str) -> web.Response:
        return web.json_response({"detail": {"status": "error", "message": message}}, status=status)

    async def stream(self, request: web.Request) -> web.StreamResponse:
        body = await self.record(request)
        if request.headers.get("xi-api-key") != self.api_key_expected:
            return self._error(401, "Invalid API key")
        if self.errors:
            status = self.errors.pop(0)
            return self._error(status, f"scripted HTTP {status}")
        try:
            rate = self._rate(request.query.get("output_format", "mp3_44100_128"))
            text = body.get("text")
            self.require(isinstance(text, str) and bool(text.strip()), "text: required")
        except ProtocolError as exc:
            return self._error(400, str(exc))
        synthesis = Synthesis(
            request.match_info["voice_id"],
            str(text),
            body,
            dict(request.query),
            {k.lower(): v for k, v in request.headers.items()},
        )
        self.syntheses.append(synthesis)
        return await self._speak(request, synthesis, rate)

    def _rate(self, output_format: str) -> int:
        kind, _, rate = output_format.partition("_")
        self.require(
            kind == "pcm" and rate.isdigit(), f"this fake speaks pcm only: {output_format}"
        )
        self.require(int(rate) in PCM_RATES, f"unsupported pcm rate {rate}")
        return int(rate)

    async def _speak(
        self, request: web.Request, synthesis: Synthesis, rate: int
    ) -> web.StreamResponse:
        words = synthesis.text.split()
        synthesis.chunks_planned = len(words)
        response = web.StreamResponse(headers={"Content-Type": "audio/pcm"})
        await response.prepare(request)
        position = 0
        try:
            for index, word in enumerate(words):
                samples = int(rate * self.ms_per_char * (len(word) + 1) / 1000)
                await response.write(tone(rate, samples, position))
                position += samples
                synthesis.chunks_sent += 1
                synthesis.first_chunk_sent.set()
                if index == 0 and self.hold is not None:
                    await self._wait_or_hangup(request, synthesis, self.hold)
                if (
                    self.stall_after_chunks is not None
                    and synthesis.chunks_sent >= self.stall_after_chunks
                ):
                    await self._wait_or_hangup(request, synthesis, asyncio.Event())
                if synthesis.client_hung_up:
                    return response
                if self.chunk_delay:
                    await asyncio.sleep(self.chunk_delay)
            await response.write_eof()
            synthesis.finished = True
        except (ConnectionResetError, ConnectionError):
            synthesis.client_hung_up = True
        return response

    @staticmethod
    async def _wait_or_hangup(
        request: web.Request, synthesis: Synthesis, gate: asyncio.Event
    ) -> None:
        while not gate.is_set():
            transport = request.transport
            if transport is None or transport.is_closing():
                synthesis.client_hung_up = True
                return
            await asyncio.sleep(0.01)
