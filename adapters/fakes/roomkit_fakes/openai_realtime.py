"""A fake of the OpenAI Realtime WebSocket API (``/v1/realtime?model=...``), also spoken by xAI.

The fake plays the server's side of a call: ``session.created`` on connect, server VAD over
the audio it is sent (speech started/stopped, the caller's transcript), spoken answers as
``response.output_audio.delta`` chunks with their transcript, function calls, errors and
dropped connections, all from a script:

* ``on_speech(user=..., reply=...)``: once the client has streamed ``speech_ms`` of audio;
* ``on_response(reply=...)`` / ``on_response(tool_call=(name, args))``: on ``response.create``;
* ``say_error(...)``, ``drop_connections()`` at any time.

With ``vad_level`` set, audio quieter than that RMS is not speech (a WebRTC microphone sends
silence between words), and with ``barge_in_ms`` set an answer is cut only after that much
speech; by default every chunk counts and the first one cuts.

Audio arriving while an answer streams is a barge-in: ``input_audio_buffer.speech_started``
and the answer is cancelled. Everything received is kept in ``events`` and ``connections``.
"""

from __future__ import annotations

import asyncio
import base64
import binascii
import json
import math
import struct
import time
from dataclasses import dataclass, field
from typing import Any

from aiohttp import WSMsgType, web

from roomkit_fakes.server import FakeServer

RATE = 24000
CLIENT_EVENTS = frozenset(
    {
        "session.update",
        "input_audio_buffer.append",
        "input_audio_buffer.commit",
        "input_audio_buffer.clear",
        "conversation.item.create",
        "conversation.item.truncate",
        "conversation.item.delete",
        "conversation.item.retrieve",
        "response.create",
        "response.cancel",
        "output_audio_buffer.clear",
    }
)


@dataclass
class RealtimeTurn:
    trigger: str  # "speech" or "response"
    user: str = ""
    reply: str = ""
    reply_ms: int = 100
    chunk_ms: int = 20
    chunk_delay: float = 0.0
    tool_call: tuple[str, dict[str, Any], str] | None = None
    raw_arguments: str | None = None


@dataclass
class RealtimeConnection:
    """One WebSocket connection as the fake saw it."""

    path: str
    query: dict[str, str]
    headers: dict[str, str]
    events: list[dict[str, Any]] = field(default_factory=list)
    audio: bytearray = field(default_factory=bytearray)
    ws: web.WebSocketResponse | None = None
    #: perf_counter() when each input_audio_buffer.append arrived / each audio delta was sent
    audio_arrivals: list[float] = field(default_factory=list)
    audio_departures: list[float] = field(default_factory=list)
    #: len(audio) after each input_audio_buffer.append (a client may send several frames in one)
    audio_marks: list[int] = field(default_factory=list)

    def of_type(self, kind: str) -> list[dict[str, Any]]:
        return [e for e in self.events if e.get("type") == kind]

    @property
    def session(self) -> dict[str, Any]:
        updates = self.of_type("session.update")
        return updates[-1]["session"] if updates else {}


def tone(ms: int, rate: int = RATE, level: int = 2000) -> bytes:
    """A square wave (20 samples up, 20 down): easy to tell from silence on the far side."""
    period = struct.pack("<h", -level) * 20 + struct.pack("<h", level) * 20
    size = 2 * (rate * ms // 1000)
    return (period * (size // len(period) + 1))[:size]


def _rms(pcm: bytes) -> float:
    count = len(pcm) // 2
    if not count:
        return 0.0
    samples = struct.unpack(f"<{count}h", pcm[: count * 2])
    return math.sqrt(sum(s * s for s in samples) / count)


class OpenAIRealtimeFake(FakeServer):
    def __init__(
        self,
        *,
        speech_ms: int = 100,
        path_prefix: str = "/v1",
        vad_level: int = 0,
        barge_in_ms: int = 0,
    ) -> None:
        super().__init__()
        self.speech_ms = speech_ms
        #: chunks quieter than this RMS are silence: not speech, no barge-in (0: all is speech)
        self.vad_level = vad_level
        #: speech needed while an answer streams to cut it (0: the first chunk cuts it)
        self.barge_in_ms = barge_in_ms
        self.path_prefix = path_prefix
        self.turns: list[RealtimeTurn] = []
        self.connections: list[RealtimeConnection] = []
        self.refuse_connections = 0  # the next N connection attempts get HTTP 503

    # scripting -----------------------------------------------------------------------------
    def on_speech(self, user: str, reply: str = "", **options: Any) -> OpenAIRealtimeFake:
        self.turns.append(RealtimeTurn("speech", user=user, reply=reply, **options))
        return self

    def on_response(
        self,
        reply: str = "",
        *,
        tool_call: tuple[str, dict[str, Any]] | tuple[str, dict[str, Any], str] | None = None,
        **options: Any,
    ) -> OpenAIRealtimeFake:
        call = None
        if tool_call is not None:
            name, args, *rest = tool_call
            call = (name, args, rest[0] if rest else f"call_{len(self.turns) + 1}")
        self.turns.append(RealtimeTurn("response", reply=reply, tool_call=call, **options))
        return self

    async def say_error(self, message: str, code: str = "server_error") -> None:
        for connection in self.open_connections:
            await self._send(connection, self._error(message, code, "server_error"))

    async def drop_connections(self) -> None:
        """Cut every open connection abruptly (code 1011), as a crashed server would."""
        for connection in self.open_connections:
            assert connection.ws is not None
            await connection.ws.close(code=1011, message=b"fake server dropped the connection")

    async def stop(self) -> None:
        for connection in self.open_connections:
            assert connection.ws is not None
            await connection.ws.close(code=1001, message=b"fake server stopping")
        await super().stop()

    @property
    def open_connections(self) -> list[RealtimeConnection]:
        return [c for c in self.connections if c.ws is not None and not c.ws.closed]

    @property
    def ws_url(self) -> str:
        return f"ws://127.0.0.1:{self.port}{self.path_prefix}"

    # the server ----------------------------------------------------------------------------
    def routes(self) -> list[web.RouteDef]:
        return [web.get(f"{self.path_prefix}/realtime", self.handle)]

    async def handle(self, request: web.Request) -> web.StreamResponse:
        if self.refuse_connections > 0:
            self.refuse_connections -= 1
            return web.json_response({"error": {"message": "overloaded"}}, status=503)
        if not self.api_key(request, "x-api-key"):
            return web.json_response(
                {
                    "error": {
                        "message": "Missing bearer authentication",
                        "type": "invalid_request_error",
                    }
                },
                status=401,
            )
        if not request.query.get("model"):
            return web.json_response({"error": {"message": "missing model"}}, status=400)
        ws = web.WebSocketResponse(max_msg_size=0)
        await ws.prepare(request)
        connection = RealtimeConnection(
            request.path,
            dict(request.query),
            {k.lower(): v for k, v in request.headers.items()},
            ws=ws,
        )
        self.connections.append(connection)
        state = _CallState()
        await self._send(
            connection,
            {
                "type": "session.created",
                "session": {
                    "id": f"sess_{len(self.connections)}",
                    "type": "realtime",
                    "model": request.query["model"],
                },
            },
        )
        try:
            async for message in ws:
                if message.type is not WSMsgType.TEXT:
                    await self._send(
                        connection, self._error("binary frames are not accepted", "invalid_event")
                    )
                    continue
                await self._on_client_event(connection, state, message.data)
        finally:
            if state.responding is not None:
                state.responding.cancel()
        return ws

    async def _on_client_event(
        self, connection: RealtimeConnection, state: _CallState, raw: str
    ) -> None:
        try:
            event = json.loads(raw)
        except json.JSONDecodeError as exc:
            await self._send(connection, self._error(f"invalid JSON: {exc}", "invalid_json"))
            return
        connection.events.append(event)
        kind = event.get("type")
        if kind not in CLIENT_EVENTS:
            await self._send(
                connection, self._error(f"unknown client event type {kind!r}", "invalid_event")
            )
            return
        if kind == "session.update":
            session = event.get("session") or {}
            await self._send(connection, {"type": "session.updated", "session": session})
        elif kind == "input_audio_buffer.append":
            try:
                audio = base64.b64decode(event.get("audio", ""), validate=True)
            except (binascii.Error, ValueError):
                await self._send(connection, self._error("audio is not base64", "invalid_value"))
                return
            connection.audio += audio
            connection.audio_arrivals.append(time.perf_counter())
            connection.audio_marks.append(len(connection.audio))
            if self.vad_level and _rms(audio) < self.vad_level:
                return
            await self._on_audio(connection, state, len(audio))
        elif kind == "conversation.item.create":
            item = event.get("item") or {}
            if item.get("type") not in ("message", "function_call_output"):
                await self._send(connection, self._error("item.type invalid", "invalid_value"))
                return
            await self._send(connection, {"type": "conversation.item.created", "item": item})
        elif kind == "response.create":
            turn = self._next("response")
            if turn is not None:
                self._start(connection, state, turn)
        elif kind == "response.cancel":
            if state.responding is None or state.responding.done():
                await self._send(
                    connection, self._error("no active response", "response_cancel_not_active")
                )
            else:
                state.responding.cancel()

    async def _on_audio(self, connection: RealtimeConnection, state: _CallState, size: int) -> None:
        if state.responding is not None and not state.responding.done():
            state.heard += size
            if state.heard < RATE * 2 * self.barge_in_ms // 1000:
                return
            state.responding.cancel()
            await self._send(
                connection, {"type": "input_audio_buffer.speech_started", "audio_start_ms": 0}
            )
            state.barged = True
            state.heard = 0
            return
        state.heard += size
        if state.heard < RATE * 2 * self.speech_ms // 1000:
            return
        state.heard = 0
        if state.barged:
            state.barged = False
            await self._send(connection, {"type": "input_audio_buffer.speech_stopped"})
        turn = self._next("speech")
        if turn is None:
            return
        await self._send(
            connection, {"type": "input_audio_buffer.speech_started", "audio_start_ms": 0}
        )
        await self._send(
            connection,
            {"type": "input_audio_buffer.speech_stopped", "audio_end_ms": self.speech_ms},
        )
        await self._send(connection, {"type": "input_audio_buffer.committed", "item_id": "item_in"})
        await self._send(
            connection,
            {
                "type": "conversation.item.input_audio_transcription.completed",
                "item_id": "item_in",
                "content_index": 0,
                "transcript": turn.user,
            },
        )
        if turn.reply or turn.tool_call:
            self._start(connection, state, turn)

    def _next(self, trigger: str) -> RealtimeTurn | None:
        for i, turn in enumerate(self.turns):
            if turn.trigger == trigger:
                return self.turns.pop(i)
        return None

    def _start(self, connection: RealtimeConnection, state: _CallState, turn: RealtimeTurn) -> None:
        state.responses += 1
        state.responding = asyncio.create_task(
            self._respond(connection, f"resp_{state.responses}", turn)
        )

    async def _respond(self, connection: RealtimeConnection, rid: str, turn: RealtimeTurn) -> None:
        try:
            await self._send(
                connection,
                {"type": "response.created", "response": {"id": rid, "status": "in_progress"}},
            )
            if turn.tool_call is not None:
                name, args, call_id = turn.tool_call
                arguments = (
                    turn.raw_arguments if turn.raw_arguments is not None else json.dumps(args)
                )
                await self._send(
                    connection,
                    {
                        "type": "response.function_call_arguments.done",
                        "response_id": rid,
                        "item_id": f"item_{call_id}",
                        "output_index": 0,
                        "call_id": call_id,
                        "name": name,
                        "arguments": arguments,
                    },
                )
            else:
                audio = tone(turn.reply_ms)
                step = RATE * 2 * turn.chunk_ms // 1000
                for start in range(0, len(audio), step):
                    connection.audio_departures.append(time.perf_counter())
                    await self._send(
                        connection,
                        {
                            "type": "response.output_audio.delta",
                            "response_id": rid,
                            "item_id": f"item_{rid}",
                            "output_index": 0,
                            "content_index": 0,
                            "delta": base64.b64encode(audio[start : start + step]).decode(),
                        },
                    )
                    if turn.chunk_delay:
                        await asyncio.sleep(turn.chunk_delay)
                await self._send(
                    connection,
                    {
                        "type": "response.output_audio_transcript.done",
                        "response_id": rid,
                        "item_id": f"item_{rid}",
                        "output_index": 0,
                        "content_index": 0,
                        "transcript": turn.reply,
                    },
                )
            await self._send(
                connection,
                {"type": "response.done", "response": {"id": rid, "status": "completed"}},
            )
        except asyncio.CancelledError:
            if connection.ws is not None and not connection.ws.closed:
                await self._send(
                    connection,
                    {"type": "response.done", "response": {"id": rid, "status": "cancelled"}},
                )
            raise

    async def _send(self, connection: RealtimeConnection, event: dict[str, Any]) -> None:
        if connection.ws is None or connection.ws.closed:
            return
        event.setdefault("event_id", f"event_{id(event)}")
        try:
            await connection.ws.send_str(json.dumps(event))
        except ConnectionError:
            pass

    @staticmethod
    def _error(message: str, code: str, kind: str = "invalid_request_error") -> dict[str, Any]:
        return {"type": "error", "error": {"type": kind, "code": code, "message": message}}


@dataclass
class _CallState:
    heard: int = 0
    responses: int = 0
    barged: bool = False
    responding: asyncio.Task[None] | None = None
